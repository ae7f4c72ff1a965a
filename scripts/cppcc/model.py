"""The typed model of a meeting and its proposals.

Validated once, where the YAML is loaded (see `loading.py`); everything else trusts it.
Field-level rules live here; rules that span several fields or files live in `loading.py`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Literal, NamedTuple

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from . import affiliations, urls

ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# HTML ids the page itself uses; an item may not take them.
RESERVED_IDS = frozenset(urls.SECTIONS)
# Top-level folders of the site itself; a proposal's slug may not take them.
RESERVED_SLUGS = urls.reserved_slugs()
# C0 and C1 control characters other than tab and line feed: HTML cannot carry them (a carriage
# return becomes a line feed or a space), so text holding one could not be shown as written.
# YAML turns the line breaks of a file, CRLF included, into line feeds before this sees them.
CONTROL_CHARS = r"\x00-\x08\x0b-\x1f\x7f-\x9f"
CONTROL = re.compile(f"[{CONTROL_CHARS}]")
# A meeting's printed source ("" for none): a path relative to proposals/, of plain names that do not start with
# a dot (so no `..`, no hidden file); the site publishes the file under `urls.source(path)`.
SOURCE_PATTERN = r"^[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$"
CLOSING_MARKS = "\u3002\uff1b\uff0c\uff1a\u3001;,: "  # 。;,:、 and ASCII ;,: and space


def _printable(value: str) -> str:
    if found := CONTROL.search(value):
        raise ValueError(f"must not contain the control character U+{ord(found.group()):04X}")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value


def _blank_or_text(value: str) -> str:
    return _not_blank(value) if value else value


def _relative_path(value: str) -> str:
    if value and not re.fullmatch(SOURCE_PATTERN, value):
        raise ValueError("must be a path relative to proposals/, of names made of ASCII letters, "
                         "digits, '.', '_' and '-', none starting with '.', joined by '/'")
    return value


def _url_safe(value: str) -> str:
    if not re.fullmatch(ID_PATTERN, value):
        raise ValueError(
            "must be URL-safe: lowercase ASCII letters and digits, words joined by single hyphens"
        )
    if value in RESERVED_IDS:
        raise ValueError(f"must not be '{value}': that id belongs to a section of the page")
    if value.startswith(urls.ID_PREFIXES):
        prefix = next(p for p in urls.ID_PREFIXES if value.startswith(p))
        raise ValueError(f"must not start with '{prefix}': the site's own elements use such ids")
    return value


def _free_slug(value: str) -> str:
    if value in RESERVED_SLUGS:
        raise ValueError(f"must not be '{value}': that folder belongs to the site itself")
    return value


def _whole(pattern: str) -> str:
    """`pattern` (`^…$`) for JSON Schema, where `$` must mean the end of the text: Python's `re`,
    which validators such as `jsonschema` use, also lets `$` match before a final line feed."""
    return pattern.removesuffix("$") + r"(?![\s\S])"


# The JSON Schema carries the same rules (as patterns), so that an editor flags them while typing
# and any other reader of the files refuses what the loader refuses.
# A text: spaces, then a character neither space nor control, then anything but controls.
_TEXT = f"[^{CONTROL_CHARS}\\S]*[^{CONTROL_CHARS}\\s][^{CONTROL_CHARS}]*"
Text = Annotated[str, AfterValidator(_printable), AfterValidator(_not_blank),
                 Field(json_schema_extra={"pattern": _whole(f"^{_TEXT}$")})]
# An optional text: left out (or "") or not blank.
Extra = Annotated[str, AfterValidator(_printable), AfterValidator(_blank_or_text),
                  Field(json_schema_extra={"pattern": _whole(f"^(?:{_TEXT})?$")})]
OWN_PREFIX = "^(?:" + "|".join(urls.ID_PREFIXES) + ")"


def _reserved(names: frozenset[str]) -> dict:
    return {"not": {"anyOf": [{"enum": sorted(names)}, {"pattern": OWN_PREFIX}]}}


Ident = Annotated[str, AfterValidator(_url_safe), Field(json_schema_extra={
    "pattern": _whole(ID_PATTERN), **_reserved(RESERVED_IDS)})]
SourcePath = Annotated[str, AfterValidator(_printable), AfterValidator(_relative_path),
                       Field(json_schema_extra={"pattern": _whole(f"^(?:{SOURCE_PATTERN[1:-1]})?$")})]
Slug = Annotated[Ident, AfterValidator(_free_slug), Field(json_schema_extra=_reserved(
    RESERVED_IDS | RESERVED_SLUGS))]


ALIASES_HELP = ("Ids this item was published under before: links to them still land here. "
                "See proposals/permalinks.txt.")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


NoteKind = Literal["misprint", "repetition", "lost-text", "unbalanced", "other"]


class NoteKindText(NamedTuple):
    """How the site speaks of a kind of note."""

    label: str  # as the page shows it: 编者注 · <label>
    meaning: str  # what it means, as the about page explains it
    names: tuple[str, ...]  # words that name this kind: a remark of another kind may not use them


NOTE_KINDS: dict[str, NoteKindText] = {
    "misprint": NoteKindText(
        "疑似印误", "印刷页上的字疑似印错（错字、别字），本站照录原文，不作改正。",
        ("印误", "错字", "别字", "误植")),
    "repetition": NoteKindText(
        "文字重复", "同一段文字在印刷页上重复出现，疑为排版重复；本站照录，不作删除。",
        ("重复", "衍文")),
    "lost-text": NoteKindText(
        "文字缺失", "印刷页上缺字、脱字或缺了一段文字，文意因而不通；本站不作补写。",
        ("缺失", "脱字", "脱文", "脱漏", "漏字")),
    "unbalanced": NoteKindText(
        "标点不全", "成对的标点（书名号、引号、括号）只印了一半；本站照录，不作补全。",
        ("标点不全", "不成对", "没有对应")),
    "other": NoteKindText("其他", "其他需要向读者说明之处。", ()),
}
NOTE_LABELS: dict[str, str] = {kind: text.label for kind, text in NOTE_KINDS.items()}


class Note(Strict):
    """An editor's remark on visible damage in the printed page. Never speaker text."""

    kind: NoteKind
    quote: Text = Field(description="The damaged span exactly as printed; must occur in the item.")
    text: Text = Field(description="What the page shows, in the editor's words.")

    @property
    def label(self) -> str:
        return NOTE_LABELS[self.kind]


class Passage(Strict):
    """A citable stretch of the speaker's text: a background paragraph or a problem."""

    id: Ident
    aliases: list[Ident] = Field(default=[], description=ALIASES_HELP)
    text: Text
    notes: list[Note] = []

    @property
    def speaker_text(self) -> str:
        return self.text

    @property
    def parts(self) -> tuple[str, str]:
        """(headline, the rest): a passage has no headline."""
        return "", self.text


class Recommendation(Strict):
    id: Ident
    headline: Text = Field(description="The lead sentence, verbatim, with its closing mark.")
    body: Extra = Field(default="", description="The rest of the recommendation, verbatim.")
    answers: list[Ident] = Field(default=[], description="Ids of the problems this answers.")
    notes: list[Note] = []
    aliases: list[Ident] = Field(default=[], description=ALIASES_HELP)

    @property
    def speaker_text(self) -> str:
        return self.headline + self.body

    @property
    def parts(self) -> tuple[str, str]:
        """(headline, the rest)."""
        return self.headline, self.body

    @property
    def label(self) -> str:
        """The headline without its closing mark, for tables of contents and lists."""
        return self.headline.rstrip(CLOSING_MARKS)


class Speaker(Strict):
    name: Text
    role: Text = Field(description="e.g. 副主委, 委员, 副主席")
    body: Text = Field(description="e.g. 民革辽源市委员会, 辽源市工商业联合会")
    party: Extra = Field(default="", description="The party, where the body belongs to one.")

    @property
    def byline(self) -> str:
        """The speaker as one line of text, as the page shows the speaker line: name, body, role."""
        return f"{self.name} · {self.body} · {self.role}"

    @property
    def affiliation(self) -> str:
        """What the index by party or body groups on: the party's or body's one name
        (`affiliations.heading`)."""
        return affiliations.heading(self.party or self.body)


ProposalKind = Literal["speech", "proposal"]

KIND_LABELS: dict[str, str] = {"speech": "发言", "proposal": "提案"}

# A date as YAML writes it, unquoted: 2024-01-05.
Day = Annotated[date, Field(json_schema_extra={"format": "date"})]


class Proposal(Strict):
    slug: Slug
    aliases: list[Slug] = Field(default=[], description=(
        "Slugs this proposal was published under before; each gets a page that redirects here."))
    meeting: Ident
    order: int = Field(ge=1, description="Position in the meeting's printed order.")
    kind: ProposalKind = Field(default="speech", description=(
        "speech: a speech given at the meeting (发言); proposal: a written proposal (提案)."))
    date: Day | None = Field(default=None, description=(
        "The day it was given or filed (unquoted, 2024-01-05), where it differs from the "
        "meeting's first day; left out where the source prints none."))
    title: Text
    topic: Text
    speaker: Speaker
    background: Annotated[list[Passage], Field(min_length=1)]
    problems: Annotated[list[Passage], Field(min_length=1)]
    recommendations_intro: Passage | None = None
    recommendations: Annotated[list[Recommendation], Field(min_length=1)]

    def items(self) -> Iterator[Passage | Recommendation]:
        """Every citable item, in reading order."""
        yield from self.background
        yield from self.problems
        if self.recommendations_intro:
            yield self.recommendations_intro
        yield from self.recommendations

    @property
    def speaker_text(self) -> str:
        return "".join(item.speaker_text for item in self.items())

    def labels(self) -> dict[str, str]:
        """Each citable item's label, by id, as pages, indexes and search results show it:
        背景, 问题 n, 建议引言, 建议 n."""
        out = {b.id: "背景" for b in self.background}
        out |= {q.id: f"问题 {n}" for n, q in enumerate(self.problems, 1)}
        if self.recommendations_intro:
            out[self.recommendations_intro.id] = "建议引言"
        out |= {r.id: f"建议 {n}" for n, r in enumerate(self.recommendations, 1)}
        return out

    def answered_by(self, problem_id: str) -> list[Recommendation]:
        return [r for r in self.recommendations if problem_id in r.answers]

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def kinds_label(proposals) -> str:
    """What the site calls a group of proposals: 发言, 提案, or 发言与提案 where it holds both."""
    found = {p.kind for p in proposals}
    return "与".join(label for kind, label in KIND_LABELS.items() if kind in found)


class Meeting(Strict):
    id: Ident
    title: Text = Field(description="e.g. 政协辽源市第九届委员会第三次会议")
    headline: Text = Field(description="The page's headline, e.g. 凝聚汇智谋共识 建言献策促发展")
    subtitle: Extra = ""
    committee: Text
    term: int = Field(ge=1)
    session: int = Field(ge=1)
    year: int | None = Field(default=None, description=(
        "The calendar year, where known; taken from `start` when that is given."))
    start: Day | None = Field(default=None, description=(
        "The first day (unquoted, 2024-01-05); left out where the source prints none: "
        "the site then says the date is not given, it never guesses one."))
    end: Day | None = Field(default=None, description="The last day, where it differs from `start`.")
    place: Extra = Field(default="", description="Where it met, e.g. 辽源市会议中心.")
    published: Day | None = Field(default=None, description=(
        "The day this site first published the meeting's proposals: the editors' record, not "
        "the source's. The feeds date by it the proposals whose own day is not known."))
    source: SourcePath = Field(default="", description=(
        "The printed source, a file in proposals/ named relative to it; the site publishes it."))

    @model_validator(mode="before")
    @classmethod
    def _year_of_start(cls, data: object) -> object:
        if isinstance(data, dict) and isinstance(data.get("start"), date) and data.get("year") is None:
            return {**data, "year": data["start"].year}
        return data

    @property
    def reference(self) -> str:
        """A stable human reference to the meeting: 第 9 届第 3 次会议."""
        return f"第 {self.term} 届第 {self.session} 次会议"

    @property
    def dates(self) -> str:
        """The dates as the pages show them, "" where the source gives none."""
        if not self.start:
            return ""
        if not self.end or self.end == self.start:
            return _day(self.start)
        return f"{_day(self.start)}—{_day(self.end)}"


def _day(day: date) -> str:
    return f"{day.year} 年 {day.month} 月 {day.day} 日"


class Corpus(Strict):
    """Everything the site is built from, cross-referenced and in a stable order."""

    meetings: list[Meeting]
    proposals: list[Proposal]

    def meeting(self, meeting_id: str) -> Meeting:
        return next(m for m in self.meetings if m.id == meeting_id)

    def of_meeting(self, meeting_id: str) -> list[Proposal]:
        return [p for p in self.proposals if p.meeting == meeting_id]

    def date_of(self, proposal: Proposal) -> date | None:
        """The day a proposal was given: its own, else its meeting's first day; None where unknown."""
        return proposal.date or self.meeting(proposal.meeting).start

    def dates_of(self, proposal: Proposal) -> str:
        """When a proposal was given, as the pages show it: its own day, else its meeting's
        dates; "" where the source gives none."""
        return _day(proposal.date) if proposal.date else self.meeting(proposal.meeting).dates

    def reference(self, proposal: Proposal) -> str:
        """A stable human reference: 第 9 届第 3 次会议 · 发言 1."""
        return f"{self.meeting(proposal.meeting).reference} · {proposal.kind_label} {proposal.order}"
