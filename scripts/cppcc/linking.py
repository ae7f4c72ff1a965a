"""Phase one of a build: every URL and every link between proposals, computed once from the corpus.

URLs are site-relative and end in `/` (directory URLs): a proposal lives at `<slug>/`, one of its
items at `<slug>/#<id>`. Nothing here depends on MkDocs.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from functools import cached_property

from pypinyin import lazy_pinyin

from .keywords import Keywords
from .model import Corpus, Meeting, Proposal

RELATED_MAX = 3

HOME = ""
PARTIES = "parties/"
KEYWORDS = "keywords/"
DATA = "data/"
JSON_EXPORT = "proposals.json"
CSV_EXPORT = "recommendations.csv"


def proposal_url(proposal: Proposal) -> str:
    return f"{proposal.slug}/"


def item_url(proposal: Proposal, item_id: str) -> str:
    return f"{proposal.slug}/#{item_id}"


def meeting_url(meeting: Meeting) -> str:
    return f"meetings/{meeting.id}/"


def relative(from_page: str, to: str) -> str:
    """A relative href from a page URL (`a/`) to a site URL (`b/#x`, `data.csv`)."""
    path, _, fragment = to.partition("#")
    rel = posixpath.relpath(path or ".", from_page or ".")
    rel = "./" if rel == "." else rel + ("/" if path.endswith("/") else "")
    return rel + (f"#{fragment}" if fragment else "")


def pinyin_key(name: str) -> tuple[str, str]:
    """Sort key for Chinese names: by pinyin, then by the characters."""
    return ("".join(lazy_pinyin(name)), name)


def anchors(names: list[str]) -> dict[str, str]:
    """Stable, URL-safe, unique fragments for Chinese headings: their pinyin, numbered on clashes."""
    out: dict[str, str] = {}
    for name in sorted(set(names), key=pinyin_key):
        syllables = [s for s in lazy_pinyin(name, errors="ignore") if s.isascii()]
        slug = "-".join("".join(c for c in s.lower() if c.isalnum()) for s in syllables).strip("-")
        base, n = slug or "x", 1
        while (slug or "x") in out.values() or not slug:
            n += 1
            slug = f"{base}-{n}"
        out[name] = slug
    return out


@dataclass(frozen=True)
class Related:
    proposal: Proposal
    shared: list[str]


@dataclass
class Links:
    """Neighbours, related proposals and indexes for a whole corpus."""

    corpus: Corpus
    keywords: Keywords = field(init=False)

    def __post_init__(self) -> None:
        self.keywords = Keywords(self.corpus)

    def neighbours(self, proposal: Proposal) -> tuple[Proposal | None, Proposal | None]:
        """Previous and next proposal in the meeting's printed order."""
        same = self.corpus.of_meeting(proposal.meeting)
        i = same.index(proposal)
        return (same[i - 1] if i > 0 else None, same[i + 1] if i + 1 < len(same) else None)

    def related(self, proposal: Proposal) -> list[Related]:
        scored = []
        for other in self.corpus.proposals:
            if other is proposal:
                continue
            shared = self.keywords.shared(proposal, other)
            if shared:
                scored.append((-sum(w for _, w in shared), other.slug, other, shared))
        return [Related(other, [w for w, _ in shared[:4]])
                for _, _, other, shared in sorted(scored, key=lambda s: s[:2])[:RELATED_MAX]]

    @cached_property
    def by_affiliation(self) -> dict[str, list[Proposal]]:
        """Party or body -> its proposals; sorted by pinyin."""
        groups: dict[str, list[Proposal]] = {}
        for proposal in self.corpus.proposals:
            groups.setdefault(proposal.speaker.affiliation, []).append(proposal)
        return dict(sorted(groups.items(), key=lambda kv: pinyin_key(kv[0])))

    @cached_property
    def by_keyword(self) -> dict[str, list[Proposal]]:
        """Keyword -> the proposals it is a keyword of; sorted by pinyin."""
        groups: dict[str, list[Proposal]] = {}
        for proposal in self.corpus.proposals:
            for word in self.keywords.of(proposal):
                groups.setdefault(word, []).append(proposal)
        return dict(sorted(groups.items(), key=lambda kv: pinyin_key(kv[0])))

    @cached_property
    def affiliation_anchor(self) -> dict[str, str]:
        return anchors(list(self.by_affiliation))

    @cached_property
    def keyword_anchor(self) -> dict[str, str]:
        return anchors(list(self.by_keyword))
