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

    score(d) = coverage(d) * ( sum over t of idf(t) * impact(t, d)
                               + META_WEIGHT * sum over t of idf_meta(t) * impact_meta(t, p) )
    idf(t)   = ln(1 + (N - df + 0.5) / (df + 0.5))    over items (idf_meta: over proposals)

where coverage(d) is the share of the query's characters covered by terms d (or p's meta) holds.
Items covering less than MIN_COVERAGE are no results; when no item reaches it, items covering at
least PARTIAL_COVERAGE are shown as partial matches (a paraphrase shares only some words). A proposal matched only through its meta
is represented by its first item. Ties are broken by reading order: proposal, then item; scores
are rounded to DIGITS places first, so that this file and engine.js agree to the last place.
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


def rank(terms: list[QueryTerm], postings: dict[str, Postings], length: int,
         n_items: int, n_proposals: int,
         min_coverage: float = MIN_COVERAGE) -> list[tuple[int, int, float]]:
    """(proposal, item, score) of every result, best first; `length` counts the query's chars."""
    items: dict[tuple[int, int], _Acc] = {}
    metas: dict[int, _Acc] = {}
    for qt in sorted(terms, key=lambda t: (t.start, t.end, t.term)):
        found = postings.get(qt.term)
        if not found:
            continue
        w_item, w_meta = idf(found.df_items, n_items), idf(found.df_meta, n_proposals)
        span = range(qt.start, qt.end)
        for p, i, w in found.triples:
            acc = metas.setdefault(p, _Acc()) if i == META else items.setdefault((p, i), _Acc())
            acc.score += (w_meta * META_WEIGHT if i == META else w_item) * w / SCALE
            acc.covered.update(span)
    for p in metas:
        items.setdefault((p, 0), _Acc())
    out = []
    for (p, i), acc in items.items():
        meta = metas.get(p, _Acc())
        coverage = len(acc.covered | meta.covered) / max(length, 1)
        if coverage >= min_coverage:
            out.append((p, i, round((acc.score + meta.score) * coverage, DIGITS)))
    return sorted(out, key=lambda r: (-r[2], r[0], r[1]))
