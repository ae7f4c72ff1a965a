"""Helpers only the tests use (what the tests share with the benchmarks is scripts/bench/harness.py)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from cppcc import urls
from cppcc.plugin import SITEMAP

REPO = Path(__file__).resolve().parents[1]
PHONE = {"width": 375, "height": 812}  # the browser tests' viewports
DESKTOP = {"width": 1280, "height": 900}


def read_feeds(site: Path) -> dict[str, bytes]:
    """Every feed of a built site, by its site path (not the empty sitemaps Material asks for
    beside them: plugin.EMPTY_SITEMAP)."""
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted((site / urls.FEEDS).rglob("*.xml")) if p.name != SITEMAP}


def copy_project(root: Path) -> Path:
    """A copy of the repository's MkDocs project (mkdocs.yml, docs/, proposals/) in `root`."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("docs", "proposals"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under `folder`, with the hash of each file's bytes."""
    return {p.relative_to(folder).as_posix(): (
        hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir")
        for p in sorted(folder.rglob("*"))}


def run_cppcc(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """The `cppcc` command, as a person runs it, in a child process."""
    return subprocess.run([sys.executable, "-m", "cppcc", *args], cwd=cwd, capture_output=True,
                          text=True, check=False)


def processes_naming(text: str) -> list[int]:
    """Pids of the processes whose command line holds `text`."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and text in (entry / "cmdline").read_text(errors="replace"):
                found.append(int(entry.name))
        except OSError:
            pass
    return found
