"""Found proposals → validated model objects → draft YAML, keeping the ids of a previous import.

Every draft is built as a `model.Proposal` (so it is valid before it is written) and checked for
conservation: the characters of the proposal's paragraphs, spaces, numbering and section heads
aside, are exactly those of the draft's title, speaker, items and unplaced text.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..model import Meeting, Proposal
from . import ids
from .items import WORD, split_headline
from .shapes import Found, MeetingHeader

SCHEMA_LINE = "# yaml-language-server: $schema=proposal.schema.json"
MEETING_SCHEMA_LINE = "# yaml-language-server: $schema=../meeting.schema.json"
PLACEHOLDER = "(待补)"  # a required field the document did not give; flagged in the draft
SAME = 0.85  # an item this similar to one of the previous draft keeps its id


class ConservationError(Exception):
    pass


@dataclass
class Draft:
    proposal: Proposal
    text: str
    found: Found
    kept_ids: int = 0
    placeholders: list[str] = field(default_factory=list)


def _chars(texts: list[str]) -> Counter:
    return Counter(re.sub(r"\s", "", "".join(texts)))


def _old_items(old: dict | None, key: str) -> list[tuple[str, str]]:
    if not old:
        return []
    entries = old.get(key) or []
    entries = [entries] if isinstance(entries, dict) else entries
    return [(e.get("id", ""), (e.get("text") or "") + (e.get("headline") or "")
             + (e.get("body") or "")) for e in entries if isinstance(e, dict)]


class Ids:
    """New ids from the items' words, or the previous draft's id for the same text."""

    def __init__(self, old: dict | None):
        self.old = old
        self.taken: set[str] = set()
        self.kept = 0

    def __call__(self, section: str, text: str, basis: str) -> str:
        best, score = "", 0.0
        for old_id, old_text in _old_items(self.old, section):
            ratio = difflib.SequenceMatcher(None, old_text, text, autojunk=False).ratio()
            if ratio > score and old_id not in self.taken:
                best, score = old_id, ratio
        if score >= SAME:
            self.taken.add(best)
            self.kept += 1
            return best
        return ids.make_id(basis, self.taken, more=text)


def _unordinal(text: str) -> str:
    return re.sub(rf"^{WORD}[,,、::]?", "", text) or text


def _clause(text: str) -> str:
    """The first clause, an ordinal word (第一,) aside: what a passage's id is made from."""
    text = _unordinal(text)
    return re.split(r"[。;;,,]", text, maxsplit=1)[0] or text


def build(found: Found, meeting: str, order: int, slug: str, old: dict | None) -> Draft:
    placeholders = []
    speaker = found.speaker
    if speaker is None or not speaker.complete:
        placeholders.append("speaker")
    spoken = {"name": speaker.name, "role": speaker.role, "body": speaker.body} \
        if speaker and speaker.complete else {}
    spoken = {k: spoken.get(k) or PLACEHOLDER for k in ("name", "role", "body")}
    if speaker and speaker.complete and speaker.party:
        spoken["party"] = speaker.party
    make = Ids(old)
    data: dict = {"slug": slug, "meeting": meeting, "order": order, "title": found.title,
                  "topic": (old or {}).get("topic") or ids.topic(found.title),
                  "speaker": spoken}
    for kind in ("background", "problems"):
        section = found.sections.get(kind)
        pieces = section.items if section else []
        data[kind] = [{"id": make(kind, p.text, _clause(p.text)), "text": p.text} for p in pieces]
        if not pieces:
            placeholders.append(kind)
            data[kind] = [{"id": make(kind, kind, f"todo {kind}"), "text": PLACEHOLDER}]
    section = found.sections.get("recommendations")
    if section and section.intro:
        intro = section.intro.text
        data["recommendations_intro"] = {"id": make("recommendations_intro", intro,
                                                    _clause(intro)), "text": intro}
    recommendations = []
    for piece in section.items if section else []:
        headline, body = split_headline(piece.text)
        entry = {"id": make("recommendations", piece.text, _unordinal(headline)),
                 "headline": headline}
        recommendations.append(entry | ({"body": body} if body else {}))
    if not recommendations:
        placeholders.append("recommendations")
        recommendations = [{"id": "todo-recommendations", "headline": PLACEHOLDER}]
    data["recommendations"] = recommendations
    proposal = Proposal.model_validate(data)
    _conserve(found, proposal, placeholders)
    return Draft(proposal, render(proposal, found, placeholders), found, make.kept, placeholders)


def _conserve(found: Found, proposal: Proposal, placeholders: list[str]) -> None:
    source = _chars(found.source) - _chars(found.markers)
    for section in found.sections.values():
        source -= _chars(section.markers)
    if found.speaker:
        source -= _chars(found.speaker.markers if found.speaker.complete else [])
    speaker = [] if "speaker" in placeholders else [
        proposal.speaker.name, proposal.speaker.role, proposal.speaker.body]
    drafted = _chars([proposal.title, *speaker, *(p.text for p in found.unplaced)]
                     + [t for i in proposal.items() for t in (i.speaker_text,)
                        if t != PLACEHOLDER])
    if drafted != source:
        lost, added = source - drafted, drafted - source
        raise ConservationError(f"{found.where}: text not conserved (lost {''.join(lost)!r}, "
                                f"added {''.join(added)!r}); nothing written for it")


def render(proposal: Proposal, found: Found, placeholders: list[str]) -> str:
    data = proposal.model_dump(exclude_defaults=True)
    data = {"slug": data.pop("slug"), **data}
    lines = [SCHEMA_LINE, (f"# Drafted by `cppcc import` from {found.where}; read its report, "
             "then delete these comments.")]
    lines += [f"# guess: {g}" for g in found.guesses]
    lines += [f"# to fill in: {p} (not found in the document: {PLACEHOLDER})"
              for p in placeholders]
    lines += [f"# unplaced text from {p.where}: {p.text.strip()}" for p in found.unplaced]
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000)
    return "\n".join(lines) + "\n" + body


def read_old(path: Path) -> dict | None:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    return data if isinstance(data, dict) else None


def meeting_text(meeting_id: str, header: MeetingHeader | None) -> str:
    fields = {"id": meeting_id, "title": header.title if header else PLACEHOLDER,
              "headline": (header.headline or header.title) if header else PLACEHOLDER,
              "subtitle": header.subtitle if header else "",
              "committee": header.committee if header else PLACEHOLDER,
              "term": header.term if header else 1, "session": header.session if header else 1}
    meeting = Meeting.model_validate(fields)
    note = (f"# From the meeting header at {header.where}." if header else
            "# No meeting header in the document: fill in title, headline, committee, term "
            "and session.")
    data = meeting.model_dump(exclude_defaults=True)
    return "\n".join([MEETING_SCHEMA_LINE, note, yaml.safe_dump(
        data, allow_unicode=True, sort_keys=False, width=1_000_000)])
