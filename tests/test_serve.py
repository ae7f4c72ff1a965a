"""`mkdocs serve` rebuilds the site when a proposal's YAML changes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cppcc.sitetools import mkdocs_serve, wait_for_page

DEADLINE = 60  # seconds: generous, this is no benchmark


def wait_for(url: str, server: subprocess.Popen, log: Path, until) -> str:
    """Poll `url` until `until(body)` holds; fail with the server's log on timeout or exit."""
    body, _ = wait_for_page(url, until, DEADLINE, alive=lambda: server.poll() is None)
    if server.poll() is not None:
        pytest.fail(f"mkdocs serve exited ({server.returncode}):\n{log.read_text()}")
    if body is None:
        pytest.fail(f"{url} did not show the change within {DEADLINE} s:\n{log.read_text()}")
    return body


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

    log = tmp_path / "serve.log"
    with mkdocs_serve(project / "mkdocs.yml", log) as (base, server):
        url = base + "rule-of-law/"
        page = wait_for(url, server, log, lambda body: before in body)
        assert after not in page
        yaml_file.write_text(source.replace(before, after), encoding="utf-8")
        wait_for(url, server, log, lambda body: after in body)
