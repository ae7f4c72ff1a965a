"""Open data: every registered export is in the built site and on the home page, proposals.json
follows its published JSON Schema (for the real corpus and a generated one), and the CSV reads
back as the model."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup

from cppcc import exports
from cppcc.exports import EXPORTS
from cppcc.linking import Links
from cppcc.loading import load_corpus
from cppcc.model import Corpus

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from generate_corpus import generate


@pytest.fixture(scope="module")
def links() -> Links:
    return Links(load_corpus(REPO / "proposals"))


def validator(schema: dict) -> jsonschema.Validator:
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def errors(schema: dict, data: dict) -> list[tuple[list, str]]:
    """(where, which rule) of every error the schema finds in `data`."""
    return sorted((list(e.absolute_path), e.validator) for e in validator(schema).iter_errors(data))


def published(site_dir: Path, path: str):
    return json.loads((site_dir / path).read_text(encoding="utf-8"))


def test_the_home_page_lists_every_export_with_its_format(site_dir):
    home = BeautifulSoup((site_dir / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert [(a["href"], a.get_text(), a.get("type")) for a in home.select(".cppcc-data a")] == [
        ("proposals.json", "全部发言", "application/json"),
        ("proposals.schema.json", "proposals.schema.json", "application/schema+json"),
        ("recommendations.csv", "建议清单", "text/csv"),
        ("schema/proposal.schema.json", "发言文件的格式", "application/schema+json"),
    ]
    # ... and the list is the registry's: one line per export, with its file name and its line
    lines = [li.get_text() for li in home.select(".cppcc-data > li")]
    assert [line.split(" — ")[0] for line in lines] == [
        f"{e.title} {e.name}" for e in EXPORTS]
    assert all(e.description in line for e, line in zip(EXPORTS, lines))


def test_every_export_is_written_into_the_site_as_the_registry_makes_it(site_dir, links):
    made = {path: b"".join(chunks) for path, chunks in exports.site_files(links)}
    assert list(made) == ["proposals.json", "proposals.schema.json", "recommendations.csv",
                          "schema/proposal.schema.json"]
    assert [path for path, data in made.items() if (site_dir / path).read_bytes() != data] == []


def test_proposals_json_follows_its_published_schema(site_dir):
    schema = published(site_dir, "proposals.schema.json")
    assert errors(schema, published(site_dir, "proposals.json")) == []


def test_proposals_json_of_a_hundred_generated_proposals_follows_the_schema(tmp_path):
    corpus = load_corpus(generate(tmp_path / "proposals", 100, seed=5, meeting_count=3))
    data = json.loads(b"".join(exports.proposals_json(Links(corpus), "https://example.org/cppcc/")))
    assert len(data["proposals"]) == 100 and len(data["meetings"]) == 3
    assert data["proposals"][0]["url"].startswith("https://example.org/cppcc/")
    schema = json.loads(b"".join(dict(exports.site_files(Links(corpus)))["proposals.schema.json"]))
    assert errors(schema, data) == []


def test_the_schema_rejects_unknown_keys_and_missing_urls(site_dir):
    schema = published(site_dir, "proposals.schema.json")
    data = published(site_dir, "proposals.json")
    data["meetings"][0]["chair"] = "x"
    data["proposals"][0]["score"] = 1
    data["proposals"][0]["background"][0]["href"] = "x"
    del data["proposals"][1]["recommendations"][0]["url"]
    data["proposals"][2]["keywords"] = ["法治", " "]
    data["extra"] = []
    assert errors(schema, data) == [
        ([], "additionalProperties"),
        (["meetings", 0], "additionalProperties"),
        (["proposals", 0], "additionalProperties"),
        (["proposals", 0, "background", 0], "additionalProperties"),
        (["proposals", 1, "recommendations", 0], "required"),
        (["proposals", 2, "keywords", 1], "pattern"),
    ]


def test_an_export_entry_is_not_a_yaml_file_and_each_schema_says_so(site_dir):
    """The YAML files' schema (for editors) rejects an entry of proposals.json: a schema apart."""
    entry = published(site_dir, "proposals.json")["proposals"][0]
    yaml_schema = published(site_dir, "schema/proposal.schema.json")
    found = list(validator(yaml_schema).iter_errors(entry))
    assert [e.message for e in found if not e.absolute_path] == [
        "Additional properties are not allowed ('keywords', 'reference', 'url' were unexpected)"]
    assert {e.message for e in found if e.absolute_path} == {
        "Additional properties are not allowed ('url' was unexpected)"}  # every item's


def test_recommendations_csv_reads_back_as_the_model(site_dir, links):
    raw = (site_dir / "recommendations.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == exports.CSV_COLUMNS
    # the real meeting's source prints no date and no place: both cells are empty, never guessed
    assert rows[1:] == [
        [p.meeting, p.slug, p.title, p.speaker.name, str(n), r.id, r.headline, f"{p.slug}/#{r.id}",
         f"第 9 届第 3 次会议 · 发言 {p.order}", "", ""]
        for p in links.corpus.proposals for n, r in enumerate(p.recommendations, 1)]


def dated(corpus: Corpus) -> Corpus:
    """The corpus with its meeting given dates and a place, and its first proposal its own day."""
    meeting = corpus.meetings[0].model_copy(update={
        "start": date(2024, 1, 5), "end": date(2024, 1, 7), "place": "辽源市会议中心"})
    first = corpus.proposals[0].model_copy(update={"date": date(2024, 1, 6)})
    return Corpus(meetings=[meeting], proposals=[first, *corpus.proposals[1:]])


def test_the_exports_give_each_proposal_its_date_and_reference_and_each_meeting_its_dates(links):
    corpus = dated(links.corpus)
    data = json.loads(b"".join(exports.proposals_json(Links(corpus))))
    meeting = data["meetings"][0]
    assert {k: meeting[k] for k in ("start", "end", "place", "dates", "reference")} == {
        "start": "2024-01-05", "end": "2024-01-07", "place": "辽源市会议中心",
        "dates": "2024 年 1 月 5 日—2024 年 1 月 7 日", "reference": "第 9 届第 3 次会议"}
    assert [(p["date"], p["reference"]) for p in data["proposals"][:2]] == [
        ("2024-01-06", f"第 9 届第 3 次会议 · 发言 {corpus.proposals[0].order}"),  # its own day
        ("2024-01-05", f"第 9 届第 3 次会议 · 发言 {corpus.proposals[1].order}")]  # the meeting's
    schema = json.loads(b"".join(dict(exports.site_files(Links(corpus)))["proposals.schema.json"]))
    assert errors(schema, data) == []
    rows = list(csv.reader(io.StringIO(b"".join(exports.recommendations_csv(Links(corpus))).decode(
        "utf-8-sig"), newline="")))
    assert {tuple(row[-3:]) for row in rows[1:] if row[1] == corpus.proposals[1].slug} == {
        (f"第 9 届第 3 次会议 · 发言 {corpus.proposals[1].order}", "2024-01-05", "辽源市会议中心")}


def test_where_the_source_gives_no_date_the_exports_give_none(site_dir):
    data = published(site_dir, "proposals.json")
    assert [("start" in m, "end" in m, m["dates"], m["place"]) for m in data["meetings"]] == [
        (False, False, "", "")]
    assert [p for p in data["proposals"] if "date" in p] == []


def test_the_source_the_exports_name_is_served(site_dir, repo):
    """Its URL, from the site's root, is a file of the built site: the printed source as it is."""
    meetings = published(site_dir, "proposals.json")["meetings"]
    served = [(site_dir / m["source_url"]).read_bytes() for m in meetings]
    assert served == [(repo / "proposals" / m["source"]).read_bytes() for m in meetings]
