"""`mkdocs serve` rebuilds the site when a proposal's YAML changes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from bench.harness import mkdocs_serve, wait_for_page
from cppcc.punctuation import full_width
from helpers import copy_project

DEADLINE = 60  # seconds: generous, this is no benchmark


def wait_for(url: str, server: subprocess.Popen, log: Path, until) -> str:
    """Poll `url` until `until(body)` holds; fail with the server's log on timeout or exit."""
    body, _ = wait_for_page(url, until, DEADLINE, alive=lambda: server.poll() is None)
    if server.poll() is not None:
        pytest.fail(f"mkdocs serve exited ({server.returncode}):\n{log.read_text()}")
    if body is None:
        pytest.fail(f"{url} did not show the change within {DEADLINE} s:\n{log.read_text()}")
    return body


def served(body: str) -> str:
    """A served page without the build number that serve's live-reload script carries."""
    return re.sub(r"livereload\(\d+, \d+\)", "livereload()", body)


@pytest.fixture
def project(repo, tmp_path) -> Path:
    """A copy of the project's site sources, to edit freely."""
    return copy_project(tmp_path)


def test_serve_rebuilds_when_a_proposal_changes(project, tmp_path):
    yaml_file = project / "proposals" / "rule-of-law.yaml"
    before = "执法工作机制需要完善,"
    after = "执法工作机制需要完善(改动后的文字),"
    source = yaml_file.read_text(encoding="utf-8")
    assert source.count(before) == 1

    log = tmp_path / "serve.log"
    with mkdocs_serve(project / "mkdocs.yml", log) as (base, server):
        url = base + "rule-of-law/"
        # the page shows the text with its marks full width (`punctuation`)
        page = wait_for(url, server, log, lambda body: full_width(before) in body)
        assert full_width(after) not in page
        yaml_file.write_text(source.replace(before, after), encoding="utf-8")
        wait_for(url, server, log, lambda body: full_width(after) in body)


def test_serve_shows_an_edit_on_every_page_it_reaches(project, tmp_path):
    """Serve renders again only the pages whose inputs changed: a changed title must still reach
    the neighbour's pager, and a changed config every page."""
    yaml_file = project / "proposals" / "rule-of-law.yaml"
    old_title = "关于进一步做优做强法治政府建设辽源样板的建议"
    new_title = "关于进一步做优做强法治政府建设辽源样板的建议(改)"
    source = yaml_file.read_text(encoding="utf-8")
    config = project / "mkdocs.yml"
    log = tmp_path / "serve.log"
    with mkdocs_serve(project / "mkdocs.yml", log) as (base, server):
        neighbour, other = base + "vocational-education/", base + "primary-healthcare/"
        assert f"上一篇：{old_title}" in wait_for(neighbour, server, log, lambda body: True)
        unchanged = served(wait_for(other, server, log, lambda body: True))
        yaml_file.write_text(source.replace(f"title: {old_title}", f"title: {new_title}"),
                             encoding="utf-8")
        wait_for(neighbour, server, log, lambda body: f"上一篇：{new_title}" in body)
        assert served(wait_for(other, server, log, lambda body: True)) == unchanged
        # the search index follows a moment later (built after the pages are served)
        wait_for(base + "search/cppcc/p/0.json", server, log, lambda body: new_title in body)

        marker = "本站照录原文(测试改动)"
        config.write_text(config.read_text(encoding="utf-8").replace("本站照录原文", marker),
                          encoding="utf-8")
        wait_for(other, server, log, lambda body: marker in body)
