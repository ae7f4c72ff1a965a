"""`mkdocs serve` rebuilds the site when a proposal's YAML changes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

DEADLINE = 60  # seconds: generous, this is no benchmark


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_for(url: str, server: subprocess.Popen, log: Path, until) -> str:
    """Poll `url` until `until(body)` holds; fail with the server's log on timeout or exit."""
    end = time.monotonic() + DEADLINE
    while time.monotonic() < end:
        if server.poll() is not None:
            pytest.fail(f"mkdocs serve exited ({server.returncode}):\n{log.read_text()}")
        body = fetch(url)
        if body is not None and until(body):
            return body
        time.sleep(0.3)
    pytest.fail(f"{url} did not show the change within {DEADLINE} s:\n{log.read_text()}")


@pytest.fixture
def project(repo, tmp_path) -> Path:
    """A copy of the project's site sources, to edit freely."""
    shutil.copy(repo / "mkdocs.yml", tmp_path / "mkdocs.yml")
    for folder in ("docs", "proposals"):
        shutil.copytree(repo / folder, tmp_path / folder)
    return tmp_path


def test_serve_rebuilds_when_a_proposal_changes(project, tmp_path):
    yaml_file = project / "proposals" / "rule-of-law.yaml"
    before = "执法工作机制需要完善,"
    after = "执法工作机制需要完善(改动后的文字),"
    source = yaml_file.read_text(encoding="utf-8")
    assert source.count(before) == 1

    port = free_port()
    url = f"http://127.0.0.1:{port}/rule-of-law/"
    cmd = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}",
           "-f", str(project / "mkdocs.yml")]
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(cmd, cwd=project, stdout=out, stderr=subprocess.STDOUT,
                                  env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        page = wait_for(url, server, log, lambda body: before in body)
        assert after not in page
        yaml_file.write_text(source.replace(before, after), encoding="utf-8")
        wait_for(url, server, log, lambda body: after in body)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
