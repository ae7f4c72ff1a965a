"""JSON Schema of the YAML files, made from the model, for editors and for the published site
(the exports' schemas are made by the same `json_schema`, see `exports.py`).

The copies in `proposals/` (named by each file's `# yaml-language-server: $schema=` line) are kept
equal to these by `cppcc schema` and checked by the test suite.
"""

from __future__ import annotations

import json

from pydantic import BaseModel

from .model import Meeting, Proposal


def json_schema(model: type[BaseModel], title: str) -> str:
    """The model's JSON Schema (draft 2020-12) as the text the site and `proposals/` publish."""
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              **model.model_json_schema(mode="validation"), "title": title}
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def proposal_schema() -> str:
    return json_schema(Proposal, "A proposal (one YAML file in proposals/)")


def meeting_schema() -> str:
    return json_schema(Meeting, "A meeting (one YAML file in proposals/meetings/)")


def schema_texts() -> dict[str, str]:
    return {"proposal.schema.json": proposal_schema(), "meeting.schema.json": meeting_schema()}
