"""Keywords of each proposal, by TF-IDF over its nouns, weighed against the rest of the corpus.

The nouns come from the one cut of each text (`segmenting`); the term frequencies are weighed by
jieba's IDF table, as `jieba.analyse.extract_tags` does, then by the proposal's rarity in this
corpus.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property

import jieba.analyse

from .model import Corpus, Proposal
from .parallel import fork_map
from .segmenting import Segmenter, item_texts

# Words every proposal of a 政协 uses: they say nothing about what a proposal is about.
GENERIC = frozenset(re.findall(
    r"\S+", "建设 发展 工作 体系 机制 服务 能力 水平 问题 建议 方面 全市 我市 作用 基础 力度 方式 "
    "方向 活动 政策 资源 社会 推进 加强 提高 企业 管理 创新 融合 专业 精准 协同"))
PER_PROPOSAL = 8
CANDIDATES = 40


@functools.cache
def _jieba_tfidf() -> jieba.analyse.TFIDF:
    """jieba's IDF table and stop words: read once a process (`mkdocs serve` rebuilds often)."""
    return jieba.analyse.TFIDF()


@dataclass
class Keywords:
    """Keyword lists of every proposal, strongest first."""

    corpus: Corpus
    segmenter: Segmenter

    @property
    def tfidf(self) -> jieba.analyse.TFIDF:
        return _jieba_tfidf()

    def _extract(self, proposal: Proposal) -> tuple[list[tuple[str, float]], list[str]]:
        """The TF-IDF candidates of `jieba.analyse.extract_tags(topK=40, withWeight=True)`,
        without the generic words: nouns by their share of the nouns, times jieba's IDF; and all
        of the proposal's nouns."""
        freq: dict[str, int] = {}
        for text in (proposal.title, *item_texts(proposal)):
            for word, n in self.segmenter.cut(text).nouns.items():
                if len(word.strip()) >= 2 and word.lower() not in self.tfidf.stop_words:
                    freq[word] = freq.get(word, 0) + n
        total = sum(freq.values())
        idf, median = self.tfidf.idf_freq, self.tfidf.median_idf
        weights = sorted(((w, n * idf.get(w, median) / total) for w, n in freq.items()),
                         key=lambda kv: -kv[1])  # stable: ties in order of first occurrence
        found = [(word, weight) for word, weight in weights[:CANDIDATES] if word not in GENERIC]
        return found, list(freq)

    @cached_property
    def _extracted(self) -> list[tuple[list[tuple[str, float]], list[str]]]:
        self.segmenter.prepare()
        self.tfidf  # noqa: B018 - loaded once, before forking
        return fork_map(self._extract, self.corpus.proposals, chunksize=64)

    @cached_property
    def candidates(self) -> dict[str, list[tuple[str, float]]]:
        """Per proposal slug: its TF-IDF candidates."""
        return {p.slug: found for p, (found, _) in zip(self.corpus.proposals, self._extracted)}

    @cached_property
    def scores(self) -> dict[str, dict[str, float]]:
        """Per proposal slug: candidate keyword -> score, strongest first, ties by word."""
        df: Counter = Counter()  # in how many proposals a noun occurs
        for _, nouns in self._extracted:
            df.update(nouns)
        n = len(self.corpus.proposals)
        out = {}
        for slug, found in self.candidates.items():
            # A word found in every proposal tells them apart least, but still relates them.
            scored = {word: weight * math.log(1 + n / df[word]) for word, weight in found}
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
