"""Atom feeds (RFC 4287): the newest proposals of the whole site, of each meeting and of each
party or body, written as files of the finished site (`files`), and the links pages give to them
(`FeedLink`).

Every proposal is placed once (one sort, one pass), so the feeds cost O(N log N) at any N, and
each holds at most `FEED_SIZE` entries, newest first. What the feeds say, and why:

- An entry's `id` never changes: it is the proposal's permalink (`<slug>/`, which
  proposals/permalinks.txt keeps for ever), absolute when the site's address (`site_url`) is
  known. RFC 4287 §4.2.6 wants an absolute IRI, which a permalink without an address is not;
  then the id is `urn:uuid:` and a name-based UUID (RFC 4122 §4.3, version 5) of the site's name
  and the permalink: as stable as the permalink, and distinct between two sites of this code.
  Giving the site an address later changes every id once (a reader sees the entries as new):
  set `site_url` before announcing the feeds.
- An entry's `updated` is the day the proposal was given (its own `date`, else its meeting's
  `start`), at midnight in China (UTC+8). Where the source prints no day, it is the day this
  site first published the meeting's proposals (the meeting file's `published`, the editors'
  record), which no reader can take for the day of the speech, since the page says the date is
  not given. Where not even that is recorded, it is 1970-01-01T00:00:00Z, the Unix epoch, a
  date that says "unknown" and stays the same from build to build; the build's clock or
  SOURCE_DATE_EPOCH would say instead that every such entry changed at every build or commit,
  and two builds of the same files would differ.
- Newest first: by `updated`, then the newer meeting, then the later speech in printed order.

Nothing here depends on MkDocs.
"""

from __future__ import annotations

import hashlib
import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import TYPE_CHECKING

from pypinyin import lazy_pinyin

from . import urls
from .punctuation import full_width

if TYPE_CHECKING:
    from .linking import Links
    from .model import Meeting, Proposal

FEED_SIZE = 50  # entries of one feed, at most
SUMMARY_CHARS = 160  # an entry's summary: the start of its first background paragraph
MEDIA_TYPE = "application/atom+xml"
ATOM = "http://www.w3.org/2005/Atom"
CHINA = timezone(timedelta(hours=8))
UNKNOWN = datetime(1970, 1, 1, tzinfo=UTC)  # no day known nor recorded: see above
# The namespace of the name-based UUIDs of ids without a site address (a constant of this code)
ID_NAMESPACE = uuid.UUID("5b0c2f64-8f0e-4d3c-9a43-cc1f6a3b2d17")
# What XML 1.0 cannot carry that the model lets through (it refuses controls and lone surrogates)
NOT_XML = re.compile("[\ufffe\uffff]")


@dataclass(frozen=True)
class FeedLink:
    """Where a feed is (a site path) and what a page's link to it is called."""

    url: str
    title: str


SITE = FeedLink(urls.SITE_FEED, "全站更新")


@lru_cache(maxsize=4096)  # every proposal page asks, of a few names
def slug(name: str) -> str:
    """A party's or body's feed name: the pinyin of the name (at most 40 characters) and 8 hex
    digits of its hash, so that it stays while the name does, whatever names come and go, and
    no two names share one."""
    words = ("".join(c for c in s.lower() if c.isascii() and c.isalnum()) for s in lazy_pinyin(name))
    stem = "-".join(w for w in words if w)[:40].strip("-")
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{stem}-{digest}" if stem else digest


def of_meeting(meeting: Meeting) -> FeedLink:
    return FeedLink(urls.meeting_feed(meeting.id), meeting.title)


def of_affiliation(name: str) -> FeedLink:
    return FeedLink(urls.party_feed(slug(name)), name)


@dataclass
class Feed:
    """One feed: its link, the page it follows and its entries, newest first."""

    link: FeedLink
    page: str
    entries: list[Proposal] = field(default_factory=list)


def day_of(proposal: Proposal, meeting: Meeting) -> date | None:
    """The day an entry is dated by: the proposal's, its meeting's, or the day it was published."""
    return proposal.date or meeting.start or meeting.published


def updated(proposal: Proposal, meeting: Meeting) -> datetime:
    day = day_of(proposal, meeting)
    return datetime.combine(day, time(), CHINA) if day else UNKNOWN


def feeds(links: Links) -> list[Feed]:
    """The site's feed, then each meeting's, then each party's or body's (as the index lists
    them); every proposal sorted once, then dealt to its feeds until each is full."""
    corpus = links.corpus
    meetings = {m.id: m for m in corpus.meetings}
    rank = {m.id: n for n, m in enumerate(corpus.meetings)}
    newest = sorted(corpus.proposals, reverse=True, key=lambda p: (
        updated(p, meetings[p.meeting]), rank[p.meeting], p.order))
    site = Feed(SITE, urls.HOME)
    by_meeting = {m.id: Feed(of_meeting(m), urls.meeting(m.id)) for m in corpus.meetings}
    parties = links.indexes.listings[urls.PARTIES]
    by_party = {name: Feed(of_affiliation(name), parties.url_of(name)) for name in parties.groups}
    for p in newest:
        for feed in (site, by_meeting[p.meeting], by_party[p.speaker.affiliation]):
            if len(feed.entries) < FEED_SIZE:
                feed.entries.append(p)
    return [site, *by_meeting.values(), *by_party.values()]


def _stamp(moment: datetime) -> str:
    """RFC 3339, as Atom's dates are written: 2024-01-05T00:00:00+08:00, or Z for UTC."""
    return moment.isoformat().replace("+00:00", "Z")


def _summary(proposal: Proposal) -> str:
    """The start of the first background paragraph, as the page shows it (`full_width`)."""
    text = " ".join(full_width(proposal.background[0].speaker_text).split())
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS].rstrip() + "……"


class Writer:
    """Writes the feeds of one site: its address (`base`, "" where unknown) and name."""

    def __init__(self, links: Links, base: str, site_name: str):
        self.links, self.base, self.site_name = links, base, site_name
        self.meetings = {m.id: m for m in links.corpus.meetings}

    def _id(self, url: str) -> str:
        if self.base:
            return urls.absolute(self.base, url)
        return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, f'{self.site_name}/{url}')}"

    def _href(self, feed: Feed, url: str) -> str:
        """A link inside the feed: absolute where the address is known, else relative to the
        feed's own URL, against which readers resolve it (RFC 4287 §2, xml:base)."""
        return urls.absolute(self.base, url) if self.base else urls.relative(
            urls.folder(feed.link.url), url)

    def _entry(self, feed: Feed, p: Proposal) -> ET.Element:
        entry = ET.Element("entry")
        _add(entry, "id", self._id(urls.proposal(p.slug)))
        _add(entry, "title", p.title)
        _add(entry, "link", rel="alternate", type="text/html",
             href=self._href(feed, urls.proposal(p.slug)))
        _add(entry, "updated", _stamp(updated(p, self.meetings[p.meeting])))
        _add(_add(entry, "author"), "name", p.speaker.name)
        _add(entry, "summary", _summary(p))
        for term in dict.fromkeys((p.topic, p.speaker.affiliation)):
            _add(entry, "category", term=term)
        return entry

    def feed(self, feed: Feed) -> bytes:
        root = ET.Element("feed", {"xmlns": ATOM, "xml:lang": "zh-CN"})
        _add(root, "id", self._id(feed.link.url))
        _add(root, "title", f"{self.site_name} · {feed.link.title}")
        _add(root, "link", rel="self", type=MEDIA_TYPE, href=self._href(feed, feed.link.url))
        _add(root, "link", rel="alternate", type="text/html", href=self._href(feed, feed.page))
        latest = updated(feed.entries[0], self.meetings[feed.entries[0].meeting]) \
            if feed.entries else UNKNOWN
        _add(root, "updated", _stamp(latest))
        root.extend(self._entry(feed, p) for p in feed.entries)
        ET.indent(root, space=" ")
        # serialized to text, then encoded once: ElementTree encoding as it writes is 3x slower
        text = ET.tostring(root, encoding="unicode")
        return f'<?xml version="1.0" encoding="utf-8"?>\n{text}\n'.encode()


def _add(parent: ET.Element, name: str, text: str | None = None, **attrs: str) -> ET.Element:
    child = ET.SubElement(parent, name, {k: NOT_XML.sub("\ufffd", v) for k, v in attrs.items()})
    if text is not None:
        child.text = NOT_XML.sub("\ufffd", text)
    return child


def files(links: Links, base: str = "", site_name: str = "") -> dict[str, bytes]:
    """{path in the site: bytes} of every feed."""
    writer = Writer(links, base, site_name)
    return {feed.link.url: writer.feed(feed) for feed in feeds(links)}
