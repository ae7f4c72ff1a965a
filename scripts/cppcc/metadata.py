"""What a page says about itself to search engines and to the chats a link is pasted into: a
description from its first lines, Open Graph and Twitter card tags, and for a proposal
schema.org JSON-LD; `templates/partials/head.html` draws them, the theme puts them in the page's
`<head>` (`docs/overrides/main.html`). `SiteInfo` is what the configuration says of the site.

Addresses are absolute where the site's own (`site_url`) is known; where it is not, the tags that
need one (`og:url`) are left out and JSON-LD names the page relative to itself. Nothing here
depends on MkDocs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import urls
from .model import Corpus, Meeting, Proposal
from .punctuation import full_width

DESCRIPTION_CHARS = 120  # a preview shows about this many Chinese characters


@dataclass(frozen=True)
class SiteInfo:
    """What the site's configuration says of itself ("" where it says nothing): its name, its
    published address (`site_url`) and description, which its pages' metadata and citations
    name; its copyright line, the licence of its texts and data, and where to report an error,
    which the about page shows."""

    copyright: str = ""
    licence: str = ""
    contact: str = ""  # an e-mail address, a web address, or any text
    name: str = ""
    url: str = ""  # the published address, "" where it is not known
    description: str = ""

    @property
    def contact_href(self) -> str:
        """Where a link to the contact points: an address as it is, `mailto:` an e-mail address;
        "" for a contact that is neither."""
        if re.fullmatch(r"(?:https?://|mailto:)\S+", self.contact):
            return self.contact
        return f"mailto:{self.contact}" if re.fullmatch(r"[^\s@]+@[^\s@]+", self.contact) else ""

    def address(self, page: str, url: str) -> str:
        """`url` as the page at `page` names it in its metadata: absolute where the site's
        address is known, else relative to the page."""
        return urls.absolute(self.url, url) if self.url else urls.relative(page, url)


UNNAMED = SiteInfo()  # a site whose name and address are not known (pages made outside a build)


def first_lines(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """The start of a text on one line, cut to `limit` characters (with an ellipsis)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def proposal_description(proposal: Proposal) -> str:
    """The start of its background, its punctuation as the page shows it."""
    return first_lines(full_width(proposal.background[0].text))


def meeting_description(meeting: Meeting) -> str:
    return first_lines(meeting.headline + meeting.subtitle)


def _organization(name: str) -> dict:
    return {"@type": "Organization", "name": name}


def _event(meeting: Meeting) -> dict:
    """The meeting as a schema.org Event, with only what its file says."""
    event = {"@type": "Event", "name": meeting.title, "organizer": _organization(meeting.committee)}
    if meeting.start:
        event["startDate"] = meeting.start.isoformat()
        event["endDate"] = (meeting.end or meeting.start).isoformat()
    if meeting.place:
        event["location"] = {"@type": "Place", "name": meeting.place}
    return event


def proposal_json_ld(corpus: Corpus, proposal: Proposal, site: SiteInfo,
                     keywords: list[str]) -> dict:
    """schema.org JSON-LD of a proposal's page: an Article by its speaker (a Person with the
    body as affiliation), part of its meeting's collection of speeches, recorded at the meeting;
    `datePublished` only where the source gives a date."""
    page = urls.proposal(proposal.slug)
    meeting = corpus.meeting(proposal.meeting)
    speaker = proposal.speaker
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": proposal.title,
        "description": proposal_description(proposal),
        "url": site.address(page, page),
        "inLanguage": "zh-CN",
        "identifier": corpus.reference(proposal),
        "author": {"@type": "Person", "name": speaker.name, "jobTitle": speaker.role,
                   "affiliation": _organization(speaker.body)},
        "publisher": _organization(meeting.committee),
        "isPartOf": {"@type": "Collection", "name": meeting.title,
                     "url": site.address(page, urls.meeting(meeting.id))},
        "recordedAt": _event(meeting),
        "keywords": keywords,
    }
    if day := corpus.date_of(proposal):
        data["datePublished"] = day.isoformat()
    return data
