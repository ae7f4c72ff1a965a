"""Open data: every registered export is in the built site and on the home page, proposals.json
follows its published JSON Schema (for the real corpus and a generated one), and the CSV reads
back as the model."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import jsonschema
import pytest
from bs4 import BeautifulSoup

from cppcc import exports
from cppcc.exports import EXPORTS
from cppcc.linking import Links
from cppcc.loading import load_corpus

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
    made = exports.site_files(links)
    assert list(made) == ["proposals.json", "proposals.schema.json", "recommendations.csv",
                          "schema/proposal.schema.json"]
    assert [path for path, data in made.items() if (site_dir / path).read_bytes() != data] == []


def test_proposals_json_follows_its_published_schema(site_dir):
    schema = published(site_dir, "proposals.schema.json")
    assert errors(schema, published(site_dir, "proposals.json")) == []


def test_proposals_json_of_a_hundred_generated_proposals_follows_the_schema(tmp_path):
    corpus = load_corpus(generate(tmp_path / "proposals", 100, seed=5, meeting_count=3))
    data = json.loads(exports.proposals_json(Links(corpus), "https://example.org/cppcc/"))
    assert len(data["proposals"]) == 100 and len(data["meetings"]) == 3
    assert data["proposals"][0]["url"].startswith("https://example.org/cppcc/")
    schema = json.loads(exports.site_files(Links(corpus))["proposals.schema.json"])
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
        "Additional properties are not allowed ('keywords', 'url' were unexpected)"]
    assert {e.message for e in found if e.absolute_path} == {
        "Additional properties are not allowed ('url' was unexpected)"}  # every item's


def test_recommendations_csv_reads_back_as_the_model(site_dir, links):
    raw = (site_dir / "recommendations.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == exports.CSV_COLUMNS
    assert rows[1:] == [
        [p.meeting, p.slug, p.title, p.speaker.name, str(n), r.id, r.headline, f"{p.slug}/#{r.id}"]
        for p in links.corpus.proposals for n, r in enumerate(p.recommendations, 1)]
