"""Reproducible: two builds of the same input are byte-identical, search index and exports
included, whatever the order files were written in, their names and PYTHONHASHSEED."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import snapshot

REPO = Path(__file__).resolve().parents[1]


def build(project: Path, seed: str, **env: str) -> Path:
    site = project / "site"
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"),
           "-d", str(site)]
    base = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    done = subprocess.run(cmd, check=False, capture_output=True, text=True, env={
        **base, "NO_MKDOCS_2_WARNING": "1", "PYTHONHASHSEED": seed, **env})
    assert done.returncode == 0, done.stderr
    return site


def copy_project(root: Path, shuffle: random.Random | None = None) -> Path:
    """The repository's project; with `shuffle`, proposal files renamed and written in a random
    order (so that directory order differs too)."""
    root.mkdir(parents=True)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert config.count('\nsite_url: ""\n') == 1
    # published, so that the sitemap lists every page and the exports carry absolute URLs
    config = config.replace('\nsite_url: ""\n', '\nsite_url: https://example.org/cppcc/\n')
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copytree(REPO / "docs", root / "docs")
    if shuffle is None:
        shutil.copytree(REPO / "proposals", root / "proposals")
        return root
    files = sorted(p for p in (REPO / "proposals").rglob("*") if p.is_file())
    shuffle.shuffle(files)
    for path in files:
        rel = path.relative_to(REPO / "proposals")
        if rel.parent == Path(".") and rel.suffix == ".yaml":
            rel = Path(f"{shuffle.randrange(10**6):06d}-{rel.name}")
        (root / "proposals" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, root / "proposals" / rel)
    return root


@pytest.fixture(scope="module")
def first(tmp_path_factory) -> dict[str, str]:
    return snapshot(build(copy_project(tmp_path_factory.mktemp("a") / "p"), seed="1"))


def test_two_builds_are_byte_identical(first, tmp_path):
    second = snapshot(build(copy_project(tmp_path / "p", random.Random(5)), seed="2"))
    assert {"sitemap.xml.gz", "proposals.json", "recommendations.csv"} <= set(first)
    assert len(first) > 50
    assert any(name.startswith(("assets/cppcc/search/", "search/"))
               for name in first), "no search index was built"
    differ = sorted(name for name in first.keys() | second.keys()
                    if first.get(name) != second.get(name))
    assert differ == []


def test_the_date_of_a_build_is_not_in_it(first, tmp_path):
    """Built years apart, with SOURCE_DATE_EPOCH at two other dates: the same bytes."""
    later = snapshot(build(copy_project(tmp_path / "p"), seed="3",
                           SOURCE_DATE_EPOCH="2000000000"))
    assert later == first
