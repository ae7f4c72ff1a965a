"""Text is text: whatever a YAML string holds appears on the page and in the exports as written.

One fixture project holds one proposal per class of hostile input; every text field of it (and
of its meeting) carries the attack between two sentinel letters, so that leading and trailing
characters count too. One real `mkdocs build --strict` of it; each place a string lands is then
compared, as parsed text, with the YAML string. The scripts are also run in Chromium: no dialog,
no console error, no request for anything the site does not hold.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from bs4 import BeautifulSoup

from bench.harness import build_site, serve
from cppcc.indexes import KEYWORDS, PARTIES
from cppcc.linking import Links
from cppcc.loading import load_corpus
from generate_corpus import record_permalinks
from helpers import read_feeds

REPO = Path(__file__).resolve().parents[1]
SITE_NAME = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["site_name"]

ATTACKS = {
    "html": '<script>alert("html")</script><img src=x onerror=alert(1)><svg onload=alert(2)>'
            '</svg><iframe src="javascript:alert(3)"></iframe><a href="javascript:alert(4)">a</a>',
    "html-breakout": "</title></textarea></p></div></section>\"'><script>alert(5)</script>"
                     "<!-- x --> ]]> <style>*{display:none}</style><base href=//evil.example/>",
    "entities": "&amp; &lt;b&gt; &#60;script&#62; &nbsp; &#x3C; &copy AT&T",
    "markdown-block": "# 标题\n\n*强调* **加粗** _下划_ `代码`\n> 引用\n- 列表\n1. 编号\n\n"
                      "| a | b |\n|---|---|\n| 1 | 2 |\n\n    缩进代码\n***\n```\nfence\n```",
    "markdown-inline": "[链接](javascript:alert(6)) ![图](x.png) <https://evil.example> "
                       "[x]: http://evil.example \"t\" {#evil .cls} {: #evil2 } [^1] \\* \\\\ "
                       "==mark== ~~del~~ a_b_c",
    "jinja": "{{ 7*7 }} {{ config.site_name }} {% raw %}{% endraw %} {# 注释 #} "
             "{%- if true -%}是{%- endif -%} ${x} {{ page.title }} {{ lang.t('x') }}",
    "emoji": ":smile: :material-home: :fontawesome-brands-github: :+1: 😀👍🏽👨‍👩‍👧 🇨🇳",
    "long": "很长的一行" * 2000 + "x" * 20000,
    "invisible": "零\u200b宽\u200c字\u200d符\u2060连\ufeff接\xad软",
    "fullwidth": "＜ｓｃｒｉｐｔ＞ａｌｅｒｔ（１）＜／ｓｃｒｉｐｔ＞ ＃ ＊ ｛｛ ７ ｝｝\u3000全角",
    "bidi": "\u202e右到左\u202c \u200f\u200e \u2066隔离\u2069 \u202bעברית\u202c العربية",
    # (\r, \x85 and \x0c are control characters the model refuses: see test_loading.py)
    "line-breaks": "一\n二\n\n三\u2028五\u2029六\t八",
    "front-matter": "---\ntitle: x\n---\n...\n%YAML 1.2\n: - ? & * ! | > ' \" % @ `",
}
CLASSES = sorted(ATTACKS)


def _wrap(letter: str, attack: str) -> str:
    return f"{letter}{attack}{letter}"


def hostile_proposal(name: str, order: int) -> dict:
    a = ATTACKS[name]
    return {
        "slug": f"hostile-{name}", "meeting": "hostile", "order": order,
        "title": _wrap("T", a), "topic": _wrap("P", a),
        "speaker": {"name": _wrap("N", a), "role": _wrap("R", a), "body": _wrap("B", a),
                    "party": _wrap("Y", a)},
        "background": [{"id": "bg", "text": _wrap("G", a) + "法治政府建设",
                        "notes": [{"kind": "other", "quote": _wrap("G", a), "text": _wrap("O", a)}]}],
        "problems": [{"id": "pb", "text": _wrap("Q", a) + "执法工作机制"}],
        "recommendations_intro": {"id": "intro", "text": _wrap("I", a)},
        "recommendations": [{"id": "rc", "headline": _wrap("H", a), "body": _wrap("D", a),
                             "answers": ["pb"]}],
    }


HOSTILE_MEETING = {
    "id": "hostile", "title": _wrap("M", "".join(ATTACKS[k] for k in CLASSES if k != "long")),
    "headline": _wrap("L", ATTACKS["html-breakout"] + ATTACKS["jinja"]),
    "subtitle": _wrap("S", ATTACKS["markdown-block"]), "committee": "C", "term": 1, "session": 1,
}


def make_project(root: Path, proposals: list[dict], meetings: list[dict]) -> Path:
    """A copy of the repository's MkDocs project whose proposals/ holds the given documents."""
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(REPO / "docs", root / "docs")
    (root / "proposals" / "meetings").mkdir(parents=True)
    for meeting in meetings:
        dump(root / "proposals" / "meetings" / f"{meeting['id']}.yaml", meeting)
    for proposal in proposals:
        dump(root / "proposals" / f"{proposal['slug']}.yaml", proposal)
    record_permalinks(root / "proposals")
    return root


def dump(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    proposals = [hostile_proposal(name, n) for n, name in enumerate(CLASSES, 1)]
    return make_project(tmp_path_factory.mktemp("hostile"), proposals, [HOSTILE_MEETING])


@pytest.fixture(scope="module")
def site(project) -> Path:
    return build_site(project / "site", project / "mkdocs.yml")


@pytest.fixture(scope="module")
def links(project) -> Links:
    return Links(load_corpus(project / "proposals"))


def soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def text_of(element, drop: str = ".cppcc-num, .cppcc-actions, .cppcc-xref, aside") -> str:
    """An element's text without the page's own labels (numbers, actions, cross-references)."""
    element = BeautifulSoup(str(element), "html.parser")
    for extra in element.select(drop):
        extra.decompose()
    return element.get_text().removeprefix(" ")


def test_the_yaml_round_trips_the_attacks(project):
    """Guard: the fixture files hold the strings themselves (YAML did not alter them)."""
    data = yaml.safe_load((project / "proposals" / "hostile-html.yaml").read_text(encoding="utf-8"))
    assert data == hostile_proposal("html", CLASSES.index("html") + 1)


@pytest.mark.parametrize("name", CLASSES)
def test_proposal_page_shows_every_string_as_text(site, name):
    p = hostile_proposal(name, 0)
    page = soup(site, p["slug"])
    rec = p["recommendations"][0]
    found = {
        "<title>": page.title.string,
        "header": page.select(".md-header__topic .md-ellipsis")[-1].get_text().strip(),
        "h1": page.h1.get_text(),
        "topic": page.select_one(".cppcc-kicker").get_text().split(" · ", 1)[1],
        "name": page.select_one(".cppcc-speaker-name").get_text(),
        "role": page.select_one(".cppcc-speaker-role").get_text(),
        "body": page.select_one(".cppcc-speaker-body").get_text(),
        "background": page.select_one("#bg > p").get_text(),
        "note quote": page.select_one("#bg .cppcc-quote").get_text(),
        "note": text_of(page.select_one("#bg aside p:last-child"), ".cppcc-quote"),
        "problem": text_of(page.select_one("#pb > p")),
        "intro": page.select_one("#intro > p").get_text(),
        "headline": text_of(page.select_one("#rc h3")),
        "rec body": page.select_one("#rc > p").get_text(),
        "toc": page.select_one('.md-nav--secondary a[href="#rc"]').get_text().strip(),
    }
    assert found == {
        "<title>": f"{p['title']} - {SITE_NAME}", "header": p["title"], "h1": p["title"],
        "topic": p["topic"], "name": p["speaker"]["name"], "role": p["speaker"]["role"],
        "body": p["speaker"]["body"], "background": p["background"][0]["text"],
        "note quote": f"“{p['background'][0]['notes'][0]['quote']}”",
        "note": p["background"][0]["notes"][0]["text"], "problem": p["problems"][0]["text"],
        "intro": p["recommendations_intro"]["text"], "headline": rec["headline"],
        "rec body": rec["body"], "toc": f"1. {rec['headline']}",
    }


def test_no_markup_from_the_yaml_reaches_any_page(site):
    """Only the theme's own scripts, no element or attribute an attack could have made."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= len(CLASSES) + 4
    for path in pages:
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        assert not page.select("img, iframe, svg[onload], style, base, [onerror], [onload]"), path
        assert not page.select('[href^="javascript:"]:not(.md-search__icon), [src^="javascript:"], #evil, #evil2'), path
        for script in page.find_all("script"):
            if script.get("type") in ("application/json", "application/ld+json"):
                json.loads(script.string)  # data, whole: no text of the YAML closed the block
            else:
                assert "alert" not in script.get_text(), path
        assert "49" not in page.get_text().split(), path  # {{ 7*7 }} was never evaluated


@pytest.mark.parametrize("url", ["", "meetings/hostile/"])
def test_meeting_pages_show_every_string_as_text(site, links, url):
    page = soup(site, url)
    m = HOSTILE_MEETING
    assert page.select_one(".cppcc-hero .cppcc-kicker").get_text() == m["title"]
    assert page.select_one(".cppcc-hero h1").get_text() == m["headline"]
    assert page.select_one(".cppcc-subtitle").get_text() == m["subtitle"]
    expected_title = m["headline"] if url == "" else m["title"]
    assert page.title.string == f"{expected_title} - {SITE_NAME}"
    cards = [(c.select_one(".cppcc-card-topic").get_text(), c.h3.get_text(),
              c.select_one(".cppcc-speaker-name").get_text()) for c in page.select(".cppcc-card")]
    assert cards == [(p.topic, p.title, p.speaker.name) for p in links.corpus.proposals]


def test_parties_page_shows_every_string_as_text(site, links):
    page = soup(site, "parties")
    assert [h.get_text() for h in page.select("h2")] == list(links.indexes[PARTIES].groups)
    rows = [(li.a.get_text(), li.select_one(".cppcc-by").get_text())
            for li in page.select("h2 + ul > li")]
    assert rows == [(p.title, f"{p.speaker.name} · {p.speaker.body} · {p.speaker.role}")
                    for ps in links.indexes[PARTIES].groups.values() for p in ps]


def test_keyword_chips_and_index_show_text(site, links):
    page = soup(site, "keywords")
    assert [a.get_text() for a in page.select(".cppcc-keyword-cloud a")] == list(links.indexes[KEYWORDS].groups)
    titles = {li.a.get_text() for li in page.select("h3 + ul > li")}
    assert titles == {p.title for ps in links.indexes[KEYWORDS].groups.values() for p in ps}
    for p in links.corpus.proposals:
        chips = [a.get_text() for a in soup(site, p.slug).select(".cppcc-keywords a")]
        assert chips == links.keywords.of(p)


def test_related_and_pager_show_titles_as_text(site, links):
    for p in links.corpus.proposals:
        page = soup(site, p.slug)
        related = [a.get_text() for a in page.select(".cppcc-related a")]
        assert related == [r.proposal.title for r in links.related(p)]
        prev, next_ = links.neighbours(p)
        pager = [a.get_text() for a in page.select(".cppcc-pager a")]
        assert pager == ([f"上一篇：{prev.title}"] if prev else []) + (
            [f"下一篇：{next_.title}"] if next_ else [])


def test_json_export_holds_the_yaml_exactly(site, project):
    data = json.loads((site / "proposals.json").read_text(encoding="utf-8"))
    for exported in data["proposals"]:
        yaml_data = yaml.safe_load(
            (project / "proposals" / f"{exported['slug']}.yaml").read_text(encoding="utf-8"))
        assert exported["reference"] == f"第 1 届第 1 次会议 · 发言 {exported['order']}"
        exported = _without(exported, {"url", "keywords", "reference"})
        # the YAML's own keys as written, plus the model's defaults (empty notes, aliases, the
        # kind of a speech)
        assert exported["kind"] == "speech"
        assert _without(exported, {"notes", "aliases", "kind"}) == _without(yaml_data, {"notes"})
        assert exported["background"][0]["notes"] == yaml_data["background"][0]["notes"]
    assert _without(data["meetings"][0], {"url"}) == {
        "source": "", "place": "", **HOSTILE_MEETING, "dates": "", "reference": "第 1 届第 1 次会议"}


def _without(value, keys: set[str]):
    if isinstance(value, dict):
        return {k: _without(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_without(v, keys) for v in value]
    return value


def test_csv_export_holds_the_yaml_exactly(site, links):
    raw = (site / "recommendations.csv").read_bytes().decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(raw[1:], newline="")))
    assert [(r["proposal_title"], r["speaker"], r["headline"]) for r in rows] == [
        (p.title, p.speaker.name, r.headline)
        for p in links.corpus.proposals for r in p.recommendations]


def test_feeds_hold_the_yaml_strings_as_text(site, links):
    """Every feed is well-formed XML whose entries carry the titles, speakers, topics and
    parties exactly (attributes included: a line break in a category stays one)."""
    from lxml import etree

    from cppcc.punctuation import full_width

    atom = {"a": "http://www.w3.org/2005/Atom"}
    by_title = {p.title: p for p in links.corpus.proposals}
    feeds = read_feeds(site)
    assert len(feeds) == 1 + 1 + len({p.speaker.affiliation for p in links.corpus.proposals})
    for data in feeds.values():
        tree = etree.fromstring(data)
        for entry in tree.findall("a:entry", atom):
            p = by_title[entry.findtext("a:title", namespaces=atom)]
            assert entry.findtext("a:author/a:name", namespaces=atom) == p.speaker.name
            assert [c.get("term") for c in entry.findall("a:category", atom)] == [
                p.topic, p.speaker.affiliation]
            summary = entry.findtext("a:summary", namespaces=atom).removesuffix("……")
            assert " ".join(full_width(p.background[0].text).split()).startswith(summary)


@pytest.mark.browser
def test_no_script_runs_and_nothing_is_fetched_in_chromium(site, browser):
    """Every hostile page, the indexes and the home page: no dialog, no console error, no
    request for a file the site does not hold, no request to another origin."""
    urls = ["", "parties/", "keywords/", "meetings/hostile/"] + [f"hostile-{n}/" for n in CLASSES]
    with serve(site) as base:
        context = browser.new_context(locale="zh-CN")
        tab = context.new_page()
        events: list[str] = []
        tab.on("dialog", lambda d: (events.append(f"dialog {d.message}"), d.dismiss()))
        tab.on("console", lambda m: m.type in ("error", "warning") and events.append(
            f"console {m.type} {m.text}"))
        tab.on("pageerror", lambda e: events.append(f"pageerror {e}"))
        requested: list[str] = []
        tab.on("request", lambda r: requested.append(r.url))
        for url in urls:
            tab.goto(base + url + "#bg")
            tab.wait_for_load_state("networkidle")
            tab.mouse.move(200, 300)
        context.close()
    assert events == []
    for url in requested:
        parts = urlsplit(url)
        assert url.startswith(base), f"request to another origin: {url}"
        path = site / unquote(parts.path).lstrip("/")
        assert path.is_file() or (path / "index.html").is_file(), f"request for a missing {url}"


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def test_search_documents_hold_the_yaml_strings(site, links):
    """The search index's per-proposal documents (used for results and snippets) carry the
    texts as data, exactly."""
    strings = {s for path in sorted((site / "search" / "cppcc" / "p").glob("*.json"))
               for s in _strings(json.loads(path.read_text(encoding="utf-8")))}
    for p in links.corpus.proposals:
        assert p.title in strings
        assert [p.background[0].text, p.problems[0].text] == [
            t for t in (p.background[0].text, p.problems[0].text) if t in strings]


@pytest.mark.browser
def test_search_results_show_hostile_text_as_text(site, browser):
    with serve(site) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        tab = context.new_page()
        events: list[str] = []
        tab.on("dialog", lambda d: (events.append(f"dialog {d.message}"), d.dismiss()))
        tab.on("pageerror", lambda e: events.append(f"pageerror {e}"))
        tab.on("console", lambda m: m.type == "error" and events.append(f"console {m.text}"))
        tab.goto(base)
        tab.locator("input.md-search__input").click()
        tab.locator("input.md-search__input").fill("执法工作机制")
        tab.wait_for_selector(".md-search-result__list > *", timeout=10_000)
        more = tab.locator(".cppcc-search-more__button")
        while more.count():  # every page of results: each proposal carries another attack
            drawn = tab.locator(".md-search-result__item").count()
            more.click()
            tab.wait_for_function(f"document.querySelectorAll('.md-search-result__item')"
                                  f".length > {drawn}")
        # the filters name every proposal's party and topic, and each value is in the address
        tab.locator(".cppcc-filters__toggle").click()
        tab.wait_for_selector(".cppcc-filters__value[data-facet=topic]")
        tab.locator(".cppcc-filters__value[data-facet=party]").first.click()
        tab.wait_for_function("document.querySelector('.cppcc-filters__toggle').textContent"
                              " !== '筛选'")
        tab.wait_for_selector(".md-search-result__item")
        tab.wait_for_timeout(500)
        results = tab.locator(".md-search-result")
        assert results.locator("img, iframe, script, svg[onload], [onerror]").count() == 0
        shown = results.inner_text()
        assert "alert(" in shown  # the attack, shown as text
        context.close()
    assert events == []
