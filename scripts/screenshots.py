"""Build the site and write screenshots of it, to look at before a release.

    python scripts/screenshots.py OUT_DIR [--slug SLUG]

Writes into OUT_DIR, in headless Chromium (/usr/bin/chromium, or $CHROMIUM):

- `<page>-<desktop|phone>-<light|dark>.png` at 1280×800 and 375×812, in both colour schemes, of
  the home page, a proposal (the whole page), a deep link to its third recommendation, a search
  with results and 404.html, the page a server sends for a missing address;
- `print-<slug>.pdf`, the proposal printed on A4 as a reader's print button prints it, and
  `print-<slug>.png`, the proposal in print media at A4's width (one long image); the PDF's
  page count is printed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench.harness import REPO, build_site, chromium, pdf_pages, serve
from cppcc.loading import load_corpus

VIEWPORTS = {"desktop": (1280, 800), "phone": (375, 812)}
SCHEMES = ("light", "dark")
A4 = (794, 1123)  # 210 × 297 mm at 96 px an inch
QUERY = "专精特新"
SETTLED = "document.getAnimations().every(a => a.playState !== 'running')"


def shots(slug: str) -> list[tuple[str, str, bool]]:
    """(name, path, whole page?) of every screenshot."""
    proposal = next(p for p in load_corpus(REPO / "proposals").proposals if p.slug == slug)
    item = proposal.recommendations[min(2, len(proposal.recommendations) - 1)].id
    return [("home", "", True), ("proposal", f"{slug}/", True), ("item", f"{slug}/#{item}", False),
            ("search", f"?q={QUERY}", False), ("404", "404.html", False)]


def take(page, base: str, path: str, target: Path, full_page: bool) -> None:
    page.goto(base + path, wait_until="networkidle")
    if "?q=" in path:
        page.locator(".md-search-result__item").first.wait_for()
    page.wait_for_function(SETTLED)
    page.wait_for_timeout(500)  # CSS transitions that are not listed as animations
    page.screenshot(path=str(target), full_page=full_page)
    print(target)


def print_preview(browser, base: str, slug: str, out: Path) -> None:
    page = browser.new_page(viewport={"width": A4[0], "height": A4[1]}, locale="zh-CN")
    page.goto(f"{base}{slug}/", wait_until="networkidle")
    pdf = page.pdf(format="A4")
    (out / f"print-{slug}.pdf").write_bytes(pdf)
    page.emulate_media(media="print")
    page.screenshot(path=str(out / f"print-{slug}.png"), full_page=True)
    print(out / f"print-{slug}.pdf", f"({pdf_pages(pdf)} A4 pages)")
    print(out / f"print-{slug}.png")
    page.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--slug", default="time-honored-brands", help="the proposal to capture")
    args = parser.parse_args()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    pages = shots(args.slug)
    with tempfile.TemporaryDirectory() as tmp:
        site = build_site(Path(tmp) / "site")
        with serve(site) as base, chromium() as browser:
            for size, (width, height) in VIEWPORTS.items():
                for scheme in SCHEMES:
                    context = browser.new_context(viewport={"width": width, "height": height},
                                                  color_scheme=scheme, locale="zh-CN")
                    page = context.new_page()
                    for name, path, full_page in pages:
                        take(page, base, path, args.out_dir / f"{name}-{size}-{scheme}.png",
                             full_page)
                    context.close()
            print_preview(browser, base, args.slug, args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
