"""The archive to browse: every meeting with its dates and counts, each meeting's proposals in
printed order with their speakers, the years and each year's meetings and proposals, the
meetings of no known year under 年份未载明 (never a guessed year), and no list page, nor feed,
that grows with the number of proposals (hundreds of generated ones).

Pages are made in memory (`rendering.all_pages`) and read as HTML; the real site is the one
`mkdocs build --strict` made (`site_dir`)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from cppcc import feeds, indexes, rendering, urls
from cppcc.indexes import MEETINGS, YEARS, Year, years
from cppcc.linking import Links
from cppcc.loading import load_corpus
from generate_corpus import generate, record_permalinks

REPO = Path(__file__).resolve().parents[1]


def text(tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


def body(markdown: str) -> BeautifulSoup:
    return BeautifulSoup(markdown.partition("\n---\n\n")[2], "html.parser")


def when(m) -> str:
    return m.dates or (f"{m.year} 年" if m.year is not None else "原文未载明日期")


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    """Forty generated proposals over five meetings of three committees, in 2019 and 2020; the
    oldest meeting's file then loses its dates and year, as the real one has none."""
    folder = generate(tmp_path_factory.mktemp("corpus") / "proposals", 40, seed=3,
                      meeting_count=5)
    oldest = min((folder / "meetings").glob("*.yaml"))
    data = yaml.safe_load(oldest.read_text(encoding="utf-8"))
    for key in ("start", "end", "year"):
        data.pop(key)
    oldest.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def small_pages(many) -> tuple[Links, dict[str, BeautifulSoup]]:
    """Every page of `many`, made with pages of 7 entries, so that lists span pages."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(indexes, "PAGE_SIZE", 7)
        links = Links(load_corpus(many))
        pages = {page.url: body(page.markdown) for page in rendering.all_pages(links)}
    return links, pages


def listed(pages: dict[str, BeautifulSoup], listing) -> list[tuple[str, str, str]]:
    """(heading, proposal slug, speaker line) of every proposal a grouped index lists, page by
    page: the lists under its headings."""
    out = []
    for page in listing.pages:
        for ul in pages[page.url].select("h2 + ul"):
            heading = text(ul.find_previous_sibling("h2")).removesuffix("（续）")
            out += [(heading, slug_of(li.a["href"]), text(li.span)) for li in ul.find_all("li")]
    return out


def slug_of(href: str) -> str:
    """The slug a relative link to a proposal page names (`../../rule-of-law/` -> rule-of-law)."""
    return re.sub(r"^(\.\./)+|/(#.*)?$", "", href)


def test_the_archive_gives_every_meeting_its_dates_or_says_none_are_given(small_pages):
    links, pages = small_pages
    lines = {}
    for page in links.indexes[MEETINGS].pages:
        for li in pages[page.url].select("ul.cppcc-meetings > li"):
            lines[li.a["href"]] = text(li.span)
    undated = [m for m in links.corpus.meetings if m.year is None]
    assert len(undated) == 1 and len(lines) == len(links.corpus.meetings) == 5
    for m in links.corpus.meetings:
        count = len(links.corpus.of_meeting(m.id))
        assert lines[urls.relative(urls.MEETINGS, urls.meeting(m.id))] == \
            f"第 {m.session} 次会议 · {when(m)} · {count} 篇 · 订阅"
    assert sum("原文未载明日期" in line for line in lines.values()) == 1
    assert all(re.search(r"\d{4} 年 1 月 \d+ 日—\d{4} 年 1 月 \d+ 日", line)
               for line in lines.values() if "原文未载明日期" not in line)


def test_a_meeting_lists_its_proposals_in_printed_order_with_their_speakers(small_pages):
    links, pages = small_pages
    for m in links.corpus.meetings:
        listing = links.indexes.of_meeting(m)
        cards = [(slug_of(card.h3.a["href"]), text(card.select_one(".cppcc-speaker")))
                 for page in listing.pages for card in pages[page.url].select(".cppcc-card")]
        here = urls.meeting(m.id)
        expected = sorted(links.corpus.of_meeting(m.id), key=lambda p: p.order)
        assert cards == [(p.slug, f"{p.speaker.name} {p.speaker.body} {p.speaker.role}")
                         for p in expected]
        assert len(expected) <= 7 or len(listing.pages) > 1
        facts = text(pages[here].select_one(".cppcc-meeting-facts"))
        assert facts == f"{m.reference} · {when(m)} · 订阅本次会议（Atom）"
        year_link = pages[here].select_one(".cppcc-meeting-facts a")
        assert year_link["href"] == urls.relative(here, urls.year(m.year))


def test_the_years_newest_first_then_the_meetings_of_no_known_year(small_pages):
    links, pages = small_pages
    rows = [(li.a["href"], text(li.a), text(li.span))
            for li in pages[urls.YEARS].select("ul.cppcc-years > li")]
    meetings = links.corpus.meetings
    dated = sorted({m.year for m in meetings if m.year is not None}, reverse=True)
    assert dated == [2020, 2019]

    def row(year, label):
        these = [m for m in meetings if m.year == year]
        count = sum(len(links.corpus.of_meeting(m.id)) for m in these)
        return (urls.relative(urls.YEARS, urls.year(year)), label, f"{len(these)} 次会议 · {count} 篇")

    assert rows == [*(row(y, f"{y} 年") for y in dated), row(None, "年份未载明")]
    assert rows[-1][0] == "undated/"


@pytest.mark.parametrize("year", [2020, 2019, None])
def test_a_year_lists_its_meetings_then_their_proposals_with_their_speakers(small_pages, year):
    links, pages = small_pages
    listing = links.indexes.listings[urls.year(year)]
    # the meeting that began last first (the generated committees meet on different days)
    these = sorted((m for m in links.corpus.meetings if m.year == year), reverse=True,
                   key=lambda m: (m.start or date.min, m.session))
    first = pages[urls.year(year)]
    assert text(first.h1) == (f"{year} 年" if year else "年份未载明")
    here = urls.year(year)
    assert [(li.a["href"], text(li.span)) for li in first.select("ul.cppcc-meetings > li")] == [
        (urls.relative(here, urls.meeting(m.id)),
         f"{when(m)} · {len(links.corpus.of_meeting(m.id))} 篇 · 订阅") for m in these]
    expected = [(m.title, p.slug, p.speaker.byline) for m in these
                for p in sorted(links.corpus.of_meeting(m.id), key=lambda p: p.order)]
    found = listed(pages, listing)
    assert found == expected
    if sum(len(links.corpus.of_meeting(m.id)) for m in these) > 7:
        assert len(listing.pages) > 1
    others = {p.slug for m in links.corpus.meetings if m.year != year
              for p in links.corpus.of_meeting(m.id)}
    assert not others & {slug for _, slug, _ in found}


def test_no_meeting_is_put_under_a_year_it_does_not_give(small_pages):
    links, _ = small_pages
    found = years(links)
    assert [y.year for y in found] == [2020, 2019, None]
    undated = found[-1]
    assert isinstance(undated, Year) and undated.label == "年份未载明"
    assert [m.year for m in undated.meetings] == [None]
    assert all(m.year == y.year for y in found for m in y.meetings)
    assert urls.year(None) == "years/undated/" and urls.year(2024) == "years/2024/"


def test_the_real_site_lists_its_meeting_under_no_year(site_dir):
    def page(url: str) -> BeautifulSoup:
        return BeautifulSoup((site_dir / url / "index.html").read_text(encoding="utf-8"),
                             "html.parser")

    years_page = page(urls.YEARS).select_one("article")
    assert [(li.a["href"], text(li)) for li in years_page.select("ul.cppcc-years > li")] == [
        ("undated/", "年份未载明 1 次会议 · 7 篇")]
    undated = page(urls.year(None)).select_one("article")
    assert [text(li) for li in undated.select("ul.cppcc-meetings > li")] == [
        "政协辽源市第九届委员会第三次会议 原文未载明日期 · 7 篇 · 订阅"]
    assert len(undated.select("h2 + ul > li")) == 7
    facts = page(urls.meeting("liaoyuan-9-3")).select_one(".cppcc-meeting-facts")
    assert text(facts) == "第 9 届第 3 次会议 · 原文未载明日期 · 订阅本次会议（Atom）"
    home = page(urls.HOME)
    nav = [(a["href"], text(a)) for a in home.select(".md-nav--primary a.md-nav__link")]
    assert ("years/", "按年份") in nav
    browse = home.select_one("#browse").find_next_sibling("ul")
    assert ("years/", "按年份浏览") in [(a["href"], text(a)) for a in browse.find_all("a")]


# -- at scale ----------------------------------------------------------------------------------

N = 600  # the latest year more than a page of them (the latest meeting holds half)
MAX_PAGE_KB = 160  # the largest list page at 2,000 proposals is a keyword page of ~105 KB


@pytest.fixture(scope="module")
def at_scale(tmp_path_factory) -> tuple[Links, dict[str, str], dict[str, bytes]]:
    """N generated proposals (11 meetings over 4 years, as the generator gives 2,000): every list
    page, made in memory, and every feed."""
    folder = generate(tmp_path_factory.mktemp("corpus") / "proposals", N, seed=1,
                      meeting_count=11)
    record_permalinks(folder)
    links = Links(load_corpus(folder))
    renderer = rendering.IndexRenderer(links, rendering.shipped_templates())
    pages = {page.url: renderer.page(listing, page).markdown
             for listing, page in links.indexes.pages()}
    pages[urls.HOME] = renderer.home().markdown
    return links, pages, feeds.files(links, "https://example.org/", "站")


def test_no_list_page_grows_with_the_number_of_proposals(at_scale):
    links, pages, _ = at_scale
    assert len(links.corpus.proposals) == N
    slugs = {p.slug for p in links.corpus.proposals}
    biggest = max(pages, key=lambda url: len(pages[url]))
    assert len(pages[biggest].encode()) <= MAX_PAGE_KB * 1024, biggest
    for url, markdown in pages.items():
        hrefs = {slug_of(a["href"]) for a in body(markdown).select("a")}
        assert len(hrefs & slugs) <= indexes.PAGE_SIZE, url
    for listing in links.indexes.listings.values():
        assert all(len(page.entries) <= indexes.PAGE_SIZE for page in listing.pages)
    latest = years(links)[0]
    assert latest.count > indexes.PAGE_SIZE
    assert len(links.indexes.listings[latest.url].pages) == -(-latest.count // indexes.PAGE_SIZE)
    archive = body(pages[urls.MEETINGS])
    assert len(archive.select("ul.cppcc-meetings > li")) == len(links.corpus.meetings) == 11
    assert "原文未载明日期" not in archive.get_text()  # the generated meetings carry their dates
    assert len(links.indexes[YEARS].groups[""]) == 4


def test_no_feed_grows_with_the_number_of_proposals(at_scale):
    links, _, written = at_scale
    names = {p.speaker.affiliation for p in links.corpus.proposals}
    assert len(written) == 1 + len(links.corpus.meetings) + len(names)
    assert max(len(data) for data in written.values()) <= 64 * 1024
    for data in written.values():
        assert data.count(b"<entry>") <= feeds.FEED_SIZE
    site = written[urls.SITE_FEED].decode()
    assert site.count("<entry>") == feeds.FEED_SIZE
    latest = links.corpus.meetings[-1]
    newest = sorted(links.corpus.of_meeting(latest.id), key=lambda p: -p.order)[:feeds.FEED_SIZE]
    assert re.findall(r"<id>https://example.org/([^<]+)/</id>", site) == [p.slug for p in newest]


@pytest.mark.browser
def test_a_reader_browses_by_year_to_a_meeting_and_finds_its_feeds(page, base_url):
    """In Chromium: home → 按年份浏览 → 年份未载明 → the meeting, whose proposals are listed in
    printed order; the head's feed links are fetched and read by an Atom parser."""
    import feedparser

    corpus = load_corpus(REPO / "proposals")
    (meeting,) = corpus.meetings
    page.goto(base_url)
    page.locator("#browse + ul").get_by_role("link", name="按年份浏览").click()
    page.wait_for_url(base_url + urls.YEARS)
    page.get_by_role("link", name="年份未载明").click()
    page.wait_for_url(base_url + urls.year(None))
    page.locator("ul.cppcc-meetings").get_by_role("link", name=meeting.title).click()
    page.wait_for_url(base_url + urls.meeting(meeting.id))
    assert "原文未载明日期" in page.locator(".cppcc-meeting-facts").inner_text()
    assert page.locator(".cppcc-card h3").all_inner_texts() == [
        p.title for p in sorted(corpus.of_meeting(meeting.id), key=lambda p: p.order)]
    found = page.eval_on_selector_all('head link[rel="alternate"][type="application/atom+xml"]',
                                      "links => links.map(l => [l.href, l.title])")
    assert [(href.removeprefix(base_url), title) for href, title in found] == [
        (urls.SITE_FEED, feeds.SITE.title), (urls.meeting_feed(meeting.id), meeting.title)]
    for href, _ in found:
        response = page.request.get(href)
        assert response.ok
        parsed = feedparser.parse(response.body(), response_headers={
            "content-location": href, "content-type": feeds.MEDIA_TYPE})
        assert parsed.version == "atom10" and len(parsed.entries) == len(corpus.proposals)
        assert {e.link.removeprefix(base_url) for e in parsed.entries} == {
            urls.proposal(p.slug) for p in corpus.proposals}
