"""Build the search index from the model: {path relative to the site: bytes}. No MkDocs here.

The files it writes under `ROOT`, and what each entry holds, are format.py's (written down
there once): a manifest, term, unigram and pinyin shards, the neighbours of terms and the readings
of characters (for a wrong character), a traditional -> simplified map and one fragment a
proposal, each fetched only when a query needs it. The names of aliases.yaml are terms wherever
the text holds them, and each name's entry lists the others the corpus holds.

Postings of a term are cut to the MAX_POSTINGS items of highest impact (their document frequency
is kept), so that a shard stays small however large the corpus grows.
"""

from __future__ import annotations

import json
import operator
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from .. import urls
from ..linking import Links
from ..model import Proposal
from ..parallel import MANY, cores, fork_map
from ..punctuation import full_width
from ..segmenting import Cut, meta_texts
from . import aliases, faceting, format, maps, ranking, text, varint
from .format import MAX_WORD, ROOT, dumps

SHARD_BYTES = 8_000
MAX_POSTINGS = 2_000
# An entry whose postings are longer than this keeps them in a file of its own (`e/`), its shard
# the file's number in their place: a few thousand common terms hold nearly all the postings, and
# a query then fetches the long postings of its own terms, not those of their shards' neighbours.
OWN_FILE = 1_024
TERM_SHARD_BYTES = 2_000  # a term shard's size, once the long postings are out of it
SUGGESTIONS = 6
SPEAKER_LABEL = "发言人"


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    head: str
    body: str


def items_of(proposal: Proposal) -> list[Item]:
    """What a result of a proposal links to, in reading order: its speaker line (name, body,
    role, and the party where the body does not name it), then every citable item, with its
    label as the page shows it."""
    labels = proposal.labels()
    return [Item(urls.SPEAKER, SPEAKER_LABEL, "", " · ".join(speaker_texts(proposal))),
            *(Item(item.id, labels[item.id], *item.parts) for item in proposal.items())]


def speaker_texts(proposal: Proposal) -> list[str]:
    """The texts of the speaker line as search holds them: name, body, role, and the party
    where the body does not name it."""
    s = proposal.speaker
    return [s.name, s.body, s.role, *([s.party] if s.party and s.party not in s.body else [])]


def field_terms(texts: list[str], cuts: list[Cut],
                names: dict[str, list[str]] | None = None) -> Counter:
    """The terms of a field: bigrams, jieba words of 3+ characters, Latin words, and the names
    of 3+ characters that it holds (`names`: by their first two characters)."""
    terms: Counter = Counter()
    normals = [text.normalize(t) for t in texts]
    for normal in normals:
        for run in text.CJK_RUN.findall(normal):
            terms.update(map(operator.add, run, run[1:]))
        terms.update(text.LATIN_RUN.findall(normal))
    for cut in cuts:
        terms.update(cut.long_words())
    for head in (names or {}).keys() & terms.keys():  # a name's first two characters: a bigram
        for name in names[head]:
            found = sum(n.count(name) for n in normals)
            if found:  # (jieba may have cut it as a word already)
                terms[name] = max(terms[name], found)
    return terms


def field_unigrams(texts: list[str], cuts: list[Cut],
                   names: dict[str, list[str]] | None = None) -> Counter:
    """The single CJK characters of a field."""
    return Counter("".join(c for t in texts for c in text.CJK_RUN.findall(text.normalize(t))))


TABLES = {"t": field_terms, "u": field_unigrams}  # shard folder -> what its terms are
PHRASES = "phrases"  # the job that finds the phrases whose initials a query may type


def _dump(term: str, entry: list[int | str] | str) -> bytes:
    """`"term":[...]` (or `"term":"..."`), as `dumps` writes a shard's key and value."""
    return (json.dumps(term, ensure_ascii=False) + ":" +
            json.dumps(entry, separators=(",", ":"))).encode()


# While the index is built, a posting (proposal p, item i, impact w) is one int of an array:
# p, i + 1 and w in fields of bits, so that the ints' order is reading order and the impact is
# their low bits (a tuple of three ints costs about twelve times the array's 8 bytes).
IMPACT_BITS, ITEM_BITS = 16, 20  # an impact is at most ranking.SCALE * (K1 + 1); p takes 27 bits
IMPACT_MASK, ITEM_MASK = (1 << IMPACT_BITS) - 1, (1 << ITEM_BITS) - 1
POSTING = "q"  # the arrays' type: 64-bit signed


def pack(p: int, i: int, w: int) -> int:
    return (p << ITEM_BITS | i + 1) << IMPACT_BITS | w


def unpack(posting: int) -> tuple[int, int, int]:
    return (posting >> IMPACT_BITS + ITEM_BITS, (posting >> IMPACT_BITS & ITEM_MASK) - 1,
            posting & IMPACT_MASK)


def _impact(posting: int) -> int:
    return posting & IMPACT_MASK


def _is_meta(posting: int) -> bool:
    return not posting >> IMPACT_BITS & ITEM_MASK


def keep(postings: array) -> array:
    """The postings a term's entry keeps, from its postings in reading order (`pack`ed): its
    proposals' (meta) and its MAX_POSTINGS items of highest impact, in reading order."""
    if len(postings) <= MAX_POSTINGS:
        return postings
    items = [x for x in postings if not _is_meta(x)]
    if len(items) <= MAX_POSTINGS:
        return postings
    # highest impact first, in reading order on ties (a stable sort keeps it)
    best = sorted(items, key=_impact, reverse=True)[:MAX_POSTINGS]
    return array(POSTING, sorted([x for x in postings if _is_meta(x)] + best))


def encode(postings: array, df_meta: int, df_items: int | None = None) -> list[int | str]:
    """A term's index entry from its `pack`ed postings in reading order, `df_meta` of them a
    proposal's (meta), of `df_items` items (by default those of `postings`: fewer if they were
    kept already): its document frequencies, then, as one `varint` string, the postings of its
    proposals and of its MAX_POSTINGS items of highest impact, each as (proposal minus the one
    before, item plus one, impact), so that the numbers of a common term are small; a meta
    posting's item, -1, is written 0."""
    if df_items is None:
        df_items = len(postings) - df_meta
    numbers, last = [], 0
    for posting in keep(postings):
        p, i, w = unpack(posting)
        numbers += (p - last, i + 1, w)
        last = p
    return [df_items, df_meta, varint.encode(numbers)]


class _Bucket(dict):
    """Term -> whether its hash falls in this bucket (of one or more), computed once a term."""

    def __init__(self, bucket: int, buckets: int):
        super().__init__()
        self.bucket, self.buckets = bucket, buckets

    def __missing__(self, term: str) -> bool:
        self[term] = keep = text.term_hash(term) % self.buckets == self.bucket
        return keep


class Documents:
    """What the index reads, one document per item and one per proposal (its meta): (proposal,
    item) and its texts by field. Held in a few flat objects (one string of every text, arrays
    of numbers), not in a tuple and a dict a document: forked workers each read every document,
    and reading an object writes its reference count, which copies its memory page into the
    worker; these objects are few, and what iterating makes is the worker's own, and goes."""

    FIELDS = ("meta", "body", "head")

    def __init__(self, proposals: list[Proposal]):
        texts: list[str] = []
        self.keys = array("q")  # per document: its proposal and item, two numbers
        self.fields = array("q", [0])  # per document: where its fields start (of `kinds`), + end
        self.kinds = array("b")  # per field: its name's place in FIELDS
        self.lengths = array("q")  # per field: the length of its normalized texts
        self.starts = array("q", [0])  # per field: where its texts start (of `ends`), + end
        self.ends = array("q")  # per text: where it ends in `text`
        end = 0

        def add(key: tuple[int, int], fields: dict[str, list[str]]) -> None:
            nonlocal end
            self.keys.extend(key)
            for name, field_texts in fields.items():
                self.kinds.append(self.FIELDS.index(name))
                self.lengths.append(len(text.normalize(" ".join(field_texts))))
                for t in field_texts:
                    texts.append(t)
                    end += len(t)
                    self.ends.append(end)
                self.starts.append(len(self.ends))
            self.fields.append(len(self.kinds))

        for p, proposal in enumerate(proposals):
            add((p, ranking.META), {"meta": meta_texts(proposal)})
            add((p, 0), {"body": speaker_texts(proposal)})  # (meta's texts)
            for i, it in enumerate(items_of(proposal)[1:], 1):
                add((p, i), {f: [t] for f, t in (("head", it.head), ("body", it.body)) if t})
        self.text = "".join(texts)

    def __len__(self) -> int:
        return len(self.keys) // 2

    def __iter__(self) -> Iterator[tuple[tuple[int, int], dict[str, list[str]], dict[str, int]]]:
        """Each document: (proposal, item), its texts by field, the fields' normalized lengths."""
        keys, fields, kinds, lengths, starts, ends = (self.keys, self.fields, self.kinds,
                                                      self.lengths, self.starts, self.ends)
        whole, names = self.text, self.FIELDS
        for d in range(len(self)):
            texts, sizes = {}, {}
            for f in range(fields[d], fields[d + 1]):
                name = names[kinds[f]]
                first, last = starts[f], starts[f + 1]
                at = ends[first - 1] if first else 0
                found = []
                for t in range(first, last):
                    found.append(whole[at:ends[t]])
                    at = ends[t]
                texts[name], sizes[name] = found, lengths[f]
            yield (keys[2 * d], keys[2 * d + 1]), texts, sizes

    def average_lengths(self) -> dict[str, float]:
        """A field's average normalized length over the documents that have it (at least 1)."""
        total, count = Counter(), Counter()
        for kind, length in zip(self.kinds, self.lengths):
            total[kind] += length
            count[kind] += 1
        return {name: max(total[k] / max(count[k], 1), 1.0)
                for k, name in enumerate(self.FIELDS)}


class _Every:
    """Every term: the one bucket of a table that is not split."""

    def __getitem__(self, term: str) -> bool:
        return True


_EVERY = _Every()


class IndexBuilder:
    """Collects the postings of every item and proposal, then writes shards.

    Each table (terms, unigrams) is a job for a core; with cores to spare, a table's terms are
    also split into buckets by their hash, each job reading every document but keeping only the
    postings of its bucket's terms."""

    def __init__(self, links: Links):
        self.links = links
        self.segmenter = links.segmenter
        self.aliases = aliases.groups(aliases.shipped())
        self.names: dict[str, list[str]] = {}  # names of 3+ characters, by their first two
        for name in sorted({n for group in self.aliases for n in group}):
            if len(name) >= 3:
                self.names.setdefault(name[:2], []).append(name)
        self.docs = Documents(links.corpus.proposals)
        self.avg = self.docs.average_lengths()

    def _texts(self) -> Iterator[str]:
        """Every text of every document, as often as the documents hold it."""
        for _, fields, _ in self.docs:
            for texts in fields.values():
                yield from texts

    def _job(self, job: tuple[str, int, int]):
        return self._phrases() if job[0] == PHRASES else self._table(job)

    def _phrases(self) -> Counter:
        """Every phrase of the corpus (`maps.phrases`), with its count: each distinct clause is
        cut again, the cuts of whole texts keeping no order."""
        clauses: Counter = Counter()
        for t in self._texts():
            clauses.update(text.CJK_RUN.findall(text.normalize(t)))
        found: Counter = Counter()
        words = self.segmenter.tokens
        for clause, n in clauses.items():
            for phrase in maps.phrases(words(clause), MAX_WORD):
                found[phrase] += n
        return found

    def _table(self, job: tuple[str, int, int]) -> tuple[dict[str, bytes], dict[str, int],
                                                         dict[str, bytes]]:
        """The dumped entries of one table's terms whose hash is `bucket` modulo `buckets`, the
        document frequencies of those of one or two CJK characters, and the terms' entries of
        the facets (`faceting.Faceting.term_entry`)."""
        table, bucket, buckets = job
        count, cut = TABLES[table], self.segmenter.cut
        mine = _Bucket(bucket, buckets) if buckets > 1 else _EVERY
        postings: defaultdict[str, array] = defaultdict(partial(array, POSTING))
        metas: Counter = Counter()  # term -> proposals whose meta has it
        # A common term's postings are cut to those `keep` keeps each time MAX_POSTINGS more
        # have come (an item that is not among the best of those so far is never among the
        # best of all), so that a table holds at most about twice what it writes.
        dropped: Counter = Counter()  # term -> postings cut so far
        cap: dict[str, int] = {}  # term -> the length at which its postings are cut next
        for (p, i), fields, lengths in self.docs:
            counted = [(f, count(ts, [cut(t) for t in ts], self.names))
                       for f, ts in fields.items()]
            if len(counted) == 1:  # most documents have one field: no merging
                (f, counter), = counted
                tfs = ((term, ((f, n),)) for term, n in counter.items() if mine[term])
            else:
                merged: dict[str, tuple] = {}
                for f, counter in counted:
                    for term, n in counter.items():
                        if mine[term]:
                            merged[term] = (*merged.get(term, ()), (f, n))
                tfs = merged.items()
            impacts: dict[tuple, int] = {}
            for term, by_field in tfs:
                w = impacts.get(by_field)
                if w is None:
                    w = impacts[by_field] = ranking.impact(dict(by_field), lengths, self.avg)
                found = postings[term]
                found.append(pack(p, i, w))
                if len(found) > cap.get(term, 2 * MAX_POSTINGS):
                    postings[term] = kept = keep(found)
                    dropped[term] += len(found) - len(kept)
                    cap[term] = len(kept) + MAX_POSTINGS
            if i == ranking.META:
                metas.update(term for term in counted[0][1] if mine[term])
        # Dumped here, on every core: the main process only joins the shards.
        short = {term: len(found) + dropped[term] for term, found in postings.items()
                 if len(term) <= 2 and text.is_cjk(term)}
        entries, facets = {}, {}
        for term in list(postings):  # each term's postings let go once dumped
            found = postings.pop(term)
            kept = keep(found)  # (once for both: `encode` and the facets keep no fewer)
            entries[term] = _dump(term, encode(kept, metas[term],
                                               len(found) + dropped[term] - metas[term]))
            facets[term] = self.facets.term_entry(term, kept)
        return entries, short, facets

    @staticmethod
    def _shards(entries: dict[str, bytes], prefix: str) -> dict[str, bytes]:
        """Shard files of `prefix` (`t`, `facets/t`...), from each term's dumped entry (`_dump`):
        postings (or a facets entry's records) of over OWN_FILE characters each in a file of
        `e/` beside the folder, numbered in its shard, the entry holding the number instead."""
        long = lambda entry: entry[2] if isinstance(entry, list) else entry
        stubs = {}
        for term, dumped in entries.items():
            if len(dumped) > OWN_FILE:  # it may hold that many: read it
                entry = json.loads(b"{" + dumped + b"}")[term]
                if len(long(entry)) > OWN_FILE:
                    stubs[term] = entry
        stub = lambda term, entry, n: _dump(
            term, [*entry[:2], n, *entry[3:]] if isinstance(entry, list) else n)
        count = text.shard_count(sum(len(stub(t, stubs[t], 0) if t in stubs else d) + 1
                                     for t, d in entries.items()), TERM_SHARD_BYTES)
        folder, _, table = prefix.rpartition("/")
        root = f"{ROOT}{folder}{'/' if folder else ''}"
        files, shards = {}, [[] for _ in range(count)]
        numbered: Counter = Counter()  # a shard's own files so far
        for term in sorted(entries):
            shard = shards[k := text.shard_of(term, count)]
            entry = stubs.get(term)
            if entry is None:
                shard.append(entries[term])
                continue
            files[root + format.own_file(table, k, numbered[k])] = dumps(long(entry))
            shard.append(stub(term, entry, numbered[k]))
            numbered[k] += 1
        files.update((f"{ROOT}{prefix}/{k}.json", b"{" + b",".join(s) + b"}")
                     for k, s in enumerate(shards))
        return files

    def _pinyin(self, short: dict[str, int], phrases: Counter) -> dict[str, list[str]]:
        """`short`: the document frequency of every CJK term of one or two characters."""
        # Pieces a pinyin query is read as: words, bigrams, then single characters.
        words: Counter = Counter()
        for t in self._texts():
            words.update(self.segmenter.cut(t).words())
        for term, df in short.items():
            if term not in words:
                words[term] = df
        for proposal in self.links.corpus.proposals:
            s = proposal.speaker
            words.update(text.normalize(w) for w in (proposal.topic, s.name, s.body, s.party) if w)
        for group in self.aliases:  # 工商联, which the corpus calls otherwise
            for name in group:
                words[name] = words[name] or 1
        return {key: found[:1] for key, found in maps.pinyin_map(words, phrases).items()}

    def _aliases(self, entries: dict[str, bytes]) -> dict[str, bytes]:
        """The entries of aliases.yaml's names, each with the other names the corpus holds (a
        name it does not hold, without postings), from the dumped entries of the terms."""
        out = {}
        for group in self.aliases:
            held = [name for name in group if name in entries]
            for name in group:
                others = [n for n in held if n != name]
                if others:
                    entry = json.loads(b"{" + entries[name] + b"}")[name] if name in held \
                        else [0, 0, ""]
                    out[name] = _dump(name, [*entry, others])
        return out

    @staticmethod
    def _map_shards(kind: str, table: dict) -> dict[str, bytes]:
        """Shard files of a map (pinyin, neighbours, readings), by the hash of its keys."""
        count = text.shard_count(
            sum(len(dumps(k)) + len(dumps(v)) + 2 for k, v in table.items()), SHARD_BYTES)
        shards: list[dict] = [{} for _ in range(count)]
        for key, value in table.items():
            shards[text.shard_of(key, count)][key] = value
        return {f"{ROOT}{kind}/{k}.json": dumps(s) for k, s in enumerate(shards)}

    def fragments(self) -> Iterator[tuple[str, bytes]]:
        """Each proposal's fragment (`p/`), as it is made: (path, bytes)."""
        for p, proposal in enumerate(self.links.corpus.proposals):
            yield f"{ROOT}p/{p}.json", dumps({
                "u": urls.proposal(proposal.slug),
                "t": proposal.title,
                "s": proposal.speaker.byline,
                # the texts as the page shows them (`punctuation`): the engine reads none of them
                "i": [[it.id, it.label, full_width(it.head), full_width(it.body)]
                      for it in items_of(proposal)],
            })

    def files(self, parallel: bool | None = None) -> dict[str, bytes]:
        """Every file of the index but the proposals' fragments (`fragments`), in path order."""
        corpus = self.links.corpus
        self.segmenter.prepare()  # jieba's cuts, before the workers fork
        self.facets = faceting.Faceting(corpus)  # and the records every table's facets join
        # A job a core: each table, split into buckets by the terms' hash if there are cores
        # to spare (a power of two of them, so that a bucket's terms fall in whole shards)
        buckets = 1 << max(cores() // len(TABLES), 1).bit_length() - 1
        jobs = [(PHRASES, 0, 1)] + [(table, b, buckets) for table in TABLES for b in range(buckets)]
        parallel = len(self.docs) >= MANY if parallel is None else parallel
        phrases, *parts = fork_map(self._job, jobs, parallel=parallel)
        jobs = jobs[1:]
        files, short, terms = {}, {}, []
        for table in TABLES:
            done = [part for job, part in zip(jobs, parts) if job[0] == table]
            entries = {k: v for found, *_ in done for k, v in found.items()}
            if table == "t":
                terms = [t for t in entries if len(t) <= MAX_WORD]
                entries.update(self._aliases(entries))
            files.update(self._shards(entries, table))
            short.update(kv for _, found, _ in done for kv in found.items())
            files.update(self._shards({k: v for *_, found in done for k, v in found.items()},
                                      faceting.PREFIX + table))
        chars: set[str] = set()
        for t in self._texts():
            chars.update(text.normalize(t))
        files.update(self._map_shards("py", self._pinyin(short, phrases)))
        files.update(self._map_shards("n", maps.neighbours_map(terms)))
        files.update(self._map_shards("c", maps.readings_map(chars)))
        files[f"{ROOT}t2s.json"] = dumps(maps.t2s_map(chars))
        manifest = {
            "version": format.VERSION,
            "items": sum(len(items_of(p)) for p in corpus.proposals),  # (fragments: `p/`)
            "proposals": len(corpus.proposals),
            "shards": {k: sum(1 for f in files if f.startswith(f"{ROOT}{k}/"))
                       for k in format.KINDS},
            "ranking": {"metaWeight": ranking.META_WEIGHT, "minCoverage": ranking.MIN_COVERAGE,
                        "partialCoverage": ranking.PARTIAL_COVERAGE, "scale": ranking.SCALE,
                        "digits": ranking.DIGITS},
            "query": {"functionWords": list(text.FUNCTION_WORDS), "separators": text.SEPARATORS,
                      "maxAlias": max((len(n) for g in self.aliases for n in g), default=0)},
            "suggest": _suggestions(corpus.proposals),
            "format": format.client(),
        }
        files.update(self.facets.files())
        files.update(self.facets.manifest(files, TABLES))
        files[f"{ROOT}manifest.json"] = dumps(manifest)
        return dict(sorted(files.items()))


def _suggestions(proposals: list[Proposal]) -> list[str]:
    """What an empty result offers instead: the commonest topics, in reading order on ties."""
    counts = Counter(p.topic for p in proposals)
    return sorted(counts, key=lambda t: -counts[t])[:SUGGESTIONS]


def index_files(links: Links, *, parallel: bool | None = None) -> Iterator[tuple[str, bytes]]:
    """Every file of the search index, (path relative to the site root, bytes): the shards and
    maps, then each proposal's fragment as it is made (so that a writer holds one at a time);
    on every core if `parallel` (by default for a large corpus)."""
    builder = IndexBuilder(links)
    yield from builder.files(parallel).items()
    yield from builder.fragments()


def build_index(links: Links, *, parallel: bool | None = None) -> dict[str, bytes]:
    """Every file of the search index, by its path relative to the site root (`index_files`)."""
    return dict(sorted(index_files(links, parallel=parallel)))


