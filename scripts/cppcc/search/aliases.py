"""Other names of the proposals' terms: the parties' and people's organisations' (their forms in
`affiliations.KNOWN`, the one list of them: 农工党, 农工民主党, 中国农工民主党) and those of
`aliases.yaml`, shipped with the package (roles, set abbreviations of policy terms, and what else
a reader types: 九三 for 九三学社). Entries that share a name are one. The index holds each name as
a term wherever the text has it, and gives every name the others the corpus holds (format.py: a
`t/` entry's forms), so that a query in any name finds, and highlights, them all.
"""

from __future__ import annotations

import functools
from importlib import resources

from ..affiliations import KNOWN
from ..yamlsource import Issue, read_yaml
from .text import CJK_RUN, normalize

FILE = "aliases.yaml"
SHOWN = f"scripts/cppcc/search/{FILE}"  # the file, as messages name it
MAX_NAME = 16  # characters of the longest name


class AliasError(ValueError):
    """aliases.yaml is not a mapping of names to lists of names: one `file:line: key: rule` line
    a problem."""

    def __init__(self, issues: list[Issue]):
        super().__init__("\n".join(map(str, issues)))
        self.issues = issues


def _name_problem(name: object) -> str | None:
    if not isinstance(name, str):
        return "must be a name (Chinese characters), not a list or a number"
    if normalize(name) != name or not CJK_RUN.fullmatch(name):
        return "must be Chinese characters only, as the proposals write them"
    if not 2 <= len(name) <= MAX_NAME:
        return f"must be 2 to {MAX_NAME} characters long"
    return None


def parse(text: str, file: str = SHOWN) -> dict[str, tuple[str, ...]]:
    """{term: its other names}, or AliasError naming every problem."""
    doc, issues = read_yaml(text, file)
    if doc.data is not None and not isinstance(doc.data, dict):
        issues.append(doc.issue((), "must be a mapping of terms to lists of their other names"))
    groups: dict[str, tuple[str, ...]] = {}
    seen: set[str] = set()
    for term, names in (doc.data or {}).items() if isinstance(doc.data, dict) else ():
        if not isinstance(names, list) or not names:
            issues.append(doc.issue((term,), "must be a list of the term's other names"))
            continue
        for path, name in [((term,), term), *(((term, k), n) for k, n in enumerate(names))]:
            problem = _name_problem(name)
            if problem is None and name in seen:
                problem = f"{name} stands in another entry already: a name has one entry"
            if problem:
                issues.append(doc.issue(path, problem))
            elif isinstance(name, str):
                seen.add(name)
        groups[term] = tuple(names)
    if issues:
        raise AliasError(issues)
    return groups


@functools.cache
def shipped() -> dict[str, tuple[str, ...]]:
    """The package's own aliases.yaml."""
    return parse((resources.files(__package__) / FILE).read_text(encoding="utf-8"))


def groups(entries: dict[str, tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The names that are one, each entry's first: the parties' and organisations', then
    `entries` (aliases.yaml's); an entry that shares a name with one before joins it."""
    out: list[list[str]] = []
    of: dict[str, int] = {}  # name -> its group
    found = [(k.name, *k.starts, *k.holds) for k in KNOWN] + [(t, *o) for t, o in entries.items()]
    for names in found:
        joined = next((of[n] for n in names if n in of), len(out))
        if joined == len(out):
            out.append([])
        for name in names:
            if name not in of:
                of[name] = joined
                out[joined].append(name)
    return [tuple(group) for group in out if len(group) > 1]
