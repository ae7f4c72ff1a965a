"""Open data: the whole model as JSON and the recommendations as CSV, each item with its URL.

URLs are absolute when the site's URL is known (`site_url`), else relative to the site root.
"""

from __future__ import annotations

import csv
import io
import json

from . import urls
from .linking import Links
from .model import Corpus, Meeting, Proposal


def _proposal(p: Proposal, base: str) -> dict:
    data = p.model_dump(mode="json", exclude_none=True)
    data["url"] = urls.absolute(base, urls.proposal(p.slug))
    for key in ("background", "problems", "recommendations"):
        for entry in data[key]:
            entry["url"] = urls.absolute(base, urls.item(p.slug, entry["id"]))
    if "recommendations_intro" in data:
        intro = data["recommendations_intro"]
        intro["url"] = urls.absolute(base, urls.item(p.slug, intro["id"]))
    return data


def _meeting(m: Meeting, base: str) -> dict:
    return {**m.model_dump(mode="json", exclude_none=True), "url": urls.absolute(base, urls.meeting(m.id))}


def proposals_json(links: Links, base: str = "") -> str:
    corpus: Corpus = links.corpus
    data = {
        "meetings": [_meeting(m, base) for m in corpus.meetings],
        "proposals": [
            {**_proposal(p, base), "keywords": links.keywords.of(p)} for p in corpus.proposals
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


CSV_COLUMNS = ["meeting", "proposal", "proposal_title", "speaker", "number", "id", "headline", "url"]


def recommendations_csv(corpus: Corpus, base: str = "") -> str:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese right."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for p in corpus.proposals:
        for n, r in enumerate(p.recommendations, 1):
            writer.writerow([p.meeting, p.slug, p.title, p.speaker.name, n, r.id, r.headline,
                             urls.absolute(base, urls.item(p.slug, r.id))])
    return "\ufeff" + out.getvalue()
