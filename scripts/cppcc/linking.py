"""Phase one of a build: every link between proposals, computed once from the corpus.

Neighbours in a meeting's printed order, related proposals by the likeness of their keywords, and
the indexes (`indexes.py`) that group them. Nothing here depends on MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .caching import Memo
from .indexes import Indexes
from .keywords import Keywords, word_lists
from .model import Corpus, Proposal
from .segmenting import Segmenter

RELATED_MAX = 3
# Proposals are related when their keyword vectors (`Keywords.vectors`: tf-idf) are this close
# (cosine): strong keywords in common, not a weak one.
RELATED_MIN = 0.2
# A keyword leads to at most this many of the proposals that have it, those it weighs most in
# (bounds the work per proposal at any N); those found are then compared on all their keywords.
RELATED_POSTINGS = 30
RELATED_SHORTLIST = 10  # the closest by the posting lists, compared on all their keywords
RELATED_REASONS = 4  # shared keywords shown, those that bring the two closest first


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
        lists = word_lists()
        self.segmenter = Segmenter(self.corpus, self.memo, lists.keep)
        self.keywords = Keywords(self.corpus, self.segmenter, lists)
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
        _ = self.by_meeting, self._meeting_order, self._by_slug, self._postings, self.indexes

    def neighbours(self, proposal: Proposal) -> tuple[Proposal | None, Proposal | None]:
        """Previous and next proposal in the meeting's printed order."""
        same, i = self._meeting_order[proposal.slug]
        return (same[i - 1] if i > 0 else None, same[i + 1] if i + 1 < len(same) else None)

    @cached_property
    def _by_slug(self) -> dict[str, Proposal]:
        return {p.slug: p for p in self.corpus.proposals}

    @cached_property
    def _postings(self) -> dict[str, list[tuple[float, str]]]:
        """Keyword -> (minus its weight, slug) of the `RELATED_POSTINGS` proposals it weighs most
        in, heaviest first."""
        postings: dict[str, list[tuple[float, str]]] = {}
        for slug, vector in self.keywords.vectors.items():
            for term, weight in vector.items():
                postings.setdefault(term, []).append((-weight, slug))
        return {term: sorted(found)[:RELATED_POSTINGS] for term, found in postings.items()}

    def related(self, proposal: Proposal) -> list[Related]:
        """The proposals closest to this one (cosine of their keyword vectors, at least
        `RELATED_MIN`), closest first, each with the keywords that bring them closest.

        Found through the keywords' bounded posting lists, not by comparing with every proposal."""
        if proposal.slug in self._related:
            return self._related[proposal.slug]
        vectors = self.keywords.vectors
        mine = vectors[proposal.slug]
        rough: dict[str, float] = {}
        for term, weight in mine.items():
            for other_weight, slug in self._postings[term]:
                rough[slug] = rough.get(slug, 0.0) - weight * other_weight
        rough.pop(proposal.slug, None)
        shortlist = sorted(rough, key=lambda slug: (-rough[slug], slug))[:RELATED_SHORTLIST]
        scored = []
        for slug in shortlist:
            theirs = vectors[slug]
            shared = sorted((-mine[t] * theirs[t], t) for t in mine if t in theirs)
            cosine = -sum(c for c, _ in shared)
            if cosine >= RELATED_MIN:
                scored.append((-cosine, slug, [t for _, t in shared[:RELATED_REASONS]]))
        self._related[proposal.slug] = [Related(self._by_slug[slug], shared)
                                        for _, slug, shared in sorted(scored)[:RELATED_MAX]]
        return self._related[proposal.slug]
