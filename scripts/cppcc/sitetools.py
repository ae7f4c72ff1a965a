"""Build, serve and browse a built site: shared by the tests, the benchmarks and the scripts.

Playwright is imported only by `chromium()`, so the build itself never needs it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def run_build(dest: Path, config: Path = REPO / "mkdocs.yml") -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of `config` into `dest`, in a child process as a person runs it."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(dest)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(cmd, capture_output=True, text=True, env=env)


def build_site(dest: Path, config: Path = REPO / "mkdocs.yml") -> Path:
    """Build the site into `dest` and return it; raise with MkDocs' output if the build fails."""
    done = run_build(dest, config)
    if done.returncode != 0:
        raise RuntimeError(f"mkdocs build failed ({done.returncode}):\n{done.stderr}")
    return dest


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve a built site on a free loopback port; yields its base URL, ending in `/`."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium():
    """Headless Debian Chromium driven by Playwright (which cannot download its own here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
