"""Safe YAML reading that remembers the line of every key and list entry.

`read_yaml` returns plain Python data plus a map from key paths to 1-based line numbers, so that
validation errors can name `file:LINE: key.path`. Duplicate keys, which PyYAML silently resolves
to the last value, are reported instead, and so is anything a proposal never needs but a hostile
or mistyped file might hold: keys that are not plain scalars, merge keys, nesting too deep for
the parser's recursion, aliases that expand into more values or more text than any proposal
holds, a text longer than any paragraph, and surrogates (a lone `"\\ud800"` escape): Python
strings can hold them, UTF-8 cannot. A well-formed pair of escapes (`"\\ud83d\\ude42"`, as
`json.dumps` writes 🙂) is joined into the one character it spells.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]

MAX_DEPTH = 50  # a proposal nests 5 deep; PyYAML's recursive composer fails near 1,000
MAX_VALUES = 100_000  # a proposal holds a few hundred; bounds what aliases can expand to
MAX_TEXT_CHARS = 100_000  # one string; the longest paragraph printed is under 1,000 characters
MAX_DOCUMENT_CHARS = 1_000_000  # all strings, aliases expanded; a proposal holds under 4,000
SURROGATE = re.compile("[\ud800-\udfff]")
LONE_SURROGATE = re.compile("[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]")
YAML_TAG = "tag:yaml.org,2002:"
MERGE_TAG = YAML_TAG + "merge"
PLAIN_COLLECTIONS = {YAML_TAG + "map", YAML_TAG + "seq"}


@dataclass(frozen=True)
class Issue:
    """One problem found in one file: printed as `file:line: path: message`."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return escaped(f"{self.file}:{self.line}: {where}{self.message}")


PLAIN_KEY = re.compile(r'[^\s.\[\]"]+')
_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def escaped(text: str) -> str:
    """`text` on one line, every unprintable character (line breaks, ANSI escapes, bidi
    controls, surrogates from undecodable file names) written as a backslash escape."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _ESCAPES.get(c) or
                   (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}") for c in text)


def excerpt(value: Any, limit: int = 24) -> str:
    """`repr(value)`, cut to `limit` characters: what a message may quote of a file that may not
    be a proposal at all."""
    shown = repr(value)
    return shown if len(shown) <= limit else shown[:limit - 1] + "…"


def _quoted(key: str) -> str:
    """A key as a JSON string, with every unprintable character escaped: one line, always."""
    return escaped(json.dumps(key, ensure_ascii=False))


def format_path(path: Path) -> str:
    """`problems[0].id`; a key that is not a plain word is quoted: `speaker["a b"]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif PLAIN_KEY.fullmatch(part) and part.isprintable():
            out += f".{part}" if out else part
        else:
            out += f"[{_quoted(part)}]"
    return out


@dataclass
class Document:
    """Data read from one YAML file, with the line of each path in it."""

    file: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """The line of the deepest existing node on `path` (a missing key points at its parent)."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return 1

    def issue(self, path: Path, message: str) -> Issue:
        return Issue(self.file, self.line_of(path), format_path(path), message)


class _Refused(Exception):
    """The file cannot be read as data at all; one issue says why."""

    def __init__(self, line: int, path: Path, message: str):
        super().__init__(message)
        self.line, self.path, self.message = line, path, message


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing nesting deep enough to exhaust Python's recursion."""

    depth = 0

    def compose_node(self, parent, index):
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                line = self.peek_event().start_mark.line + 1
                raise _Refused(line, (), f"must not nest more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


try:  # libyaml, where PyYAML was built with it
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - a pure-Python PyYAML
    CParser = None


class _FastLoader(_Loader):
    """The same loader, composer and checks, reading its events from libyaml's parser: several
    times faster. Used only for text both parsers read alike, and only where it finds no problem;
    otherwise the pure-Python loader reads the file again, so every message is PyYAML's own."""

    def __init__(self, text: str):
        self._parser = CParser(text)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def check_event(self, *choices):
        return self._parser.check_event(*choices)

    def peek_event(self):
        return self._parser.peek_event()

    def get_event(self):
        return self._parser.get_event()

    def dispose(self) -> None:
        self._parser.dispose()


def _python_only(text: str) -> bool:
    """Text PyYAML's reader refuses or may count lines in differently from libyaml."""
    return bool(yaml.reader.Reader.NON_PRINTABLE.search(text)) or \
        any(char in text for char in "\x85\u2028\u2029\ufeff")


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _tagged(node: yaml.Node) -> str:
    return f"must be a plain YAML value, not one tagged {node.tag.replace(YAML_TAG, '!!')}"


def _joined(text: str) -> str:
    """`text` with each pair of surrogates joined into the character it spells."""
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")


class _Builder:
    def __init__(self, doc: Document, loader: yaml.SafeLoader):
        self.doc, self.loader, self.issues = doc, loader, []
        self.values = self.chars = 0

    def _text(self, node: yaml.Node, path: Path, text: str) -> str:
        """A string as written, within the limits (else the file is refused)."""
        self.chars += len(text)
        if self.chars > MAX_DOCUMENT_CHARS:
            raise _Refused(_line(node), path, f"must not hold more than {MAX_DOCUMENT_CHARS:,} "
                           "characters of text (are YAML aliases repeating a large value?)")
        if len(text) > MAX_TEXT_CHARS:
            raise _Refused(_line(node), path, f"must not be longer than {MAX_TEXT_CHARS:,} "
                           f"characters, not {len(text):,}")
        if SURROGATE.search(text):
            if lone := LONE_SURROGATE.search(text):
                raise _Refused(_line(node), path, "must not hold the lone surrogate "
                               f"\\u{ord(lone.group()):04x}: write the character itself")
            return _joined(text)
        return text

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.values += 1
        if self.values > MAX_VALUES:
            raise _Refused(1, (), f"must not hold more than {MAX_VALUES:,} values "
                           "(are YAML aliases repeating a large value?)")
        self.doc.lines.setdefault(path, _line(node))
        if isinstance(node, yaml.CollectionNode) and node.tag not in PLAIN_COLLECTIONS:
            raise _Refused(_line(node), path, _tagged(node))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        try:
            value = self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError:
            raise _Refused(_line(node), path, _tagged(node)) from None
        except ValueError as error:  # a timestamp with no such day: 2024-13-05, 2023-02-29
            raise _Refused(_line(node), path, f"must be a real date: YAML reads "
                           f"{excerpt(node.value)} as a date, but {error}") from None
        return self._text(node, path, value) if isinstance(value, str) else value

    def _key(self, node: yaml.Node, path: Path) -> str | None:
        """The key as written; None (and an issue) for a key that cannot name a field."""
        if node.tag == MERGE_TAG:
            self.issues.append(Issue(self.doc.file, _line(node), format_path(path),
                                     "must not use YAML merge keys (<<): write each key out"))
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.issues.append(Issue(self.doc.file, _line(node), format_path(path),
                                     "keys must be plain words, not a list or a mapping"))
            return None
        # as written: `1`, `~` or `yes` are names too, not numbers or booleans
        return self._text(node, path, node.value)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            if key is None:
                continue
            child = (*path, key)
            if key in out:
                first = self.doc.lines[child]
                self.issues.append(Issue(self.doc.file, _line(key_node), format_path(child),
                                         f"must not be given twice (first given on line {first})"))
                continue
            self.doc.lines[child] = _line(key_node)
            out[key] = self.build(value_node, child)
        return out


def _yaml_message(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or str(error)
    if error.context and problem.startswith("but "):
        problem = f"{error.context}, {problem}"  # "expected a single document …, but found …"
    elif error.context_mark and error.problem_mark and \
            error.context_mark.line != error.problem_mark.line:
        what = error.context.removeprefix("while parsing ").removeprefix("while scanning ")
        problem += f" (in {what} started on line {error.context_mark.line + 1})"
    if "'\\t'" in problem:
        problem += " (indent with spaces, not tabs)"
    return f"must be valid YAML: {problem}"


def read_yaml(text: str, file: str) -> tuple[Document, list[Issue]]:
    """Parse one YAML document; on failure the document's data is None and issues say why."""
    if CParser is not None and not _python_only(text):
        doc, issues, ours = _read_yaml(text, file, _FastLoader)
        if ours or (doc.data is not None and not issues):
            return doc, issues  # (our own refusals name the same line from either parser)
    return _read_yaml(text, file, _Loader)[:2]


def _read_yaml(text: str, file: str,
               loader_class: type[_Loader]) -> tuple[Document, list[Issue], bool]:
    """(document, issues, whether a rule of ours refused it: limits, tags, surrogates)."""
    doc = Document(file, None)
    try:
        loader = loader_class(text)
    except yaml.reader.ReaderError as error:  # a control character, refused before parsing
        line = text.count("\n", 0, error.position) + 1
        return doc, [Issue(file, line, "", f"must not contain the control character "
                                           f"U+{error.character:04X}")], False
    try:
        node = loader.get_single_node()
        if node is None:
            return doc, [Issue(file, 1, "", "must not be empty")], False
        builder = _Builder(doc, loader)
        data = builder.build(node, ())
        doc.data = data
        return doc, builder.issues, False
    except _Refused as refused:
        doc.lines.clear()
        return doc, [Issue(file, refused.line, format_path(refused.path), refused.message)], True
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        return doc, [Issue(file, line, "", _yaml_message(error))], False
    except yaml.YAMLError as error:
        return doc, [Issue(file, 1, "", f"must be valid YAML: {error}")], False
    finally:
        loader.dispose()
