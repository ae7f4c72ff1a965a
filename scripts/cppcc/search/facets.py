"""The facets on the query side: filters, their counts, and browsing without a query; the
reference that facets.js follows step for step (tests/test_search_facets.py runs both).

A *selection* holds, for each facet, the ids of the values chosen: several values of one facet
are any of them, several facets all of them. With a query, the results are the engine's hits
that pass the selection; without one, the reader browses: every item (of the kinds chosen) of the
proposals that pass it, newest meeting first, then in printed order. A facet's counts are, for
each of its values, the results that would be shown were that value chosen instead of the
facet's own choice: the results that pass every *other* facet's filter, by their value of this
one. So a chosen facet's counts do not shrink to its choice, and each count says what choosing
a value brings.

What is read (faceting.py writes it; format.py lists the files): for a query, the hit records of
its results come from the facets' entries of the query's own terms, the rarest first, until every
result's proposal has one, or from the blocks of records where those are fewer; browsing reads
each chosen value's summary, then its list a page at a time (or a meeting's run of records),
and, when two facets or more are chosen, the records of the smallest of them.
"""

from __future__ import annotations

import bisect
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from . import ranking, text, varint
from .engine import Engine
from .faceting import PREFIX, key_of
from .format import ROOT, own_file

Selection = dict[str, tuple[int, ...]]


@dataclass(frozen=True)
class Run:
    """A meeting's proposals: numbers first..first + count - 1, ranks rank.. in browsing."""

    meeting: int
    year: int
    first: int
    count: int
    kinds: tuple[int, ...]
    rank: int


@dataclass
class Results:
    count: int  # results (items) that pass the selection
    counts: dict[str, dict[int, int]]  # facet -> value id -> results, for the values that have any
    proposals: int  # how many proposals the results are of
    hits: list[tuple[int, int, float]] = field(default_factory=list)  # a query's, that pass
    unfiltered: int = 0  # a query's results before the selection
    browse: Iterator[tuple[int, list[int]]] | None = None  # browsing: (proposal, its items)

    def take(self, n: int) -> list[tuple[int, list[int]]]:
        """The next `n` proposals of a browse, each with the items shown."""
        return [entry for _, entry in zip(range(n), self.browse)] if self.browse else []


class Facets:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.fetched: list[str] = []  # every file read, in order: what the browser fetches
        self._files: dict[str, object] = {}
        self.m = self.load(f"{PREFIX}manifest.json")
        self._blocks: dict[int, list[tuple[int, ...]]] = {}
        self.kinds = len(self.m["kinds"])
        self.width = len(self.m["stored"]) + self.kinds  # numbers of a record
        self.levels = [f for f in self.m["names"] if f != "kind"]  # a proposal's facets

    def load(self, path: str):
        if path not in self._files:
            self.fetched.append(path)
            self._files[path] = json.loads(self.engine.files[ROOT + path])
        return self._files[path]

    # -- values ----------------------------------------------------------------------------------

    def match(self, facet: str, value: str) -> int | None:
        """The id of a URL's value of `facet` (by `key_of`), or None: the one place a value is
        matched."""
        key = key_of(value)
        if facet not in self.m["keys"] or not key:
            return None
        return self.load(f"{PREFIX}k/{facet}.{text.shard_of(key, self.m['keys'][facet])}.json"
                         ).get(key)

    def selection(self, params: Mapping[str, Iterable[str]]) -> Selection:
        """The selection a URL's parameters name (`facet=value`, repeated for several values);
        a value no value matches is left out."""
        out = {}
        for facet in self.m["names"]:
            ids = {self.match(facet, v) for v in params.get(facet, ())} - {None}
            if ids:
                out[facet] = tuple(sorted(ids))
        return out

    def labels(self, facet: str, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        """(value, label) of each id (a value written alone is its own label)."""
        block, out = self.m["vocabBlock"], {}
        for v in sorted(set(ids)):
            entry = self.load(f"{PREFIX}v/{facet}.{v // block}.json")[v % block]
            out[v] = (entry, entry) if isinstance(entry, str) else tuple(entry)
        return out

    def totals(self, facet: str) -> list[tuple[int, ...]]:
        """The items of each kind of every value of `facet`, by id."""
        return _chunks(varint.decode(self.load(f"{PREFIX}n/{facet}.json")), self.kinds)

    def summary(self, facet: str, v: int) -> dict:
        return self.load(f"{PREFIX}s/{facet}.{v}.json")

    def held(self, facet: str, v: int, other: str) -> dict[int, tuple[int, ...]]:
        """What the proposals of value `v` hold of facet `other`: value -> items of each kind."""
        numbers, out, w = varint.decode(self.summary(facet, v)["f"][other]), {}, 0
        for chunk in _chunks(numbers, 1 + self.kinds):
            w += chunk[0]
            out[w] = chunk[1:]
        return out

    # -- proposals -------------------------------------------------------------------------------

    @cached_property
    def runs(self) -> list[Run]:
        out, rank = [], 0
        for meeting, year, first, count, *kinds in self.m["runs"]:
            out.append(Run(meeting, year, first, count, tuple(kinds), rank))
            rank += count
        return out

    @cached_property
    def _by_first(self) -> tuple[list[Run], list[int]]:
        runs = sorted(self.runs, key=lambda r: r.first)
        return runs, [r.first for r in runs]

    def run_of(self, p: int) -> Run:
        runs, firsts = self._by_first
        return runs[bisect.bisect_right(firsts, p) - 1]

    @cached_property
    def _ranks(self) -> list[int]:
        return [r.rank for r in self.runs]

    def run_at(self, rank: int) -> Run:
        return self.runs[bisect.bisect_right(self._ranks, rank) - 1]

    def records(self, proposals: Iterable[int]) -> dict[int, tuple[int, ...]]:
        """The records of proposals, from their blocks."""
        block, out = self.m["recordBlock"], {}
        for p in sorted(set(proposals)):
            numbers = self._block(p // block)
            out[p] = numbers[p % block]
        return out

    def _block(self, b: int) -> list[tuple[int, ...]]:
        if b not in self._blocks:
            self._blocks[b] = _chunks(varint.decode(self.load(f"{PREFIX}r/{b}.json")), self.width)
        return self._blocks[b]

    def values(self, p: int, record: tuple[int, ...]) -> dict[str, int]:
        """A proposal's value id of every proposal-level facet (-1: none)."""
        run = self.run_of(p)
        out = {"meeting": run.meeting, "year": run.year}
        out.update(zip(self.m["stored"], record))
        return out

    def kind(self, record: tuple[int, ...], i: int) -> int:
        """The kind of item `i` of the proposal of `record` (a hit record is enough); -1 for one
        before the citable items (the speaker line)."""
        counts, edge = record[len(self.m["stored"]):], self.m["lead"]
        if i < edge:
            return -1
        for k, n in enumerate(counts):
            edge += n
            if i < edge:
                return k
        return self.kinds - 1

    def items(self, record: tuple[int, ...], kinds: set[int]) -> list[int]:
        counts = record[len(self.m["stored"]):]
        out, start = [], self.m["lead"]
        for k, n in enumerate(counts):
            if k in kinds:
                out += range(start, start + n)
            start += n
        return out

    # -- a query ---------------------------------------------------------------------------------

    def hit_records(self, plan, proposals: set[int]) -> dict[int, tuple[int, ...]]:
        """The hit records of `proposals`, all of them results of the query of `plan`. The
        engine's entries of its terms name the proposals each term's facets entry covers, so
        the choice costs no read: terms taken greedily (the one that covers most of those still
        needed for its bytes: its shard, on average, and its records), as many of them as make
        their cost and that of the blocks of records of the rest least; the rest from their
        blocks."""
        m, needed, got = self.m, set(proposals), {}
        covers: dict[tuple[str, str], list[int]] = {}
        for t in plan.terms:
            table = "u" if len(t.term) == 1 and text.is_cjk(t.term) else "t"
            entry = self.engine.postings_entry(table, t.term)
            if entry and table in m["shards"] and (table, t.term) not in covers:
                covers[(table, t.term)] = list(dict.fromkeys(
                    p for p, _, _ in ranking.Postings.from_json(entry).triples))
        block, width = m["recordBlock"], self.width - 1
        blocks = lambda ps: len({p // block for p in ps}) * m["blockBytes"]
        cost = {k: m["shardBytes"][k[0]] + m["recordBytes"] * len(ps) for k, ps in covers.items()}
        # Greedily, the term that covers most of those still needed for its cost, then the
        # next...; of these, the first terms whose cost and the blocks of the rest cost least
        order, left = [], set(needed)
        while left:
            best, gain = None, 0
            for k in sorted(covers.keys() - set(order), key=lambda k: (cost[k], k)):
                n = len(left.intersection(covers[k]))
                if n and (best is None or n * cost[best] > gain * cost[k]):
                    best, gain = k, n
            if best is None:
                break
            order.append(best)
            left.difference_update(covers[best])
        take, least, spent, left = 0, blocks(needed), 0, set(needed)
        for n, k in enumerate(order, 1):
            spent += cost[k]
            left.difference_update(covers[k])
            if spent + blocks(left) < least:
                take, least = n, spent + blocks(left)
        for table, term in order[:take]:
            found = varint.decode(self.term_records(table, term))
            for p, record in zip(covers[(table, term)], _chunks(found, width)):
                if p in needed:
                    got[p] = record
                    needed.discard(p)
        got.update((p, r[:width]) for p, r in self.records(needed).items())
        return got

    def term_records(self, table: str, term: str) -> str:
        """A term's facets entry (the hit records of the proposals its entry names), from its
        shard or from the file of its own (`e/`) whose number the shard holds."""
        k = text.shard_of(term, self.m["shards"][table])
        found = self.load(f"{PREFIX}{table}/{k}.json")[term]
        return self.load(PREFIX + own_file(table, k, found)) if isinstance(found, int) \
            else found

    def search(self, query: str, selection: Selection) -> Results:
        """The results of `query` that pass `selection`, and the counts; without a query, a
        browse."""
        if not query.strip():
            return self.browse(selection)
        plan, hits, _ = self.engine.find(query)
        return self.filter(hits, plan, selection)

    def filter(self, hits: list[tuple[int, int, float]], plan, selection: Selection) -> Results:
        """The engine's `hits` for the query of `plan` that pass `selection`, and the counts."""
        records = self.hit_records(plan, {p for p, _, _ in hits})
        chosen = {f: set(ids) for f, ids in selection.items() if ids}
        counts: dict[str, Counter] = {f: Counter() for f in self.m["names"]}
        kept = []
        for hit in hits:
            p, i, _ = hit
            found = self.values(p, records[p])
            found["kind"] = self.kind(records[p], i)
            missed = [f for f in chosen if found[f] not in chosen[f]]
            if len(missed) > 1:
                continue
            if not missed:
                kept.append(hit)
            for f in missed or found:  # a result that misses one facet counts for that one
                if found[f] >= 0:
                    counts[f][found[f]] += 1
        return Results(len(kept), _plain(counts), len({p for p, _, _ in kept}), kept, len(hits))

    # -- browsing --------------------------------------------------------------------------------

    def browse(self, selection: Selection) -> Results:
        chosen = {f: set(ids) for f, ids in selection.items() if ids}
        kinds = chosen.pop("kind", None) or set(range(self.kinds))
        weight = lambda counts: sum(counts[k] for k in kinds)
        counts: dict[str, Counter] = {f: Counter() for f in self.m["names"]}
        if len(chosen) <= 1:
            facet = next(iter(chosen), None)
            totals = self.totals(facet) if facet else [r.kinds for r in self.runs]
            mine = [totals[v] for v in chosen[facet]] if facet else totals
            for f in self.levels:
                if f == facet or not facet:
                    counts[f].update({v: weight(t) for v, t in enumerate(self.totals(f))})
                else:
                    for v in chosen[facet]:
                        counts[f].update({w: weight(t) for w, t in
                                          self.held(facet, v, f).items()})
            for k in range(self.kinds):
                counts["kind"][k] = sum(t[k] for t in mine)
            if not facet:
                proposals = sum(r.count for r in self.runs)
                source = self._runs([r for r in self.runs])
            elif facet in self.m["ranges"]:
                runs = [r for r in self.runs if getattr(r, facet) in chosen[facet]]
                proposals, source = sum(r.count for r in runs), self._runs(runs)
            else:
                proposals = sum(self.summary(facet, v)["n"] for v in chosen[facet])
                source = self._lists(facet, sorted(chosen[facet]))
            count = sum(weight(t) for t in mine)
        else:
            members = self.members(chosen)
            for _, p, record in members:
                found = self.values(p, record)
                for f in self.levels:
                    if f not in chosen and found[f] >= 0:
                        counts[f][found[f]] += weight(record[-self.kinds:])
                for k in range(self.kinds):
                    counts["kind"][k] += record[-self.kinds + k]
            for f in chosen:
                others = {g: ids for g, ids in chosen.items() if g != f}
                if len(others) == 1:
                    (g, ids), = others.items()
                    for v in ids:
                        counts[f].update({w: weight(t) for w, t in self.held(g, v, f).items()})
                else:
                    for _, p, record in self.members(others):
                        v = self.values(p, record)[f]
                        if v >= 0:
                            counts[f][v] += weight(record[-self.kinds:])
            count = sum(weight(record[-self.kinds:]) for _, _, record in members)
            proposals = len(members)
            source = ((p, record) for _, p, record in members)
        shown = ((p, self.items(record, kinds)) for p, record in source)
        return Results(count, _plain(counts), proposals, browse=shown)

    def _runs(self, runs: list[Run]) -> Iterator[tuple[int, tuple[int, ...]]]:
        """The proposals of `runs`, in order, with their records (a block at a time)."""
        block = self.m["recordBlock"]
        for run in runs:
            for p in range(run.first, run.first + run.count):
                yield p, self._block(p // block)[p % block]

    def _lists(self, facet: str, ids: list[int]) -> Iterator[tuple[int, tuple[int, ...]]]:
        """The proposals of values `ids` of a stored facet, merged in rank order, each list read
        a page when it is reached."""
        heads = [self._list(facet, v) for v in ids]
        current = [next(h, None) for h in heads]
        while any(c is not None for c in current):
            k = min((c[0], k) for k, c in enumerate(current) if c is not None)[1]
            rank, record = current[k]
            run = self.run_at(rank)
            yield run.first + rank - run.rank, record
            current[k] = next(heads[k], None)

    def _list(self, facet: str, v: int, pages: Iterable[int] | None = None
              ) -> Iterator[tuple[int, tuple[int, ...]]]:
        """(rank, record) of a value's proposals, from its pages (all, or those named)."""
        count = len(self.summary(facet, v)["pages"])
        for k in range(count) if pages is None else pages:
            rank = 0
            for chunk in _chunks(varint.decode(self.load(f"{PREFIX}l/{facet}.{v}.{k}.json")),
                                 1 + self.width):
                rank += chunk[0]
                yield rank, chunk[1:]

    def members(self, chosen: dict[str, set[int]]) -> list[tuple[int, int, tuple[int, ...]]]:
        """(rank, proposal, record) of every proposal that passes `chosen` (one facet or more),
        in rank order, read from the cheapest of them: the runs of the meetings the range
        facets allow, or a stored facet's lists (only the pages of those meetings' ranks)."""
        ranges = [f for f in self.m["ranges"] if f in chosen]
        runs = [r for r in self.runs if all(getattr(r, f) in chosen[f] for f in ranges)]
        best, cost = None, sum(r.count for r in runs) if ranges else None
        for f in self.m["stored"]:
            if f in chosen:
                n = sum(self.summary(f, v)["n"] for v in chosen[f])
                if cost is None or n < cost:
                    best, cost = f, n
        if best is None:
            found = ((r.rank + p - r.first, p, rec) for r in runs for p, rec in self._runs([r]))
        else:
            found = []
            for v in sorted(chosen[best]):
                starts = self.summary(best, v)["pages"]
                pages = [k for k in range(len(starts)) if not ranges or any(
                    r.rank < (starts[k + 1] if k + 1 < len(starts) else float("inf")) and
                    starts[k] < r.rank + r.count for r in runs)]
                for rank, record in self._list(best, v, pages):
                    run = self.run_at(rank)
                    found.append((rank, run.first + rank - run.rank, record))
        out = []
        for rank, p, record in found:
            have = self.values(p, record)
            if all(have[f] in ids for f, ids in chosen.items()):
                out.append((rank, p, record))
        return sorted(out)


def _chunks(numbers: list[int], n: int) -> list[tuple[int, ...]]:
    return [tuple(numbers[k:k + n]) for k in range(0, len(numbers), n)]


def _plain(counts: dict[str, Counter]) -> dict[str, dict[int, int]]:
    return {f: {v: n for v, n in sorted(c.items()) if n} for f, c in counts.items()}
