"""Indexes are data: the archive of meetings, and a new index made of one entry and a template."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cppcc import affiliations, indexes, rendering, urls
from cppcc.indexes import INDEXES, Index, committee_term
from cppcc.linking import Links
from cppcc.loading import load_corpus
from cppcc.model import RESERVED_SLUGS
from generate_corpus import generate

REPO = Path(__file__).resolve().parents[1]


def text(tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


def body(markdown: str) -> BeautifulSoup:
    return BeautifulSoup(markdown.partition("\n---\n\n")[2], "html.parser")


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Links:
    """Forty proposals over five meetings of three committees."""
    folder = generate(tmp_path_factory.mktemp("corpus") / "proposals", 40, seed=3,
                      meeting_count=5)
    return Links(load_corpus(folder))


def archive(links: Links) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(heading, [(href, meeting title, line)]) of the archive page, as shown."""
    pages = {page.url: page for page in rendering.all_pages(links)}
    html = body(pages[urls.MEETINGS].markdown)
    return [(text(h), [(li.a["href"], text(li.a), text(li.span))
                       for li in h.find_next_sibling("ul").find_all("li")])
            for h in html.find_all("h2")]


def test_the_archive_lists_every_meeting_by_committee_and_term_newest_first(many):
    corpus = many.corpus
    expected = {}
    for m in sorted(corpus.meetings, key=lambda m: (indexes.pinyin_key(m.committee), -m.term,
                                                    -m.session)):
        count = len(corpus.of_meeting(m.id))
        line = f"第 {m.session} 次会议 · {m.dates} · {count} 篇 · 订阅"
        expected.setdefault(committee_term(m), []).append((f"{m.id}/", m.title, line))
    found = archive(many)
    assert found == list(expected.items())
    assert len(found) == len({m.committee for m in corpus.meetings}) >= 2
    assert sum(len(rows) for _, rows in found) == len(corpus.meetings) == 5


def test_the_real_archive_names_the_meeting_with_no_date_it_does_not_print(site_dir):
    html = BeautifulSoup((site_dir / "meetings" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")
    page = html.select_one("article")
    assert len(load_corpus(REPO / "proposals").meetings) == 1
    assert [text(h) for h in page.find_all("h2")] == ["政协辽源市委员会 · 第 9 届"]
    assert [(a["href"], text(a)) for a in page.select("ul a")] == [
        ("liaoyuan-9-3/", "政协辽源市第九届委员会第三次会议"),
        ("../feeds/meetings/liaoyuan-9-3.xml", "订阅")]
    assert text(page.select_one("ul span")) == "第 3 次会议 · 原文未载明日期 · 7 篇 · 订阅"
    nav = [(a["href"], text(a)) for a in html.select(".md-nav--primary a.md-nav__link")]
    assert ("./", "历次会议") in nav
    home = BeautifulSoup((site_dir / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert ("meetings/", "按会议浏览") in [(a["href"], text(a)) for a in home.select("article a")]


def test_a_new_index_is_one_entry_and_its_template(many, tmp_path, monkeypatch):
    """An index of the proposals by topic: an entry in INDEXES, and a template in the site's
    override folder; its headings are anchored and every topic's link lands on its heading."""
    def by_topic(links: Links) -> dict:
        groups: dict = {}
        for p in links.corpus.proposals:
            groups.setdefault(p.topic, []).append(p)
        return dict(sorted(groups.items()))

    topics = Index("topics/", "按主题浏览", "topics.html", by_topic)
    monkeypatch.setattr(indexes, "INDEXES", (*INDEXES, topics))
    monkeypatch.setattr(indexes, "PAGE_SIZE", 15)
    (tmp_path / "cppcc").mkdir()
    (tmp_path / "cppcc" / "topics.html").write_text(
        '{% from "heading.html" import heading with context %}'
        "<h1>{{ title|esc }}</h1>\n{% include \"pagination.html\" %}\n"
        "{% for name, proposals in page.groups.items() %}\n\n{{ heading(name) }}\n\n"
        "<ul>{% for p in proposals %}<li>{{ link(urls.proposal(p.slug), p.title) }}</li>"
        "{% endfor %}</ul>\n{% endfor %}\n", encoding="utf-8")
    links = dataclasses.replace(many)
    pages = {page.url: page for page in rendering.all_pages(links, overrides=tmp_path)}
    listing = links.indexes[topics]
    assert [p.url for p in listing.pages] == ["topics/", "topics/2/", "topics/3/"]
    assert pages["topics/2/"].title == "按主题浏览（第 2 页）"
    for topic in listing.groups:
        url, _, anchor = listing.url_of(topic).partition("#")
        heading = body(pages[url].markdown).find(id=anchor)
        assert text(heading).removesuffix("（续）") == topic
    listed = [text(a) for url in ("topics/", "topics/2/", "topics/3/")
              for a in body(pages[url].markdown).select("ul li a")]
    assert sorted(listed) == sorted(p.title for p in links.corpus.proposals)


def test_no_slug_may_take_the_folder_of_an_index(monkeypatch):
    assert {i.url.strip("/") for i in INDEXES} <= RESERVED_SLUGS == urls.reserved_slugs()
    topics = Index(urls.index("topics"), "按主题浏览", "topics.html", lambda links: {})
    monkeypatch.setattr(indexes, "INDEXES", (*INDEXES, topics))
    assert urls.reserved_slugs() == RESERVED_SLUGS | {"topics"}


def test_parties_and_bodies_in_the_cppccs_order_each_by_one_name(many):
    """The generated speakers belong to the eight parties (`农工民主党` among them, each written
    `<party>辽源市委员会` in `body`) and to bodies of the city (`辽源市工商业联合会`...)."""
    headings = list(indexes.by_affiliation(many))
    known = [h for h in headings if affiliations.rank(h) < len(affiliations.KNOWN)]
    assert known == [k.name for k in affiliations.KNOWN if k.name in known]  # in the table's order
    parties = ["民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟"]
    assert headings[:len(set(parties) & set(known))] == [p for p in parties if p in known]
    assert len(set(parties) & set(known)) >= 5 and len(known) > len(set(parties) & set(known))
    rest = headings[len(known):]
    assert rest and rest == sorted(rest, key=indexes.pinyin_key)  # 辽源市文化艺术界...
    for p in many.corpus.proposals:
        assert p.speaker.affiliation == affiliations.heading(p.speaker.party or p.speaker.body)


@pytest.mark.parametrize(("written", "heading"), [
    ("农工民主党", "农工党"), ("中国农工民主党辽源市委员会", "农工党"), ("民革辽源市委员会", "民革"),
    ("中国国民党革命委员会", "民革"), ("台湾民主自治同盟", "台盟"), ("辽源市工商业联合会", "工商联"),
    ("中华全国归国华侨联合会", "侨联"), ("辽源市人民进修学校", "辽源市人民进修学校"),
    ("文化艺术界", "文化艺术界")])
def test_a_party_or_body_as_written_and_its_heading(written, heading):
    assert affiliations.heading(written) == heading
