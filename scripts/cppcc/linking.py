"""Phase one of a build: every link between proposals, computed once from the corpus.

Neighbours in a meeting's printed order, related proposals through shared keywords, and the
indexes (`indexes.py`) that group them. Nothing here depends on MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .caching import Memo
from .indexes import Indexes
from .keywords import Keywords
from .model import Corpus, Proposal
from .segmenting import Segmenter

RELATED_MAX = 3
# A keyword more than this many proposals share is too common to find related proposals by, though
# it still counts towards the score of proposals found by rarer words (bounds the work per proposal).
RELATED_COMMON = 100
RELATED_SHORTLIST = 10  # best candidates by the rarer words, then ranked by all shared words

@dataclass(frozen=True)
class Related:
    proposal: Proposal
    shared: list[str]


@dataclass
class Links:
    """Neighbours, related proposals and indexes of a whole corpus."""

    corpus: Corpus
    memo: Memo | None = None  # jieba's dictionaries and cuts, kept across builds: see `Segmenter`
    segmenter: Segmenter = field(init=False)
    keywords: Keywords = field(init=False)

    def __post_init__(self) -> None:
        self.segmenter = Segmenter(self.corpus, self.memo)
        self.keywords = Keywords(self.corpus, self.segmenter)
        self._related: dict[str, list[Related]] = {}

    @cached_property
    def by_meeting(self) -> dict[str, list[Proposal]]:
        """Meeting id -> its proposals in printed order (every meeting, in one pass)."""
        out: dict[str, list[Proposal]] = {m.id: [] for m in self.corpus.meetings}
        for proposal in self.corpus.proposals:  # sorted by meeting, then printed order
            out[proposal.meeting].append(proposal)
        return out

    @cached_property
    def _meeting_order(self) -> dict[str, tuple[list[Proposal], int]]:
        """Per slug: the proposals of its meeting in printed order, and its place among them."""
        out = {}
        for same in self.by_meeting.values():
            out.update((p.slug, (same, i)) for i, p in enumerate(same))
        return out

    @cached_property
    def indexes(self) -> Indexes:
        return Indexes(self)

    def prepare(self) -> None:
        """Compute at once what many pages look up (before pages are made on several cores)."""
        _ = self.by_meeting, self._meeting_order, self._by_candidate, self.indexes

    def neighbours(self, proposal: Proposal) -> tuple[Proposal | None, Proposal | None]:
        """Previous and next proposal in the meeting's printed order."""
        same, i = self._meeting_order[proposal.slug]
        return (same[i - 1] if i > 0 else None, same[i + 1] if i + 1 < len(same) else None)

    @cached_property
    def _by_candidate(self) -> dict[str, list[tuple[Proposal, float]]]:
        """Candidate keyword -> (proposal, score) of every proposal that has it, unless too common."""
        postings: dict[str, list[tuple[Proposal, float]]] = {}
        for proposal in self.corpus.proposals:
            for word, score in self.keywords.scores[proposal.slug].items():
                postings.setdefault(word, []).append((proposal, score))
        return {w: found for w, found in postings.items() if len(found) <= RELATED_COMMON}

    def related(self, proposal: Proposal) -> list[Related]:
        """The proposals sharing the most keyword weight with this one, strongest first.

        Found through the keywords' proposal lists, not by comparing with every proposal: exact
        while no keyword is shared by more than `RELATED_COMMON` proposals."""
        if proposal.slug in self._related:
            return self._related[proposal.slug]
        rough: dict[str, float] = {}
        found: dict[str, Proposal] = {}
        for word, score in self.keywords.scores[proposal.slug].items():
            for other, other_score in self._by_candidate.get(word, ()):
                rough[other.slug] = rough.get(other.slug, 0.0) + min(score, other_score)
                found[other.slug] = other
        rough.pop(proposal.slug, None)
        shortlist = sorted(rough, key=lambda slug: (-rough[slug], slug))[:RELATED_SHORTLIST]
        scored = []
        for slug in shortlist:
            shared = self.keywords.shared(proposal, found[slug])
            scored.append((-sum(w for _, w in shared), slug, found[slug], shared))
        self._related[proposal.slug] = [
            Related(other, [w for w, _ in shared[:4]])
            for _, _, other, shared in sorted(scored, key=lambda s: s[:2])[:RELATED_MAX]]
        return self._related[proposal.slug]
