"""Build the site and write screenshots of the home page and of one proposal page.

    python scripts/screenshots.py OUT_DIR [--slug SLUG]

Writes OUT_DIR/{home,proposal}-{desktop,phone}.png, full-page, in headless Chromium
(/usr/bin/chromium, or $CHROMIUM).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench.harness import build_site, chromium, serve

VIEWPORTS = {"desktop": (1280, 900), "phone": (375, 812)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--slug", default="rule-of-law", help="the proposal page to capture")
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = build_site(Path(tmp) / "site")
        with serve(site) as base, chromium() as browser:
            for name, (width, height) in VIEWPORTS.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                for label, path in (("home", ""), ("proposal", f"{args.slug}/")):
                    page.goto(base + path, wait_until="networkidle")
                    target = args.out_dir / f"{label}-{name}.png"
                    page.screenshot(path=str(target), full_page=True)
                    print(target)
                page.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
