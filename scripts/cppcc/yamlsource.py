"""Safe YAML reading that remembers the line of every key and list entry.

`read_yaml` returns plain Python data plus a map from key paths to 1-based line numbers, so that
validation errors can name `file:LINE: key.path`. Duplicate keys, which PyYAML silently resolves
to the last value, are reported instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Issue:
    """One problem found in one file: printed as `file:line: path: message`."""

    file: str
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}: {where}{self.message}"


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
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


class _Builder:
    def __init__(self, doc: Document, loader: yaml.SafeLoader):
        self.doc, self.loader, self.issues = doc, loader, []

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.doc.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(child, (*path, i)) for i, child in enumerate(node.value)]
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            key = self.loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            child = (*path, key)
            if key in out:
                line = key_node.start_mark.line + 1
                self.issues.append(Issue(self.doc.file, line, format_path(child), "duplicate key"))
                continue
            self.doc.lines[child] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, child)
        return out


def read_yaml(text: str, file: str) -> tuple[Document, list[Issue]]:
    """Parse one YAML document; on failure the document's data is None and issues say why."""
    doc = Document(file, None)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return doc, [Issue(file, 1, "", "file is empty")]
        builder = _Builder(doc, loader)
        doc.data = builder.build(node, ())
        return doc, builder.issues
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        return doc, [Issue(file, line, "", f"is not valid YAML: {error.problem or error}")]
    except yaml.YAMLError as error:
        return doc, [Issue(file, 1, "", f"is not valid YAML: {error}")]
    finally:
        loader.dispose()
