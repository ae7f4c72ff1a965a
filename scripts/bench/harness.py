"""Build, serve and browse a built site: shared by the tests, the benchmarks and the scripts.

Not part of the `cppcc` package (the product never needs a browser or a server of its own);
Playwright is imported only by `chromium()`.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def run_build(dest: Path, config: Path = REPO / "mkdocs.yml", *,
              builder: str = "mkdocs") -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of `config` into `dest`, in a child process as a person runs it;
    `builder="properdocs"` builds with ProperDocs instead."""
    cmd = [sys.executable, "-m", builder, "build", "--strict", "-f", str(config), "-d", str(dest)]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)


def build_site(dest: Path, config: Path = REPO / "mkdocs.yml", *, builder: str = "mkdocs") -> Path:
    """Build the site into `dest` and return it; raise with the builder's output if it fails."""
    done = run_build(dest, config, builder=builder)
    if done.returncode != 0:
        raise RuntimeError(f"{builder} build failed ({done.returncode}):\n{done.stderr}")
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch_text(url: str) -> str | None:
    """The body of a page, or None while the server cannot give it."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for_page(url: str, until, timeout: float, alive=lambda: True) -> tuple[str | None, float]:
    """Poll `url` until `until(body)` holds (or `alive()` stops holding, or time runs out);
    returns the body (None if it never held) and the seconds waited."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout and alive():
        body = fetch_text(url)
        if body is not None and until(body):
            return body, time.perf_counter() - start
        time.sleep(0.1)
    return None, time.perf_counter() - start


@contextlib.contextmanager
def mkdocs_serve(config: Path, log: Path | None = None) -> Iterator[tuple[str, subprocess.Popen]]:
    """`mkdocs serve` of `config` on a free loopback port; yields its base URL and the process,
    and stops it (with its children) afterwards."""
    port = free_port()
    cmd = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}", "-f", str(config)]
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(log.open("w")) if log else subprocess.DEVNULL
        server = subprocess.Popen(cmd, cwd=config.parent, stdout=out, stderr=subprocess.STDOUT,
                                  env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                                  start_new_session=True)
        try:
            yield f"http://127.0.0.1:{port}/", server
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


class SiteServer(ThreadingHTTPServer):
    """Serves one folder on loopback, sending `headers` with every response and counting the
    bytes it sends: all of them, and apart those whose path holds one of `search_paths`."""

    def __init__(self, site: Path, headers: dict[str, str], search_paths: tuple[str, ...]):
        super().__init__(("127.0.0.1", 0), functools.partial(_Handler, directory=str(site)))
        self.extra_headers, self.search_paths = headers, search_paths
        self.sent = self.search_sent = 0
        self.lock = threading.Lock()
        self.url = f"http://127.0.0.1:{self.server_address[1]}/"

    def count(self, path: str, size: int) -> None:
        with self.lock:
            self.sent += size
            if any(part in path for part in self.search_paths):
                self.search_sent += size

    def take(self) -> tuple[int, int]:
        """(all bytes, search bytes) sent since the last call, and start counting again."""
        with self.lock:
            out = (self.sent, self.search_sent)
            self.sent = self.search_sent = 0
        return out


class _Handler(SimpleHTTPRequestHandler):
    server: SiteServer

    def log_message(self, format, *args):
        pass

    def end_headers(self):
        for name, value in self.server.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def copyfile(self, source, outputfile):
        data = source.read()
        try:
            outputfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # a page closed mid-fetch: not received
            return
        self.server.count(self.path, len(data))


@contextlib.contextmanager
def site_server(site: Path, *, headers: dict[str, str] | None = None,
                search_paths: tuple[str, ...] = ()) -> Iterator[SiteServer]:
    """Serve a built site on a free loopback port (see `SiteServer`) until the block ends."""
    server = SiteServer(site, headers or {}, search_paths)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def serve(site: Path, headers: dict[str, str] | None = None) -> Iterator[str]:
    """Serve a built site on a free loopback port; yields its base URL, ending in `/`."""
    with site_server(site, headers=headers) as server:
        yield server.url


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


_PDF_PAGE = re.compile(rb"/Type\s*/Page\b")


def pdf_pages(pdf: bytes) -> int:
    """The number of pages of a PDF that Chromium printed (it writes each page object as is,
    `/Type /Page`, not inside a compressed object stream)."""
    return len(_PDF_PAGE.findall(pdf))


# -- a process tree's memory (Linux /proc) ----------------------------------------------------

def rollup(pid: int) -> tuple[int, int, int]:
    """(Rss, Pss, Private) in kB of a process, zeros once it is gone."""
    rss = pss = private = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key == "Rss":
                rss = int(rest.split()[0])
            elif key == "Pss":
                pss = int(rest.split()[0])
            elif key in ("Private_Clean", "Private_Dirty"):
                private += int(rest.split()[0])
    except (OSError, ValueError, IndexError):
        pass
    return rss, pss, private


def process_tree(root: int) -> dict[int, int]:
    """pid -> parent pid, for the process tree under `root`."""
    out, todo = {root: 0}, [root]
    while todo:
        here = todo.pop()
        try:
            children = Path(f"/proc/{here}/task/{here}/children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            out[child] = here
            todo.append(child)
    return out


@dataclass
class Measured:
    """One command's run: wall time, exit code, what it printed (stdout, then stderr), and the
    peak memory of its whole process tree (the sum of its processes' proportional set sizes,
    sampled every `interval` s, so that pages forked children share are counted once) and of
    its largest process (resident), in MB."""

    seconds: float
    returncode: int
    output: str
    tree_mb: float
    largest_mb: float


def measured(cmd: list[str], env: dict[str, str] | None = None,
             interval: float = 0.1) -> Measured:
    tree = largest = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as out:
        start = time.perf_counter()
        process = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
        while process.poll() is None:
            sizes = [rollup(pid) for pid in process_tree(process.pid)]
            tree = max(tree, sum(pss for _, pss, _ in sizes))
            largest = max([largest, *(rss for rss, _, _ in sizes)])
            time.sleep(interval)
        seconds = time.perf_counter() - start
        out.seek(0)
        return Measured(seconds, process.returncode, out.read(), tree / 1024, largest / 1024)
