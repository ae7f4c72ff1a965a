"""`cppcc import`: the office's documents (.docx, .txt, .md) → draft proposal YAML and a report.

reading.py (documents → paragraphs with their places), shapes.py (proposals, speakers,
sections), items.py (items, headlines), ids.py (ids and slugs from the words), drafts.py
(validated model objects → YAML). This module runs them and writes the report.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..schema import schema_texts
from . import drafts, ids, reading, shapes
from .drafts import ConservationError, Draft

MEETINGS = "meetings"


@dataclass
class Result:
    drafts: list[Draft] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    failed: int = 0


def _existing(out: Path) -> dict[Path, dict]:
    found = {}
    for path in sorted(out.glob("*.yaml")):
        if (data := drafts.read_old(path)) is not None:
            found[path] = data
    return found


def _previous(title: str, existing: dict[Path, dict], claimed: set[Path]) -> Path | None:
    """The draft of an earlier import of the same proposal: the most similar title."""
    best, score = None, 0.0
    for path, data in existing.items():
        ratio = difflib.SequenceMatcher(None, str(data.get("title", "")), title).ratio()
        if ratio > score and path not in claimed:
            best, score = path, ratio
    return best if score >= 0.8 else None


def _report(draft: Draft, path: Path, wrote: str) -> list[str]:
    p, found = draft.proposal, draft.found
    intro = " (and an introduction)" if p.recommendations_intro else ""
    lines = [f"{found.where}: {p.title}", f"  {wrote} {path} (slug {p.slug})",
             (f"  background {len(p.background)}, problems {len(p.problems)}, "
             f"recommendations {len(p.recommendations)}{intro}")]
    if draft.kept_ids:
        lines.append(f"  {draft.kept_ids} id(s) kept from the previous draft")
    lines += [f"  guess {g}" for g in found.guesses]
    lines += [f"  to fill in: {name} (not in the document)" for name in draft.placeholders]
    lines += [f"  unplaced {u.where}: kept as a comment in the draft" for u in found.unplaced]
    return lines


def run(files: list[Path], meeting: str, out: Path, force: bool = False) -> Result:
    result = Result()
    out.mkdir(parents=True, exist_ok=True)
    existing = _existing(out)
    claimed: set[Path] = set()
    taken_slugs = {str(d.get("slug")) for d in existing.values()}
    orders = {d.get("order") for d in existing.values() if d.get("meeting") == meeting}
    header = None
    for file in files:
        try:
            document = shapes.parse(reading.read(file))
        except reading.ReadError as error:
            result.lines.append(str(error))
            result.failed += 1
            continue
        header = header or document.meeting
        if not document.proposals:
            result.lines.append(f"{file}: no proposal found (no title line such as 关于……的建议)")
            result.failed += 1
        for piece in document.preamble:
            result.lines.append(f"{piece.where}: before the first proposal, not placed: "
                                f"{piece.text.strip()}")
        if document.preamble and document.proposals:
            document.proposals[0].unplaced[:0] = document.preamble
            document.proposals[0].source[:0] = [piece.text for piece in document.preamble]
        for piece in document.dropped:
            result.lines.append(f"{piece.where}: dropped as a page header or number: "
                                f"{piece.text.strip()}")
        for found in document.proposals:
            previous = _previous(found.title, existing, claimed)
            old = existing.get(previous) if previous else None
            if previous:
                claimed.add(previous)
                slug, order = str(old.get("slug")), old.get("order")
            else:
                slug = ids.make_slug(found.title, taken_slugs)
                order = max([o for o in orders if isinstance(o, int)], default=0) + 1
                orders.add(order)
            _write(found, meeting, order, slug, old, out, force, result)
    _write_meeting(meeting, header, out, result)
    _write_schemas(out)
    written = sum(1 for line in result.lines if line.startswith("  wrote"))
    result.lines.append(f"{len(result.drafts)} proposal(s) found, {written} draft(s) written"
                        + (f", {result.failed} problem(s)" if result.failed else ""))
    return result


def _write(found, meeting, order, slug, old, out: Path, force: bool, result: Result) -> None:
    if not isinstance(order, int) or order < 1:
        order = 1
    try:
        draft = drafts.build(found, meeting, order, slug, old)
    except (ConservationError, ValidationError) as error:
        first = str(error).splitlines()[0] if isinstance(error, ConservationError) else (
            f"{found.where}: the draft does not validate: {error.errors()[0]['msg']}")
        result.lines.append(first)
        result.failed += 1
        return
    result.drafts.append(draft)
    path = out / f"{draft.proposal.slug}.yaml"
    if path.exists() and not force:
        result.lines += _report(draft, path, "not written (exists; --force replaces it):")
        result.failed += 1
        return
    path.write_text(draft.text, encoding="utf-8")
    result.lines += _report(draft, path, "wrote")


def _write_meeting(meeting: str, header, out: Path, result: Result) -> None:
    path = out / MEETINGS / f"{meeting}.yaml"
    if path.exists():
        result.lines.append(f"meeting {meeting}: {path} exists, left as it is")
        return
    path.parent.mkdir(exist_ok=True)
    path.write_text(drafts.meeting_text(meeting, header), encoding="utf-8")
    source = f"from the header at {header.where}" if header else "no header found: fill it in"
    result.lines.append(f"meeting {meeting}: wrote {path} ({source})")


def _write_schemas(out: Path) -> None:
    """The schema files the drafts' first lines name, so that an editor checks while typing."""
    for name, text in schema_texts().items():
        if not (out / name).exists():
            (out / name).write_text(text, encoding="utf-8")
