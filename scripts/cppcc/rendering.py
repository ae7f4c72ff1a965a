"""Phase two: the pages of the site as Markdown documents, from the model and its links.

Every string from the YAML is HTML-escaped and placed in raw HTML blocks, so that no speaker text
is ever read as Markdown, HTML or template syntax. The blocks use the classes Material already
styles (`grid cards`, `admonition`), plus a few `cppcc-*` classes of our own stylesheet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import partial
from html import escape
from pathlib import Path

import yaml
from markupsafe import Markup

from . import templating, urls
from .exports import EXPORTS
from .indexes import KEYWORDS, PARTIES, IndexPage, Listing
from .linking import Links
from .model import Note, Passage, Proposal, Recommendation
from .parallel import fork_map


def esc(text: str) -> str:
    """Escape text for HTML; newlines become character references so a block stays one line,
    and tabs too, which Python-Markdown would otherwise expand into spaces."""
    return (escape(text, quote=True).replace("\r", "&#13;").replace("\n", "&#10;")
            .replace("\t", "&#9;"))


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
        return urls.source_file(self.url)

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
    return f'<a href="{esc(urls.relative(page, to))}"{extra}>{esc(text)}</a>'


def _speaker_line(links: Links, page: str, proposal: Proposal) -> str:
    s = proposal.speaker
    body = _link(page, links.indexes[PARTIES].url_of(s.affiliation), s.body)
    return (f'<span class="cppcc-speaker-name">{esc(s.name)}</span>'
            f'<span class="cppcc-speaker-body">{body}</span>'
            f'<span class="cppcc-speaker-role">{esc(s.role)}</span>')


def _marked(text: str, notes: list[Note]) -> str:
    """The text with each noted span marked; overlapping spans keep the first."""
    spans, taken = [], -1
    for note in sorted(notes, key=lambda n: text.find(n.quote)):
        start = text.find(note.quote)
        if start > taken:
            spans.append((start, start + len(note.quote), note))
            taken = start + len(note.quote) - 1
    out, pos = "", 0
    for start, end, note in spans:
        out += esc(text[pos:start])
        out += (f'<span class="cppcc-damaged" title="{esc(note.label)}">'
                f"{esc(text[start:end])}</span>")
        pos = end
    return out + esc(text[pos:])


def _notes(notes: list[Note]) -> str:
    return "".join(
        f'<aside class="admonition note cppcc-note" role="note">'
        f'<p class="admonition-title">编者注 · {esc(n.label)}</p>'
        f'<p><span class="cppcc-quote">“{esc(n.quote)}”</span> {esc(n.text)}</p></aside>'
        for n in notes
    )


def _aliases(item: Passage | Recommendation) -> str:
    """Anchors for the ids the item was published under before: old links still land on it."""
    return "".join(f'<span class="cppcc-alias" id="{esc(alias)}"></span>' for alias in item.aliases)


def _actions(item_id: str, label: str) -> str:
    return (f'<p class="cppcc-actions"><a class="cppcc-permalink" href="#{esc(item_id)}">'
            f"#{esc(item_id)}</a> "
            f'<button type="button" class="cppcc-copy md-button" data-cppcc-copy="{esc(item_id)}"'
            f' aria-label="复制{esc(label)}的链接">复制链接</button></p>')


def _item(tag: str, kind: str, item: Passage | Recommendation, label: str, inner: str) -> str:
    """A citable item: an element whose id is the item's, with its old ids, its content, its
    editorial notes and its link controls."""
    return (f'<{tag} class="cppcc-item cppcc-{kind}" id="{esc(item.id)}">{_aliases(item)}'
            f"{inner}{_notes(item.notes)}{_actions(item.id, label)}</{tag}>")


class ProposalRenderer:
    """The page of one proposal."""

    def __init__(self, links: Links, proposal: Proposal):
        self.links, self.p = links, proposal
        self.url = urls.proposal(proposal.slug)
        self.label = proposal.labels()

    def _rec_ref(self, rec: Recommendation) -> str:
        return f'<a href="#{esc(rec.id)}">{self.label[rec.id]} · {esc(rec.label)}</a>'

    def _passage(self, passage: Passage) -> str:
        return _item("div", "passage", passage, self.label[passage.id],
                     f"<p>{_marked(passage.text, passage.notes)}</p>")

    def _problem(self, problem: Passage) -> str:
        label = self.label[problem.id]
        answers = self.p.answered_by(problem.id)
        xref = ('<p class="cppcc-xref">对应建议:' + "、".join(map(self._rec_ref, answers)) + "</p>"
                if answers else "")
        return _item("li", "problem", problem, label,
                     f'<p><span class="cppcc-num">{label}</span> '
                     f"{_marked(problem.text, problem.notes)}</p>{xref}")

    def _recommendation(self, rec: Recommendation) -> str:
        label = self.label[rec.id]
        body = f"<p>{_marked(rec.body, rec.notes)}</p>" if rec.body else ""
        answers = [q for q in self.p.problems if q.id in rec.answers]
        xref = ('<p class="cppcc-xref">回应问题:' + "、".join(
            f'<a href="#{esc(q.id)}">{self.label[q.id]}</a>' for q in answers) + "</p>"
            if answers else "")
        return _item("section", "rec", rec, label,
                     f'<h3 class="cppcc-headline"><span class="cppcc-num">{label}</span> '
                     f"{_marked(rec.headline, rec.notes)}</h3>{body}{xref}")

    def _head(self) -> list[str]:
        p, links = self.p, self.links
        meeting = links.corpus.meeting(p.meeting)
        keywords = "".join(
            f'<li>{_link(self.url, links.indexes[KEYWORDS].url_of(w), w, class_="md-tag")}</li>'
            for w in links.keywords.of(p))
        return [
            (f'<p class="cppcc-kicker">{_link(self.url, urls.meeting(meeting.id), meeting.title)}'
             f' · {esc(p.topic)}</p>'),
            f"<h1>{esc(p.title)}</h1>",
            f'<p class="cppcc-speaker">{_speaker_line(links, self.url, p)}</p>',
            f'<p class="cppcc-counts">问题 {len(p.problems)} 项 · 建议 {len(p.recommendations)} 条</p>',
            f'<nav class="cppcc-keywords" aria-label="关键词"><ul class="md-tags">{keywords}</ul></nav>',
        ]

    def _related(self) -> list[str]:
        related = self.links.related(self.p)
        if not related:
            return []
        rows = "".join(
            f"<li>{_link(self.url, urls.proposal(r.proposal.slug), r.proposal.title)}"
            f'<span class="cppcc-shared">共同关键词:{esc("、".join(r.shared))}</span></li>'
            for r in related)
        return ['<h2 id="related">相关建议</h2>', f'<ul class="cppcc-related">{rows}</ul>']

    def _pager(self) -> str:
        prev, next_ = self.links.neighbours(self.p)
        parts = []
        if prev:
            parts.append(_link(self.url, urls.proposal(prev.slug), f"上一篇:{prev.title}", rel="prev",
                               class_="cppcc-prev"))
        if next_:
            parts.append(_link(self.url, urls.proposal(next_.slug), f"下一篇:{next_.title}", rel="next",
                               class_="cppcc-next"))
        return f'<nav class="cppcc-pager" aria-label="上一篇与下一篇">{"".join(parts)}</nav>'

    def page(self) -> Page:
        p = self.p
        blocks = self._head()
        blocks.append('<h2 id="background">背景</h2>')
        blocks += [self._passage(b) for b in p.background]
        blocks.append('<h2 id="problems">存在的问题</h2>')
        blocks.append('<ol class="cppcc-problems">' + "".join(map(self._problem, p.problems)) + "</ol>")
        blocks.append('<h2 id="recommendations">建议</h2>')
        if p.recommendations_intro:
            blocks.append(self._passage(p.recommendations_intro))
        blocks += [self._recommendation(r) for r in p.recommendations]
        blocks += self._related()
        blocks.append(self._pager())
        toc = [
            TocEntry("background", "背景", 2),
            TocEntry("problems", "存在的问题", 2),
            TocEntry("recommendations", "建议", 2, [
                TocEntry(r.id, f"{n}. {r.label}", 3) for n, r in enumerate(p.recommendations, 1)]),
        ]
        if self.links.related(p):
            toc.append(TocEntry("related", "相关建议", 2))
        return Page(self.url, p.title, _document(p.title, blocks), toc)


def _cards(links: Links, page: str, proposals: list[Proposal]) -> str:
    cards = "".join(
        f'<li class="cppcc-card"><p class="cppcc-card-topic">{esc(p.topic)}</p>'
        f'<h3>{_link(page, urls.proposal(p.slug), p.title)}</h3>'
        f'<p class="cppcc-speaker">{_speaker_line(links, page, p)}</p>'
        f'<p class="cppcc-counts">问题 {len(p.problems)} 项 · 建议 {len(p.recommendations)} 条</p></li>'
        for p in proposals)
    return f'<div class="grid cards cppcc-cards"><ul>{cards}</ul></div>'


class IndexRenderer:
    """The pages of every index, each drawn by its index's template."""

    def __init__(self, links: Links, overrides: Path | None = None):
        self.links, self.env = links, templating.environment(overrides)

    def _context(self, url: str, listing: Listing, page: IndexPage, **extra) -> dict:
        return {"links": self.links, "urls": urls, "url": url, "listing": listing, "page": page,
                "link": lambda to, text, **attrs: Markup(_link(url, to, text, **attrs)),
                "cards": lambda proposals: Markup(_cards(self.links, url, proposals)),
                "items_with": _items_with, **extra}

    def _render(self, template: str, title: str, context: dict) -> Page:
        body = self.env.get_template(template).render(context).strip("\n")
        return Page(context["url"], title, _document(title, [body]))

    def page(self, listing: Listing, page: IndexPage) -> Page:
        index = listing.index
        title = index.title + (f"(第 {page.number} 页)" if page.number > 1 else "")
        return self._render(index.template, title, self._context(page.url, listing, page,
                                                                 title=title))

    def home(self) -> Page:
        latest = self.links.corpus.meetings[-1]
        listing = self.links.indexes.of_meeting(latest)
        return self._render("home.html", latest.headline, self._context(
            urls.HOME, listing, listing.pages[0], exports=EXPORTS))


def _items_with(proposal: Proposal, word: str) -> list[tuple[str, str]]:
    """(label, item id) of every problem and recommendation whose text has the word."""
    labels = proposal.labels()
    return [(labels[item.id], item.id) for item in (*proposal.problems, *proposal.recommendations)
            if word in item.speaker_text]


def all_pages(links: Links, overrides: Path | None = None) -> list[Page]:
    """Every page; each is made on its own, on every core, once what they share is known.
    `overrides`: the folder whose `cppcc/` holds the site's own versions of our templates."""
    links.prepare()
    indexes = IndexRenderer(links, overrides)
    jobs = [indexes.home]
    jobs += [partial(indexes.page, listing, page) for listing, page in links.indexes.pages()]
    jobs += [ProposalRenderer(links, p).page for p in links.corpus.proposals]
    return fork_map(lambda job: job(), jobs, chunksize=64)
