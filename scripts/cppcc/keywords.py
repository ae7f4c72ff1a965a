"""Keywords of each proposal, by jieba's TF-IDF, weighed against the rest of the corpus.

A user dictionary is made from the proposals' own terms (quoted terms such as “专精特新” and the
topics), so that jieba keeps them whole. The tokenizer is a private instance, not jieba's global.
"""

from __future__ import annotations

import hashlib
import logging
import math
import multiprocessing
import os
import re
from dataclasses import dataclass
from functools import cached_property

import jieba
import jieba.analyse
import jieba.posseg

from .model import Corpus, Proposal

jieba.setLogLevel(logging.WARNING)

QUOTED_TERM = re.compile(r"“([\u4e00-\u9fff]{2,8})”")
NOUN_TAGS = ("n", "nz", "vn", "nt", "nl", "l", "i")
# Words every proposal of a 政协 uses: they say nothing about what a proposal is about.
GENERIC = frozenset(re.findall(
    r"\S+", "建设 发展 工作 体系 机制 服务 能力 水平 问题 建议 方面 全市 我市 作用 基础 力度 方式 "
    "方向 活动 政策 资源 社会 推进 加强 提高 企业 管理 创新 融合 专业 精准 协同"))
PER_PROPOSAL = 8
# From this many texts to segment on, jieba (about 10 ms a proposal) runs on every core.
PARALLEL_MIN = 64


def user_terms(corpus: Corpus) -> list[str]:
    """Terms the proposals themselves mark as terms: quoted words and topics."""
    terms = {p.topic for p in corpus.proposals if QUOTED_TERM.fullmatch(f"“{p.topic}”")}
    for proposal in corpus.proposals:
        terms.update(QUOTED_TERM.findall(proposal.title + proposal.speaker_text))
    return sorted(terms)


@dataclass
class Keywords:
    """Keyword lists of every proposal, strongest first.

    `cache` (optional, kept by the caller across rebuilds) maps a proposal's text to its candidate
    keywords, so that `mkdocs serve` segments only the texts that changed.
    """

    corpus: Corpus
    cache: dict[str, list[tuple[str, float]]] | None = None

    @cached_property
    def tokenizer(self) -> jieba.Tokenizer:
        tokenizer = jieba.Tokenizer()
        for term in user_terms(self.corpus):
            tokenizer.add_word(term, tag="nz")
        return tokenizer

    @cached_property
    def tfidf(self) -> jieba.analyse.TFIDF:
        tfidf = jieba.analyse.TFIDF()
        tfidf.tokenizer = self.tokenizer
        # One part-of-speech tokenizer: the first one made takes the user terms' tags.
        tfidf.postokenizer = jieba.posseg.POSTokenizer(self.tokenizer)
        return tfidf

    def _extract(self, text: str) -> list[tuple[str, float]]:
        tags = self.tfidf.extract_tags(text, topK=40, withWeight=True, allowPOS=NOUN_TAGS)
        return [(word, weight) for word, weight in tags if word not in GENERIC]

    @cached_property
    def candidates(self) -> dict[str, list[tuple[str, float]]]:
        """Per proposal slug: jieba's TF-IDF candidates, from the cache where the text is known."""
        terms = hashlib.sha256("\n".join(user_terms(self.corpus)).encode()).hexdigest()[:16]
        keys = [terms + p.title + p.topic + p.speaker_text for p in self.corpus.proposals]
        cache = self.cache if self.cache is not None else {}
        todo = sorted({key for key in keys if key not in cache})
        for key, found in zip(todo, _extract_all(self, [key[16:] for key in todo])):
            cache[key] = found
        out = {p.slug: cache[key] for p, key in zip(self.corpus.proposals, keys)}
        for stale in set(cache) - set(keys):  # keep the cache the size of the corpus
            del cache[stale]
        return out

    @cached_property
    def scores(self) -> dict[str, dict[str, float]]:
        """Per proposal slug: candidate keyword -> score, strongest first, ties by word."""
        texts = [p.title + p.speaker_text for p in self.corpus.proposals]
        words = {word for found in self.candidates.values() for word, _ in found}
        df = document_frequency(words, texts)
        out = {}
        for slug, found in self.candidates.items():
            # A word found in every proposal tells them apart least, but still relates them.
            scored = {word: weight * math.log(1 + len(texts) / max(df[word], 1))
                      for word, weight in found}
            out[slug] = dict(sorted(scored.items(), key=lambda kv: (-kv[1], kv[0])))
        return out

    def of(self, proposal: Proposal) -> list[str]:
        """The keywords shown for a proposal and indexed on the keyword page."""
        return list(self.scores[proposal.slug])[:PER_PROPOSAL]

    def shared(self, a: Proposal, b: Proposal) -> list[tuple[str, float]]:
        """Candidate keywords two proposals share, with the weaker of their two scores."""
        sa, sb = self.scores[a.slug], self.scores[b.slug]
        common = [(w, min(sa[w], sb[w])) for w in sa if w in sb]
        return sorted(common, key=lambda kv: (-kv[1], kv[0]))


def document_frequency(words: set[str], texts: list[str]) -> dict[str, int]:
    """Per word: in how many texts it occurs (as a substring), by one walk of a trie per text."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = word  # characters are never empty: "" marks the end of a word
    df = dict.fromkeys(words, 0)
    for text in texts:
        found = set()
        for start, char in enumerate(text):
            node, end = trie.get(char), start + 1
            while node:
                if "" in node:
                    found.add(node[""])
                node, end = (node.get(text[end]) if end < len(text) else None), end + 1
        for word in found:
            df[word] += 1
    return df


# What forked workers segment: set by `_extract_all` just before its pool forks, then cleared.
_JOB: tuple[Keywords, list[str]] | None = None


def _extract_at(i: int) -> list[tuple[str, float]]:
    keywords, texts = _JOB
    return keywords._extract(texts[i])


def _extract_all(keywords: Keywords, texts: list[str]) -> list[list[tuple[str, float]]]:
    """Candidates of each text, in order; on every core (forked workers) for many texts."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if len(texts) < PARALLEL_MIN or (cores or 1) < 2 or \
            "fork" not in multiprocessing.get_all_start_methods():
        return [keywords._extract(text) for text in texts]
    global _JOB
    keywords.tfidf  # noqa: B018 - load the dictionaries once, before forking
    _JOB = (keywords, texts)
    try:
        with multiprocessing.get_context("fork").Pool(cores) as pool:
            return pool.map(_extract_at, range(len(texts)), chunksize=16)
    finally:
        _JOB = None
