"""Phase one of a build: every URL and every link between proposals, computed once from the corpus.

URLs are site-relative and end in `/` (directory URLs): a proposal lives at `<slug>/`, one of its
items at `<slug>/#<id>`. Nothing here depends on MkDocs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from pypinyin import lazy_pinyin

from .keywords import Keywords
from .model import Corpus, Meeting, Proposal
from .segmenting import Segmenter

RELATED_MAX = 3
# A keyword more than this many proposals share is too common to find related proposals by, though
# it still counts towards the score of proposals found by rarer words (bounds the work per proposal).
RELATED_COMMON = 100
RELATED_SHORTLIST = 10  # best candidates by the rarer words, then ranked by all shared words

# Entries (proposals listed) on one page of an index: a meeting's, the parties', the keywords'.
# A longer index is split into pages `<url>`, `<url>2/`, `<url>3/`, ...
INDEX_PAGE_SIZE = 200

PARTIES = "parties/"
KEYWORDS = "keywords/"
JSON_EXPORT = "proposals.json"
CSV_EXPORT = "recommendations.csv"


def proposal_url(proposal: Proposal) -> str:
    return f"{proposal.slug}/"


def item_url(proposal: Proposal, item_id: str) -> str:
    return f"{proposal.slug}/#{item_id}"


def meeting_url(meeting: Meeting) -> str:
    return f"meetings/{meeting.id}/"


def relative(from_page: str, to: str) -> str:
    """A relative href from a page URL (`a/`) to a site URL (`b/#x`, `data.csv`), as
    `posixpath.relpath` finds it (in a tenth of its time: index pages hold thousands of links)."""
    path, _, fragment = to.partition("#")
    here = [part for part in from_page.split("/") if part]
    *there, name = path.split("/")
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    rel = "/".join([".."] * (len(here) - common) + there[common:] + ([name] if name else [])) or "."
    rel = "./" if rel == "." else rel + ("/" if path.endswith("/") else "")
    return rel + (f"#{fragment}" if fragment else "")


def pinyin_key(name: str) -> tuple[str, str]:
    """Sort key for Chinese names: by pinyin, then by the characters."""
    return ("".join(lazy_pinyin(name)), name)


def anchors(names: list[str]) -> dict[str, str]:
    """Stable, URL-safe, unique fragments for Chinese headings: their pinyin, numbered on clashes."""
    out: dict[str, str] = {}
    taken: set[str] = set()
    for name in sorted(set(names), key=pinyin_key):
        syllables = [s for s in lazy_pinyin(name, errors="ignore") if s.isascii()]
        slug = "-".join("".join(c for c in s.lower() if c.isalnum()) for s in syllables).strip("-")
        base, n = slug or "x", 1
        while (slug or "x") in taken or not slug:
            n += 1
            slug = f"{base}-{n}"
        out[name] = slug
        taken.add(slug)
    return out


@dataclass(frozen=True)
class IndexPage:
    """One page of an index: its URL, its number (from 1) and its (heading, proposal) entries."""

    url: str
    number: int
    entries: list[tuple[str, Proposal]]

    @property
    def groups(self) -> dict[str, list[Proposal]]:
        out: dict[str, list[Proposal]] = {}
        for name, proposal in self.entries:
            out.setdefault(name, []).append(proposal)
        return out


def paginate(url: str, groups: dict[str, list[Proposal]], size: int = 0) -> list[IndexPage]:
    """The entries of `groups`, in order, cut into pages of `size` (default `INDEX_PAGE_SIZE`);
    a group may span pages."""
    size = size or INDEX_PAGE_SIZE
    entries = [(name, p) for name, proposals in groups.items() for p in proposals]
    chunks = [entries[i:i + size] for i in range(0, len(entries), size)] or [[]]
    return [IndexPage(url if n == 1 else f"{url}{n}/", n, chunk) for n, chunk in enumerate(chunks, 1)]


def first_pages(pages: list[IndexPage]) -> dict[str, str]:
    """Heading -> URL of the page where its group starts."""
    out: dict[str, str] = {}
    for page in pages:
        for name, _ in page.entries:
            out.setdefault(name, page.url)
    return out


@dataclass(frozen=True)
class Related:
    proposal: Proposal
    shared: list[str]


@dataclass
class Links:
    """Neighbours, related proposals and indexes for a whole corpus."""

    corpus: Corpus
    segment_cache: dict | None = None  # see `Segmenter`
    segmenter: Segmenter = field(init=False)
    keywords: Keywords = field(init=False)

    def __post_init__(self) -> None:
        self.segmenter = Segmenter(self.corpus, self.segment_cache)
        self.keywords = Keywords(self.corpus, self.segmenter)
        self._related: dict[str, list[Related]] = {}

    @cached_property
    def _meeting_order(self) -> dict[str, tuple[list[Proposal], int]]:
        """Per slug: the proposals of its meeting in printed order, and its place among them."""
        out = {}
        for meeting in self.corpus.meetings:
            same = self.corpus.of_meeting(meeting.id)
            out.update((p.slug, (same, i)) for i, p in enumerate(same))
        return out

    def compute_shared(self) -> None:
        """Compute at once what many pages look up (before pages are made on several cores)."""
        for name in ("_meeting_order", "_by_candidate", "_affiliation_page", "_keyword_page",
                     "affiliation_anchor", "keyword_anchor"):
            getattr(self, name)

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

    @cached_property
    def affiliation_pages(self) -> list[IndexPage]:
        return paginate(PARTIES, self.by_affiliation)

    @cached_property
    def keyword_pages(self) -> list[IndexPage]:
        return paginate(KEYWORDS, self.by_keyword)

    def meeting_pages(self, meeting: Meeting) -> list[IndexPage]:
        return paginate(meeting_url(meeting), {"": self.corpus.of_meeting(meeting.id)})

    @cached_property
    def _affiliation_page(self) -> dict[str, str]:
        return first_pages(self.affiliation_pages)

    @cached_property
    def _keyword_page(self) -> dict[str, str]:
        return first_pages(self.keyword_pages)

    def affiliation_url(self, name: str) -> str:
        """Where the index lists a party's or body's proposals: `parties/#<anchor>` or a later page."""
        return f"{self._affiliation_page[name]}#{self.affiliation_anchor[name]}"

    def keyword_url(self, word: str) -> str:
        """Where the index lists a keyword's proposals: `keywords/#<anchor>` or a later page."""
        return f"{self._keyword_page[word]}#{self.keyword_anchor[word]}"
