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

import yaml

from .exports import EXPORTS, Export
from .linking import (
    KEYWORDS,
    PARTIES,
    IndexPage,
    Links,
    item_url,
    meeting_url,
    proposal_url,
    relative,
)
from .model import Meeting, Note, Passage, Proposal, Recommendation
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


def _speaker_line(links: Links, page: str, proposal: Proposal) -> str:
    s = proposal.speaker
    body = _link(page, links.affiliation_url(s.affiliation), s.body)
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
        self.url = proposal_url(proposal)
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
            f'<li>{_link(self.url, links.keyword_url(w), w, class_="md-tag")}</li>'
            for w in links.keywords.of(p))
        return [
            (f'<p class="cppcc-kicker">{_link(self.url, meeting_url(meeting), meeting.title)}'
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
            f"<li>{_link(self.url, proposal_url(r.proposal), r.proposal.title)}"
            f'<span class="cppcc-shared">共同关键词:{esc("、".join(r.shared))}</span></li>'
            for r in related)
        return ['<h2 id="related">相关建议</h2>', f'<ul class="cppcc-related">{rows}</ul>']

    def _pager(self) -> str:
        prev, next_ = self.links.neighbours(self.p)
        parts = []
        if prev:
            parts.append(_link(self.url, proposal_url(prev), f"上一篇:{prev.title}", rel="prev",
                               class_="cppcc-prev"))
        if next_:
            parts.append(_link(self.url, proposal_url(next_), f"下一篇:{next_.title}", rel="next",
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
        f'<h3>{_link(page, proposal_url(p), p.title)}</h3>'
        f'<p class="cppcc-speaker">{_speaker_line(links, page, p)}</p>'
        f'<p class="cppcc-counts">问题 {len(p.problems)} 项 · 建议 {len(p.recommendations)} 条</p></li>'
        for p in proposals)
    return f'<div class="grid cards cppcc-cards"><ul>{cards}</ul></div>'


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


def _meeting_blocks(links: Links, page: str, meeting: Meeting,
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
        _cards(links, page, [p for _, p in index.entries]),
        *_page_nav(page, pages, index),
    ]


def _open_data(export: Export) -> str:
    """An export on the home page: its link, its file name, its line and its format's link."""
    line = (f"<li>{_link('', export.path, export.title, type=export.media_type)} "
            f"<code>{esc(export.name)}</code> — {esc(export.description)}")
    if export.schema_path:
        schema = _link("", export.schema_path, export.schema_path.rpartition("/")[2],
                       type="application/schema+json")
        line += f";格式:{schema}(JSON Schema)"
    return line + "</li>"


def home_page(links: Links) -> Page:
    corpus = links.corpus
    latest = corpus.meetings[-1]
    blocks = _meeting_blocks(links, "", latest)
    if len(corpus.meetings) > 1:
        rows = "".join(f"<li>{_link('', meeting_url(m), m.title)}</li>"
                       for m in reversed(corpus.meetings))
        blocks += ['<h2 id="meetings">历次会议</h2>', f"<ul>{rows}</ul>"]
    blocks += [
        '<h2 id="browse">浏览</h2>',
        (f'<ul><li>{_link("", PARTIES, "按党派、团体浏览")}</li>'
         f'<li>{_link("", KEYWORDS, "按关键词浏览")}</li></ul>'),
        '<h2 id="open-data">开放数据</h2>',
        f'<ul class="cppcc-data">{"".join(_open_data(e) for e in EXPORTS)}</ul>',
    ]
    return Page("", latest.headline, _document(latest.headline, blocks))


def _meeting_page(links: Links, meeting: Meeting, index: IndexPage) -> Page:
    """A page of the meeting's index: its proposals' cards, `INDEX_PAGE_SIZE` to a page."""
    title = _paged_title(meeting.title, index)
    return Page(index.url, title, _document(title, _meeting_blocks(links, index.url, meeting, index)))


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


def all_pages(links: Links) -> list[Page]:
    """Every page; each is made on its own, on every core, once what they share is known."""
    corpus = links.corpus
    links.compute_shared()
    jobs = [partial(home_page, links)]
    jobs += [partial(_parties_page, links, index) for index in links.affiliation_pages]
    jobs += [partial(_keywords_page, links, index) for index in links.keyword_pages]
    jobs += [partial(_meeting_page, links, m, index)
             for m in corpus.meetings for index in links.meeting_pages(m)]
    jobs += [ProposalRenderer(links, p).page for p in corpus.proposals]
    return fork_map(lambda job: job(), jobs, chunksize=64)
