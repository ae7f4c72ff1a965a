"""Index pages as data: things grouped under headings (proposals by party or body, by keyword;
meetings by committee and term; the years; a meeting's proposals; a year's meetings and their
proposals), laid out in pages.

An index is one `Index` entry, `INDEXES` below, `meeting_index` for each meeting or `year_index`
for each year: its URL, its title, the template that draws its pages, how it groups its entries
and the feeds its pages link to. `Listing` lays one index out: its groups, an anchor for each
heading, its pages of `PAGE_SIZE` entries (a group may span pages) and where each group starts;
for an index `by_initial`, its headings under the first letter of their pinyin (A, B, C…, and #
for the rest), each letter with its anchor too. Adding an index is an entry here plus its template.
Nothing here depends on MkDocs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from pypinyin import lazy_pinyin

from . import urls
from .affiliations import rank
from .feeds import FeedLink, of_affiliation, of_meeting

if TYPE_CHECKING:
    from .linking import Links
    from .model import Corpus, Meeting

# Entries listed on one page of an index; a longer index is split into pages `<url>`, `<url>2/`...
PAGE_SIZE = 200


def pinyin_key(name: str) -> tuple[str, str]:
    """Sort key for Chinese names: by pinyin, then by the characters."""
    return ("".join(lazy_pinyin(name)), name)


OTHER = "#"  # the letter of names whose pinyin starts with no letter (a digit, a sign)


def initial(name: str) -> str:
    """The letter a name is listed under: the first of its pinyin, upper case; `#` if none."""
    first = "".join(lazy_pinyin(name))[:1].upper()
    return first if "A" <= first <= "Z" else OTHER


def initial_anchor(letter: str) -> str:
    """The fragment of a letter's heading: `initial-a`…, `initial-other` for `#`."""
    return f"initial-{letter.lower() if letter != OTHER else 'other'}"


def anchors(names: list[str], taken: set[str] | None = None) -> dict[str, str]:
    """Stable, URL-safe, unique fragments for Chinese headings: their pinyin, numbered on clashes
    (with each other and with the fragments `taken` already)."""
    out: dict[str, str] = {}
    taken = set(taken or ())
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


Groups = dict[str, list[Any]]


def no_feeds(page: IndexPage) -> list[FeedLink]:
    return []


@dataclass(frozen=True)
class Index:
    """A kind of index page. `groups` gives, for a site, each heading's entries, both in the
    order shown; `anchored` indexes give each heading an anchor that links point at; `feeds`
    gives the feeds a page of it links to (`<link rel="alternate">`) beside the site's."""

    url: str
    title: str
    template: str
    groups: Callable[[Links], Groups]
    anchored: bool = True
    subject: Any = None  # what the index is of, for its template (a meeting's index: the meeting)
    by_initial: bool = False  # headings listed under the first letter of their pinyin
    feeds: Callable[[IndexPage], list[FeedLink]] = no_feeds


def by_affiliation(links: Links) -> Groups:
    """Party or body, by its one name (`affiliations`) -> its proposals; the parties and bodies
    in the CPPCC's order, then any other by pinyin."""
    groups: Groups = {}
    for proposal in links.corpus.proposals:
        groups.setdefault(proposal.speaker.affiliation, []).append(proposal)
    return dict(sorted(groups.items(), key=lambda kv: (rank(kv[0]), pinyin_key(kv[0]))))


def by_keyword(links: Links) -> Groups:
    """Keyword -> the proposals it is a keyword of; by pinyin."""
    groups: Groups = {}
    for proposal in links.corpus.proposals:
        for word in links.keywords.of(proposal):
            groups.setdefault(word, []).append(proposal)
    return dict(sorted(groups.items(), key=lambda kv: pinyin_key(kv[0])))


def committee_term(meeting: Meeting) -> str:
    return f"{meeting.committee} · 第 {meeting.term} 届"


def by_committee_term(links: Links) -> Groups:
    """Committee and term -> its meetings, newest first; committees by pinyin."""
    newest = sorted(links.corpus.meetings, key=lambda m: (pinyin_key(m.committee), -m.term,
                                                           -m.session, m.id))
    groups: Groups = {}
    for meeting in newest:
        groups.setdefault(committee_term(meeting), []).append(meeting)
    return groups


@dataclass(frozen=True)
class Year:
    """A year of the archive (`None`: the meetings of no known year), its meetings newest first
    and how many proposals they hold."""

    year: int | None
    meetings: list[Meeting]
    count: int

    @property
    def url(self) -> str:
        return urls.year(self.year)

    @property
    def label(self) -> str:
        return f"{self.year} 年" if self.year is not None else "年份未载明"


def years(links: Links) -> list[Year]:
    """Every year with a meeting, newest first, then the meetings of no known year (listed as
    such, never under a guessed year); in a year, the meeting that began last first."""
    found: dict[int | None, list[Meeting]] = {}
    for meeting in links.corpus.meetings:
        found.setdefault(meeting.year, []).append(meeting)
    order = sorted((y for y in found if y is not None), reverse=True)
    return [Year(y, sorted(found[y], reverse=True, key=lambda m: (
                m.start or date.min, m.term, m.session, m.id)),
                 sum(len(links.by_meeting[m.id]) for m in found[y]))
            for y in [*order, *([None] if None in found else [])]]


def by_year(links: Links) -> Groups:
    """The years, under no heading."""
    return {"": years(links)}


INDEXES: tuple[Index, ...] = (
    Index(urls.PARTIES, "按党派、团体浏览", "parties.html", by_affiliation,
          feeds=lambda page: [of_affiliation(name) for name in page.groups]),
    Index(urls.KEYWORDS, "按关键词浏览", "keywords.html", by_keyword, by_initial=True),
    Index(urls.MEETINGS, "历次会议", "meetings.html", by_committee_term),
    Index(urls.YEARS, "按年份浏览", "years.html", by_year, anchored=False),
)
PARTIES, KEYWORDS, MEETINGS, YEARS = INDEXES


def meeting_index(meeting: Meeting) -> Index:
    """A meeting's own index: its proposals in printed order, under no heading."""
    return Index(urls.meeting(meeting.id), meeting.title, "meeting.html",
                 lambda links: {"": links.by_meeting[meeting.id]}, anchored=False,
                 subject=meeting, feeds=lambda page: [of_meeting(meeting)])


def meeting_headings(meetings: list[Meeting]) -> dict[str, Meeting]:
    """Heading -> meeting: its title, and its id beside a title two meetings share."""
    titles = [m.title for m in meetings]
    return {(m.title if titles.count(m.title) == 1 else f"{m.title}({m.id})"): m
            for m in meetings}


def year_index(year: Year) -> Index:
    """A year's own index: its meetings' proposals, each meeting's in printed order under its
    heading (`meeting_headings`), the meeting that began last first."""
    headings = meeting_headings(year.meetings)
    return Index(year.url, year.label, "year.html",
                 lambda links: {name: links.by_meeting[m.id] for name, m in headings.items()},
                 subject=year, feeds=lambda page: [of_meeting(m) for m in year.meetings])


@dataclass(frozen=True)
class IndexPage:
    """One page of an index: its URL, its number (from 1) and its (heading, entry) pairs."""

    url: str
    number: int
    entries: list[tuple[str, Any]]

    @property
    def groups(self) -> Groups:
        out: Groups = {}
        for name, entry in self.entries:
            out.setdefault(name, []).append(entry)
        return out


def paginate(url: str, groups: Groups, size: int = 0) -> list[IndexPage]:
    """The entries of `groups`, in order, cut into pages of `size` (default `PAGE_SIZE`)."""
    size = size or PAGE_SIZE
    entries = [(name, e) for name, found in groups.items() for e in found]
    chunks = [entries[i:i + size] for i in range(0, len(entries), size)] or [[]]
    return [IndexPage(urls.numbered(url, n), n, chunk) for n, chunk in enumerate(chunks, 1)]


def first_pages(pages: list[IndexPage]) -> dict[str, str]:
    """Heading -> URL of the page where its group starts."""
    out: dict[str, str] = {}
    for page in pages:
        for name, _ in page.entries:
            out.setdefault(name, page.url)
    return out


class Listing:
    """One index laid out for a site: its groups, anchors, pages and where each group starts."""

    def __init__(self, index: Index, links: Links):
        self.index = index
        self.groups = index.groups(links)
        self.initials: dict[str, list[str]] = {}  # letter -> its headings (`by_initial`), in order
        if index.by_initial:  # each letter's headings together, in the index's order within it
            letters = {name: initial(name) for name in self.groups}
            for name in sorted(self.groups, key=lambda n: (letters[n] == OTHER, letters[n])):
                self.initials.setdefault(letters[name], []).append(name)
            self.groups = {name: self.groups[name] for names in self.initials.values()
                           for name in names}
        self.initial_anchor = {letter: initial_anchor(letter) for letter in self.initials}
        taken = set(self.initial_anchor.values())
        self.anchor = anchors(list(self.groups), taken) if index.anchored else {}
        self.pages = paginate(index.url, self.groups)
        self.first_page = first_pages(self.pages)

    def url_of(self, name: str) -> str:
        """Where the index lists a group: its heading on the page where the group starts."""
        return f"{self.first_page[name]}#{self.anchor[name]}"

    def url_of_initial(self, letter: str) -> str:
        """Where the index lists a letter's headings: the letter's heading where they start."""
        return f"{self.first_page[self.initials[letter][0]]}#{self.initial_anchor[letter]}"

    def initials_on(self, page: IndexPage) -> list[tuple[str, list[str]]]:
        """The letters of a page, each with its headings on that page, in order."""
        out: dict[str, list[str]] = {}
        for name in page.groups:
            out.setdefault(initial(name), []).append(name)
        return list(out.items())


class Indexes:
    """Every index of a site, by the URL of its first page."""

    def __init__(self, links: Links):
        corpus: Corpus = links.corpus
        kinds = [*INDEXES, *(meeting_index(m) for m in corpus.meetings),
                 *(year_index(year) for year in years(links))]
        self.listings = {index.url: Listing(index, links) for index in kinds}

    def __getitem__(self, index: Index) -> Listing:
        return self.listings[index.url]

    def of_meeting(self, meeting: Meeting) -> Listing:
        return self.listings[urls.meeting(meeting.id)]

    def pages(self) -> list[tuple[Listing, IndexPage]]:
        """Every page of every index."""
        return [(listing, page) for listing in self.listings.values() for page in listing.pages]
