"""Keywords of each proposal, by jieba's TF-IDF, weighed against the rest of the corpus.

A user dictionary is made from the proposals' own terms (quoted terms such as “专精特新” and the
topics), so that jieba keeps them whole. The tokenizer is a private instance, not jieba's global.
"""

from __future__ import annotations

import logging
import math
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
GENERIC = frozenset(
    "建设 发展 工作 体系 机制 服务 能力 水平 问题 建议 方面 全市 我市 作用 基础 力度 方式 "
    "方向 活动 政策 资源 社会 推进 加强 提高 企业 管理 创新 融合 专业 精准 协同".split()
)
PER_PROPOSAL = 8


def user_terms(corpus: Corpus) -> list[str]:
    """Terms the proposals themselves mark as terms: quoted words and topics."""
    terms = {p.topic for p in corpus.proposals if QUOTED_TERM.fullmatch(f"“{p.topic}”")}
    for proposal in corpus.proposals:
        terms.update(QUOTED_TERM.findall(proposal.title + proposal.speaker_text))
    return sorted(terms)


@dataclass
class Keywords:
    """Keyword lists of every proposal, strongest first."""

    corpus: Corpus

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

    def _candidates(self, proposal: Proposal) -> list[tuple[str, float]]:
        tfidf = self.tfidf
        text = proposal.title + proposal.topic + proposal.speaker_text
        tags = tfidf.extract_tags(text, topK=40, withWeight=True, allowPOS=NOUN_TAGS)
        return [(word, weight) for word, weight in tags if word not in GENERIC]

    @cached_property
    def scores(self) -> dict[str, dict[str, float]]:
        """Per proposal slug: candidate keyword -> score, strongest first, ties by word."""
        proposals = self.corpus.proposals
        texts = [p.title + p.speaker_text for p in proposals]
        out = {}
        for proposal in proposals:
            scored = {}
            for word, weight in self._candidates(proposal):
                df = sum(word in text for text in texts)
                # A word found in every proposal tells them apart least, but still relates them.
                scored[word] = weight * math.log(1 + len(texts) / max(df, 1))
            out[proposal.slug] = dict(sorted(scored.items(), key=lambda kv: (-kv[1], kv[0])))
        return out

    def of(self, proposal: Proposal) -> list[str]:
        """The keywords shown for a proposal and indexed on the keyword page."""
        return list(self.scores[proposal.slug])[:PER_PROPOSAL]

    def shared(self, a: Proposal, b: Proposal) -> list[tuple[str, float]]:
        """Candidate keywords two proposals share, with the weaker of their two scores."""
        sa, sb = self.scores[a.slug], self.scores[b.slug]
        common = [(w, min(sa[w], sb[w])) for w in sa if w in sb]
        return sorted(common, key=lambda kv: (-kv[1], kv[0]))
