"""The ranking function: BM25F with field weights, impacts computed at build time.

An *item* (a background paragraph, a problem, the recommendations' introduction or a
recommendation) has two fields: `head` (a recommendation's headline) and `body` (its remaining
text, or the whole text of a passage). A *proposal* has one field, `meta`: its title, topic and
speaker (name, role, body, party); it counts for every item of the proposal.

For a term t and an item d the build stores the saturated, length-normalised term frequency
(BM25F, Robertson & Zaragoza 2009)::

    tf'(t, d)    = sum over fields f of  W_f * tf_f(t, d) / (1 - B + B * len_f(d) / avglen_f)
    impact(t, d) = tf' * (K1 + 1) / (tf' + K1)                      (stored * SCALE, rounded)

A query is a set of terms, each covering a span of the normalised query. The score of item d of
proposal p is::

    score(d) = own(d) * (1 + whole(d)) / 2
               * ( sum over t of idf(t) * impact(t, d)
                   + META_WEIGHT * sum over t of idf_meta(t) * impact_meta(t, p) )
    idf(t)   = ln(1 + (N - df + 0.5) / (df + 0.5))    over items (idf_meta: over proposals)

where coverage(d) is the share of the query's characters covered by terms d (or p's meta) holds
(a query's function words are no characters of it: engine.py drops them); own(d) the same share
with a character only p's meta covers counting META_WEIGHT; whole(d) the share of the query that
d holds in one piece: the most characters in a row that d's terms join (a term joins the
characters it spans), so that an item holding the query's words side by side ranks above one
holding them apart. A term that renames a name of the query (`of`, aliases.yaml) counts with the
idf of that name where that is lower: another name is worth no more than the one typed.
Items covering less than MIN_COVERAGE are no results; when no item reaches it, items covering at
least PARTIAL_COVERAGE are shown as partial matches (a paraphrase shares only some words). A proposal matched only through its meta
is represented by its first item (the speaker line). A term may be a correction of a wrong
character (`fuzzy`): it covers the span it corrects, but an item that reaches the coverage only
through corrections ranks below every item that reaches it with the query's own terms. A `weak`
term (a character no longer term covers) adds to the score and covers nothing. Ties are
broken by reading order: proposal, then item; scores are rounded to DIGITS places first, so that
this file and engine.js agree to the last place.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from . import varint
from .format import META

K1 = 1.2
B = 0.75
FIELD_WEIGHTS = {"head": 3.0, "body": 1.0, "meta": 1.0}
META_WEIGHT = 0.5
MIN_COVERAGE = 0.6
PARTIAL_COVERAGE = 0.25
SCALE = 100
DIGITS = 6  # places a score is rounded to


def impact(tfs: dict[str, int], lengths: dict[str, int], avglen: dict[str, float]) -> int:
    """The stored BM25F weight of a term in a document, times SCALE."""
    tf = sum(FIELD_WEIGHTS[f] * n / (1 - B + B * lengths[f] / avglen[f])
             for f, n in tfs.items() if n)
    return round(SCALE * tf * (K1 + 1) / (tf + K1))


def idf(df: int, n: int) -> float:
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


@dataclass(frozen=True)
class QueryTerm:
    term: str
    start: int
    end: int
    fuzzy: bool = False  # a wrong character's correction: ranked below exact matches
    weak: bool = False  # counts for the score alone, covers nothing (a character left alone)
    of: str = ""  # the name as typed, where this term renames it: counts no more than it


@dataclass
class Postings:
    """One term's postings: true document frequencies, then (p, i, impact) triples."""

    df_items: int
    df_meta: int
    triples: list[tuple[int, int, int]]

    @classmethod
    def from_json(cls, data: list) -> Postings:
        """Decode an entry as `indexing.encode` writes it."""
        numbers, triples, p = varint.decode(data[2]), [], 0
        for k in range(0, len(numbers), 3):
            p += numbers[k]
            triples.append((p, numbers[k + 1] - 1, numbers[k + 2]))
        return cls(data[0], data[1], triples)


@dataclass
class _Acc:
    score: float = 0.0
    covered: set[int] = field(default_factory=set)
    exact: set[int] = field(default_factory=set)  # covered by terms that are no correction
    joined: set[int] = field(default_factory=set)  # k: one matched term holds k and k + 1


def _longest(joined: set[int]) -> int:
    """The most characters in a row that matched terms join (k and k + 1 in one term)."""
    best = run = 0
    for k in sorted(joined):
        run = run + 1 if k - 1 in joined else 1
        best = max(best, run)
    return best + 1


def rank(terms: list[QueryTerm], postings: dict[str, Postings], length: int,
         n_items: int, n_proposals: int,
         min_coverage: float = MIN_COVERAGE) -> list[tuple[int, int, float]]:
    """(proposal, item, score) of every result, best first; `length` counts the query's chars."""
    items: dict[tuple[int, int], _Acc] = {}
    metas: dict[int, _Acc] = {}
    for qt in sorted(terms, key=lambda t: (t.start, t.end, t.term, t.fuzzy, t.weak, t.of)):
        found = postings.get(qt.term)
        if not found:
            continue
        w_item, w_meta = idf(found.df_items, n_items), idf(found.df_meta, n_proposals)
        typed = postings.get(qt.of)
        if typed:
            w_item = min(w_item, idf(typed.df_items, n_items))
            w_meta = min(w_meta, idf(typed.df_meta, n_proposals))
        span = range(0) if qt.weak else range(qt.start, qt.end)
        for p, i, w in found.triples:
            acc = metas.setdefault(p, _Acc()) if i == META else items.setdefault((p, i), _Acc())
            acc.score += (w_meta * META_WEIGHT if i == META else w_item) * w / SCALE
            acc.covered.update(span)
            acc.joined.update(span[:-1])
            if not qt.fuzzy:
                acc.exact.update(span)
    for p in metas:
        items.setdefault((p, 0), _Acc())
    out = []
    n = max(length, 1)
    for (p, i), acc in items.items():
        meta = metas.get(p, _Acc())
        coverage = len(acc.covered | meta.covered) / n
        if coverage >= min_coverage:
            corrected = len(acc.exact | meta.exact) / n < min_coverage
            own = (len(acc.covered) + META_WEIGHT * len(meta.covered - acc.covered)) / n
            whole = _longest(acc.joined) / n if acc.covered else 0.0
            score = (acc.score + meta.score) * own * (1 + whole) / 2
            out.append((corrected, p, i, round(score, DIGITS)))
    out.sort(key=lambda r: (r[0], -r[3], r[1], r[2]))
    return [(p, i, score) for _, p, i, score in out]
