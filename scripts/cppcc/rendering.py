"""Phase two: the pages of the site as Markdown documents, from the model and its links.

Every string from the YAML is HTML-escaped and placed in raw HTML blocks, so that no speaker text
is ever read as Markdown, HTML or template syntax. The blocks use the classes Material already
styles (`grid cards`, `admonition`), plus a few `cppcc-*` classes of our own stylesheet.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from functools import cache, partial
from html import unescape
from itertools import pairwise
from pathlib import Path

import yaml
from markupsafe import Markup

from . import feeds, urls
from .citing import citation_data
from .exports import EXPORTS
from .feeds import FeedLink
from .indexes import KEYWORDS, PARTIES, IndexPage, Listing
from .indexprocess import scratch_folder
from .linking import Links
from .metadata import (
    UNNAMED,
    SiteInfo,
    meeting_description,
    proposal_description,
    proposal_json_ld,
)
from .model import NOTE_KINDS, Meeting, Note, Proposal, kinds_label
from .parallel import fork_map
from .punctuation import FULL_WIDTH, full_width
from .spooling import Place, Spool, Spooled
from .templating import Templates, esc


@dataclass
class TocEntry:
    id: str
    title: str
    level: int
    children: list[TocEntry] = field(default_factory=list)


@dataclass
class Page:
    """A generated page: where it lives, its title, its body and its table of contents, what
    it says of itself (a description and the HTML of its head's metadata: `metadata.py`) and the
    feeds it links to (`<link rel="alternate">`) beside the site's own. The body is HTML, or a
    worker's spooled HTML (`all_pages`), read when used."""

    url: str
    title: str
    body: str | Spooled
    toc: list[TocEntry] = field(default_factory=list)
    description: str = ""
    head: str = ""
    feeds: list[FeedLink] = field(default_factory=list)

    @property
    def src_uri(self) -> str:
        return urls.source_file(self.url)

    @property
    def html(self) -> str:
        """The body as Python-Markdown renders it: its raw HTML blocks exactly as they are."""
        return str(self.body)

    @property
    def front_matter(self) -> str:
        """The page's Markdown before its body: its title (which the builder reads)."""
        return f"---\ntitle: {_front_matter_title(self.title)}\n---\n\n"

    @property
    def markdown(self) -> str:
        return f"{self.front_matter}{self.html}\n"


def _front_matter_title(title: str) -> str:
    """The title as MkDocs and the theme want it: HTML-escaped (the theme prints `page.title` and
    `page.meta.title` unescaped, in `<title>`, the header and the nav), written as one
    double-quoted YAML line that reads back exactly (YAML line breaks such as U+2028 escaped)."""
    line = yaml.safe_dump(esc(title), allow_unicode=True, width=math.inf, default_style='"')
    return line.rstrip("\n")


def _link(page: str, to: str, text: str, **attrs: str) -> str:
    extra = "".join(f' {k.rstrip("_")}="{esc(v)}"' for k, v in attrs.items())
    return f'<a href="{esc(urls.relative(page, to))}"{extra}>{esc(text)}</a>'


def _marks(text: str, notes: list[Note]) -> list[tuple[str, tuple[Note, ...]]]:
    """The text as the page shows it (`punctuation.full_width`), in parts, each with the notes
    about it: none, one, or every note whose span covers it where spans overlap. A note is
    about the first occurrence of its quote."""
    shown = full_width(text)  # one mark for another: the notes' spans stay where they were
    spans = [(start, start + len(n.quote), n) for n in notes if (start := text.find(n.quote)) >= 0]
    cuts = sorted({0, len(text), *(at for span in spans for at in span[:2])})
    return [(shown[a:b], tuple(n for start, end, n in spans if start <= a and b <= end))
            for a, b in pairwise(cuts)]


def page_templates(overrides: Path | None = None) -> Templates:
    """Our templates, the site's overrides (in `overrides`, the theme's custom_dir) first, with
    the helpers they call."""
    return Templates(overrides, relative=urls.relative, urls=urls, feeds=feeds, PARTIES=PARTIES,
                     KEYWORDS=KEYWORDS, marks=_marks, shown=full_width,
                     kinds_label=kinds_label)


@cache
def shipped_templates() -> Templates:
    """Our templates without overrides, made once."""
    return page_templates()


def _head(templates: Templates, site: SiteInfo, url: str, title: str, description: str,
          kind: str = "website", published: str = "", json_ld: dict | None = None) -> str:
    """The page's metadata for its <head> (`partials/head.html`): `kind` its Open Graph type,
    `published` an ISO date or ""."""
    return templates.render(
        "partials/head.html", title=title, description=description, site=site, type=kind,
        url=urls.absolute(site.url, url) if site.url else "", published=published,
        json_ld=json_ld)


class ProposalRenderer:
    """The page of one proposal (template `proposal.html`)."""

    def __init__(self, links: Links, proposal: Proposal, templates: Templates | None = None,
                 site: SiteInfo = UNNAMED):
        self.links, self.p, self.site = links, proposal, site
        self.templates = templates or shipped_templates()
        self.url = urls.proposal(proposal.slug)

    def page(self) -> Page:
        p, links = self.p, self.links
        related = links.related(p)
        previous, next_ = links.neighbours(p)
        meeting = links.corpus.meeting(p.meeting)
        toc = [
            TocEntry("background", "背景", 2),
            TocEntry("problems", "存在的问题", 2),
            TocEntry("recommendations", "建议", 2, [
                TocEntry(r.id, f"{n}. {full_width(r.label)}", 3)
                for n, r in enumerate(p.recommendations, 1)]),
        ]
        if related:
            toc.append(TocEntry(
                "related", "相关" + kinds_label(r.proposal for r in related), 2))
        keywords = links.keywords.of(p)
        body = self.templates.render(
            "proposal.html", proposal=p, url=self.url, links=links,
            meeting=meeting, labels=p.labels(),
            keywords=keywords, related=related, previous=previous, next=next_, toc=toc,
            cite=citation_data(links.corpus, p, self.site.url))
        description = proposal_description(p)
        day = links.corpus.date_of(p)
        head = _head(self.templates, self.site, self.url, p.title, description, "article",
                     day.isoformat() if day else "",
                     proposal_json_ld(links.corpus, p, self.site, keywords))
        follow = [feeds.of_meeting(meeting), feeds.of_affiliation(p.speaker.affiliation)]
        return Page(self.url, p.title, body.rstrip("\n"), toc, description, head, follow)


def _cards(templates: Templates, links: Links, page: str, proposals: list[Proposal]) -> str:
    return templates.render("partials/cards.html", url=page, links=links, proposals=proposals)


ABOUT_TITLE = "关于本站"
_HEADING = re.compile(r'<h2 id="([^"]+)">(.*?)</h2>')


def _section_toc(html: str) -> list[TocEntry]:
    """A table of contents of a page's sections, its `<h2 id>` headings."""
    return [TocEntry(id_, unescape(re.sub("<[^>]+>", "", title)), 2)
            for id_, title in _HEADING.findall(html)]


class IndexRenderer:
    """The pages of every index, each drawn by its index's template; the home and about pages."""

    def __init__(self, links: Links, templates: Templates, site: SiteInfo = UNNAMED):
        self.links, self.templates, self.site = links, templates, site

    def _context(self, url: str, **extra) -> dict:
        templates = self.templates
        return {"links": self.links, "url": url,
                "link": lambda to, text, **attrs: Markup(_link(url, to, text, **attrs)),
                "cards": lambda proposals: Markup(_cards(templates, self.links, url, proposals)),
                "items_with": _items_with, **extra}

    def _render(self, template: str, title: str, context: dict,
                follow: list[FeedLink] | None = None) -> Page:
        body = self.templates.render(template, **context).strip("\n")
        listing = context.get("listing")  # a meeting's index describes the meeting
        subject = listing.index.subject if listing else None
        description = (meeting_description(subject) if isinstance(subject, Meeting)
                       else self.site.description or title)
        head = _head(self.templates, self.site, context["url"], title, description)
        return Page(context["url"], title, body, description=description,
                    head=head, feeds=follow or [])

    def page(self, listing: Listing, page: IndexPage) -> Page:
        index = listing.index
        title = index.title + (f"（第 {page.number} 页）" if page.number > 1 else "")
        return self._render(index.template, title, self._context(
            page.url, listing=listing, page=page, title=title), listing.index.feeds(page))

    def home(self) -> Page:
        latest = self.links.corpus.meetings[-1]
        listing = self.links.indexes.of_meeting(latest)
        return self._render("home.html", latest.headline, self._context(
            urls.HOME, listing=listing, page=listing.pages[0], exports=EXPORTS),
            listing.index.feeds(listing.pages[0]))

    def about(self, site: SiteInfo) -> Page:
        """Where the text comes from and how it was edited, the notes, the punctuation, citing,
        the open data and its licence, and how to report an error."""
        page = self._render("about.html", ABOUT_TITLE, self._context(
            urls.ABOUT, title=ABOUT_TITLE, site=site, exports=EXPORTS, note_kinds=NOTE_KINDS,
            marks=FULL_WIDTH))
        page.toc = _section_toc(page.html)
        return page


def _items_with(proposal: Proposal, word: str) -> list[tuple[str, str]]:
    """(label, item id) of every problem and recommendation whose text has the word."""
    labels = proposal.labels()
    return [(labels[item.id], item.id) for item in (*proposal.problems, *proposal.recommendations)
            if word in item.speaker_text]


PAGES_SCRATCH = "cppcc-pages"  # the workers' folder of pages' bodies (`all_pages`)


def all_pages(links: Links, overrides: Path | None = None, site: SiteInfo = UNNAMED,
              spool_beside: Path | None = None) -> list[Page]:
    """Every page; each is made on its own, on every core, once what they share is known.
    `overrides`: the folder whose `cppcc/` holds the site's own versions of our templates;
    `site`: what the configuration says of the site (its pages' metadata and the about page
    show it); `spool_beside`: the folder in which the workers leave the pages' bodies (in a
    `spooling.Spool`, each read back when used) rather than send them to this process."""
    links.prepare()
    templates = page_templates(overrides)  # compiled once, before the workers fork
    indexes = IndexRenderer(links, templates, site)
    jobs = [indexes.home, partial(indexes.about, site)]
    jobs += [partial(indexes.page, listing, page) for listing, page in links.indexes.pages()]
    jobs += [ProposalRenderer(links, p, templates, site).page for p in links.corpus.proposals]
    if spool_beside is None:
        return fork_map(lambda job: job(), jobs, chunksize=64)
    spool = Spool(scratch_folder(spool_beside, PAGES_SCRATCH))

    def spooled(job) -> tuple[Page, Place]:
        page = job()
        return replace(page, body=""), spool.write(page.html)

    try:
        made = fork_map(spooled, jobs, chunksize=64)
    except BaseException:
        spool.close()
        raise
    bodies = spool.opened([place for _, place in made])
    return [replace(page, body=body) for (page, _), body in zip(made, bodies)]
