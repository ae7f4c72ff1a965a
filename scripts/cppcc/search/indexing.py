"""Build the search index from the model: {path relative to the site: bytes}. No MkDocs here.

Layout, under `search/cppcc/` (each file is fetched only when a query needs it)::

    manifest.json     counts, shard counts, ranking constants, suggestions (a few hundred bytes)
    t/<k>.json        term shards: term -> [df_items, df_meta, p, i, impact, ...]
    u/<k>.json        one-character terms, for one-character queries
    py/<k>.json       pinyin shards: toneless pinyin -> a term (shard of the key's first 2 letters)
    t2s.json          traditional -> simplified, for the corpus's characters
    p/<n>.json        proposal n: URL, title, speaker and the text of its items (for snippets)

Postings of a term are cut to the MAX_POSTINGS items of highest impact (their document frequency
is kept), so that a shard stays small however large the corpus grows.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from ..linking import Links, proposal_url
from ..model import Proposal
from . import maps, ranking, text

ROOT = "search/cppcc/"
SHARD_BYTES = 8_000
MAX_POSTINGS = 2_000
SUGGESTIONS = 6


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    head: str
    body: str


def items_of(proposal: Proposal) -> list[Item]:
    """Every citable item of a proposal, in reading order, with its label as the page shows it."""
    out = [Item(b.id, "背景", "", b.text) for b in proposal.background]
    out += [Item(q.id, f"问题 {n}", "", q.text) for n, q in enumerate(proposal.problems, 1)]
    intro = proposal.recommendations_intro
    if intro:
        out.append(Item(intro.id, "建议引言", "", intro.text))
    out += [Item(r.id, f"建议 {n}", r.headline, r.body)
            for n, r in enumerate(proposal.recommendations, 1)]
    return out


def meta_text(proposal: Proposal) -> str:
    s = proposal.speaker
    return " ".join(filter(None, [proposal.title, proposal.topic, s.name, s.role, s.body, s.party]))


def _json(data) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _shard_count(sizes: int) -> int:
    n = 1
    while n * SHARD_BYTES < sizes:
        n *= 2
    return n


class IndexBuilder:
    """Collects the postings of every item and proposal, then writes shards."""

    def __init__(self, links: Links):
        self.links = links
        self.tokenizer = links.keywords.tokenizer  # shared: jieba's dictionary is loaded once
        self.terms: dict[str, dict[tuple[int, int], int]] = {}
        self.unigrams: dict[str, dict[tuple[int, int], int]] = {}
        self.words: Counter = Counter()
        self.chars: set[str] = set()

    def _fields(self) -> list[tuple[tuple[int, int], dict[str, str]]]:
        docs = []
        for p, proposal in enumerate(self.links.corpus.proposals):
            docs.append(((p, ranking.META), {"meta": meta_text(proposal)}))
            docs += [((p, i), {"head": it.head, "body": it.body})
                     for i, it in enumerate(items_of(proposal))]
        return docs

    def collect(self) -> None:
        """Analyse every field once, then store each term's impact in each document."""
        docs = []
        for key, fields in self._fields():
            analysed = {f: text.index_terms(t, self.tokenizer) for f, t in fields.items()}
            lengths = {f: len(text.normalize(t)) for f, t in fields.items()}
            docs.append((key, analysed, lengths))
            for f, t in fields.items():
                self.chars.update(text.normalize(t))
                self.words.update(analysed[f][2])
        avg = {}
        for f in ranking.FIELD_WEIGHTS:
            seen = [lengths[f] for _, _, lengths in docs if f in lengths]
            avg[f] = max(sum(seen) / max(len(seen), 1), 1.0)
        for key, analysed, lengths in docs:
            for slot, target in ((0, self.terms), (1, self.unigrams)):
                tfs: dict[str, dict[str, int]] = {}
                for f, counters in analysed.items():
                    for term, n in counters[slot].items():
                        tfs.setdefault(term, {})[f] = n
                for term, by_field in tfs.items():
                    target.setdefault(term, {})[key] = ranking.impact(by_field, lengths, avg)

    def _shards(self, table: dict[str, dict[tuple[int, int], int]], prefix: str) -> dict[str, bytes]:
        entries = {}
        for term, docs in table.items():
            df_meta = sum(1 for (_, i) in docs if i == ranking.META)
            best = sorted(docs.items(), key=lambda kv: (-kv[1], kv[0]))
            metas = [kv for kv in best if kv[0][1] == ranking.META]
            kept = [kv for kv in best if kv[0][1] != ranking.META][:MAX_POSTINGS]
            flat = [x for (p, i), w in sorted(metas + kept) for x in (p, i, w)]
            entries[term] = [len(docs) - df_meta, df_meta, *flat]
        count = _shard_count(sum(len(_json(v)) + len(t) * 3 + 4 for t, v in entries.items()))
        shards: list[dict] = [{} for _ in range(count)]
        for term, entry in entries.items():
            shards[text.shard_of(term, count)][term] = entry
        return {f"{ROOT}{prefix}/{k}.json": _json(s) for k, s in enumerate(shards)}

    def _pinyin(self) -> tuple[int, dict[str, bytes]]:
        # Pieces a pinyin query is read as: words, bigrams, then single characters.
        words = Counter(self.words)
        for table in (self.terms, self.unigrams):
            for term, docs in table.items():
                if text.is_cjk(term) and len(term) <= 2 and term not in words:
                    words[term] = len(docs)
        for proposal in self.links.corpus.proposals:
            s = proposal.speaker
            words.update(text.normalize(w) for w in (proposal.topic, s.name, s.body, s.party) if w)
        table = maps.pinyin_map(words)
        count = _shard_count(sum(len(k) + len(_json(v)) + 2 for k, v in table.items()))
        shards: list[dict] = [{} for _ in range(count)]
        for key, found in table.items():
            shards[text.shard_of(key, count)][key] = found[:1]
        return count, {f"{ROOT}py/{k}.json": _json(s) for k, s in enumerate(shards)}

    def _fragments(self) -> dict[str, bytes]:
        out = {}
        for p, proposal in enumerate(self.links.corpus.proposals):
            s = proposal.speaker
            out[f"{ROOT}p/{p}.json"] = _json({
                "u": proposal_url(proposal),
                "t": proposal.title,
                "s": f"{s.name} · {s.body} {s.role}",
                "i": [[it.id, it.label, it.head, it.body] for it in items_of(proposal)],
            })
        return out

    def files(self) -> dict[str, bytes]:
        self.collect()
        corpus = self.links.corpus
        files = self._shards(self.terms, "t")
        files.update(self._shards(self.unigrams, "u"))
        py_count, py_files = self._pinyin()
        files.update(py_files)
        files.update(self._fragments())
        files[f"{ROOT}t2s.json"] = _json(maps.t2s_map(self.chars))
        manifest = {
            "version": 1,
            "items": sum(len(items_of(p)) for p in corpus.proposals),
            "proposals": len(corpus.proposals),
            "shards": {k: sum(1 for f in files if f.startswith(f"{ROOT}{k}/"))
                       for k in ("t", "u", "py")},
            "ranking": {"metaWeight": ranking.META_WEIGHT, "minCoverage": ranking.MIN_COVERAGE,
                        "partialCoverage": ranking.PARTIAL_COVERAGE, "scale": ranking.SCALE},
            "suggest": _suggestions(corpus.proposals),
        }
        assert manifest["shards"]["py"] == py_count
        files[f"{ROOT}manifest.json"] = _json(manifest)
        return dict(sorted(files.items()))


def _suggestions(proposals: list[Proposal]) -> list[str]:
    """What an empty result offers instead: the commonest topics, in reading order on ties."""
    counts = Counter(p.topic for p in proposals)
    return sorted(counts, key=lambda t: -counts[t])[:SUGGESTIONS]


def build_index(links: Links) -> dict[str, bytes]:
    """Every file of the search index, by its path relative to the site root."""
    return IndexBuilder(links).files()

