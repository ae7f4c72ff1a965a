"""Keywords of each proposal: its domain terms, weighed against the whole corpus.

A proposal's terms are the nouns of its one cut (`segmenting`), the phrases of adjacent content
words that occur at least twice (行政+执法, 科普+教育+基地), and the always-kept terms wherever
they occur; never a word of the stop list, which weighs nothing inside a phrase (the lists:
`keywords.yaml`, beside this file). A term's weight is tf-idf: its count (the title's and the
topic's words count `TITLE_WEIGHT` times), sublinear; times its rarity among the corpus's
proposals (document frequency: a word every proposal uses tells none apart); times its rarity in
Chinese at large (jieba's IDF table). A word found mostly inside a stronger term of the same
proposal (基地 in 科普教育基地) gives way to it. The strongest terms are the proposal's keywords;
their weights, normalised, are its vector, which related proposals are found by (`linking`).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

import jieba.analyse
import yaml

from .model import Corpus, Proposal
from .parallel import fork_map
from .segmenting import Cut, Segmenter, item_texts

LISTS = Path(__file__).with_name("keywords.yaml")
PER_PROPOSAL = 8  # keywords shown
TITLE_WEIGHT = 3  # a word of the title or the topic counts as this many in the text
PHRASE_MIN = 2  # a phrase is a term if it occurs this many times (the title and topic count once)
KEYWORD_MIN = 2  # a keyword is counted this many times at least (a word of the title always is)
INSIDE = 2  # a word of a stronger phrase, counted less than INSIDE times the phrase, gives way


Phrases = dict[str, tuple[float, tuple[str, ...]]]  # phrase -> its rarity in Chinese, its words


class Terms(NamedTuple):
    """A proposal's terms: those counted `KEYWORD_MIN` times (weighted) with their counts and
    the phrases among them; and every term it has, for the document frequencies."""

    counts: dict[str, float]
    phrases: Phrases
    present: list[str]


@dataclass(frozen=True)
class WordLists:
    """The editable lists: words never a keyword, terms always kept wherever they occur."""

    stop: frozenset[str]
    keep: frozenset[str]


@functools.cache
def word_lists(path: Path = LISTS) -> WordLists:
    """The lists of `keywords.yaml`, checked: lists of words, no word on both."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lists = {}
    for key in ("stop", "keep"):
        words = data.get(key) if isinstance(data, dict) else None
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise ValueError(f"{path}: {key}: must be a list of words")
        lists[key] = frozenset(words)
    if both := sorted(lists["stop"] & lists["keep"]):
        raise ValueError(f"{path}: stop and keep both hold {'、'.join(both)}")
    return WordLists(**lists)


@functools.cache
def _jieba_tfidf() -> jieba.analyse.TFIDF:
    """jieba's IDF table and stop words: read once a process (`mkdocs serve` rebuilds often)."""
    return jieba.analyse.TFIDF()


@dataclass
class Keywords:
    """Keyword lists and term vectors of every proposal, strongest first."""

    corpus: Corpus
    segmenter: Segmenter
    lists: WordLists | None = None  # default: `keywords.yaml`

    def __post_init__(self) -> None:
        self.lists = self.lists or word_lists()

    def _add(self, counts: dict[str, float], phrases: dict[tuple[str, ...], tuple[int, float]],
             cut: Cut, weight: int) -> None:
        """Add one text's words to a proposal's counts, and its phrases to its phrase counts."""
        stop, keep = self.lists.stop, self.lists.keep
        excluded = _jieba_tfidf().stop_words
        nouns, words = cut.nouns(), cut.words()
        for word, n in nouns.items():
            if word not in stop and word not in excluded:
                counts[word] = counts.get(word, 0) + n * weight
        for word in keep.intersection(words):  # as a word or inside one (科普 in 科普活动)
            inside = words[word] - nouns.get(word, 0)
            counts[word] = counts.get(word, 0) + inside * weight
        for phrase, n in cut.phrases().items():
            seen, count = phrases.get(phrase, (0, 0))
            phrases[phrase] = (seen + n, count + n * weight)

    def terms(self, proposal: Proposal) -> Terms:
        """The proposal's terms: words in order of first occurrence, then the phrases that
        occur `PHRASE_MIN` times (a phrase of one word besides stop words only where that word
        is no term of its own: 双向转诊, not 产学研发展), each phrase with its rarity in Chinese
        (its words' mean, a stop word's being 0: 队伍建设 is no term, 双向转诊 weighs half)."""
        counts: dict[str, float] = {}
        phrases: dict[tuple[str, ...], tuple[int, float]] = {}  # -> occurrences, weighted count
        for text in (proposal.title, proposal.topic):
            self._add(counts, phrases, self.segmenter.cut(text), TITLE_WEIGHT)
        for text in item_texts(proposal):
            self._add(counts, phrases, self.segmenter.cut(text), 1)
        stop = self.lists.stop
        idf, median = _jieba_tfidf().idf_freq, _jieba_tfidf().median_idf
        found: Phrases = {}
        for words, (seen, n) in phrases.items():
            if seen < PHRASE_MIN:
                continue
            phrase, content = "".join(words), [w for w in words if w not in stop]
            if not content or phrase in stop or (len(content) == 1 and content[0] in counts):
                continue
            counts[phrase] = counts.get(phrase, 0) + n
            found[phrase] = (sum(idf.get(w, median) for w in content) / len(words), words)
        likely = {t: n for t, n in counts.items() if n >= KEYWORD_MIN}
        return Terms(likely, {t: found[t] for t in likely if t in found}, list(counts))

    def _rank(self, df: dict[str, int], terms: Terms) -> tuple[list[str], dict[str, float]]:
        """A proposal's keywords, strongest first (ties by term): its strongest terms counted
        `KEYWORD_MIN` times at least, a word that occurs mostly inside a stronger phrase giving
        way to it (基地 to 科普教育基地); and their tf-idf, scaled to a vector of length 1."""
        counts, phrases = terms.counts, terms.phrases
        n, keep = len(self.corpus.proposals), self.lists.keep
        idf, median = _jieba_tfidf().idf_freq, _jieba_tfidf().median_idf
        scored = []
        for term, count in counts.items():
            in_corpus = math.log((1 + n) / (1 + df[term])) + 1
            in_chinese = phrases[term][0] if term in phrases else idf.get(term, median)
            scored.append((-(1 + math.log(count)) * in_corpus * in_chinese, term))
        scored.sort()  # strongest first, ties by term
        chosen: dict[str, float] = {}
        for score, term in scored:
            if len(chosen) == PER_PROPOSAL:
                break
            if term in keep or not any(term in phrases[t][1] and counts[term] < INSIDE * counts[t]
                                       for t in chosen if t in phrases):
                chosen[term] = -score
        norm = math.sqrt(sum(w * w for w in chosen.values())) or 1.0
        return list(chosen), {term: w / norm for term, w in chosen.items()}

    @cached_property
    def _ranked(self) -> dict[str, tuple[list[str], dict[str, float]]]:
        """Per proposal slug: its keywords and their vector. Each proposal's terms are found on
        every core, their document frequencies counted here, then each proposal ranked on every
        core; only the keywords are kept."""
        self.segmenter.prepare()
        _jieba_tfidf()  # loaded once, before forking
        found = fork_map(self.terms, self.corpus.proposals, chunksize=64)
        df: dict[str, int] = {}  # term -> the number of proposals it is a term of
        for terms in found:
            for term in terms.present:
                df[term] = df.get(term, 0) + 1
        ranked = fork_map(functools.partial(self._rank, df), found, chunksize=64)
        return dict(zip((p.slug for p in self.corpus.proposals), ranked))

    def of(self, proposal: Proposal) -> list[str]:
        """The keywords shown for a proposal and indexed on the keyword page."""
        return self._ranked[proposal.slug][0]

    @cached_property
    def vectors(self) -> dict[str, dict[str, float]]:
        """Per proposal slug: its keywords' weights, as a vector of length 1."""
        return {slug: vector for slug, (_, vector) in self._ranked.items()}
