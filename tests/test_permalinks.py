"""Links never rot silently: proposals/permalinks.txt records every published permalink; a change
that would break one fails the check and the build, naming it, unless the YAML says where it went
(`aliases`), and then the old link still lands on the item (scrolled to and highlighted)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.harness import build_site, run_build, serve
from cppcc import permalinks
from cppcc.loading import LoadError, load_corpus
from helpers import copy_project, run_cppcc

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO / "proposals" / permalinks.MANIFEST

OLD_ITEM = "  - id: legal-workforce\n"
RENAMED = "  - id: workforce\n"
ALIASED = "  - id: workforce\n    aliases: [legal-workforce]\n"


def edit(path: Path, *pairs: tuple[str, str]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def rename_item(root: Path, item: str) -> None:
    edit(root / "proposals" / "rule-of-law.yaml", (OLD_ITEM, item),
         ("answers: [legal-workforce]", "answers: [workforce]"))


# --- the manifest of the repository --------------------------------------------------------------

def test_the_manifest_records_every_permalink_sorted():
    corpus = load_corpus(REPO / "proposals")
    recorded = permalinks.read_manifest(MANIFEST)
    assert recorded == sorted(set(recorded)), "permalinks.txt must be sorted, without repeats"
    result = permalinks.check(corpus, recorded)
    assert result.missing == []
    assert result.new == [], f"run `{permalinks.UPDATE}`"
    slugs = [p.slug for p in corpus.proposals]
    assert {f"{s}/" for s in slugs} <= set(recorded)
    assert len(recorded) == len(slugs) + sum(len(list(p.items())) for p in corpus.proposals)


# --- the check, without a build ------------------------------------------------------------------

def test_a_renamed_id_without_alias_is_named(tmp_path):
    root = copy_project(tmp_path)
    rename_item(root, RENAMED)
    result = permalinks.check(load_corpus(root / "proposals"), permalinks.read_manifest(MANIFEST))
    assert result.missing == ["rule-of-law/#legal-workforce"]
    assert result.new == ["rule-of-law/#workforce"]
    assert result.problems("proposals/permalinks.txt") == [
        ("proposals/permalinks.txt: rule-of-law/#legal-workforce: was published and no longer "
        "lands anywhere: restore it, or list its old id (or slug) under `aliases` of what "
        "replaced it")]


def test_aliases_keep_old_ids_and_slugs_landing(tmp_path):
    root = copy_project(tmp_path)
    rename_item(root, ALIASED)
    edit(root / "proposals" / "rule-of-law.yaml",
         ("slug: rule-of-law\n", "slug: lawful-government\naliases: [rule-of-law]\n"))
    corpus = load_corpus(root / "proposals")
    result = permalinks.check(corpus, permalinks.read_manifest(MANIFEST))
    assert result.missing == []
    lands = permalinks.landing(corpus)
    assert lands["rule-of-law/"] == "lawful-government/"
    assert lands["rule-of-law/#legal-workforce"] == "lawful-government/#workforce"
    assert lands["lawful-government/#legal-workforce"] == "lawful-government/#workforce"
    assert lands["rule-of-law/#overview"] == "lawful-government/#overview"


LOADER_CASES = {
    "alias equals an id": ("  - id: workforce\n    aliases: [enforcement-mechanism]\n",
                           ("problems[1].aliases[0]: must be unique in this proposal among ids "
                           "and aliases: 'enforcement-mechanism' is already problems[0]")),
    "alias not URL-safe": ("  - id: workforce\n    aliases: [Legal Workforce]\n",
                           "problems[1].aliases[0]: must be URL-safe"),
    "alias repeated": ("  - id: workforce\n    aliases: [old, old]\n",
                       ("problems[1].aliases[1]: must be unique in this proposal among ids and "
                       "aliases: 'old' is already problems[1].aliases[0]")),
}


@pytest.mark.parametrize("case", sorted(LOADER_CASES))
def test_the_loader_checks_item_aliases(tmp_path, case):
    item, message = LOADER_CASES[case]
    root = copy_project(tmp_path)
    rename_item(root, item)
    with pytest.raises(LoadError) as raised:
        load_corpus(root / "proposals")
    (issue,) = raised.value.issues
    assert issue.file.endswith("rule-of-law.yaml")
    assert f"{issue.path}: {issue.message}".startswith(message)


def test_the_loader_checks_slug_aliases(tmp_path):
    root = copy_project(tmp_path)
    edit(root / "proposals" / "rule-of-law.yaml",
         ("slug: rule-of-law\n", "slug: rule-of-law\naliases: [urban-culture]\n"))
    with pytest.raises(LoadError) as raised:
        load_corpus(root / "proposals")
    assert [str(i).split(": ", 1)[1] for i in raised.value.issues] == [
        ("aliases[0]: must be unique among slugs and their aliases: 'urban-culture' is already "
        "used by proposals/urban-culture.yaml")]


# --- the command ---------------------------------------------------------------------------------

def test_the_command_checks_and_records_without_forgetting(tmp_path):
    root = copy_project(tmp_path)
    assert run_cppcc("permalinks", cwd=root).returncode == 0
    rename_item(root, ALIASED)
    done = run_cppcc("permalinks", cwd=root)
    assert done.returncode == 1
    assert f"run `{permalinks.UPDATE}`" in done.stderr
    assert run_cppcc("permalinks", "--update", cwd=root).returncode == 0
    recorded = permalinks.read_manifest(root / "proposals" / permalinks.MANIFEST)
    assert {"rule-of-law/#legal-workforce", "rule-of-law/#workforce"} <= set(recorded)
    rename_item_back = root / "proposals" / "rule-of-law.yaml"
    edit(rename_item_back, ("    aliases: [legal-workforce]\n", ""))
    done = run_cppcc("permalinks", "--update", cwd=root)
    assert done.returncode == 1
    assert "rule-of-law/#legal-workforce: was published" in done.stderr


# --- the build -----------------------------------------------------------------------------------

def test_the_build_fails_naming_the_broken_permalink(tmp_path):
    root = copy_project(tmp_path)
    rename_item(root, RENAMED)
    done = run_build(root / "site", root / "mkdocs.yml")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert errors[0].endswith("proposals/permalinks.txt: rule-of-law/#legal-workforce: was "
                              "published and no longer lands anywhere: restore it, or list its "
                              "old id (or slug) under `aliases` of what replaced it")
    assert errors[1].endswith("1 published permalink would break: nothing was built")
    assert not (root / "site").exists()


@pytest.fixture(scope="module")
def moved_site(tmp_path_factory) -> Path:
    """The site after an item's id and its proposal's slug were renamed, both with aliases."""
    root = copy_project(tmp_path_factory.mktemp("moved"))
    rename_item(root, ALIASED)
    edit(root / "proposals" / "rule-of-law.yaml",
         ("slug: rule-of-law\n", "slug: lawful-government\naliases: [rule-of-law]\n"))
    assert run_cppcc("permalinks", "--update", cwd=root).returncode == 0
    return build_site(root / "site", root / "mkdocs.yml")


def test_the_old_slug_has_a_redirect_page(moved_site):
    html = (moved_site / "rule-of-law" / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../lawful-government/">' in html
    assert '<a href="../lawful-government/">' in html
    assert "<script>" not in html  # the fragment is kept by an external script


@pytest.mark.browser
@pytest.mark.parametrize("old", ["lawful-government/#legal-workforce",
                                 "rule-of-law/#legal-workforce", "rule-of-law/#workforce"])
def test_old_links_land_on_the_item_in_chromium(moved_site, browser, old):
    with serve(moved_site) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        tab = context.new_page()
        tab.goto(base + old)
        tab.wait_for_url(base + "lawful-government/#*")
        tab.wait_for_load_state("networkidle")
        target = tab.locator(".cppcc-target")
        assert target.count() == 1
        assert target.get_attribute("id") == "workforce"
        box = target.bounding_box()
        assert 0 <= box["y"] < 900, box
        assert tab.url.split("#")[1] == old.split("#")[1]
        context.close()
