"""Load `proposals/` into one validated, cross-referenced `Corpus`, or report every problem.

Layout: `proposals/*.yaml` are proposals, `proposals/meetings/*.yaml` are meetings. All files are
read and checked before anything is returned; problems from all files are collected and raised
together as `LoadError`, each naming the file, the line and the key path.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .caching import Memo
from .model import Corpus, Meeting, Proposal
from .yamlsource import Document, Issue, format_path, read_yaml

MEETINGS_DIR = "meetings"
M = TypeVar("M", bound=BaseModel)


class LoadError(Exception):
    def __init__(self, issues: list[Issue]):
        self.issues = sorted(issues, key=lambda i: (i.file, i.line, i.path, i.message))
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.issues)
        lines = [str(issue) for issue in self.issues]
        return "\n".join([*lines, f"{count} error{'s' if count != 1 else ''}"])


_RULES = {
    "missing": "is required",
    "extra_forbidden": "is not an allowed key",
    "string_type": "must be a string",
    "int_type": "must be an integer",
    "list_type": "must be a list",
    "model_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "dict_type": "must be a mapping",
    "bool_type": "must be true or false",
}


_READ_AS = {bool: "true/false", int: "a number", float: "a number", date: "a date",
            datetime: "a date"}


def _message(error: dict) -> str:
    kind, given = error["type"], error.get("input")
    if given is None and kind.endswith("_type"):
        return "must not be left empty"
    if kind == "string_type" and type(given) in _READ_AS:
        return f"must be a string: YAML read it as {_READ_AS[type(given)]}, so put it in quotes"
    if kind in _RULES:
        return _RULES[kind]
    if kind == "value_error":
        return str(error["ctx"]["error"])
    if kind == "too_short":
        least = error["ctx"]["min_length"]
        return f"must have at least {least} item{'s' if least != 1 else ''}"
    if kind == "literal_error":
        return f"must be one of {error['ctx']['expected']}"
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {error['ctx'].get('ge', error['ctx'].get('gt'))}"
    return error["msg"]


def _validate(model: type[M], doc: Document) -> tuple[M | None, list[Issue]]:
    if not isinstance(doc.data, dict):
        found = ("a list" if isinstance(doc.data, list) else
                 "an empty document (null)" if doc.data is None else f"{doc.data!r}")
        return None, [doc.issue((), f"must be a mapping of keys to values, not {found}")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as error:
        return None, [doc.issue(e["loc"], _message(e)) for e in error.errors()]


def _read(model: type[M], path: Path, display: str, memo: Memo) -> tuple[Document, M | None,
                                                                        list[Issue]]:
    try:
        data = path.read_bytes()
    except OSError as error:
        return Document(display, None), None, [Issue(display, 1, "", f"cannot be read: {error}")]
    key = (model.__name__, display, hashlib.sha256(data).digest())
    return memo.get(key, lambda: _parse(model, data, display))


def _parse(model: type[M], data: bytes, display: str) -> tuple[Document, M | None, list[Issue]]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        bad = data[error.start:error.end]
        what = f"byte {bad.hex()} is" if len(bad) == 1 else f"bytes {bad.hex(' ')} are"
        return Document(display, None), None, [Issue(display, line, "",
                                                     f"must be UTF-8 text: {what} not")]
    doc, issues = read_yaml(text, display)
    if issues and doc.data is None:
        return doc, None, issues
    value, more = _validate(model, doc)
    return doc, value, issues + more


def _check_proposal(doc: Document, proposal: Proposal) -> list[Issue]:
    """Rules within one proposal: unique item ids, known problem ids, notes that quote the item."""
    issues: list[Issue] = []
    seen: dict[str, tuple] = {}
    problem_ids = {p.id for p in proposal.problems}
    sections = [("background", proposal.background), ("problems", proposal.problems),
                ("recommendations", proposal.recommendations)]
    located = [((name, i), item) for name, items in sections for i, item in enumerate(items)]
    if proposal.recommendations_intro:
        located.append((("recommendations_intro",), proposal.recommendations_intro))
    for path, item in sorted(located, key=lambda pair: doc.line_of(pair[0])):
        if item.id in seen:
            first = seen[item.id]
            issues.append(doc.issue((*path, "id"), f"must be unique in this proposal: '{item.id}' "
                                    f"is already {format_path(first)} (line {doc.line_of(first)})"))
        seen.setdefault(item.id, path)
        for j, alias in enumerate(item.aliases):
            if alias in seen:
                first = seen[alias]
                issues.append(doc.issue((*path, "aliases", j), "must be unique in this proposal "
                                        f"among ids and aliases: '{alias}' is already "
                                        f"{format_path(first)} (line {doc.line_of(first)})"))
            seen.setdefault(alias, (*path, "aliases", j))
        for j, note in enumerate(item.notes):
            if note.quote not in item.speaker_text:
                issues.append(doc.issue((*path, "notes", j, "quote"), "must quote text that "
                                        f"occurs in this item: '{note.quote}' does not"))
        for j, ref in enumerate(getattr(item, "answers", [])):
            if ref not in problem_ids:
                issues.append(doc.issue((*path, "answers", j), "must be the id of a problem in "
                                        f"this proposal: '{ref}' is not"))
    return issues


def _unique(docs: list[tuple[Document, object]], key: str, scope: str = "") -> list[Issue]:
    """Each value of `key` once across files; `docs` are in file order, so the first one wins."""
    issues, first = [], {}
    for doc, value in docs:
        shown = value[-1] if isinstance(value, tuple) else value
        if value in first:
            issues.append(doc.issue((key,), f"must be unique{scope}: {shown!r} is already the "
                                            f"{key} of {first[value]}"))
        else:
            first[value] = doc.file
    return issues


def _slug_aliases(proposals: list[tuple[Document, Proposal]]) -> list[Issue]:
    """A proposal's old slugs redirect to it: none may be a slug, nor another's old slug."""
    issues: list[Issue] = []
    owner = {p.slug: doc.file for doc, p in proposals}
    for doc, proposal in proposals:
        for j, alias in enumerate(proposal.aliases):
            if alias in owner:
                issues.append(doc.issue(("aliases", j), "must be unique among slugs and their "
                                        f"aliases: '{alias}' is already used by {owner[alias]}"))
            else:
                owner[alias] = doc.file
    return issues


def load_corpus(proposals_dir: Path, display_root: Path | None = None,
                memo: Memo | None = None) -> Corpus:
    """Read, validate and cross-reference every file; raise `LoadError` listing all problems.

    `memo` (optional, kept by the caller across rebuilds) holds each file's parse by its
    contents, so that `mkdocs serve` parses only the files that changed."""
    proposals_dir = Path(proposals_dir)
    root = display_root or proposals_dir.parent

    def display(path: Path) -> str:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            return path.as_posix()

    memo = memo or Memo()
    memo.new_build()
    if not proposals_dir.is_dir():
        raise LoadError([Issue(display(proposals_dir), 1, "", "must be an existing directory")])
    issues: list[Issue] = []
    meetings: list[tuple[Document, Meeting]] = []
    for path in sorted((proposals_dir / MEETINGS_DIR).glob("*.yaml")):
        doc, meeting, found = _read(Meeting, path, display(path), memo)
        issues += found
        if meeting:
            meetings.append((doc, meeting))
    if not meetings and not issues:
        issues.append(Issue(display(proposals_dir / MEETINGS_DIR), 1, "",
                            "must hold at least one meeting file (*.yaml)"))

    proposals: list[tuple[Document, Proposal]] = []
    for path in sorted(proposals_dir.glob("*.yaml")):
        doc, proposal, found = _read(Proposal, path, display(path), memo)
        issues += found
        if proposal:
            proposals.append((doc, proposal))
            issues += _check_proposal(doc, proposal)
    if not proposals and not issues:
        issues.append(Issue(display(proposals_dir), 1, "", "must hold at least one proposal (*.yaml)"))

    meeting_ids = {m.id for _, m in meetings}
    issues += _unique([(d, m.id) for d, m in meetings], "id")
    issues += _unique([(d, p.slug) for d, p in proposals], "slug")
    issues += _slug_aliases(proposals)
    issues += _unique([(d, (p.meeting, p.order)) for d, p in proposals], "order", " in its meeting")
    known = ", ".join(sorted(meeting_ids))
    for doc, proposal in proposals:
        if meetings and proposal.meeting not in meeting_ids:
            issues.append(doc.issue(("meeting",), f"must be the id of a meeting in "
                                    f"{MEETINGS_DIR}/: '{proposal.meeting}' is not ({known})"))
    if issues:
        raise LoadError(issues)
    return Corpus(
        meetings=sorted((m for _, m in meetings), key=lambda m: (m.year or 0, m.term, m.session, m.id)),
        proposals=sorted((p for _, p in proposals), key=lambda p: (p.meeting, p.order, p.slug)),
    )
