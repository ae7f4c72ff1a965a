"""The JSON Schema files that editors use agree with the model, and every YAML file names its own.

`proposals/*.schema.json` are made by `cppcc schema` from the model; a schema-aware editor finds
them through each file's first line, `# yaml-language-server: $schema=...`.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from cppcc.schema import schema_texts

REPO = Path(__file__).resolve().parents[1]
PROPOSALS = REPO / "proposals"
FILES = {path: "proposal.schema.json" for path in sorted(PROPOSALS.glob("*.yaml"))} | {
    path: "meeting.schema.json" for path in sorted((PROPOSALS / "meetings").glob("*.yaml"))}
IDS = [path.relative_to(PROPOSALS).as_posix() for path in FILES]


class EditorLoader(yaml.SafeLoader):
    """YAML as a schema-aware editor reads it (YAML 1.2's core schema): an unquoted date such
    as `published: 2026-11-29` is a string, which the schema's `format: date` describes."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def load(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=EditorLoader)


def validator(name: str) -> jsonschema.Validator:
    schema = json.loads((PROPOSALS / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_the_schema_files_are_what_cppcc_schema_writes():
    made = schema_texts()
    assert sorted(made) == sorted(p.name for p in PROPOSALS.glob("*.schema.json"))
    for name, text in made.items():
        assert (PROPOSALS / name).read_text(encoding="utf-8") == text, (
            f"proposals/{name} is stale: run `python -m cppcc schema`")


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_every_file_names_its_schema_on_its_first_line(path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    prefix = "# yaml-language-server: $schema="
    assert first.startswith(prefix), first
    target = (path.parent / first.removeprefix(prefix)).resolve()
    assert target == PROPOSALS / FILES[path]
    assert target.is_file()


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_the_schema_accepts_every_real_file(path):
    assert list(validator(FILES[path]).iter_errors(load(path))) == []


def rejected(data: dict, name: str = "proposal.schema.json") -> list[tuple[list, str]]:
    """(where, which rule) of every error the schema finds in `data`."""
    errors = validator(name).iter_errors(data)
    return sorted((list(e.absolute_path), e.validator) for e in errors)


def test_the_schema_rejects_what_the_loader_rejects():
    data = load(PROPOSALS / "rule-of-law.yaml")
    data["problems"][1]["id"] = "Legal_Workforce"
    data["recommendations"][0]["id"] = "problems"
    data["speaker"]["partyy"] = data["speaker"].pop("party")
    data["order"] = "1"
    assert rejected(data) == [
        (["order"], "type"),
        (["problems", 1, "id"], "pattern"),
        (["recommendations", 0, "id"], "not"),
        (["speaker"], "additionalProperties"),
    ]
    meeting = load(PROPOSALS / "meetings" / "liaoyuan-9-3.yaml")
    meeting["term"] = 0
    meeting["chair"] = "x"
    assert rejected(meeting, "meeting.schema.json") == [([], "additionalProperties"),
                                                        (["term"], "minimum")]
