#!/usr/bin/env python3
"""One entry point for people and CI; needs nothing but Python 3.11+.

    python3 scripts/dev.py serve [mkdocs serve options]   set up, then serve the site locally
    python3 scripts/dev.py test  [pytest options]         set up, then run the whole test suite
                                                          (a worker a core, up to 4: `-n 0` for one)
    python3 scripts/dev.py build [mkdocs build options]   set up, then build the site into site/

Set-up makes `.venv/` and installs the project into it (again only when pyproject.toml changed);
`test` also installs Debian's chromium and CJK fonts with apt-get when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
NODE = Path("/usr/bin/node")  # Debian's nodejs: tests/test_search_parity.py runs engine.js
MAX_WORKERS = 4  # test workers: each builds the real site and starts a Chromium of its own


def run(cmd: list[str], **kwargs) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True, **kwargs)


def setup(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this runs before anything is installed
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    if not PYTHON.exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    target = f".[{extras}]" if extras else "."
    run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], cwd=ROOT)
    run([str(PYTHON), "-m", "pip", "install", "--quiet", "-e", target], cwd=ROOT)
    stamp.write_text(digest)


def ensure_chromium() -> None:
    if CHROMIUM.exists() and NODE.exists():
        return
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    if sudo and not shutil.which("sudo"):
        sys.exit(f"{CHROMIUM} or {NODE} is missing: install Debian's chromium, fonts-noto-cjk "
                 "and nodejs as root")
    run([*sudo, "apt-get", "update", "-qq"])
    run([*sudo, "apt-get", "install", "-y", "-qq", "chromium", "fonts-noto-cjk", "nodejs"],
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})


def workers(options: list[str]) -> list[str]:
    """pytest-xdist's options: a worker a core (at most MAX_WORKERS), each test file on one
    worker (its module's fixtures, the sites it builds, made once); none if the options choose."""
    if any(o.startswith(("-n", "--numprocesses", "--dist")) or o == "no:xdist" for o in options):
        return []
    return ["-n", str(min(os.cpu_count() or 1, MAX_WORKERS)), "--dist", "loadfile"]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("serve", "test", "build"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if command == "test":
        setup("test")
        ensure_chromium()
        return subprocess.run([str(PYTHON), "-m", "pytest", *workers(rest), *rest], cwd=ROOT,
                              env=env, check=False).returncode
    setup("")
    return subprocess.run([str(PYTHON), "-m", "mkdocs", command, *rest], cwd=ROOT, env=env,
                          check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
