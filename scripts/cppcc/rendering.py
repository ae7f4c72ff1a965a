"""Phase two: the pages of the site as Markdown documents, from the model and its links.

Every string from the YAML is HTML-escaped and placed in raw HTML blocks, so that no speaker text
is ever read as Markdown, HTML or template syntax. The blocks use the classes Material already
styles (`grid cards`, `admonition`), plus a few `cppcc-*` classes of our own stylesheet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path

import yaml

from .linking import (
    CSV_EXPORT,
    JSON_EXPORT,
    KEYWORDS,
    PARTIES,
    IndexPage,
    Links,
    item_url,
    meeting_url,
    proposal_url,
    relative,
)
from .model import Meeting, Note, Proposal
from .parallel import fork_map
from .templating import Templates, esc

SCHEMA_URL = "schema/proposal.schema.json"


@dataclass
class TocEntry:
    id: str
    title: str
    level: int
    children: list[TocEntry] = field(default_factory=list)


@dataclass
class Page:
    """A generated page: where it lives, its title, its Markdown and its table of contents."""

    url: str
    title: str
    markdown: str
    toc: list[TocEntry] = field(default_factory=list)

    @property
    def src_uri(self) -> str:
        return f"{self.url}index.md" if self.url else "index.md"

    @property
    def html(self) -> str:
        """The body as Python-Markdown renders it: its raw HTML blocks exactly as they are."""
        return self.markdown.partition("\n---\n\n")[2].rstrip("\n")


def _front_matter_title(title: str) -> str:
    """The title as MkDocs and the theme want it: HTML-escaped (the theme prints `page.title` and
    `page.meta.title` unescaped, in `<title>`, the header and the nav), written as one
    double-quoted YAML line that reads back exactly (YAML line breaks such as U+2028 escaped)."""
    line = yaml.safe_dump(esc(title), allow_unicode=True, width=math.inf, default_style='"')
    return line.rstrip("\n")


def _document(title: str, blocks: list[str]) -> str:
    front = f"---\ntitle: {_front_matter_title(title)}\n---\n\n"
    return front + "\n\n".join(blocks) + "\n"


def _link(page: str, to: str, text: str, **attrs: str) -> str:
    extra = "".join(f' {k.rstrip("_")}="{esc(v)}"' for k, v in attrs.items())
    return f'<a href="{esc(relative(page, to))}"{extra}>{esc(text)}</a>'


def _marks(text: str, notes: list[Note]) -> list[tuple[str, Note | None]]:
    """The text in parts, each with the note about it, if any; overlapping spans keep the first."""
    spans, taken = [], -1
    for note in sorted(notes, key=lambda n: text.find(n.quote)):
        start = text.find(note.quote)
        if start > taken:
            spans.append((start, start + len(note.quote), note))
            taken = start + len(note.quote) - 1
    parts, pos = [], 0
    for start, end, note in spans:
        parts += [(text[pos:start], None), (text[start:end], note)]
        pos = end
    return [*parts, (text[pos:], None)]


def page_templates(overrides: Path | None = None) -> Templates:
    """Our templates, the site's overrides (in `overrides`, the theme's custom_dir) first, with
    the helpers they call."""
    return Templates(overrides, relative=relative, proposal_url=proposal_url,
                     meeting_url=meeting_url, marks=_marks)


@cache
def shipped_templates() -> Templates:
    """Our templates without overrides, made once."""
    return page_templates()


class ProposalRenderer:
    """The page of one proposal (template `proposal.html`)."""

    def __init__(self, links: Links, proposal: Proposal, templates: Templates | None = None):
        self.links, self.p = links, proposal
        self.templates = templates or shipped_templates()
        self.url = proposal_url(proposal)

    def page(self) -> Page:
        p, links = self.p, self.links
        related = links.related(p)
        previous, next_ = links.neighbours(p)
        body = self.templates.render(
            "proposal.html", proposal=p, url=self.url, links=links,
            meeting=links.corpus.meeting(p.meeting), labels=p.labels(),
            keywords=links.keywords.of(p), related=related, previous=previous, next=next_)
        toc = [
            TocEntry("background", "背景", 2),
            TocEntry("problems", "存在的问题", 2),
            TocEntry("recommendations", "建议", 2, [
                TocEntry(r.id, f"{n}. {r.label}", 3) for n, r in enumerate(p.recommendations, 1)]),
        ]
        if related:
            toc.append(TocEntry("related", "相关建议", 2))
        return Page(self.url, p.title, _document(p.title, [body]), toc)


def _cards(templates: Templates, links: Links, page: str, proposals: list[Proposal]) -> str:
    return templates.render("partials/cards.html", url=page, links=links, proposals=proposals)


def _page_nav(page: str, pages: list[IndexPage], current: IndexPage) -> list[str]:
    """Previous and next page of a paginated index, and on its first page a guide to all pages."""
    if len(pages) == 1:
        return []
    n = current.number
    parts = [_link(page, pages[n - 2].url, "上一页", rel="prev") if n > 1 else "",
             f'<span aria-current="page">第 {n} 页,共 {len(pages)} 页</span>',
             _link(page, pages[n].url, "下一页", rel="next") if n < len(pages) else ""]
    if n > 1:
        parts.append(_link(page, pages[0].url, "各页目录"))
    blocks = [f'<nav class="cppcc-pages" aria-label="分页">{" ".join(filter(None, parts))}</nav>']
    if n == 1:
        before = [0]
        for p in pages:
            before.append(before[-1] + len(p.entries))
        rows = "".join(
            f"<li>{_link(page, p.url, f'第 {p.number} 页')} "
            f"{esc(_guide_range(p, before[p.number - 1]))}</li>" for p in pages)
        blocks.append(f'<ol class="cppcc-page-guide" aria-label="各页目录">{rows}</ol>')
    return blocks


def _guide_range(page: IndexPage, before: int) -> str:
    first, last = page.entries[0][0], page.entries[-1][0]
    if not first:  # a meeting's index: one group, told by position
        return f"第 {before + 1}–{before + len(page.entries)} 篇"
    return first if first == last else f"{first} — {last}"


def _meeting_blocks(templates: Templates, links: Links, page: str, meeting: Meeting,
                    index: IndexPage | None = None) -> list[str]:
    proposals = links.corpus.of_meeting(meeting.id)
    pages = links.meeting_pages(meeting)
    index = index or pages[0]
    return [
        f'<div class="cppcc-hero"><p class="cppcc-kicker">{esc(meeting.title)}</p>'
        f'<h1 class="cppcc-headline">{esc(meeting.headline)}</h1>'
        + (f'<p class="cppcc-subtitle">{esc(meeting.subtitle)}</p>' if meeting.subtitle else "")
        + "</div>",
        f'<h2 id="speeches">发言摘要 <span class="cppcc-counts">{len(proposals)} 篇</span></h2>',
        _cards(templates, links, page, [p for _, p in index.entries]),
        *_page_nav(page, pages, index),
    ]


def home_page(templates: Templates, links: Links) -> Page:
    corpus = links.corpus
    latest = corpus.meetings[-1]
    blocks = _meeting_blocks(templates, links, "", latest)
    if len(corpus.meetings) > 1:
        rows = "".join(f"<li>{_link('', meeting_url(m), m.title)}</li>"
                       for m in reversed(corpus.meetings))
        blocks += ['<h2 id="meetings">历次会议</h2>', f"<ul>{rows}</ul>"]
    blocks += [
        '<h2 id="browse">浏览</h2>',
        (f'<ul><li>{_link("", PARTIES, "按党派、团体浏览")}</li>'
         f'<li>{_link("", KEYWORDS, "按关键词浏览")}</li></ul>'),
        '<h2 id="open-data">开放数据</h2>',
        (f'<ul class="cppcc-data"><li>{_link("", JSON_EXPORT, "proposals.json")}'
         " — 全部建议的结构化数据,含每一项的链接</li>"
         f'<li>{_link("", CSV_EXPORT, "recommendations.csv")}'
         " — 每条建议一行:所属建议、编号、标题、链接</li>"
         f'<li>{_link("", SCHEMA_URL, "proposal.schema.json")} — 数据格式(JSON Schema)</li></ul>'),
    ]
    return Page("", latest.headline, _document(latest.headline, blocks))


def _meeting_page(templates: Templates, links: Links, meeting: Meeting, index: IndexPage) -> Page:
    """A page of the meeting's index: its proposals' cards, `INDEX_PAGE_SIZE` to a page."""
    title = _paged_title(meeting.title, index)
    return Page(index.url, title, _document(title, _meeting_blocks(templates, links, index.url, meeting,
                                                                 index)))


def _heading(anchor: str, name: str, index: IndexPage, first_url: str) -> str:
    """A group's heading; where the group began on an earlier page, marked as continued."""
    if first_url == index.url:
        return f'<h2 id="{anchor}">{esc(name)}</h2>'
    return f'<h2 id="{anchor}">{esc(name)}(续)</h2>'


def _paged_title(title: str, index: IndexPage) -> str:
    return title + (f"(第 {index.number} 页)" if index.number > 1 else "")


def _parties_page(links: Links, index: IndexPage) -> Page:
    url, title = index.url, _paged_title("按党派、团体浏览", index)
    blocks = [f"<h1>{esc(title)}</h1>", *_page_nav(url, links.affiliation_pages, index)]
    for name, proposals in index.groups.items():
        first = links.affiliation_url(name).partition("#")[0]
        rows = "".join(
            f"<li>{_link(url, proposal_url(p), p.title)}"
            f'<span class="cppcc-by">{esc(p.speaker.name)} · {esc(p.speaker.body)}{esc(p.speaker.role)}'
            "</span></li>" for p in proposals)
        blocks += [_heading(links.affiliation_anchor[name], name, index, first), f"<ul>{rows}</ul>"]
    return Page(url, title, _document(title, blocks))


def _items_with(proposal: Proposal, word: str) -> list[tuple[str, str]]:
    """(label, item id) of every problem and recommendation whose text has the word."""
    labels = proposal.labels()
    return [(labels[item.id], item.id) for item in (*proposal.problems, *proposal.recommendations)
            if word in item.speaker_text]


def _keywords_page(links: Links, index: IndexPage) -> Page:
    url, title, groups = index.url, _paged_title("按关键词浏览", index), index.groups
    chips = "".join(f'<li><a class="md-tag" href="#{links.keyword_anchor[w]}">{esc(w)}</a></li>'
                    for w in groups)
    blocks = [f"<h1>{esc(title)}</h1>", *_page_nav(url, links.keyword_pages, index),
              f'<ul class="md-tags cppcc-keyword-cloud">{chips}</ul>']
    for word, proposals in groups.items():
        rows = ""
        for p in proposals:
            items = "、".join(_link(url, item_url(p, i), label) for label, i in _items_with(p, word))
            rows += (f"<li>{_link(url, proposal_url(p), p.title)}"
                     + (f'<span class="cppcc-items">{items}</span>' if items else "") + "</li>")
        first = links.keyword_url(word).partition("#")[0]
        blocks += [_heading(links.keyword_anchor[word], word, index, first), f"<ul>{rows}</ul>"]
    return Page(url, title, _document(title, blocks))


def all_pages(links: Links, overrides: Path | None = None) -> list[Page]:
    """Every page; each is made on its own, on every core, once what they share is known (the
    templates among it: ours, and the site's overrides in `overrides`, the theme's custom_dir)."""
    corpus = links.corpus
    links.compute_shared()
    templates = page_templates(overrides)
    jobs = [partial(home_page, templates, links)]
    jobs += [partial(_parties_page, links, index) for index in links.affiliation_pages]
    jobs += [partial(_keywords_page, links, index) for index in links.keyword_pages]
    jobs += [partial(_meeting_page, templates, links, m, index)
             for m in corpus.meetings for index in links.meeting_pages(m)]
    jobs += [ProposalRenderer(links, p, templates).page for p in corpus.proposals]
    return fork_map(lambda job: job(), jobs, chunksize=64)
