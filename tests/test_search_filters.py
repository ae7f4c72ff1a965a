"""The search's filters in the browser: a generated site of 150 proposals over four meetings of
two years, many parties and topics. Choosing a value in the dialog updates the results, the
counts and the URL; an address with filters opens the dialog filtered, and without a query lists
the chosen proposals newest meeting first; all of it with the keyboard alone. What the page
shows is compared with facets.py over the same index files (test_search_facets.py holds
facets.py to the model)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from bench import scale as bench_scale
from bench.harness import build_site, serve
from cppcc.loading import load_corpus
from cppcc.search.engine import Engine
from cppcc.search.facets import Facets
from cppcc.search.indexing import ROOT
from generate_corpus import generate, make_project

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
PAGE = int(re.search(r"const PAGE_GROUPS = (\d+);",
                     (REPO / "scripts/cppcc/search/search.js").read_text(encoding="utf-8"))[1])
GROUPS = ".md-search-result__list > .md-search-result__item"
QUERY = "服务"
VALUE = ".cppcc-filters__value"
SHOWN = int(re.search(r"const SHOWN = (\d+);",
                      (REPO / "scripts/cppcc/search/filters.js").read_text(encoding="utf-8"))[1])
FACET_FILE = re.compile(r"/search/cppcc/(facets/.+\.json)$")


@dataclass
class Site:
    url: str
    files: dict[str, bytes]
    slugs: list[str]
    folder: Path

    def facets(self) -> Facets:
        return Facets(Engine(self.files))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("filters")
    proposals = generate(root / "proposals", 150, seed=7, meeting_count=4)
    built = build_site(root / "site", make_project(root / "project", proposals))
    index = built / ROOT
    files = {f"{ROOT}{p.relative_to(index).as_posix()}": p.read_bytes()
             for p in index.rglob("*") if p.is_file()}
    with serve(built) as url:
        yield Site(url, files, [p.slug for p in load_corpus(proposals).proposals], built)


def top(site: Site, facet: str, k: int = 0) -> str:
    """The value of a facet with the k-th most results for QUERY."""
    found = site.facets()
    counts = found.search(QUERY, {}).counts[facet]
    best = sorted(counts, key=lambda v: (-counts[v], v))[k]
    return found.labels(facet, [best])[best][0]


def expected(site: Site, query: str, params: dict[str, list[str]]):
    """facets.py's results for a query and a URL's filters, and what the panel should show: for
    each facet, (label, count) of its values with results, those of most results first for a
    party or a topic, newest first for the others, up to SHOWN, then those chosen."""
    found = site.facets()
    selection = found.selection(params)
    results = found.search(query, selection)
    panel = {}
    for f, counts in results.counts.items():
        ids = sorted(counts, key=lambda v: (-counts[v], v) if f in ("party", "topic") else v)
        ids = ids[:SHOWN] + [v for v in selection.get(f, ()) if v not in ids[:SHOWN]]
        if ids:
            panel[f] = [(found.labels(f, [v])[v][1], counts.get(v, 0)) for v in ids]
    return results, panel


def shown(page) -> dict[str, list[tuple[str, int]]]:
    """What the panel shows: (label, count) of each value, by facet."""
    out: dict[str, list[tuple[str, int]]] = {}
    for facet, label, count in page.eval_on_selector_all(VALUE, """els => els.map(e =>
            [e.dataset.facet, e.firstElementChild.textContent,
             Number(e.querySelector('.cppcc-filters__count').textContent)])"""):
        out.setdefault(facet, []).append((label, count))
    return out


def checked(page) -> list[str]:
    return page.eval_on_selector_all(f"{VALUE}[aria-checked=true]",
                                     "els => els.map(e => e.firstElementChild.textContent)")


def wait_drawn(page, query: str):
    """Until the panel shows the counts of `query` and the results are drawn."""
    page.wait_for_selector(f".cppcc-filters[data-query={query!r}]", state="attached")
    page.wait_for_function("""() => {
        const meta = document.querySelector('.md-search-result__meta').textContent;
        return !meta.includes('正在初始化') && document.querySelector('.md-search-result__list')
            .children.length > 0; }""")
    page.wait_for_load_state("networkidle")


def params_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def meta(page) -> str:
    return page.inner_text(".md-search-result__meta")


def groups(page) -> list[str]:
    return page.eval_on_selector_all(
        GROUPS, "lis => lis.map(li => new URL(li.querySelector('a[href]').href).pathname)")


def value(page, facet: str, label: str):
    """The panel's value of `facet` whose label is `label`."""
    return page.locator(f"{VALUE}[data-facet={facet}]").filter(
        has=page.locator("span", has_text=re.compile(f"^{re.escape(label)}$")))


def test_choosing_a_value_updates_the_results_the_counts_and_the_url(page, site):
    page.goto(site.url + "?q=" + QUERY)
    page.wait_for_selector(GROUPS)
    page.click(".cppcc-filters__toggle")
    wait_drawn(page, QUERY)
    results, panel = expected(site, QUERY, {})
    assert shown(page) == panel
    assert meta(page) == f"找到 {results.count} 条结果"
    counts = {f: dict(values) for f, values in panel.items()}
    party = top(site, "party")
    value(page, "party", party).click()
    page.wait_for_function(f"document.querySelector('.cppcc-filters__toggle').textContent"
                           f" === '筛选：{party}'")
    wait_drawn(page, QUERY)
    page.wait_for_function("new URL(location.href).searchParams.has('party')")  # written after
    assert params_of(page.url) == {"q": [QUERY], "party": [party]}
    assert meta(page) == f"找到 {counts['party'][party]} 条结果"
    results, after = expected(site, QUERY, {"party": [party]})
    assert shown(page) == after
    assert after["kind"] != panel["kind"] and checked(page) == [party]
    assert groups(page) == [f"/{site.slugs[p]}/" for p in
                            list(dict.fromkeys(p for p, _, _ in results.hits))[:PAGE]]
    assert page.inner_text("[role=status]") == f"已筛选：{party}，找到 {results.count} 条结果"
    # a second value of the same facet: either of them
    other = top(site, "party", 1)
    value(page, "party", other).click()
    page.wait_for_function(f"document.querySelector('.cppcc-filters__toggle').textContent"
                           f" === '筛选：{party}、{other}' || document.querySelector("
                           f"'.cppcc-filters__toggle').textContent === '筛选：{other}、{party}'")
    wait_drawn(page, QUERY)
    assert sorted(params_of(page.url)["party"]) == sorted([party, other])
    assert meta(page) == f"找到 {counts['party'][party] + counts['party'][other]} 条结果"
    page.click(".cppcc-filters__clear")
    page.wait_for_function("document.querySelector('.cppcc-filters__toggle').textContent === '筛选'")
    wait_drawn(page, QUERY)
    assert params_of(page.url) == {"q": [QUERY]} and checked(page) == []


def test_an_address_with_a_query_and_filters_opens_the_dialog_filtered(page, site):
    party = top(site, "party")
    page.goto(f"{site.url}?q={QUERY}&party={quote(party)}&kind=recommendation")
    wait_drawn(page, QUERY)
    assert page.locator("#__search").is_checked()
    assert page.input_value(".md-search__input") == QUERY
    assert page.inner_text(".cppcc-filters__toggle") == f"筛选：{party}、建议"
    results, _ = expected(site, QUERY, {"party": [party], "kind": ["recommendation"]})
    assert 0 < results.count < results.unfiltered
    assert meta(page) == f"找到 {results.count} 条结果"
    labels = page.eval_on_selector_all(".md-search-result__link .cppcc-search-label",
                                       "els => els.map(e => e.textContent)")
    assert labels and all(label.startswith("建议") for label in labels)
    first = list(dict.fromkeys(p for p, _, _ in results.hits))[:PAGE]
    assert groups(page) == [f"/{site.slugs[p]}/" for p in first]


def test_a_filter_without_a_query_lists_the_proposals_newest_meeting_first(page, site):
    party = top(site, "party")
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(m[1]) if (m := FACET_FILE.search(r.url)) else None)
    page.goto(f"{site.url}?party={quote(party)}")
    wait_drawn(page, "")
    assert page.locator("#__search").is_checked() and page.input_value(".md-search__input") == ""
    found = site.facets()
    results = found.search("", found.selection({"party": [party]}))
    assert results.proposals > PAGE
    listed = results.take(results.proposals)
    assert groups(page) == [f"/{site.slugs[p]}/" for p, _ in listed[:PAGE]]
    assert meta(page) == f"找到 {results.count} 条结果"
    # the browser reads what facets.py reads, and the labels of what it shows
    assert set(found.fetched) <= set(fetched)
    assert {f for f in fetched if not f.startswith("facets/v/")} <= set(found.fetched)
    page.click(".cppcc-search-more__button")
    page.wait_for_function(f"document.querySelectorAll({GROUPS!r}).length >= {2 * PAGE}")
    assert groups(page)[:2 * PAGE] == [f"/{site.slugs[p]}/" for p, _ in listed[:2 * PAGE]]
    # newest meeting first (a meeting's id is its place, newest first), then in printed order
    assert [found.run_of(p).meeting for p, _ in listed] == sorted(
        found.run_of(p).meeting for p, _ in listed)
    assert len({found.run_of(p).meeting for p, _ in listed}) > 1


def test_the_filters_work_with_the_keyboard_alone(page, site):
    page.goto(site.url)
    page.keyboard.press("/")
    page.keyboard.insert_text(QUERY)
    page.wait_for_selector(GROUPS)
    page.keyboard.press("ArrowDown")  # Material's arrows: the filters' toggle, then the results
    assert page.evaluate("document.activeElement.matches('.cppcc-filters__toggle')")
    page.keyboard.press(" ")
    wait_drawn(page, QUERY)
    assert page.evaluate("document.querySelector('.cppcc-filters').open")
    assert page.evaluate("document.activeElement.matches('.cppcc-filters__toggle')")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate("[document.activeElement.getAttribute('role'),"
                            " document.activeElement.dataset.facet,"
                            " document.activeElement.firstElementChild.textContent]")
    assert focused[:2] == ["checkbox", "meeting"]
    page.keyboard.press(" ")
    page.wait_for_function("document.querySelector('.cppcc-filters__toggle').textContent !== '筛选'")
    wait_drawn(page, QUERY)
    assert checked(page) == [focused[2]]
    # the focus stays on the value chosen, which says so
    assert page.evaluate("document.activeElement.getAttribute('aria-checked')") == "true"
    assert params_of(page.url)["meeting"]
    page.keyboard.press("Enter")  # Enter chooses too: here, not any more
    page.wait_for_function("document.querySelector('.cppcc-filters__toggle').textContent === '筛选'")
    wait_drawn(page, QUERY)
    assert checked(page) == [] and "meeting" not in params_of(page.url)
    assert page.locator("#__search").is_checked()  # still searching
    for _ in range(80):
        page.keyboard.press("ArrowDown")
        if page.evaluate("document.activeElement.matches('.md-search-result__link')"):
            break
    else:
        pytest.fail("the arrow keys never reach the results")
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()
    assert params_of(page.url) == {}


def test_the_open_filters_have_no_serious_accessibility_violation(page, site):
    page.goto(f"{site.url}?q={QUERY}&kind=problem")
    wait_drawn(page, QUERY)
    page.click(".cppcc-filters__toggle")
    page.wait_for_timeout(500)  # the dialog fades in
    results = Axe().run(page)
    assert [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")] == []


@pytest.mark.parametrize("mode", bench_scale.FILTER_MODES)
def test_the_scale_benchmark_measures_the_filters(browser, site, mode):
    found = bench_scale.measure_search(browser, site.folder, site.slugs[0], "ours", 1, mode)
    assert found["q1_ms"] > 0 and found["q2_ms"] > 0
    assert found["q1_filters_ms"] > 0 and found["q2_filters_ms"] > 0
    assert found["q1_bytes"] > 0 and found["q2_bytes"] > 0
