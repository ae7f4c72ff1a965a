"""Citing: the reference and date on every page, the 引用 dialog and its four formats, what a page
says of itself to previews and search engines, and the site's address in pages and exports.

`assets/citation.js` is the site's one formatter: Node runs it against the strings it must make
(GB/T 7714—2025, BibTeX, RIS, CSL-JSON); Chromium clicks 引用, copies the citation and parses
the downloaded files back; the built site, without `site_url` (the session's) and with it, is read
as HTML."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from bench.harness import run_build
from cppcc.build import NO_ADDRESS
from cppcc.citing import citation_data
from cppcc.linking import Links
from cppcc.loading import load_corpus
from cppcc.metadata import SiteInfo, first_lines
from cppcc.model import Corpus
from cppcc.punctuation import full_width
from cppcc.rendering import ProposalRenderer
from helpers import copy_project

REPO = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
CORPUS = load_corpus(REPO / "proposals")
RULE = next(p for p in CORPUS.proposals if p.slug == "rule-of-law")
ITEM = "build-oversight-system"  # 建议 3 of RULE
TITLE = "关于进一步做优做强法治政府建设辽源样板的建议"
AUTHOR = "毕精华（民革辽源市委员会）"
MEETING = "政协辽源市第九届委员会第三次会议"
SITE = "https://example.org/cppcc/"
NODE = shutil.which("node")
ACCESSED = "2026-03-04"  # the reader's date, which the browser tests fix
RIS_LINE = re.compile(r"([A-Z][A-Z0-9])  - (.*)")


def dated(corpus: Corpus) -> Corpus:
    """The corpus as if its source gave the meeting's dates and place."""
    meeting = corpus.meetings[0].model_copy(update={
        "start": date(2024, 1, 5), "end": date(2024, 1, 7), "place": "辽源市会议中心"})
    return Corpus(meetings=[meeting], proposals=corpus.proposals)


# -- small readers of the formats -------------------------------------------------------------

def parse_bibtex(text: str) -> list[tuple[str, str, dict[str, str]]]:
    """(type, key, fields) of each entry; a field's value as written between its braces, which
    must balance."""
    entries, pos = [], 0
    while (at := text.find("@", pos)) != -1:
        kind, _, rest = text[at + 1:].partition("{")
        key, _, _ = rest.partition(",")
        pos = at + 1 + len(kind) + 1 + len(key) + 1
        fields = {}
        while (m := re.compile(r"\s*(\w+) = \{").match(text, pos)):
            depth, end = 1, m.end()
            while depth:
                depth += {"{": 1, "}": -1}.get(text[end], 0) if text[end - 1] != "\\" else 0
                end += 1
            fields[m.group(1)] = text[m.end():end - 1]
            assert text[end] == ",", text[end:end + 20]
            pos = end + 1
        assert re.compile(r"\s*\}\n").match(text, pos), text[pos:pos + 20]
        pos = text.index("}", pos) + 1
        entries.append((kind, key, fields))
    return entries


def parse_ris(text: str) -> list[tuple[str, str]]:
    """(tag, value) of every line; each line `XX  - value`, ended by CR LF, the last `ER`."""
    assert text.endswith("\r\n")
    lines = text[:-2].split("\r\n")
    assert all(RIS_LINE.fullmatch(line) for line in lines), lines
    tags = [RIS_LINE.fullmatch(line).groups() for line in lines]
    assert tags[0] == ("TY", "ELEC") and tags[-1] == ("ER", "")
    return tags


def check_csl(text: str) -> dict:
    """The one item of a CSL-JSON file, with the keys a reference manager needs."""
    items = json.loads(text)
    assert isinstance(items, list) and len(items) == 1
    assert {"id", "type", "title", "author", "URL", "accessed"} <= set(items[0])
    return items[0]


# -- the formatter, under Node ----------------------------------------------------------------

def formatted(cases: list[dict], tmp: Path) -> list[dict]:
    if NODE is None:
        pytest.skip("node is missing (Debian's nodejs, /usr/bin/node): citation.js is not run")
    (tmp / "cases.json").write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run([NODE, str(REPO / "tests" / "cite_formats.mjs"),
                           str(REPO / "scripts" / "cppcc" / "assets" / "citation.js"),
                           str(tmp / "cases.json")], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_a_proposal_whose_source_gives_no_date_is_cited_without_one(tmp_path):
    """Where the build does not know the site's address, the page's own names it, without its
    query or fragment."""
    [made] = formatted([{"data": citation_data(CORPUS, RULE), "item": "", "accessed": ACCESSED,
                         "href": "http://127.0.0.1:8000/rule-of-law/?h=法治#overview"}], tmp_path)
    assert made["gbt"] == (f"{AUTHOR}. {TITLE}[EB/OL]//{MEETING}. [2026-03-04]. "
                           "http://127.0.0.1:8000/rule-of-law/.")
    assert "date" not in parse_bibtex(made["bibtex"])[0][2]
    assert [tag for tag, _ in parse_ris(made["ris"]) if tag in ("PY", "DA")] == []
    assert "issued" not in check_csl(made["csl"])


def test_an_item_is_cited_in_every_format_with_its_label_date_and_address(tmp_path):
    data = citation_data(dated(CORPUS), RULE, SITE)
    [made] = formatted([{"data": data, "item": ITEM, "accessed": ACCESSED,
                         "href": "http://mirror.example/elsewhere/"}], tmp_path)
    url = f"{SITE}rule-of-law/#{ITEM}"
    note = f"第 9 届第 3 次会议 · 发言 1 · 建议 3；{MEETING}；民革辽源市委员会副主委"
    assert made["gbt"] == (f"{AUTHOR}. {TITLE}：建议 3[EB/OL]//{MEETING}. "
                           f"（2024-01-05）[2026-03-04]. {url}.")
    assert made["bibtex"] == (
        f"@online{{rule-of-law:{ITEM},\n"
        "  author = {{毕精华}},\n"
        f"  title = {{{TITLE}：建议 3}},\n"
        "  organization = {政协辽源市委员会},\n"
        "  date = {2024-01-05},\n"
        "  year = {2024},\n"
        f"  url = {{{url}}},\n"
        "  urldate = {2026-03-04},\n"
        "  langid = {chinese},\n"
        f"  note = {{{note}}},\n"
        "}\n")
    assert parse_ris(made["ris"]) == [
        ("TY", "ELEC"), ("AU", "毕精华"), ("AD", "民革辽源市委员会"), ("TI", f"{TITLE}：建议 3"),
        ("T2", MEETING), ("PB", "政协辽源市委员会"), ("PY", "2024"), ("DA", "2024/01/05"),
        ("Y2", "2026/03/04"), ("UR", url), ("LA", "zh-CN"), ("N1", note), ("ER", "")]
    assert check_csl(made["csl"]) == {
        "id": f"rule-of-law:{ITEM}", "type": "webpage", "title": f"{TITLE}：建议 3",
        "author": [{"literal": "毕精华"}], "container-title": MEETING,
        "publisher": "政协辽源市委员会", "issued": {"date-parts": [[2024, 1, 5]]},
        "accessed": {"date-parts": [[2026, 3, 4]]}, "URL": url, "language": "zh-CN", "note": note}
    assert [(f["label"], f["name"], f["type"]) for f in made["files"]] == [
        ("BibTeX", f"rule-of-law-{ITEM}.bib", "application/x-bibtex"),
        ("RIS", f"rule-of-law-{ITEM}.ris", "application/x-research-info-systems"),
        ("CSL-JSON", f"rule-of-law-{ITEM}.csl.json", "application/vnd.citationstyles.csl+json")]
    assert [f["text"] for f in made["files"]] == [made["bibtex"], made["ris"], made["csl"]]


def test_text_that_means_something_to_bibtex_or_ris_stays_text(tmp_path):
    data = {**citation_data(CORPUS, RULE), "title": "50%{x}_#&$~^\\ 一\n二", "author": "甲,乙 and 丙"}
    made, missing = formatted([
        {"data": data, "item": "", "accessed": ACCESSED, "href": "http://h/rule-of-law/"},
        {"data": data, "item": "nope", "accessed": ACCESSED, "href": "http://h/rule-of-law/"}],
        tmp_path)
    [(_, _, fields)] = parse_bibtex(made["bibtex"])
    assert fields["title"] == ("50\\%\\{x\\}\\_\\#\\&\\$\\textasciitilde{}\\textasciicircum{}"
                               "\\textbackslash{} 一 二")
    assert fields["author"] == "{甲,乙 and 丙}"  # one name, as written: BibTeX splits none of it
    assert dict(parse_ris(made["ris"]))["TI"] == "50%{x}_#&$~^\\ 一 二"
    assert check_csl(made["csl"])["title"] == "50%{x}_#&$~^\\ 一 二"
    assert missing == {"error": "no item nope in rule-of-law"}


# -- the built pages (the session's site: no site_url) ----------------------------------------

def soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def when(page: BeautifulSoup) -> list[list[str]]:
    return [[span.get_text() for span in p.find_all("span")] for p in page.select(".cppcc-when")]


def test_every_proposal_page_shows_its_reference_and_that_the_source_gives_no_date(site_dir):
    found = {p.slug: when(soup(site_dir, f"{p.slug}/")) for p in CORPUS.proposals}
    assert found == {p.slug: [[f"第 9 届第 3 次会议 · 发言 {p.order}", "原文未载明日期"]]
                     for p in CORPUS.proposals}


def test_the_meeting_page_and_home_show_the_meeting_reference_and_no_date(site_dir):
    meeting = CORPUS.meetings[0]
    for url in (f"meetings/{meeting.id}/", ""):  # the home page shows the latest meeting
        facts = soup(site_dir, url).select_one(".cppcc-meeting-facts")
        assert facts.get_text().startswith("第 9 届第 3 次会议 · 原文未载明日期 · "), url


def test_known_dates_and_place_are_shown_and_published():
    corpus = dated(CORPUS)
    own = RULE.model_copy(update={"date": date(2024, 1, 6)})
    for proposal, shown in ((RULE, "2024 年 1 月 5 日—2024 年 1 月 7 日"), (own, "2024 年 1 月 6 日")):
        page = ProposalRenderer(Links(corpus), proposal, site=SiteInfo(name="站", url=SITE)).page()
        assert when(BeautifulSoup(page.html, "html.parser")) == [
            ["第 9 届第 3 次会议 · 发言 1", shown, "辽源市会议中心"]]
        head = BeautifulSoup(page.head, "html.parser")
        published = "2024-01-05" if proposal is RULE else "2024-01-06"
        assert head.find("meta", property="article:published_time")["content"] == published
        ld = json.loads(head.find("script", type="application/ld+json").string)
        assert ld["datePublished"] == published
        assert {k: ld["recordedAt"].get(k) for k in ("startDate", "endDate", "location")} == {
            "startDate": "2024-01-05", "endDate": "2024-01-07",
            "location": {"@type": "Place", "name": "辽源市会议中心"}}


def test_every_item_and_the_proposal_have_a_cite_button(site_dir):
    for p in CORPUS.proposals:
        page = soup(site_dir, f"{p.slug}/")
        labels = p.labels()
        buttons = [(b["data-cppcc-cite"], b["aria-label"], b.get_text())
                   for b in page.select("article button.cppcc-cite")]
        assert buttons == [("", "引用本篇", "引用本篇")] + [
            (item.id, f"引用{labels[item.id]}", "引用") for item in page_items(p)]
        # each item's button is in the item, beside its permalink
        assert all(page.select_one(f"#{item.id} > .cppcc-actions > button.cppcc-cite")
                   for item in page_items(p))


def page_items(p):
    return [*p.background, *p.problems,
            *([p.recommendations_intro] if p.recommendations_intro else []), *p.recommendations]


def test_the_page_carries_the_facts_of_its_citation_and_its_print_line(site_dir):
    for p in CORPUS.proposals:
        page = soup(site_dir, f"{p.slug}/")
        block = page.find("script", id="cppcc-cite-data", type="application/json")
        assert json.loads(block.string) == citation_data(CORPUS, p)
        assert json.loads(block.string)["url"] == ""  # the page fills in its own address
        # the citation line of a printout: under the title, before the text
        line = page.select_one("article .cppcc-citation")
        assert line.find_previous("h1") and not line.find_previous("h2")
        assert line.select_one(".cppcc-citation-text").get_text() == ""  # the page's script fills it


def meta(head: BeautifulSoup, name: str) -> str | None:
    tag = head.find("meta", attrs={"property": name}) or head.find("meta", attrs={"name": name})
    return tag["content"] if tag else None


PREVIEW = ("og:type", "og:title", "og:description", "og:site_name", "og:url", "twitter:card",
           "twitter:title", "twitter:description", "description")


def preview(page: BeautifulSoup) -> dict:
    return {name: meta(page.head, name) for name in PREVIEW}


def test_a_proposal_page_has_a_preview_and_its_schema_org_description(site_dir):
    for p in CORPUS.proposals:
        page = soup(site_dir, f"{p.slug}/")
        description = first_lines(full_width(p.background[0].text))
        assert preview(page) == {
            "og:type": "article", "og:title": p.title, "og:description": description,
            "og:site_name": CONFIG["site_name"], "og:url": None, "twitter:card": "summary",
            "twitter:title": p.title, "twitter:description": description,
            "description": description}
        assert page.find("link", rel="canonical") is None  # no address is known
        [block] = page.head.find_all("script", type="application/ld+json")
        ld = json.loads(block.string)
        assert {k: ld[k] for k in ("@context", "@type", "headline", "inLanguage", "url",
                                   "identifier")} == {
            "@context": "https://schema.org", "@type": "Article", "headline": p.title,
            "inLanguage": "zh-CN", "url": "./",
            "identifier": f"第 9 届第 3 次会议 · 发言 {p.order}"}
        assert ld["author"] == {"@type": "Person", "name": p.speaker.name,
                                "jobTitle": p.speaker.role,
                                "affiliation": {"@type": "Organization", "name": p.speaker.body}}
        assert ld["isPartOf"] == {"@type": "Collection", "name": MEETING,
                                  "url": "../meetings/liaoyuan-9-3/"}
        assert "datePublished" not in ld and "startDate" not in ld["recordedAt"]


def test_index_pages_have_a_preview_too(site_dir):
    headline = "凝聚汇智谋共识 建言献策促发展——政协辽源市第九届委员会第三次会议发言摘要"
    site = CONFIG["site_description"]
    for url, title, description in [("", "凝聚汇智谋共识 建言献策促发展", headline),
                                    ("meetings/liaoyuan-9-3/", MEETING, headline),
                                    ("parties/", "按党派、团体浏览", site)]:
        page = soup(site_dir, url)
        assert {k: v for k, v in preview(page).items() if v} == {
            "og:type": "website", "og:title": title, "og:description": description,
            "og:site_name": CONFIG["site_name"], "twitter:card": "summary",
            "twitter:title": title, "twitter:description": description,
            "description": description}
        assert page.head.find("script", type="application/ld+json") is None


# -- with and without the site's address ------------------------------------------------------

@pytest.fixture(scope="module")
def published(tmp_path_factory) -> tuple[Path, str]:
    """The real project built with its published address: (the site, the build's log)."""
    root = copy_project(tmp_path_factory.mktemp("published") / "project")
    config = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert config.count('\nsite_url: ""\n') == 1
    (root / "mkdocs.yml").write_text(config.replace('\nsite_url: ""\n', f"\nsite_url: {SITE}\n"),
                                     encoding="utf-8")
    done = run_build(root / "site", root / "mkdocs.yml")
    assert done.returncode == 0, done.stderr
    return root / "site", done.stderr


def test_a_build_without_the_sites_address_says_so_once(tmp_path, published):
    root = copy_project(tmp_path / "project")
    done = run_build(tmp_path / "site", root / "mkdocs.yml")
    assert done.returncode == 0, done.stderr  # strict, and yet it builds: a notice, not a failure
    assert [line for line in done.stderr.splitlines() if "site_url" in line] == [
        f"INFO    -  {NO_ADDRESS}"]
    assert "site_url" not in published[1]


def test_with_its_address_every_page_names_itself_absolutely(published):
    site, _ = published
    for p in CORPUS.proposals:
        page = soup(site, f"{p.slug}/")
        here = f"{SITE}{p.slug}/"
        assert page.find("link", rel="canonical")["href"] == here
        assert meta(page.head, "og:url") == here
        ld = json.loads(page.head.find("script", type="application/ld+json").string)
        assert (ld["url"], ld["isPartOf"]["url"]) == (here, f"{SITE}meetings/liaoyuan-9-3/")
        data = json.loads(page.find("script", id="cppcc-cite-data").string)
        assert data == citation_data(CORPUS, p, SITE) and data["url"] == here
    home = soup(site, "")
    assert home.find("link", rel="canonical")["href"] == meta(home.head, "og:url") == SITE


def test_with_its_address_the_exports_name_absolute_urls_that_are_served(published):
    site, _ = published
    data = json.loads((site / "proposals.json").read_text(encoding="utf-8"))
    urls = [m["url"] for m in data["meetings"]] + [m["source_url"] for m in data["meetings"]]
    urls += [p["url"] for p in data["proposals"]]
    urls += [i["url"] for p in data["proposals"] for key in ("background", "problems",
                                                              "recommendations") for i in p[key]]
    assert [u for u in urls if not u.startswith(SITE)] == []
    # each names a file of the built site: a page (its fragment an id on it) or the source
    for url in urls:
        path, _, fragment = url.removeprefix(SITE).partition("#")
        file = site / path / "index.html" if path.endswith("/") or not path else site / path
        assert file.is_file(), url
        if fragment:
            assert BeautifulSoup(file.read_text("utf-8"), "html.parser").find(id=fragment), url
    [meeting] = data["meetings"]
    assert (site / meeting["source_url"].removeprefix(SITE)).read_bytes() == (
        REPO / "proposals" / meeting["source"]).read_bytes()


# -- in the browser ---------------------------------------------------------------------------

@pytest.fixture
def cite_tab(browser, base_url):
    """A tab whose clock says 2026-03-04 in Beijing, allowed to use the clipboard."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN",
                                  timezone_id="Asia/Shanghai", accept_downloads=True,
                                  permissions=["clipboard-read", "clipboard-write"])
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.clock.set_fixed_time("2026-03-04T09:30:00+08:00")
    yield tab
    context.close()
    assert errors == []


def gbt(base_url: str, item: str = "", label: str = "") -> str:
    """The GB/T 7714 citation of RULE (or its item) on the site served at `base_url`."""
    title = f"{TITLE}：{label}" if item else TITLE
    fragment = f"#{item}" if item else ""
    return f"{AUTHOR}. {title}[EB/OL]//{MEETING}. [2026-03-04]. {base_url}rule-of-law/{fragment}."


@pytest.mark.browser
def test_cite_an_item_shows_and_copies_its_citation(cite_tab, base_url):
    tab = cite_tab
    tab.goto(f"{base_url}rule-of-law/?h=法治#{ITEM}")
    tab.locator(f"#{ITEM} button.cppcc-cite").click()
    dialog = tab.get_by_role("dialog", name="引用 · 建议 3")
    expect(dialog).to_be_visible()
    expected = gbt(base_url, ITEM, "建议 3")
    expect(dialog.locator(".cppcc-cite-text")).to_have_text(expected)
    copy = dialog.get_by_role("button", name="复制引文")
    expect(copy).to_be_focused()
    status = dialog.get_by_role("status")
    expect(status).to_have_text("")
    copy.click()
    expect(status).to_have_text("已复制到剪贴板")
    expect(status).to_be_visible()
    assert tab.evaluate("navigator.clipboard.readText()") == expected
    tab.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(tab.locator(f"#{ITEM} button.cppcc-cite")).to_be_focused()


@pytest.mark.browser
def test_the_downloaded_files_read_back_as_the_citation(cite_tab, base_url):
    tab = cite_tab
    tab.goto(f"{base_url}rule-of-law/")
    problem = RULE.problems[0]
    tab.locator(f"#{problem.id} button.cppcc-cite").click()
    files = {}
    for label in ("BibTeX", "RIS", "CSL-JSON"):
        with tab.expect_download() as download:
            tab.locator("#cppcc-cite-dialog").get_by_role("link", name=label).click()
        files[download.value.suggested_filename] = Path(download.value.path()).read_bytes().decode()
    stem = f"rule-of-law-{problem.id}"
    assert list(files) == [f"{stem}.bib", f"{stem}.ris", f"{stem}.csl.json"]
    url, title = f"{base_url}rule-of-law/#{problem.id}", f"{TITLE}：问题 1"
    [(kind, key, fields)] = parse_bibtex(files[f"{stem}.bib"])
    assert (kind, key) == ("online", f"rule-of-law:{problem.id}")
    assert {k: fields[k] for k in ("author", "title", "url", "urldate")} == {
        "author": "{毕精华}", "title": title, "url": url, "urldate": "2026-03-04"}
    ris = dict(parse_ris(files[f"{stem}.ris"]))
    assert {k: ris[k] for k in ("AU", "TI", "T2", "UR", "Y2")} == {
        "AU": "毕精华", "TI": title, "T2": MEETING, "UR": url, "Y2": "2026/03/04"}
    item = check_csl(files[f"{stem}.csl.json"])
    assert {k: item[k] for k in ("type", "title", "author", "URL", "accessed")} == {
        "type": "webpage", "title": title, "author": [{"literal": "毕精华"}], "URL": url,
        "accessed": {"date-parts": [[2026, 3, 4]]}}
    assert "issued" not in item  # the source gives no date


@pytest.mark.browser
def test_the_whole_proposal_is_cited_from_under_its_title_and_in_a_printout(cite_tab, base_url):
    tab = cite_tab
    tab.goto(f"{base_url}rule-of-law/#{ITEM}")
    line = tab.locator("article .cppcc-citation")
    expect(line).to_be_hidden()  # on screen the button says it
    tab.get_by_role("button", name="引用本篇").click()
    expect(tab.get_by_role("dialog", name="引用本篇").locator(".cppcc-cite-text")).to_have_text(
        gbt(base_url))
    tab.keyboard.press("Escape")
    tab.emulate_media(media="print")
    expect(line).to_be_visible()
    expect(line).to_have_text("引用：" + gbt(base_url))
    expect(tab.locator(".cppcc-cite-bar")).to_be_hidden()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 375, "height": 812}],
                         ids=["desktop", "phone"])
def test_the_open_dialog_has_no_serious_accessibility_violation(cite_tab, base_url, viewport):
    tab = cite_tab
    tab.set_viewport_size(viewport)
    tab.goto(f"{base_url}rule-of-law/")
    tab.locator(f"#{ITEM} button.cppcc-cite").click()
    dialog = tab.get_by_role("dialog", name="引用 · 建议 3")
    expect(dialog).to_be_visible()
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
    results = Axe().run(tab)
    assert [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")] == []
