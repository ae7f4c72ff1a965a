"""Load `proposals/` into one validated, cross-referenced `Corpus`, or report every problem.

Layout: `proposals/*.yaml` are proposals, `proposals/meetings/*.yaml` are meetings. All files are
read and checked before anything is returned; problems from all files are collected and raised
together as `LoadError`, each naming the file, the line and the key path.

Only regular files inside `proposals/` are read: a symbolic link (even to a file inside), a named
pipe or a device is refused by name, never followed or opened for reading, and nothing larger
than `MAX_FILE_BYTES` is read. Hidden files and editors' lock, backup and swap files
(`.#x.yaml`, `x.yaml~`, `#x.yaml#`, `.x.yaml.swp`) are not proposals and are passed over.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .caching import Memo
from .model import NOTE_KINDS, Corpus, Meeting, Note, Proposal
from .yamlsource import Document, Issue, excerpt, format_path, read_yaml

MEETINGS_DIR = "meetings"
MAX_FILE_BYTES = 1_000_000  # one YAML file; the real ones are under 10 KB
MAX_SOURCE_BYTES = 20_000_000  # a meeting's printed source, published as is; the real one 18 KB
_NOT_REGULAR = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"),
                (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))
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
    "date_type": "must be a date written unquoted as YYYY-MM-DD, e.g. 2024-01-05",
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
                 "an empty document (null)" if doc.data is None else excerpt(doc.data))
        return None, [doc.issue((), f"must be a mapping of keys to values, not {found}")]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as error:
        return None, [doc.issue(e["loc"], _message(e)) for e in error.errors()]


class Unreadable(Exception):
    """A file that is not read; the message says what it is: `a symbolic link`, `missing`…"""


def _open(name: str, folder_fd: int, flags: int) -> int:
    try:
        return os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | flags, dir_fd=folder_fd)
    except OSError as error:
        if flags & os.O_DIRECTORY and error.errno in (errno.ELOOP, errno.ENOTDIR):
            link = stat.S_ISLNK(os.stat(name, dir_fd=folder_fd, follow_symlinks=False).st_mode)
            raise Unreadable(f"inside a symbolic link ({name!r})" if link else
                             f"inside something that is not a folder ({name!r})") from None
        what = {errno.ELOOP: "a symbolic link", errno.ENOENT: "missing"}.get(error.errno)
        raise Unreadable(what or f"unreadable ({error.strerror})") from None


def read_inside(root: Path, relative: str, limit: int) -> bytes:
    """The bytes of the regular file `root/relative`, at most `limit` of them. Each part of the
    path is opened relative to the folder before it, never following a symbolic link nor
    waiting on a pipe, and what was opened is what is checked: no race between check and read."""
    *folders, name = relative.split("/")
    opened: list[int] = []
    try:
        opened.append(os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC))
        for folder in folders:
            opened.append(_open(folder, opened[-1], os.O_DIRECTORY))
        opened.append(fd := _open(name, opened[-1], os.O_NONBLOCK))
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Unreadable(next((what for test, what in _NOT_REGULAR if test(info.st_mode)),
                                  "a special file"))
        chunks, total = [], info.st_size
        while total <= limit and (chunk := os.read(fd, limit + 1)):
            chunks.append(chunk)
            total = max(total, sum(map(len, chunks)))
        if total > limit:
            raise Unreadable(f"larger than {limit:,} bytes")
        return b"".join(chunks)
    except OSError as error:
        raise Unreadable(f"unreadable ({error.strerror})") from None
    finally:
        for fd in reversed(opened):
            os.close(fd)


def _read(model: type[M], root: Path, relative: str, display: str,
          memo: Memo) -> tuple[Document, M | None, list[Issue]]:
    try:
        data = read_inside(root, relative, MAX_FILE_BYTES)
    except Unreadable as error:
        return Document(display, None), None, [Issue(display, 1, "", (
            f"must be a regular file inside proposals/ of at most {MAX_FILE_BYTES:,} bytes: "
            f"it is {error}"))]
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


QUOTED = re.compile("\u201c[^\u201d]*\u201d")  # a quotation in a remark: “…”


def _other_kind(note: Note) -> tuple[str, str] | None:
    """(word, kind) where the note's remark, its quotations aside, names another kind of note."""
    remark = QUOTED.sub("", note.text)
    return next(((word, kind) for kind, text in NOTE_KINDS.items() if kind != note.kind
                 for word in text.names if word in remark), None)


def _check_proposal(doc: Document, proposal: Proposal) -> list[Issue]:
    """Rules within one proposal: unique item ids, known problem ids, notes that quote the item
    and whose remark agrees with their kind."""
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
            if named := _other_kind(note):
                word, kind = named
                issues.append(doc.issue((*path, "notes", j, "text"), "must not name another kind "
                                        f"of note than its own ('{note.kind}', {note.label}): "
                                        f"'{word}' names '{kind}' ({NOTE_KINDS[kind].label})"))
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


def _ignored(name: str) -> bool:
    """Hidden files, and the lock, backup and swap files of Emacs, Vim and others."""
    return name.startswith((".", "#")) or name.endswith(("~", "#", ".swp", ".swx"))


def _listed(folder: Path) -> list[str]:
    """The names of the YAML files in `folder`, sorted; none if it is not a folder."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted(n for n in names if n.endswith(".yaml") and not _ignored(n))


def _check_source(root: Path, doc: Document, meeting: Meeting) -> list[Issue]:
    """A meeting's printed source is a regular file in proposals/ (the site publishes it)."""
    if not meeting.source:
        return []
    try:
        read_inside(root, meeting.source, MAX_SOURCE_BYTES)
    except Unreadable as error:
        return [doc.issue(("source",), "must name a regular file inside proposals/ of at most "
                                       f"{MAX_SOURCE_BYTES:,} bytes: '{meeting.source}' is {error}")]
    return []


def _check_dates(doc: Document, meeting: Meeting) -> list[Issue]:
    """A meeting's dates agree with each other and with its year."""
    if meeting.end and not meeting.start:
        return [doc.issue(("end",), "needs a start: give the first day as start")]
    if meeting.start and meeting.end and meeting.end < meeting.start:
        return [doc.issue(("end",), f"must not be before start ({meeting.start.isoformat()})")]
    if meeting.start and meeting.year != meeting.start.year:
        return [doc.issue(("year",), f"must be the year of start ({meeting.start.year}), "
                                     f"not {meeting.year}")]
    return []


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
    for name in _listed(proposals_dir / MEETINGS_DIR):
        path = proposals_dir / MEETINGS_DIR / name
        doc, meeting, found = _read(Meeting, proposals_dir, f"{MEETINGS_DIR}/{name}",
                                    display(path), memo)
        issues += found
        if meeting:
            meetings.append((doc, meeting))
            issues += _check_source(proposals_dir, doc, meeting) + _check_dates(doc, meeting)
    if not meetings and not issues:
        issues.append(Issue(display(proposals_dir / MEETINGS_DIR), 1, "",
                            "must hold at least one meeting file (*.yaml)"))

    proposals: list[tuple[Document, Proposal]] = []
    for name in _listed(proposals_dir):
        doc, proposal, found = _read(Proposal, proposals_dir, name, display(proposals_dir / name),
                                     memo)
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
        meetings=sorted((m for _, m in meetings), key=lambda m: (
            m.year or 0, m.start or date.min, m.term, m.session, m.id)),
        proposals=sorted((p for _, p in proposals), key=lambda p: (p.meeting, p.order, p.slug)),
    )
