"""Search results a page at a time: on a generated corpus where a common query matches most
proposals, a query fetches the fragments of the groups it draws and no more; the next page comes
when the reader scrolls to the end of the list or presses the button there, and a new query
stops the pages of the old one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from bench.harness import build_site, serve
from cppcc.loading import load_corpus
from generate_corpus import generate, make_project

REPO = Path(__file__).resolve().parents[1]

PAGE = int(re.search(r"const PAGE_GROUPS = (\d+);",
                     (REPO / "scripts/cppcc/search/search.js").read_text(encoding="utf-8"))[1])
QUERY, OTHER = "服务", "加强"  # each matches far more than two pages of proposals
FRAGMENT = re.compile(r"/search/cppcc/p/(\d+)\.json$")
GROUPS = ".md-search-result__list > .md-search-result__item"
MORE = ".cppcc-search-more__button"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Iterator[tuple[str, list[str]]]:
    """A generated site of 60 proposals, served; yields its URL and the slugs by proposal number."""
    root = tmp_path_factory.mktemp("paging")
    proposals = generate(root / "proposals", 60, seed=5, meeting_count=2)
    site = build_site(root / "site", make_project(root / "project", proposals))
    with serve(site) as url:
        yield url, [p.slug for p in load_corpus(proposals).proposals]


class Search:
    """A tab on the generated site that records every fragment it fetches."""

    def __init__(self, page, generated):
        self.page = page
        self.url, self.slugs = generated
        self.fetched: list[int] = []
        page.on("request", self._record)

    def _record(self, request):
        found = FRAGMENT.search(urlsplit(request.url).path)
        if found:
            self.fetched.append(int(found[1]))

    def order(self, query: str) -> tuple[list[int], int]:
        """The proposals the engine finds, in the order of their groups, and the number of hits.
        The engine reads only term shards: no fragment is fetched for this."""
        return self.page.evaluate("""async q => {
            const { hits } = await window.cppccSearch.search(q);
            return [[...new Set(hits.map(h => h[0]))], hits.length];
        }""", query)

    def paths(self, proposals: list[int]) -> list[str]:
        return [f"/{self.slugs[p]}/" for p in proposals]

    def groups(self) -> list[str]:
        """The proposal page of every drawn group, in order."""
        return self.page.eval_on_selector_all(
            GROUPS, "lis => lis.map(li => new URL(li.querySelector('a[href]').href).pathname)")

    def count(self) -> int:
        return self.page.locator(GROUPS).count()

    def wait_for(self, n: int):
        self.page.wait_for_function(f"document.querySelectorAll({GROUPS!r}).length >= {n}")
        self.page.wait_for_load_state("networkidle")
        assert self.count() == n

    def scroll_to_end(self):
        self.page.eval_on_selector(".md-search__scrollwrap", "e => { e.scrollTop = e.scrollHeight; }")


@pytest.fixture
def search(page, generated) -> Search:
    return Search(page, generated)


def open_query(search: Search, query: str):
    search.page.goto(search.url + "?q=" + query)
    search.page.wait_for_selector(GROUPS)
    search.page.wait_for_load_state("networkidle")  # any further fetch would be recorded by now


def test_a_query_fetches_only_its_first_page_and_counts_every_hit(search):
    open_query(search, QUERY)
    order, hits = search.order(QUERY)
    assert len(order) > 2 * PAGE
    assert sorted(search.fetched) == sorted(order[:PAGE])
    assert search.groups() == search.paths(order[:PAGE])
    assert search.page.inner_text(".md-search-result__meta") == f"找到 {hits} 条结果"
    assert hits > len(search.page.locator(".md-search-result__link").all())
    button = search.page.locator(MORE)
    assert button.is_visible() and f"还有 {len(order) - PAGE} 篇" in button.inner_text()


def test_scrolling_to_the_end_draws_the_next_pages_until_all_are_drawn(search):
    open_query(search, QUERY)
    order, _ = search.order(QUERY)
    search.scroll_to_end()
    search.wait_for(2 * PAGE)
    assert sorted(search.fetched) == sorted(order[:2 * PAGE])
    assert search.groups() == search.paths(order[:2 * PAGE])
    while search.page.locator(MORE).count():
        n = search.count()
        search.scroll_to_end()
        search.wait_for(min(n + PAGE, len(order)))
    assert search.groups() == search.paths(order)  # each group once, in rank order
    assert sorted(search.fetched) == sorted(order)  # each fragment fetched once
    assert search.page.locator(".cppcc-search-more").count() == 0


def test_the_button_is_reached_with_the_arrow_keys_and_pressed_with_enter_or_space(search):
    page = search.page
    page.goto(search.url)
    page.keyboard.press("/")
    page.keyboard.insert_text(QUERY)
    page.wait_for_selector(MORE)
    order, _ = search.order(QUERY)
    for _ in range(20 * PAGE):  # Material's arrow keys go over the links, then ours to the button
        page.keyboard.press("ArrowDown")
        if page.evaluate(f"document.activeElement.matches({MORE!r})"):
            break
    else:
        pytest.fail("the arrow keys never reach the button")
    page.wait_for_load_state("networkidle")
    assert search.count() == PAGE  # in view and focused, the button waits to be pressed
    page.keyboard.press("Enter")
    search.wait_for(2 * PAGE)
    # the reader goes on from the first result of the new page
    assert page.evaluate("new URL(document.activeElement.href).pathname") == \
        search.paths([order[PAGE]])[0]
    page.get_by_role("button", name=re.compile("显示更多结果")).focus()
    page.keyboard.press(" ")
    search.wait_for(3 * PAGE)
    assert search.groups() == search.paths(order[:3 * PAGE])
    assert sorted(search.fetched) == sorted(order[:3 * PAGE])


def test_the_button_has_a_name_and_no_serious_accessibility_violation(search):
    open_query(search, QUERY)
    order, _ = search.order(QUERY)
    button = search.page.get_by_role("button", name=f"显示更多结果（还有 {len(order) - PAGE} 篇）",
                                        exact=True)
    button.focus()
    assert button.evaluate("b => b.matches(':focus')")
    results = Axe().run(search.page)
    assert [(v["id"], [n["target"] for n in v["nodes"]][:5]) for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")] == []


def test_a_new_query_stops_the_pages_of_the_old_one(search):
    page = search.page
    open_query(search, QUERY)
    old, _ = search.order(QUERY)
    new, _ = search.order(OTHER)
    assert set(old[PAGE:]) - set(new[:PAGE])
    held = []  # the new query's fragments wait, so that the old list stays on screen
    page.route("**/search/cppcc/p/*.json", lambda route: held.append(route))
    search.fetched.clear()
    # the new query starts, then the old list is scrolled to its end while it is still shown
    page.eval_on_selector(".md-search__input", """(input, q) => {
        input.value = q;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        const wrap = document.querySelector(".md-search__scrollwrap");
        wrap.scrollTop = wrap.scrollHeight;
    }""", OTHER)
    page.wait_for_timeout(500)
    assert search.groups() == search.paths(old[:PAGE])  # still the old list, its end in view
    assert page.eval_on_selector(MORE, """b => {
        const r = b.getBoundingClientRect();
        const w = document.querySelector(".md-search__scrollwrap").getBoundingClientRect();
        return r.top < w.bottom && r.bottom > w.top;
    }""")
    assert set(search.fetched) <= set(new[:PAGE])
    for route in held:
        route.continue_()
    page.unroute("**/search/cppcc/p/*.json")
    page.wait_for_function(
        f"document.querySelector({GROUPS!r} + ' a[href]').pathname === {search.paths(new)[0]!r}")
    page.wait_for_load_state("networkidle")
    assert search.groups() == search.paths(new[:PAGE])
    assert sorted(search.fetched) == sorted(new[:PAGE])
