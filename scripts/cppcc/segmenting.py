"""Cut every text of the corpus into words, once, for the keywords and for the search index.

Each text is normalised (NFKC, lower case, as the search index and the browser's queries are) and
cut by jieba once, without its HMM: only dictionary words, the proposals' own terms (quoted
words, topics) and the terms the keywords keep (`keywords.yaml`), never guessed ones. From that one cut, the keywords take the nouns (tagged by
jieba's dictionary) and the phrases of two or three adjacent content words that jieba's dictionary
lacks (行政+执法, 科普+教育+基地), and the search index takes the words with their dictionary
sub-words, exactly as jieba's `cut_for_search` would give them. Many texts are cut on every core; a cache kept by the
caller across rebuilds means that `mkdocs serve` cuts only the texts that changed.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import sys
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

import jieba
import jieba.posseg

from .caching import Memo
from .model import Corpus, Proposal
from .parallel import MANY, fork_map
from .search.text import MAX_WORD, is_cjk, normalize

jieba.setLogLevel(logging.WARNING)

QUOTED_TERM = re.compile(r"“([\u4e00-\u9fff]{2,8})”")
# The parts of speech a keyword may be: nouns, set phrases and abbreviations (j: 医保, 中小企业)
NOUN_TAGS = frozenset(("n", "nz", "vn", "nt", "nl", "l", "i", "j"))
# A phrase is two noun-like words (b: 县级, 远程; an: 卫生; nrt: jieba's tag of 科普) or a noun-like
# word and a verb (行政+执法, 双向+转诊, 产教+融合), or three noun-like words (科普+教育+基地).
PHRASE_NOUN = NOUN_TAGS - {"i"} | {"b", "an", "nrt"}
PHRASE_VERB = "v"


def user_terms(corpus: Corpus) -> list[str]:
    """Terms the proposals themselves mark as terms: quoted words and topics."""
    terms = {p.topic for p in corpus.proposals if QUOTED_TERM.fullmatch(f"“{p.topic}”")}
    for proposal in corpus.proposals:
        terms.update(QUOTED_TERM.findall(proposal.title + proposal.speaker_text))
    return sorted(terms)


def meta_texts(proposal: Proposal) -> list[str]:
    """What a proposal is called and who spoke: title, topic and speaker."""
    s = proposal.speaker
    return [t for t in (proposal.title, proposal.topic, s.name, s.role, s.body, s.party) if t]


def item_texts(proposal: Proposal) -> Iterator[str]:
    """The speaker's texts in reading order: each passage, each recommendation's headline and body."""
    for item in proposal.items():
        yield from filter(None, item.parts)


def _numbers(values: list[int]) -> bytes | array:
    """Small counts as bytes, one a count; an array of 4-byte ones where a count exceeds 255."""
    return bytes(values) if max(values, default=0) < 256 else array("I", values)


def _interned(terms: tuple[str, ...], numbers: bytes | array, n_words: int, n_nouns: int) -> Cut:
    """A cut as unpickled from a worker: its words interned, shared with every other cut's."""
    return Cut(tuple(map(sys.intern, terms)), numbers, n_words, n_nouns)


@dataclass(frozen=True, slots=True)
class Cut:
    """The words of one text, with their counts, each group in order of first occurrence.

    One is kept for every distinct text of the corpus for the whole build, and forked workers
    touch them, so it is compact: one tuple of (interned) words and one run of counts, no dict.
    `terms`: the search words (`words`), then the nouns, then each phrase's words; `numbers`: the
    words' counts, the nouns' counts, then each phrase's length and count."""

    terms: tuple[str, ...]
    numbers: bytes | array
    n_words: int
    n_nouns: int

    @classmethod
    def of(cls, words: dict[str, int], nouns: dict[str, int],
           phrases: dict[tuple[str, ...], int]) -> Cut:
        terms = (*words, *nouns, *(w for phrase in phrases for w in phrase))
        numbers = [*words.values(), *nouns.values(),
                   *(k for phrase, n in phrases.items() for k in (len(phrase), n))]
        return cls(terms, _numbers(numbers), len(words), len(nouns))

    def __reduce__(self):
        return _interned, (self.terms, self.numbers, self.n_words, self.n_nouns)

    def words(self) -> dict[str, int]:
        """Search words: CJK words of 2 to `MAX_WORD` characters, with sub-words -> count."""
        n = self.n_words
        return dict(zip(self.terms[:n], self.numbers[:n]))

    def long_words(self) -> dict[str, int]:
        """The search words of 3 characters or more (search terms besides bigrams) -> count."""
        n = self.n_words
        return {w: k for w, k in zip(self.terms[:n], self.numbers[:n]) if len(w) > 2}

    def nouns(self) -> dict[str, int]:
        """Words that jieba's dictionary tags as nouns (`NOUN_TAGS`) -> count."""
        start, end = self.n_words, self.n_words + self.n_nouns
        return dict(zip(self.terms[start:end], self.numbers[start:end]))

    def phrases(self) -> dict[tuple[str, ...], int]:
        """Adjacent content words (`PHRASE_NOUN`) -> count."""
        found, at = {}, self.n_words + self.n_nouns
        shape = self.numbers[at:]
        for size, n in zip(shape[::2], shape[1::2]):
            found[self.terms[at:at + size]] = n
            at += size
        return found


def _phrases(tokens: list[str], kinds: list[str | None], freq: dict) -> dict[tuple[str, ...], int]:
    """The phrases of a text (`PHRASE_NOUN`) that jieba's dictionary does not hold as one word,
    up to `MAX_WORD` characters long, with their counts. `kinds`: each token's part of speech,
    None for one that is no CJK word of two characters or more."""
    noun = [kind in PHRASE_NOUN for kind in kinds]
    found: dict[tuple[str, ...], int] = {}
    for i in range(len(tokens) - 1):
        if not noun[i]:
            continue
        runs = [tokens[i:i + 2]] if noun[i + 1] or kinds[i + 1] == PHRASE_VERB else []
        if noun[i + 1] and i + 2 < len(tokens) and noun[i + 2]:
            runs.append(tokens[i:i + 3])
        for run in runs:
            joined = "".join(run)
            if len(joined) <= MAX_WORD and not freq.get(joined):
                found[tuple(run)] = found.get(tuple(run), 0) + 1
    return found


@dataclass(frozen=True)
class _Base:
    """jieba's own dictionary as a tokenizer loads it (its words' frequencies and their total)
    and its part-of-speech table: read from jieba's files once a process (a second and more),
    not once a corpus."""

    freq: dict[str, int]
    total: int
    tags: dict[str, str]


@functools.cache
def _base() -> _Base:
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return _Base(tokenizer.FREQ, tokenizer.total,
                 jieba.posseg.POSTokenizer(tokenizer).word_tag_tab)


@dataclass
class _Dictionary:
    """A jieba tokenizer that knows the corpus's own terms, its part-of-speech table, and the
    cuts made with it."""

    terms: list[str]
    cuts: Memo[str, Cut] = field(default_factory=Memo)

    @cached_property
    def tokenizer(self) -> jieba.Tokenizer:
        """A tokenizer of jieba's dictionary (a copy of `_base`'s, as `initialize` would read
        it) with the terms added."""
        base = _base()
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = dict(base.freq), base.total, True
        for term in self.terms:
            tokenizer.add_word(term)
        return tokenizer

    @cached_property
    def tags(self) -> dict[str, str]:
        """Word -> part of speech, from jieba's dictionary; the corpus's own terms are nouns."""
        return {**_base().tags, **dict.fromkeys(self.terms, "nz")}


class Segmenter:
    """Cuts texts with a private jieba tokenizer that knows the corpus's own terms, and `terms`.

    `memo` (optional, kept by the caller across rebuilds) keeps the tokenizer and its cuts, by
    the terms it knows."""

    def __init__(self, corpus: Corpus, memo: Memo | None = None, terms: Iterable[str] = ()):
        self.corpus, self.prepared = corpus, False
        terms = sorted({*user_terms(corpus), *terms})
        fingerprint = hashlib.sha256("\n".join(terms).encode()).hexdigest()
        memo = memo or Memo()
        memo.new_build()
        self.dictionary: _Dictionary = memo.get(fingerprint, lambda: _Dictionary(terms))
        self.cuts = self.dictionary.cuts
        self.cuts.new_build()

    def _cut(self, text: str) -> Cut:
        nouns: dict[str, int] = {}
        words: dict[str, int] = {}
        tokenizer, tags = self.dictionary.tokenizer, self.dictionary.tags
        # Words are interned: the same few thousand words recur in every text of the corpus.
        tokens = list(map(sys.intern, tokenizer.cut(normalize(text), HMM=False)))
        kinds: list[str | None] = []  # for the phrases
        for word in tokens:
            tag = tags.get(word) if len(word) >= 2 else None
            if tag in NOUN_TAGS:
                nouns[word] = nouns.get(word, 0) + 1
            cjk = len(word) >= 2 and is_cjk(word)
            kinds.append(tag if cjk else None)
            if not cjk:
                continue
            # jieba's cut_for_search: a long word's dictionary 2- and 3-grams, then the word
            grams = [word[i:i + n] for n in (2, 3) if len(word) > n
                     for i in range(len(word) - n + 1)]
            for w in [sys.intern(g) for g in grams if tokenizer.FREQ.get(g)] + [word]:
                if len(w) <= MAX_WORD:
                    words[w] = words.get(w, 0) + 1
        return Cut.of(words, nouns, _phrases(tokens, kinds, tokenizer.FREQ))

    def prepare(self) -> None:
        """Cut every text of the corpus not cut yet (on every core when there are many); once."""
        if self.prepared:
            return
        texts = {t for p in self.corpus.proposals for t in (*meta_texts(p), *item_texts(p))}
        todo = sorted(self.cuts.missing(texts))
        if len(todo) >= MANY:  # load the dictionaries once, before forking
            self.dictionary.tags  # noqa: B018
        for text, cut in zip(todo, fork_map(self._cut, todo, chunksize=64)):
            self.cuts.keep(text, cut)
        self.prepared = True

    def cut(self, text: str) -> Cut:
        return self.cuts.get(text, lambda: self._cut(text))

    def tokens(self, text: str) -> list[str]:
        """jieba's cut of a normalised text, word after word (kept nowhere: a cut keeps counts)."""
        return self.dictionary.tokenizer.lcut(text, HMM=False)
