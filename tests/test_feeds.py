"""Atom feeds (RFC 4287): the whole site's, each meeting's and each party's or body's.

Every feed the built site holds is read by an Atom parser (feedparser) and validated against
the RFC's own RELAX NG schema (its Appendix B, tests/fixtures/atom/atom.rnc) and the rules the
RFC states in prose or as Schematron, which RELAX NG leaves unchecked. Then: the entries are the
proposals, newest first, at most `FEED_SIZE`; their ids never change (two builds, a proposal
added, the site given an address); the pages link the feeds they follow."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
import rnc2rng
import yaml
from bs4 import BeautifulSoup
from lxml import etree

from bench.harness import build_site
from cppcc import feeds, urls
from cppcc.linking import Links
from cppcc.loading import load_corpus
from cppcc.plugin import EMPTY_SITEMAP, SITEMAP
from cppcc.punctuation import full_width
from generate_corpus import generate, make_project, record_permalinks
from helpers import copy_project, read_feeds

REPO = Path(__file__).resolve().parents[1]
SCHEMA = Path(__file__).parent / "fixtures" / "atom" / "atom.rnc"
ATOM = {"a": "http://www.w3.org/2005/Atom"}
CORPUS = load_corpus(REPO / "proposals")
SITE_NAME = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["site_name"]
# RFC 4287 §3.3: RFC 3339's date-time, an uppercase T, and Z where there is no numeric offset
DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


@cache
def relax_ng() -> etree.RelaxNG:
    """The RFC's schema, converted from its compact syntax. rnc2rng writes its `namespace
    local = ""` as the declaration xmlns:local="", which Namespaces in XML forbid (and lxml
    refuses); the grammar itself names that namespace as ns="", so the declaration is dropped."""
    rng = rnc2rng.dumps(rnc2rng.loads(SCHEMA.read_text(encoding="utf-8")))
    return etree.RelaxNG(etree.fromstring(rng.replace(' xmlns:local=""', "").encode("utf-8")))


def problems(data: bytes) -> list[str]:
    """What is wrong with an Atom feed document: the schema's verdict, then RFC 4287's rules
    that the schema does not check (§4.1.1, §4.1.2, §4.2.6, §3.3, the Schematron asserts)."""
    tree = etree.fromstring(data)
    schema = relax_ng()
    out = [] if schema.validate(tree) else [str(e) for e in schema.error_log]
    feed_author = tree.find("a:author", ATOM) is not None
    for node in [tree, *tree.findall("a:entry", ATOM)]:
        where = node.findtext("a:id", namespaces=ATOM)
        if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", where or ""):
            out.append(f"{where}: atom:id must be an absolute IRI (§4.2.6)")
        alternates = [(link.get("type"), link.get("hreflang")) for link in node.findall(
            "a:link", ATOM) if link.get("rel", "alternate") == "alternate"]
        if len(alternates) != len(set(alternates)):
            out.append(f"{where}: two alternate links of one type and language (§4.1.1)")
        if node is not tree and not alternates and node.find("a:content", ATOM) is None:
            out.append(f"{where}: an entry needs an alternate link or content (§4.1.2)")
        if node is not tree and not feed_author and node.find("a:author", ATOM) is None:
            out.append(f"{where}: an entry needs an author if its feed has none (§4.1.2)")
        out += [f"{where}: {d.text} is not an RFC 3339 date-time (§3.3)"
                for d in node.iter("{*}updated", "{*}published") if not DATE.fullmatch(d.text)]
    if tree.find("a:link[@rel='self']", ATOM) is None:
        out.append("a feed should link to itself (§4.1.1)")
    ids = [e.findtext("a:id", namespaces=ATOM) for e in tree.findall("a:entry", ATOM)]
    if len(ids) != len(set(ids)):
        out.append("two entries share an id")
    return out


def entries(data: bytes, url: str, base: str = "http://site/") -> list[dict]:
    """The entries as an Atom parser reads them, links resolved against the feed's address."""
    parsed = feedparser.parse(data, response_headers={"content-location": base + url,
                                                      "content-type": feeds.MEDIA_TYPE})
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed.entries


def page_of(href: str, base: str = "http://site/") -> str:
    assert href.startswith(base), href
    return href.removeprefix(base)


# -- every feed is valid ----------------------------------------------------------------------

def test_the_schema_refuses_what_is_not_atom():
    """The checks can fail: an entry without an id, a date without its zone, an id that is a
    relative reference, a link of an unknown attribute."""
    good = (b'<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:x:1</id><title>t</title>'
            b'<updated>2024-01-05T00:00:00Z</updated><link rel="self" href="f.xml"/>'
            b'<entry><id>urn:x:2</id><title>e</title><updated>2024-01-05T00:00:00+08:00</updated>'
            b'<link href="e/"/><author><name>a</name></author></entry></feed>')
    assert problems(good) == []
    for bad in (good.replace(b"<id>urn:x:2</id>", b""),
                good.replace(b"00+08:00", b"00"),
                good.replace(b"urn:x:1", b"all.xml"),
                good.replace(b'<link href="e/"/>', b'<link href="e/" size="1"/>'),
                good.replace(b"<author><name>a</name></author>", b"")):
        assert problems(bad), bad


def test_every_feed_is_valid_atom(site_dir):
    written = read_feeds(site_dir)
    names = {p.speaker.affiliation for p in CORPUS.proposals}
    assert set(written) == {urls.SITE_FEED, *(urls.meeting_feed(m.id) for m in CORPUS.meetings),
                            *(urls.party_feed(feeds.slug(name)) for name in names)}
    for url, data in written.items():
        assert problems(data) == [], url
        found = entries(data, url)
        assert 1 <= len(found) <= feeds.FEED_SIZE
        for entry in found:
            assert entry.id and entry.title and entry.author and entry.summary
            assert entry.updated_parsed and len(entry.tags) == 2


def test_beside_every_feed_material_finds_an_empty_sitemap(site_dir):
    """Material fetches sitemap.xml beside each <link rel="alternate">: it must find one, small."""
    folders = {(site_dir / url).parent for url in read_feeds(site_dir)}
    assert {site_dir / urls.FEEDS, site_dir / urls.FEEDS / "meetings"} <= folders
    assert {folder: (folder / SITEMAP).read_bytes() for folder in folders} == {
        folder: EMPTY_SITEMAP for folder in folders}


def test_the_site_feed_holds_every_proposal_newest_first(site_dir):
    """The real meeting prints no date: each entry is dated by the day the site first published
    it (the meeting file's `published`), and the later speech comes first."""
    found = entries(read_feeds(site_dir)[urls.SITE_FEED], urls.SITE_FEED)
    proposals = sorted(CORPUS.proposals, key=lambda p: -p.order)
    published = CORPUS.meetings[0].published
    assert published and not CORPUS.meetings[0].start
    assert [(page_of(e.link), e.title, e.author, [t.term for t in e.tags], e.updated)
            for e in found] == [
        (urls.proposal(p.slug), p.title, p.speaker.name, [p.topic, p.speaker.affiliation],
         f"{published.isoformat()}T00:00:00+08:00") for p in proposals]
    for entry, p in zip(found, proposals):
        assert entry.id.startswith("urn:uuid:")  # no site_url: see feeds.py
        start = " ".join(full_width(p.background[0].text).split())
        assert entry.summary == (start if len(start) <= feeds.SUMMARY_CHARS else
                                 start[:feeds.SUMMARY_CHARS].rstrip() + "……")
        assert (site_dir / page_of(entry.link) / "index.html").is_file()


def test_each_meeting_and_each_party_has_its_own_feed(site_dir):
    written = read_feeds(site_dir)
    for m in CORPUS.meetings:
        url = urls.meeting_feed(m.id)
        parsed = feedparser.parse(written[url])
        assert parsed.feed.title == f"{SITE_NAME} · {m.title}"
        assert sorted(page_of(e.link) for e in entries(written[url], url)) == sorted(
            urls.proposal(p.slug) for p in CORPUS.of_meeting(m.id))
    for name in {p.speaker.affiliation for p in CORPUS.proposals}:
        url = urls.party_feed(feeds.slug(name))
        assert feedparser.parse(written[url]).feed.title == f"{SITE_NAME} · {name}"
        assert [page_of(e.link) for e in entries(written[url], url)] == [
            urls.proposal(p.slug) for p in sorted(CORPUS.proposals, key=lambda p: -p.order)
            if p.speaker.affiliation == name]


# -- pages link their feeds -------------------------------------------------------------------

def head_feeds(site: Path, page: Path) -> list[tuple[str, str]]:
    """(feed's site path, title) of every feed a page's head links to."""
    html = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    where = "http://site/" + page.relative_to(site).parent.as_posix() + "/"
    return [(page_of(urljoin(where, link["href"])), link["title"])
            for link in html.select('head link[rel="alternate"][type="application/atom+xml"]')]


def test_every_page_links_the_site_feed_and_the_feeds_it_follows(site_dir):
    site = (urls.SITE_FEED, feeds.SITE.title)
    pages = [p for p in sorted(site_dir.rglob("*.html")) if "md-content" in p.read_text()]
    assert len(pages) == 1 + 7 + 2 + 6  # 404, the proposals, home and about, the index pages
    for page in pages:
        found = head_feeds(site_dir, page)
        assert found[0] == site, page
        assert all((site_dir / url).is_file() for url, _ in found)
    m = CORPUS.meetings[0]
    meeting = (urls.meeting_feed(m.id), m.title)
    assert head_feeds(site_dir, site_dir / urls.meeting(m.id) / "index.html") == [site, meeting]
    for p in CORPUS.proposals:
        party = (urls.party_feed(feeds.slug(p.speaker.affiliation)), p.speaker.affiliation)
        assert head_feeds(site_dir, site_dir / p.slug / "index.html") == [site, meeting, party]
    names = sorted({p.speaker.affiliation for p in CORPUS.proposals},
                   key=lambda n: feeds.slug(n))
    assert sorted(head_feeds(site_dir, site_dir / urls.PARTIES / "index.html")[1:]) == sorted(
        (urls.party_feed(feeds.slug(n)), n) for n in names)
    not_found = site_dir / "404.html"
    assert 'href="/feeds/all.xml"' in not_found.read_text(encoding="utf-8")


def test_the_index_pages_show_their_feeds(site_dir):
    def visible(url: str) -> list[str]:
        html = BeautifulSoup((site_dir / url / "index.html").read_text(encoding="utf-8"),
                             "html.parser")
        where = "http://site/" + url
        return [page_of(urljoin(where, a["href"])) for a in
                html.select('article a.cppcc-feed[type="application/atom+xml"]')]

    m = CORPUS.meetings[0]
    assert visible(urls.HOME) == [urls.meeting_feed(m.id), urls.SITE_FEED]
    assert visible(urls.MEETINGS) == [urls.SITE_FEED, urls.meeting_feed(m.id)]
    assert visible(urls.meeting(m.id)) == [urls.meeting_feed(m.id)]
    names = list(dict.fromkeys(p.speaker.affiliation for p in CORPUS.proposals))
    assert sorted(visible(urls.PARTIES)) == sorted(urls.party_feed(feeds.slug(n)) for n in names)


# -- dates, ids, order ------------------------------------------------------------------------

def corpus_with(tmp_path: Path, meeting: dict, dated: dict[str, str] | None = None) -> Links:
    """The real proposals, their meeting file changed by `meeting` (None drops a key), some
    proposals given a `date` (slug -> YYYY-MM-DD)."""
    root = copy_project(tmp_path / "project") / "proposals"
    path = root / "meetings" / "liaoyuan-9-3.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(meeting)
    path.write_text(yaml.safe_dump({k: v for k, v in data.items() if v is not None},
                                   allow_unicode=True), encoding="utf-8")
    for slug, day in (dated or {}).items():
        file = root / f"{slug}.yaml"
        file.write_text(file.read_text(encoding="utf-8") + f"date: {day}\n", encoding="utf-8")
    return Links(load_corpus(root))


def dated(links: Links) -> list[tuple[str, str]]:
    data = feeds.files(links, "", SITE_NAME)[urls.SITE_FEED]
    return [(page_of(e.link).strip("/"), e.updated) for e in entries(data, urls.SITE_FEED)]


def test_an_entry_is_dated_by_its_day_else_its_meetings_else_the_day_it_was_published(tmp_path):
    orders = [p.slug for p in sorted(CORPUS.proposals, key=lambda p: -p.order)]
    started = corpus_with(tmp_path / "a", {"start": date(2024, 1, 5), "published": None},
                          {"rule-of-law": "2024-01-07"})
    assert dated(started) == [("rule-of-law", "2024-01-07T00:00:00+08:00")] + [
        (slug, "2024-01-05T00:00:00+08:00") for slug in orders if slug != "rule-of-law"]
    recorded = corpus_with(tmp_path / "b", {"published": date(2026, 11, 29)})
    assert dated(recorded) == [(slug, "2026-11-29T00:00:00+08:00") for slug in orders]
    unknown = corpus_with(tmp_path / "c", {"published": None})
    assert dated(unknown) == [(slug, "1970-01-01T00:00:00Z") for slug in orders]
    assert all(problems(data) == [] for data in feeds.files(unknown, "", SITE_NAME).values())


def test_ids_without_an_address_are_stable_urns_of_the_permalinks(tmp_path):
    first = feeds.files(Links(CORPUS), "", SITE_NAME)
    again = feeds.files(Links(load_corpus(REPO / "proposals")), "", SITE_NAME)
    assert first == again
    ids = re.findall(rb"<id>([^<]+)</id>", first[urls.SITE_FEED])
    assert len(set(ids)) == len(ids) == 1 + len(CORPUS.proposals)
    assert all(re.fullmatch(rb"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                            rb"[0-9a-f]{12}", i) for i in ids)
    other = feeds.files(Links(CORPUS), "", "另一个站点")[urls.SITE_FEED]
    assert not set(ids) & set(re.findall(rb"<id>([^<]+)</id>", other))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A buildable project of 30 generated proposals over three meetings, with an address."""
    root = tmp_path_factory.mktemp("feeds")
    folder = generate(root / "proposals", 30, seed=5, meeting_count=3)
    config = make_project(root / "project", folder)
    text = config.read_text(encoding="utf-8").replace('site_url: ""',
                                                      'site_url: "https://example.org/archive/"')
    config.write_text(text, encoding="utf-8")
    return config


def id_links(written: dict[str, bytes]) -> dict[str, dict[str, str]]:
    """Feed -> {entry id: link} as a parser reads them."""
    return {url: {e.id: e.link for e in entries(data, url, "https://example.org/archive/")}
            for url, data in written.items()}


def test_ids_never_change_across_builds_nor_when_a_proposal_is_added(generated, tmp_path):
    base = "https://example.org/archive/"
    first = read_feeds(build_site(tmp_path / "one", generated))
    assert read_feeds(build_site(tmp_path / "two", generated)) == first
    before = id_links(first)
    for url, found in before.items():
        assert problems(first[url]) == []
        assert all(i == link and link.startswith(base) for i, link in found.items())
        assert feedparser.parse(first[url]).feed.id == base + url
    # a new speech at the newest meeting, a day after it began
    folder = generated.parent.parent / "proposals"
    corpus = load_corpus(folder)
    latest = corpus.meetings[-1]
    last = max(corpus.of_meeting(latest.id), key=lambda p: p.order)
    data = yaml.safe_load((folder / f"{last.slug}.yaml").read_text(encoding="utf-8"))
    data.update(slug="added-proposal", order=last.order + 1,
                date=latest.start + timedelta(days=1), title="关于新增一篇的建议")
    (folder / "added-proposal.yaml").write_text(yaml.safe_dump(data, allow_unicode=True),
                                                encoding="utf-8")
    record_permalinks(folder)
    after = id_links(read_feeds(build_site(tmp_path / "three", generated)))
    added = base + "added-proposal/"
    for url in (urls.SITE_FEED, urls.meeting_feed(latest.id),
                urls.party_feed(feeds.slug(last.speaker.affiliation))):
        assert next(iter(after[url])) == added, url
    for url, found in before.items():
        kept = {i: link for i, link in after[url].items() if i in found}
        assert kept == {i: found[i] for i in kept}
        assert len(kept) >= min(len(found), feeds.FEED_SIZE - 1)


def test_entries_are_newest_first_by_day_then_meeting_then_printed_order(generated):
    corpus = load_corpus(generated.parent.parent / "proposals")
    written = feeds.files(Links(corpus), "https://example.org/archive/", SITE_NAME)
    found = entries(written[urls.SITE_FEED], urls.SITE_FEED, "https://example.org/archive/")
    stamps = [datetime.fromisoformat(e.updated) for e in found]
    assert stamps == sorted(stamps, reverse=True)
    assert stamps[0].utcoffset() == timedelta(hours=8) and stamps[0].tzinfo != UTC
    latest = corpus.meetings[-1]
    assert [e.link for e in found][:3] == [
        f"https://example.org/archive/{p.slug}/" for p in
        sorted(corpus.of_meeting(latest.id), key=lambda p: -p.order)[:3]]
