"""Keywords of each proposal, by TF-IDF over its nouns, weighed against the rest of the corpus.

The nouns come from the one cut of each text (`segmenting`); the term frequencies are weighed by
jieba's IDF table, as `jieba.analyse.extract_tags` does, then by the proposal's rarity in this
corpus.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property

import jieba.analyse

from .model import Corpus, Proposal
from .search.text import normalize
from .segmenting import Segmenter, item_texts

# Words every proposal of a 政协 uses: they say nothing about what a proposal is about.
GENERIC = frozenset(re.findall(
    r"\S+", "建设 发展 工作 体系 机制 服务 能力 水平 问题 建议 方面 全市 我市 作用 基础 力度 方式 "
    "方向 活动 政策 资源 社会 推进 加强 提高 企业 管理 创新 融合 专业 精准 协同"))
PER_PROPOSAL = 8
CANDIDATES = 40


@dataclass
class Keywords:
    """Keyword lists of every proposal, strongest first."""

    corpus: Corpus
    segmenter: Segmenter

    @cached_property
    def tfidf(self) -> jieba.analyse.TFIDF:
        return jieba.analyse.TFIDF()  # jieba's IDF table and stop words

    def _extract(self, proposal: Proposal) -> list[tuple[str, float]]:
        """The TF-IDF candidates of `jieba.analyse.extract_tags(topK=40, withWeight=True)`,
        without the generic words: nouns by their share of the nouns, times jieba's IDF."""
        freq: dict[str, int] = {}
        for text in (proposal.title, *item_texts(proposal)):
            for word, n in self.segmenter.cut(text).nouns.items():
                if len(word.strip()) >= 2 and word.lower() not in self.tfidf.stop_words:
                    freq[word] = freq.get(word, 0) + n
        total = sum(freq.values())
        idf, median = self.tfidf.idf_freq, self.tfidf.median_idf
        weights = sorted(((w, n * idf.get(w, median) / total) for w, n in freq.items()),
                         key=lambda kv: -kv[1])  # stable: ties in order of first occurrence
        return [(word, weight) for word, weight in weights[:CANDIDATES] if word not in GENERIC]

    @cached_property
    def candidates(self) -> dict[str, list[tuple[str, float]]]:
        """Per proposal slug: its TF-IDF candidates."""
        self.segmenter.prepare(self.corpus)
        return {p.slug: self._extract(p) for p in self.corpus.proposals}

    @cached_property
    def scores(self) -> dict[str, dict[str, float]]:
        """Per proposal slug: candidate keyword -> score, strongest first, ties by word."""
        texts = [normalize(p.title + p.speaker_text) for p in self.corpus.proposals]
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
