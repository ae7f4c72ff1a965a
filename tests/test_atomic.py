"""Atomic output: a build that fails leaves the previous site/ byte for byte, and no stage behind.

The build writes into a sibling folder and swaps it into place only once everything succeeded
(`cppcc.publishing.StagedSite`). Each fault below is injected into a copy of the real project whose
site was built once; the failing rebuild must leave that site exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.harness import build_site, run_build
from generate_corpus import generate, make_project
from helpers import copy_project, processes_naming, snapshot

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = copy_project(tmp_path_factory.mktemp("atomic") / "project")
    build_site(root / "site", root / "mkdocs.yml")
    return root


@pytest.fixture
def project(built, tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(built, root)
    return root


def edit_text(root: Path) -> None:
    path = root / "proposals" / "rule-of-law.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("执法工作机制需要完善,",
                                                             "执法工作机制需要完善(新),"),
                    encoding="utf-8")


def add_hook(root: Path, code: str) -> None:
    (root / "fail_hook.py").write_text(code, encoding="utf-8")
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as config:
        config.write("\nhooks:\n  - fail_hook.py\n")


def yaml_syntax(root: Path) -> None:
    path = root / "proposals" / "rule-of-law.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n  - [unclosed\n", encoding="utf-8")


def invalid_model(root: Path) -> None:
    path = root / "proposals" / "rule-of-law.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("order: 1", "order: 0"),
                    encoding="utf-8")


def strict_warning(root: Path) -> None:
    (root / "docs" / "stray.md").write_text("[dead](missing.md)\n", encoding="utf-8")


def error_in_page_event(root: Path) -> None:
    add_hook(root, "def on_page_content(html, page, **kwargs):\n"
                   "    if page.file.src_uri == 'keywords/index.md':\n"
                   "        raise RuntimeError('injected failure')\n")


def error_in_post_build(root: Path) -> None:
    add_hook(root, "def on_post_build(config, **kwargs):\n"
                   "    raise RuntimeError('injected failure')\n")


def error_logged_in_post_build(root: Path) -> None:
    add_hook(root, "import logging\n"
                   "def on_post_build(config, **kwargs):\n"
                   "    logging.getLogger('mkdocs.hooks').warning('injected warning')\n")


def error_in_search_index(root: Path) -> None:
    """The index is written by a forked child while the pages are made: it fails there."""
    add_hook(root, "import cppcc.indexprocess\n"
                   "def fail(*args, **kwargs):\n"
                   "    raise RuntimeError('injected failure')\n"
                   "cppcc.indexprocess.index_files = fail\n")


FAULTS = [yaml_syntax, invalid_model, strict_warning, error_in_page_event, error_in_post_build,
          error_logged_in_post_build, error_in_search_index]


@pytest.mark.parametrize("fault", FAULTS, ids=[f.__name__ for f in FAULTS])
def test_a_failed_build_leaves_the_old_site_untouched(project, fault):
    before = snapshot(project / "site")
    edit_text(project)  # so that a build in place, had it happened, would show
    fault(project)
    done = run_build(project / "site", project / "mkdocs.yml")
    assert done.returncode != 0, done.stderr
    assert snapshot(project / "site") == before
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) == []


def test_a_failed_search_index_says_why_without_a_traceback(project):
    error_in_search_index(project)
    done = run_build(project / "site", project / "mkdocs.yml")
    assert "the search index was not written: RuntimeError: injected failure" in done.stderr
    assert "Traceback" not in done.stdout + done.stderr


def test_yaml_errors_fail_without_a_traceback(project):
    yaml_syntax(project)
    done = run_build(project / "site", project / "mkdocs.yml")
    assert "Traceback" not in done.stdout + done.stderr
    assert "proposals/rule-of-law.yaml:" in done.stderr


def test_a_good_build_replaces_the_site_whole(project):
    (project / "site" / "stale.txt").write_text("left over from an older build", encoding="utf-8")
    edit_text(project)
    mode = (project / "site").stat().st_mode
    build_site(project / "site", project / "mkdocs.yml")
    assert not (project / "site" / "stale.txt").exists()
    assert "执法工作机制需要完善（新），" in (project / "site" / "rule-of-law" / "index.html").read_text(
        encoding="utf-8")
    assert (project / "site").stat().st_mode == mode
    assert sorted(p.name for p in project.iterdir() if p.name.startswith(".")) == []


def test_a_first_build_into_a_missing_folder_works(project):
    shutil.rmtree(project / "site")
    build_site(project / "out" / "site", project / "mkdocs.yml")
    assert (project / "out" / "site" / "index.html").is_file()
    assert [p.name for p in (project / "out").iterdir()] == ["site"]


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to see the processes")
def test_an_interrupted_build_leaves_the_old_site_and_no_process_behind(tmp_path):
    """Ctrl-C while the index child and its workers are at work (sent to mkdocs alone, as a
    supervisor would): the build ends at once, the old site stays, nothing is left beside it."""
    corpus = generate(tmp_path / "proposals", 60, seed=5, meeting_count=1)  # enough for workers
    config = make_project(tmp_path / "project", corpus)
    site = tmp_path / "out" / "site"
    build_site(site, config)
    before = snapshot(site)
    build = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    # mkdocs, the index child and its two workers (jieba's workers, before, are three at most)
    deadline = time.monotonic() + 120
    while len(processes_naming(str(config))) < 4 and build.poll() is None:
        assert time.monotonic() < deadline, "the index child's workers never started"
        time.sleep(0.01)
    assert build.poll() is None, "the build ended before it could be interrupted"
    build.send_signal(signal.SIGINT)
    _, err = build.communicate(timeout=60)
    assert build.returncode != 0
    assert snapshot(site) == before
    assert sorted(p.name for p in site.parent.iterdir()) == ["site"], err
    assert "Traceback" not in err  # no worker was left to fail on its own
    time.sleep(0.5)
    assert processes_naming(str(config)) == []
