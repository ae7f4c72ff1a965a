"""Open data: a registry of the files the site publishes for reuse, each made from the model.

The build writes every entry of `EXPORTS` (and, beside it, its JSON Schema where it has one); the
home page's 开放数据 list reads the same registry, so an export cannot be added and forgotten.
URLs inside an export are absolute when the site's URL is known (`site_url`), else relative to
the site root.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from . import urls
from .linking import Links
from .model import Corpus, Day, Meeting, Passage, Proposal, Recommendation, Text
from .schema import json_schema, proposal_schema


@dataclass(frozen=True)
class Export:
    """One published file: where it lives, how the home page names it, and how it is made."""

    path: str  # in the site, e.g. `proposals.json`
    title: str  # the home page's link text (zh-CN)
    description: str  # one line on the home page (zh-CN)
    media_type: str
    # (links, base URL or "") -> the file's bytes, in chunks as they are made (`chunked`)
    make: Callable[[Links, str], Iterator[bytes]]
    schema: type[BaseModel] | None = None  # the model of its content: a JSON Schema beside it

    @property
    def name(self) -> str:
        """The file's name, as the home page shows it."""
        return self.path.rpartition("/")[2]

    @property
    def schema_path(self) -> str | None:
        """`proposals.json` -> `proposals.schema.json`, in the same folder."""
        return self.path.removesuffix(".json") + ".schema.json" if self.schema else None

    def files(self, links: Links, base: str = "") -> Iterator[tuple[str, Iterator[bytes]]]:
        """(path in the site, its bytes in chunks) of the export and of its schema."""
        yield self.path, self.make(links, base)
        if self.schema:
            yield self.schema_path, iter([json_schema(self.schema, self.path).encode("utf-8")])


CHUNK = 1 << 16  # characters an export writes at a time


def chunked(parts: Iterable[str]) -> Iterator[bytes]:
    """Texts made piece by piece (`json`'s `iterencode`, CSV rows) as UTF-8 chunks of about
    CHUNK characters: an export of any size is written without being held whole."""
    held, size = [], 0
    for part in parts:
        held.append(part)
        size += len(part)
        if size >= CHUNK:
            yield "".join(held).encode("utf-8")
            held, size = [], 0
    if held:
        yield "".join(held).encode("utf-8")


# The model of proposals.json: the YAML model's, with a URL on every citable thing and the
# proposal's keywords. Its JSON Schema is published beside the file.
Url = Annotated[str, Field(description="Absolute when the site's URL is known, else from the "
                                       "site's root, e.g. `rule-of-law/#overview`.")]


class PassageEntry(Passage):
    url: Url


class RecommendationEntry(Recommendation):
    url: Url


class MeetingEntry(Meeting):
    url: Url
    source_url: Url = Field(default="", description="Where the site publishes `source`, if any.")
    # named apart from the model's properties of the same names, which make them
    dates_shown: str = Field(alias="dates", description=(
        "The dates as the pages show them (2024 年 1 月 5 日—2024 年 1 月 7 日); \"\" where the "
        "source gives none."))
    reference_shown: Text = Field(alias="reference", description=(
        "A stable human reference, e.g. 第 9 届第 3 次会议."))


class ProposalEntry(Proposal):
    background: Annotated[list[PassageEntry], Field(min_length=1)]
    problems: Annotated[list[PassageEntry], Field(min_length=1)]
    recommendations_intro: PassageEntry | None = None
    recommendations: Annotated[list[RecommendationEntry], Field(min_length=1)]
    date: Day | None = Field(default=None, description=(
        "The day it was given: its own date, else its meeting's first day (`start`); left out "
        "where the source gives none."))
    reference: Text = Field(description="A stable human reference, e.g. 第 9 届第 3 次会议 · 发言 1.")
    url: Url
    keywords: list[Text] = Field(description="The proposal's keywords, strongest first.")


class ProposalsExport(BaseModel):
    """proposals.json: every meeting and every proposal, each item with its URL."""

    model_config = ConfigDict(extra="forbid")
    meetings: list[MeetingEntry]
    proposals: list[ProposalEntry]


def _proposal(corpus: Corpus, p: Proposal, base: str) -> dict:
    data = p.model_dump(mode="json", exclude_none=True)
    if day := corpus.date_of(p):
        data["date"] = day.isoformat()
    data["reference"] = corpus.reference(p)
    data["url"] = urls.absolute(base, urls.proposal(p.slug))
    for key in ("background", "problems", "recommendations"):
        for entry in data[key]:
            entry["url"] = urls.absolute(base, urls.item(p.slug, entry["id"]))
    if "recommendations_intro" in data:
        intro = data["recommendations_intro"]
        intro["url"] = urls.absolute(base, urls.item(p.slug, intro["id"]))
    return data


def _meeting(m: Meeting, base: str) -> dict:
    data = {**m.model_dump(mode="json", exclude_none=True),
            "url": urls.absolute(base, urls.meeting(m.id))}
    if m.source:
        data["source_url"] = urls.absolute(base, urls.source(m.source))
    return {**data, "dates": m.dates, "reference": m.reference}


def proposals_json(links: Links, base: str = "") -> Iterator[bytes]:
    corpus = links.corpus
    data = {
        "meetings": [_meeting(m, base) for m in corpus.meetings],
        "proposals": [
            {**_proposal(corpus, p, base), "keywords": links.keywords.of(p)}
            for p in corpus.proposals
        ],
    }
    encoder = json.JSONEncoder(ensure_ascii=False, indent=1, sort_keys=False)
    return chunked(itertools.chain(encoder.iterencode(data), ["\n"]))


CSV_COLUMNS = ["meeting", "proposal", "proposal_title", "speaker", "number", "id", "headline", "url",
               "reference", "date", "place"]
# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV Injection")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    """A CSV cell that no spreadsheet runs as a formula: a text starting with = + - @ tab or
    carriage return gets a leading apostrophe, as OWASP recommends (the JSON keeps it exact)."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def recommendations_csv(links: Links, base: str = "") -> Iterator[bytes]:
    """UTF-8 with a byte-order mark, so that spreadsheet programs read the Chinese right."""
    return chunked(_csv_rows(links, base))


def _csv_rows(links: Links, base: str) -> Iterator[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    out.write("\ufeff")
    writer.writerow(CSV_COLUMNS)
    corpus = links.corpus
    for p in corpus.proposals:
        yield out.getvalue()
        out.seek(0)
        out.truncate()
        day, place = corpus.date_of(p), corpus.meeting(p.meeting).place
        when = [corpus.reference(p), day.isoformat() if day else "", place]
        for n, r in enumerate(p.recommendations, 1):
            writer.writerow(map(cell, [p.meeting, p.slug, p.title, p.speaker.name, n, r.id,
                                       r.headline, urls.absolute(base, urls.item(p.slug, r.id)),
                                       *when]))
    yield out.getvalue()


def proposal_file_schema(links: Links, base: str = "") -> Iterator[bytes]:
    yield proposal_schema().encode("utf-8")


EXPORTS: list[Export] = [
    Export(urls.PROPOSALS_JSON, "全部发言",
           "全部会议和发言的结构化数据：每一项附链接，每篇发言附关键词",
           "application/json", proposals_json, schema=ProposalsExport),
    Export(urls.RECOMMENDATIONS_CSV, "建议清单", "每条建议一行：所属发言、编号、标题、链接",
           "text/csv", recommendations_csv),
    Export(urls.schema("proposal.schema.json"), "发言文件的格式",
           "proposals/ 中每个 YAML 文件的格式，供编辑器校验", "application/schema+json",
           proposal_file_schema),
]


def site_files(links: Links, base: str = "") -> Iterator[tuple[str, Iterator[bytes]]]:
    """(path in the site, its bytes in chunks) of every export and its schema, in the registry's
    order, each made as it is written."""
    for export in EXPORTS:
        yield from export.files(links, base)
