"""The query side in Python: the reference that engine.js follows step for step.

It reads the same files the browser fetches (through `files`, path -> bytes), so the tests can
check the shard layout, the maps and the ranking without a browser, and compare the browser's
results with these.

A query is rewritten, then planned:
1. normalise (NFKC, lower case) and map traditional characters to simplified (`t2s.json`);
2. a sequence of Latin runs separated by spaces that is not an indexed word and can be read as
   toneless pinyin of corpus words (`py/`) is replaced by those words (`lao zi hao` -> 老字号);
3. each CJK run yields its substrings that are index terms (a one-character run: its unigram),
   each Latin run itself; every term remembers the span of the query it covers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from . import ranking, text
from .format import MAX_PINYIN_KEY as MAX_KEY  # the longest pinyin key looked up
from .format import ROOT
from .maps import convert_t2s


@dataclass(frozen=True)
class Plan:
    query: str  # the rewritten query the spans refer to
    terms: list[ranking.QueryTerm]
    length: int  # characters of content (CJK and Latin) in the rewritten query


class Engine:
    def __init__(self, files: Mapping[str, bytes]):
        self.files = files
        self.manifest = self._load("manifest.json")
        self.t2s: dict[str, str] = self._load("t2s.json")
        self.shard = cache(self._shard)

    def _load(self, name: str):
        return json.loads(self.files[ROOT + name])

    def _shard(self, kind: str, k: int) -> dict:
        return self._load(f"{kind}/{k}.json")

    def entry(self, kind: str, term: str):
        return self.shard(kind, text.shard_of(term, self.manifest["shards"][kind])).get(term)

    def pinyin(self, letters: str) -> str | None:
        """The corpus terms that spell `letters` in fewest pieces (longest first), or None."""
        best: dict[int, tuple[int, list[str]]] = {len(letters): (0, [])}
        for i in range(len(letters) - 2, -1, -1):
            for end in range(min(len(letters), i + MAX_KEY), i + 1, -1):
                words = self.entry("py", letters[i:end])
                if words and end in best:
                    n, rest = best[end]
                    if i not in best or n + 1 < best[i][0]:
                        best[i] = (n + 1, [words[0], *rest])
        return "".join(best[0][1]) if 0 in best else None

    def rewrite(self, query: str) -> str:
        q = convert_t2s(query, self.t2s)
        out, pos = [], 0
        for group in _latin_groups(q):
            start, end, parts = group
            joined = "".join(parts)
            if not joined.isalpha() or (len(parts) == 1 and self.entry("t", joined)):
                continue
            chinese = self.pinyin(joined)
            if chinese:
                out += [q[pos:start], chinese]
                pos = end
        return "".join(out) + q[pos:]

    def plan(self, query: str) -> Plan:
        q = self.rewrite(query)
        terms, length = [], 0
        for start, run in text.runs(q):
            length += len(run)
            if not text.is_cjk(run):
                terms.append(ranking.QueryTerm(run, start, start + len(run)))
            elif len(run) == 1:
                terms.append(ranking.QueryTerm(run, start, start + 1))
            else:
                terms += [ranking.QueryTerm(sub, start + off, start + off + len(sub))
                          for off, sub in text.substrings(run) if self.entry("t", sub)]
        return Plan(q, terms, length)

    def postings(self, term: ranking.QueryTerm) -> ranking.Postings | None:
        kind = "u" if len(term.term) == 1 and text.is_cjk(term.term) else "t"
        found = self.entry(kind, term.term)
        return ranking.Postings.from_json(found) if found else None

    def search(self, query: str) -> list[tuple[int, int, float]]:
        """(proposal, item, score) of every result, best first; partial matches if no other."""
        plan = self.plan(query)
        postings = {t.term: p for t in plan.terms if (p := self.postings(t))}
        for coverage in (ranking.MIN_COVERAGE, ranking.PARTIAL_COVERAGE):
            hits = ranking.rank(plan.terms, postings, plan.length, self.manifest["items"],
                                self.manifest["proposals"], coverage)
            if hits:
                break
        return hits


def _latin_groups(q: str) -> list[tuple[int, int, list[str]]]:
    """Maximal sequences of Latin runs separated only by spaces: (start, end, runs)."""
    groups: list[tuple[int, int, list[str]]] = []
    for start, run in text.runs(q):
        if text.is_cjk(run):
            continue
        if groups and q[groups[-1][1]:start].isspace():
            s, _, parts = groups[-1]
            groups[-1] = (s, start + len(run), [*parts, run])
        else:
            groups.append((start, start + len(run), [run]))
    return groups
