"""The facets of the search, on the index's side: what the filters of the search dialog count and
browse (`facets.py` and `facets.js` read it). No MkDocs here.

A proposal has one value of each proposal-level facet: its meeting (the meeting's id), the
meeting's year (none if the meeting has no year), its party or body (`Speaker.affiliation`, as
the index by party shows it) and its topic; each of its items has a kind (background, problem,
recommendation, the recommendations' introduction counting as a recommendation). Every value has
a number, its id: meetings and years newest first, parties and topics by how many proposals have
them (then by pinyin), so that the commonest are in the first block of the vocabulary.

Proposals are numbered meeting by meeting (the corpus's order), so a meeting is a run of
proposals and the runs give every proposal's meeting and year. A proposal's *record* is the ids of
its stored facets (party, topic) then the number of its items of each kind; a *hit record* leaves
out the recommendations. A proposal's results are numbered as the index's items
(`indexing.items_of`): its first `lead` have no kind (the speaker line), then come its background
paragraphs, its problems and its recommendations, as many as its record says. The files, all under `format.ROOT`, are listed
in format.py (its facets part). The ones that make counting a query's results cost no more than
the query: `facets/t/` and `facets/u/` hold, for every term of `t/` and `u/`, the hit records of
the proposals its entry's postings name, in their order, so that the records of a query's results
come with the terms the query fetched. Browsing without a query reads `facets/l/` (a party's or a
topic's proposals, newest meeting first, in pages), `facets/s/` (what a value's proposals hold of
every other facet) and `facets/r/` (records in blocks of proposals).
"""

from __future__ import annotations

import unicodedata
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import affiliations
from ..indexes import pinyin_key
from ..model import Corpus, Proposal
from . import format, text, varint
from .format import ROOT, dumps

FACETS = format.FACETS
RANGES = format.FACET_RANGES  # known from the runs
STORED = format.FACET_STORED  # in every record
KINDS = format.FACET_KINDS
# the facets' names in the dialog (the page's config carries them: `plugin.with_our_search`)
LABELS = {"meeting": "会议", "year": "年份", "party": "党派、团体", "topic": "主题", "kind": "类别"}
KIND_LABELS = {"background": "背景", "problem": "问题", "recommendation": "建议"}
VOCAB_BLOCK = 32  # values in a block of the vocabulary (a query's shown ones are in a few)
RECORD_BLOCK = 256  # proposals in a block of records
LIST_PAGE = 500  # proposals in a page of a value's list
KEY_BYTES = 4_000  # about the size of a shard of keys
PREFIX = "facets/"


def key_of(value: str) -> str:
    """What a filter's value is matched by: NFKC, lower case, no spaces around (facets.js alike)."""
    return unicodedata.normalize("NFKC", value).lower().strip()


def keys_of(facet: str, value: str, label: str) -> set[str]:
    """The keys a value is found by in a URL: itself and its label (a meeting's title, a kind's
    name as the pages show it), and a party's or body's other names (`affiliations`: 农工党 is
    also 农工民主党). The one place to give a value other names."""
    names = {value, label}
    if facet == "party":
        names.update(n for known in affiliations.KNOWN if known.name == value for n in known.starts)
    return {key_of(n) for n in names}


def kind_counts(proposal: Proposal) -> tuple[int, int, int]:
    """Items of each kind, in reading order: background, problems, recommendations."""
    intro = 1 if proposal.recommendations_intro else 0
    return len(proposal.background), len(proposal.problems), intro + len(proposal.recommendations)


@dataclass
class Vocabulary:
    """One facet's values by id: (value, label), and the items of each kind they hold."""

    values: list[tuple[str, str]]
    totals: list[list[int]]
    ids: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, ordered: list[tuple[str, str]]) -> Vocabulary:
        return cls(ordered, [[0] * len(KINDS) for _ in ordered],
                   {value: n for n, (value, _) in enumerate(ordered)})


class Faceting:
    """The facets of a corpus, computed once before the index's workers fork."""

    def __init__(self, corpus: Corpus):
        proposals = corpus.proposals
        meetings = {m.id: m for m in corpus.meetings}
        used = {p.meeting for p in proposals}
        newest = [m for m in reversed(corpus.meetings) if m.id in used]
        years = sorted({m.year for m in newest if m.year}, reverse=True)
        self.vocab: dict[str, Vocabulary] = {
            "meeting": Vocabulary.of([(m.id, m.title) for m in newest]),
            "year": Vocabulary.of([(str(y), str(y)) for y in years]),
            "party": _by_frequency(p.speaker.affiliation for p in proposals),
            "topic": _by_frequency(p.topic for p in proposals),
            "kind": Vocabulary.of([(k, KIND_LABELS[k]) for k in KINDS]),
        }
        self.kinds = [kind_counts(p) for p in proposals]
        from .indexing import items_of  # indexing calls this module

        leads = {len(items_of(p)) - sum(k) for p, k in zip(proposals, self.kinds)}
        if len(leads) > 1:
            raise ValueError("search facets: the items before a proposal's citable ones vary")
        self.lead = leads.pop() if leads else 0  # the items before the citable ones
        self.values = [self._values(p, meetings) for p in proposals]
        for values, kinds in zip(self.values, self.kinds):
            for facet, v in values.items():
                if v >= 0:
                    _add(self.vocab[facet].totals[v], kinds)
        for k, total in enumerate(map(sum, zip(*self.kinds))):
            self.vocab["kind"].totals[k][k] = total
        self.runs = self._runs(proposals)
        self.records = [(*(values[f] for f in STORED), *kinds)
                        for values, kinds in zip(self.values, self.kinds)]
        # a hit record, written once a proposal: every term's entry joins them
        self.hit_codes = [varint.encode(list(r[:len(STORED) + len(KINDS) - 1]))
                          for r in self.records]

    def _values(self, proposal: Proposal, meetings) -> dict[str, int]:
        meeting = meetings[proposal.meeting]
        ids = {f: self.vocab[f].ids for f in ("meeting", "year", "party", "topic")}
        return {"meeting": ids["meeting"][meeting.id],
                "year": ids["year"][str(meeting.year)] if meeting.year else -1,
                "party": ids["party"][proposal.speaker.affiliation],
                "topic": ids["topic"][proposal.topic]}

    def _runs(self, proposals: list[Proposal]) -> list[list[int]]:
        """[meeting, year (-1: none), first proposal, proposals, items of each kind...] of each
        meeting, newest first: a proposal's rank in browsing is its place in that order."""
        runs: dict[int, list[int]] = {}
        for p, values in enumerate(self.values):
            m = values["meeting"]
            if m not in runs:
                runs[m] = [m, values["year"], p, 0, *[0] * len(KINDS)]
            run = runs[m]
            if run[2] + run[3] != p:
                raise ValueError(f"search facets: the proposals of meeting {proposals[p].meeting}"
                                 " are not numbered one after another")
            run[3] += 1
            for k, n in enumerate(self.kinds[p]):
                run[4 + k] += n
        return [runs[m] for m in sorted(runs)]

    def ranks(self) -> list[int]:
        """Each proposal's rank: newest meeting first, then in printed order."""
        out = [0] * len(self.values)
        rank = 0
        for _, _, first, count, *_ in self.runs:
            for p in range(first, first + count):
                out[p] = rank
                rank += 1
        return out

    def term_entry(self, term: str, postings: array) -> bytes:
        """`"term":"hit records"` of a term of a table (as `indexing._dump` writes its entries),
        for the proposals its kept postings (`indexing.pack`ed) name, in their order."""
        from .indexing import _dump, keep, unpack  # indexing calls this module

        proposals = dict.fromkeys(unpack(x)[0] for x in keep(postings))
        return _dump(term, "".join(map(self.hit_codes.__getitem__, proposals)))

    # -- the files -------------------------------------------------------------------------------

    def files(self) -> dict[str, bytes]:
        """Every file of the facets but the term tables', by its path relative to the site."""
        out = {}
        for facet, vocab in self.vocab.items():
            for b in range(0, max(len(vocab.values), 1), VOCAB_BLOCK):
                out[f"{ROOT}{PREFIX}v/{facet}.{b // VOCAB_BLOCK}.json"] = dumps(
                    [value if value == label else [value, label]
                     for value, label in vocab.values[b:b + VOCAB_BLOCK]])
            out[f"{ROOT}{PREFIX}n/{facet}.json"] = dumps(
                varint.encode([n for total in vocab.totals for n in total]))
            out.update(self._keys(facet, vocab))
        for b in range(0, len(self.records), RECORD_BLOCK):
            out[f"{ROOT}{PREFIX}r/{b // RECORD_BLOCK}.json"] = dumps(
                varint.encode([n for r in self.records[b:b + RECORD_BLOCK] for n in r]))
        out.update(self._browsing())
        return out

    def _keys(self, facet: str, vocab: Vocabulary) -> dict[str, bytes]:
        keys = {key: n for n, (value, label) in enumerate(vocab.values)
                for key in sorted(keys_of(facet, value, label)) if key}
        count = text.shard_count(sum(len(k.encode()) + 8 for k in keys), KEY_BYTES)
        shards: list[dict[str, int]] = [{} for _ in range(count)]
        for key, n in keys.items():
            shards[text.shard_of(key, count)][key] = n
        return {f"{ROOT}{PREFIX}k/{facet}.{k}.json": dumps(s) for k, s in enumerate(shards)}

    def _browsing(self) -> dict[str, bytes]:
        """Each value's summary (`s/`), and a party's or topic's list of proposals (`l/`)."""
        ranks = self.ranks()
        levels = [f for f in FACETS if f != "kind"]
        members: dict[str, defaultdict[int, list[int]]] = {f: defaultdict(list) for f in levels}
        for p in sorted(range(len(ranks)), key=ranks.__getitem__):
            for f in levels:
                if self.values[p][f] >= 0:
                    members[f][self.values[p][f]].append(p)
        out = {}
        for facet in levels:
            for v, proposals in members[facet].items():
                summary: dict = {"n": len(proposals), "f": {}}
                for other in levels:
                    if other == facet:
                        continue
                    held: defaultdict[int, list[int]] = defaultdict(lambda: [0] * len(KINDS))
                    for p in proposals:
                        if self.values[p][other] >= 0:
                            _add(held[self.values[p][other]], self.kinds[p])
                    numbers, last = [], 0
                    for w in sorted(held):
                        numbers += (w - last, *held[w])
                        last = w
                    summary["f"][other] = varint.encode(numbers)
                if facet in STORED:
                    pages = [proposals[k:k + LIST_PAGE]
                             for k in range(0, len(proposals), LIST_PAGE)]
                    summary["pages"] = [ranks[page[0]] for page in pages]
                    for k, page in enumerate(pages):
                        numbers, last = [], 0
                        for p in page:
                            numbers += (ranks[p] - last, *self.records[p])
                            last = ranks[p]
                        out[f"{ROOT}{PREFIX}l/{facet}.{v}.{k}.json"] = dumps(varint.encode(numbers))
                out[f"{ROOT}{PREFIX}s/{facet}.{v}.json"] = dumps(summary)
        return out

    def manifest(self, files: dict[str, bytes], tables: Iterable[str]) -> dict[str, bytes]:
        """The facets' own manifest (`facets/manifest.json`, fetched only when a query is
        filtered or counted), from the index's other files: what facets.js reads instead of
        spelling it, the runs, and the average sizes (bytes) a query weighs its reads by: of a
        term table's shard and of a hit record in it, and of a block of records."""
        def mean(prefix: str | tuple[str, ...], per=lambda content: 1) -> int:
            found = [content for path, content in files.items() if path.startswith(prefix)]
            return -(-sum(map(len, found)) // max(sum(map(per, found)), 1))

        ends = format.DIGITS[:1 << format.GROUP_BITS].encode()  # a number's last digit
        hits = len(STORED) + len(KINDS) - 1
        # the hit records of a shard: its numbers (each ends in one of `ends`) over a record's
        records = lambda content: (len(content) - len(content.translate(None, ends))) // hits
        tables = list(tables)
        return {f"{ROOT}{PREFIX}manifest.json": dumps({
            "names": list(FACETS), "kinds": list(KINDS),
            "ranges": list(RANGES), "stored": list(STORED),
            "values": {f: len(v.values) for f, v in self.vocab.items()},
            "vocabBlock": VOCAB_BLOCK, "recordBlock": RECORD_BLOCK, "listPage": LIST_PAGE,
            "lead": self.lead,
            "keys": {f: sum(1 for path in files if path.startswith(f"{ROOT}{PREFIX}k/{f}."))
                     for f in FACETS},
            "shards": {t: sum(1 for path in files if path.startswith(f"{ROOT}{PREFIX}{t}/"))
                       for t in tables},
            "shardBytes": {t: mean(f"{ROOT}{PREFIX}{t}/") for t in tables},
            "recordBytes": max(mean((f"{ROOT}{PREFIX}{t}/", f"{ROOT}{PREFIX}{format.OWN}{t}."),
                                    records) for t in tables),
            "blockBytes": mean(f"{ROOT}{PREFIX}r/"),
            "runs": self.runs,
        })}


def _add(into: list[int], kinds: Iterable[int]) -> None:
    for k, n in enumerate(kinds):
        into[k] += n


def _by_frequency(values: Iterable[str]) -> Vocabulary:
    counts = Counter(values)
    ordered = sorted(counts, key=lambda v: (-counts[v], pinyin_key(v), v))
    return Vocabulary.of([(v, v) for v in ordered])
