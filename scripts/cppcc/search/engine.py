"""The query side in Python: the reference that engine.js follows step for step.

It reads the same files the browser fetches (through `files`, path -> bytes), so the tests can
check the shard layout, the maps and the ranking without a browser, and compare the browser's
results with these.

A query is rewritten, then planned:
1. normalise (NFKC, lower case, Latin marks dropped) and map traditional characters to
   simplified (`t2s.json`);
2. a sequence of Latin runs separated by spaces or apostrophes that is not an indexed word and
   can be read as toneless pinyin or initials of corpus words (`py/`) is replaced by those words
   (`lao zi hao`, `zjtx` -> 老字号, 专精特新); where the whole cannot be read, each run alone;
3. each CJK run yields its substrings that are index terms (a one-character run: its unigram),
   each Latin run itself; every term remembers the span of the query it covers;
4. a function word (`query.functionWords`: 如何, 的 ...) counts for nothing: no term that touches
   it, no character of it in the query's length; unless it is part of a longer term (目的地) or
   would leave one character alone beside it (目的);
5. a name with other names (a `t/` entry's forms) adds the terms of the query with the name
   written as each (职教体系 -> 职业教育, 教育体系 ...), over the spans they stand for;
6. a character that no term of two or more characters covers may be one typed wrong: the
   longest stretch around it of 3+ characters that is one character off a term (a homophone for
   three characters: `c/`; the term from its shard, or from `n/` where the first or second
   character is wrong) adds that term, as a correction (ranked below exact matches);
7. a character that no term of two or more characters covers still (个 of 多少个机构) adds its
   unigram, which counts for the score alone: it covers nothing.
The traditional characters of step 1 and steps 2, 5 and 6 are the conversions: a literal search
does without them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from . import ranking, text
from .format import MAX_PINYIN_KEY as MAX_KEY  # the longest pinyin key looked up
from .format import MAX_WORD, ROOT, own_file
from .maps import convert_t2s


@dataclass(frozen=True)
class Plan:
    query: str  # the rewritten query the spans refer to
    terms: list[ranking.QueryTerm]
    length: int  # characters of content (CJK and Latin, no function word) in the rewritten query
    shown: str = ""  # the query as searched: names and corrections in place
    converted: bool = False  # whether `shown` says other than the query as typed


class Engine:
    def __init__(self, files: Mapping[str, bytes]):
        self.files = files
        self.manifest = self._load("manifest.json")
        self.t2s: dict[str, str] = self._load("t2s.json")
        self.shard = cache(self._shard)
        self.own = cache(self._load)
        self.function_words = sorted(self.manifest["query"]["functionWords"],
                                     key=lambda w: (-len(w), w))
        self.longest = max(MAX_WORD, self.manifest["query"]["maxAlias"])
        self.separators = frozenset(self.manifest["query"]["separators"])

    def _load(self, name: str):
        return json.loads(self.files[ROOT + name])

    def _shard(self, kind: str, k: int) -> dict:
        return self._load(f"{kind}/{k}.json")

    def shard_of(self, kind: str, term: str) -> dict:
        return self.shard(kind, text.shard_of(term, self.manifest["shards"][kind]))

    def entry(self, kind: str, term: str):
        return self.shard_of(kind, term).get(term)

    def postings_entry(self, kind: str, term: str) -> list | None:
        """A term's entry with its postings, read from their own file (`e/`) where its shard
        holds their number: only the terms a query ranks by."""
        found = self.entry(kind, term)
        if found and isinstance(found[2], int):
            k = text.shard_of(term, self.manifest["shards"][kind])
            found = [*found[:2], self.own(own_file(kind, k, found[2])), *found[3:]]
        return found

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

    def _reading(self, parts: list[str]) -> str | None:
        joined = "".join(parts)
        if not joined.isalpha() or (len(parts) == 1 and self.entry("t", joined)):
            return None
        return self.pinyin(joined)

    def rewrite(self, query: str, literal: bool = False) -> str:
        if literal:
            return text.normalize(query)
        q = convert_t2s(query, self.t2s)
        out, pos = [], 0
        for start, end, runs in _latin_groups(q, self.separators):
            chinese = self._reading([run for _, run in runs])
            if chinese:
                out += [q[pos:start], chinese]
                pos = end
            elif len(runs) > 1:  # each run alone
                for at, run in runs:
                    chinese = self._reading([run])
                    if chinese:
                        out += [q[pos:at], chinese]
                        pos = at + len(run)
        return "".join(out) + q[pos:]

    def plan(self, query: str, literal: bool = False) -> Plan:
        q = self.rewrite(query, literal)
        terms: list[ranking.QueryTerm] = []
        names: list[tuple[int, int, str, list[str], bool]] = []  # (start, end, name, forms, held)
        cjk = []
        for start, run in text.runs(q):
            if not text.is_cjk(run):
                terms.append(ranking.QueryTerm(run, start, start + len(run)))
                continue
            cjk.append((start, run))
            if len(run) == 1:
                terms.append(ranking.QueryTerm(run, start, start + 1))
                continue
            for off, sub in text.substrings(run, self.longest):
                found = self.entry("t", sub)
                if not found:
                    continue
                span = (start + off, start + off + len(sub))
                held = found[0] + found[1] > 0
                if held:
                    terms.append(ranking.QueryTerm(sub, *span))
                if len(found) > 3 and not literal:
                    names.append((*span, sub, found[3], held))
        length = sum(len(run) for _, run in text.runs(q))
        neutral = self.neutral(cjk, terms, length)
        terms = [t for t in terms if not neutral.intersection(range(t.start, t.end))]
        names = [n for n in names if not neutral.intersection(range(n[0], n[1]))]
        typed = {t.term for t in terms}
        for s, e, name, forms, _ in names:
            terms += [t for form in forms for t in self.renamed(cjk, s, e, name, form, typed)
                      if not neutral.intersection(range(t.start, t.end))]
        fixes = [] if literal else self.corrections(cjk, terms, neutral)
        terms += [ranking.QueryTerm(term, s, e, fuzzy=True) for s, e, term in fixes]
        terms += self.alone(cjk, terms, neutral)
        length -= len(neutral)
        shown = _replaced(q, [(s, e, forms[0]) for s, e, _, forms, held in names if not held]
                          + fixes)
        return Plan(q, terms, length, shown, shown != text.normalize(query))

    def renamed(self, cjk: list[tuple[int, str]], s: int, e: int, name: str, form: str,
                typed: set[str]) -> list[ranking.QueryTerm]:
        """The terms of the query with its name at [s, e) written as `form`: the form, and
        those that reach over its ends, each over the span of the query it stands for (the
        form's characters: the name's); none the query as typed holds (`typed`)."""
        start, run = next((a, r) for a, r in cjk if a <= s < a + len(r))
        at, end, grown = s - start, s - start + len(form), len(form) - (e - s)
        variant = run[:at] + form + run[e - start:]
        out = []
        for off, sub in text.substrings(variant, self.longest):
            inside = at <= off and off + len(sub) <= end
            if off >= end or off + len(sub) <= at or (inside and sub != form) or sub in typed:
                continue
            found = self.entry("t", sub)
            if found and found[0] + found[1] > 0:
                a = start + off if off < at else s
                b = e if off + len(sub) <= end else start + off + len(sub) - grown
                out.append(ranking.QueryTerm(sub, a, b, of=name))
        return out

    @staticmethod
    def alone(cjk: list[tuple[int, str]], terms: list[ranking.QueryTerm],
              neutral: set[int]) -> list[ranking.QueryTerm]:
        """A character that no longer term covers (个 of 多少个机构, 所 of 几所院校), as its
        unigram: it adds to the score of the items that hold it, and covers nothing (step 7)."""
        covered = set(neutral)
        for t in terms:
            if t.end - t.start >= 2:
                covered.update(range(t.start, t.end))
        return [ranking.QueryTerm(run[k], start + k, start + k + 1, weak=True)
                for start, run in cjk if len(run) > 1
                for k in range(len(run)) if start + k not in covered]

    def neutral(self, cjk: list[tuple[int, str]], terms: list[ranking.QueryTerm],
                length: int) -> set[int]:
        """The positions of the query's function words that count for nothing (step 4), of a
        query of `length` characters."""
        long = [t for t in terms if len(t.term) >= 3]
        out: set[int] = set()
        for start, run in cjk:
            found, i = [], 0
            while i < len(run):
                word = next((w for w in self.function_words if run.startswith(w, i)), None)
                if word:
                    found.append((i, i + len(word)))
                i += len(word) if word else 1
            for k, (a, b) in enumerate(found):
                left = a - (found[k - 1][1] if k else 0)
                right = (found[k + 1][0] if k + 1 < len(found) else len(run)) - b
                inside = any(t.start < start + b and t.end > start + a and
                             (t.start < start + a or t.end > start + b) for t in long)
                if left != 1 and right != 1 and not inside:
                    out.update(range(start + a, start + b))
        return set() if len(out) == length else out

    def corrections(self, cjk: list[tuple[int, str]], terms: list[ranking.QueryTerm],
                    neutral: set[int]) -> list[tuple[int, int, str]]:
        """(start, end, term) of each correction of a wrong character (step 6)."""
        covered = set(neutral)
        for t in terms:
            if len(t.term) >= 2:
                covered.update(range(t.start, t.end))
        out = []
        for start, run in cjk:
            done: set[int] = set()
            for k in range(len(run)):
                if start + k in covered or k in done:
                    continue
                fix = self._correction(run, k, {p - start for p in neutral} | done)
                if fix:
                    i, term = fix
                    done.update(range(i, i + len(term)))
                    out.append((start + i, start + i + len(term), term))
        return out

    def _correction(self, run: str, k: int, taken: set[int]) -> tuple[int, str] | None:
        """The best (offset, term) for a window of `run` around its wrong character `k`: the
        longest window, then a homophone, the commoner term, the earlier window, the term."""
        for size in range(min(MAX_WORD, len(run)), 2, -1):
            best = None
            for i in range(max(0, k - size + 1), min(k, len(run) - size) + 1):
                if taken.intersection(range(i, i + size)):
                    continue
                window, j = run[i:i + size], k - i
                for term, df in self.neighbours(window, j):
                    alike = self.homophones(window[j], term[j])
                    if size == 3 and not alike:
                        continue
                    rank = (-alike, -df, i, term)
                    if best is None or rank < best[0]:
                        best = (rank, i, term)
            if best:
                return best[1], best[2]
        return None

    def neighbours(self, window: str, j: int) -> list[tuple[str, int]]:
        """(term, document frequency) of every index term that is `window` but for its
        character `j`."""
        if j >= 2:
            shard = self.shard_of("t", window[:2])
            found = [(t, e) for t, e in shard.items() if len(t) == len(window)
                     and t[:j] == window[:j] and t[j + 1:] == window[j + 1:] and t != window]
        else:
            rest = window[2:]  # its bigrams are the query's: none held, no term holds it
            if any(not self.entry("t", rest[m:m + 2]) for m in range(len(rest) - 1)):
                return []
            heads = self.entry("n", rest) or []
            found = [(t, self.entry("t", t)) for h in heads
                     if h[1 - j] == window[1 - j] and h[j] != window[j]
                     for t in [h + window[2:]]]
        return [(t, e[0] + e[1]) for t, e in found if e and e[0] + e[1] > 0 and text.is_cjk(t)]

    def homophones(self, a: str, b: str) -> bool:
        readings = [set((self.entry("c", c) or "").split()) for c in (a, b)]
        return bool(readings[0] & readings[1])

    def postings(self, term: ranking.QueryTerm) -> ranking.Postings | None:
        kind = "u" if len(term.term) == 1 and text.is_cjk(term.term) else "t"
        found = self.postings_entry(kind, term.term)
        return ranking.Postings.from_json(found) if found else None

    def find(self, query: str, literal: bool = False):
        """(plan, hits, partial): hits are (proposal, item, score), best first; partial if none
        reached the coverage and those shown reach the partial one."""
        plan = self.plan(query, literal)
        postings = {t.term: p for t in plan.terms if (p := self.postings(t))}
        for coverage in (ranking.MIN_COVERAGE, ranking.PARTIAL_COVERAGE):
            hits = ranking.rank(plan.terms, postings, plan.length, self.manifest["items"],
                                self.manifest["proposals"], coverage)
            if hits:
                break
        return plan, hits, coverage != ranking.MIN_COVERAGE

    def search(self, query: str, literal: bool = False) -> list[tuple[int, int, float]]:
        """(proposal, item, score) of every result, best first; partial matches if no other."""
        return self.find(query, literal)[1]


def _latin_groups(q: str,
                  separators: frozenset[str]) -> list[tuple[int, int, list[tuple[int, str]]]]:
    """Maximal sequences of Latin runs separated only by `separators`: (start, end, runs)."""
    groups: list[tuple[int, int, list[tuple[int, str]]]] = []
    for start, run in text.runs(q):
        if text.is_cjk(run):
            continue
        between = q[groups[-1][1]:start] if groups else ""
        if groups and between and separators.issuperset(between):
            s, _, parts = groups[-1]
            groups[-1] = (s, start + len(run), [*parts, (start, run)])
        else:
            groups.append((start, start + len(run), [(start, run)]))
    return groups


def _replaced(q: str, spans: list[tuple[int, int, str]]) -> str:
    """`q` with spans replaced: from the left, the longest where spans start together, and none
    that overlaps one replaced already."""
    out, pos = [], 0
    for s, e, new in sorted(spans, key=lambda x: (x[0], -(x[1] - x[0]), x[2])):
        if s >= pos:
            out += [q[pos:s], new]
            pos = e
    return "".join(out) + q[pos:]
