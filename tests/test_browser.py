"""What a reader does in a browser: follow a citation, copy one, page through, print, use a phone.

Headless Chromium (Playwright) on the built site served on loopback; an axe-core scan on the main
pages. Every test also checks that no request leaves 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from cppcc.loading import load_corpus
from helpers import DESKTOP, PHONE

pytestmark = pytest.mark.browser

CORPUS = load_corpus(Path(__file__).resolve().parents[1] / "proposals")


def in_viewport(tab, selector: str) -> dict:
    return tab.eval_on_selector(selector, """el => {
        const box = el.getBoundingClientRect();
        const header = document.querySelector('.md-header').getBoundingClientRect();
        return {top: box.top, headerBottom: header.bottom, height: innerHeight};
    }""")


def background(tab, selector: str) -> str:
    return tab.eval_on_selector(selector, "el => getComputedStyle(el).backgroundColor")


TRANSPARENT = "rgba(0, 0, 0, 0)"
LONGEST = max(CORPUS.proposals, key=lambda p: len(p.recommendations))


def test_deep_link_scrolls_to_the_recommendation_and_highlights_it(open_tab, base_url):
    rec = LONGEST.recommendations[-1]
    tab = open_tab()
    tab.goto(f"{base_url}{LONGEST.slug}/#{rec.id}")
    tab.wait_for_load_state("load")
    item = f"#{rec.id}"
    expect(tab.locator(item)).to_have_class("cppcc-item cppcc-rec cppcc-target")
    box = in_viewport(tab, item)
    assert box["headerBottom"] <= box["top"] < box["height"], box
    assert background(tab, item) != TRANSPARENT
    # Only the cited item is highlighted.
    assert background(tab, f"#{LONGEST.recommendations[0].id}") == TRANSPARENT
    assert tab.locator(".cppcc-target").count() == 1


def test_following_a_cross_link_moves_the_highlight(open_tab, base_url):
    p = next(p for p in CORPUS.proposals if any(r.answers for r in p.recommendations))
    rec = next(r for r in p.recommendations if r.answers)
    tab = open_tab()
    tab.goto(f"{base_url}{p.slug}/#{rec.answers[0]}")
    expect(tab.locator(f"#{rec.answers[0]}")).to_have_class("cppcc-item cppcc-problem cppcc-target")
    tab.locator(f'#{rec.answers[0]} .cppcc-xref a[href="#{rec.id}"]').click()
    expect(tab.locator(f"#{rec.id}")).to_have_class("cppcc-item cppcc-rec cppcc-target")
    assert tab.locator(".cppcc-target").count() == 1
    box = in_viewport(tab, f"#{rec.id}")
    assert box["headerBottom"] <= box["top"] < box["height"], box


def test_copy_link_by_keyboard(open_tab, base_url):
    p = CORPUS.proposals[0]
    rec = p.recommendations[1]
    tab = open_tab(permissions=["clipboard-read", "clipboard-write"])
    tab.goto(f"{base_url}{p.slug}/")
    tab.focus(f"#{rec.id} .cppcc-permalink")
    tab.keyboard.press("Tab")
    button = tab.locator(f"#{rec.id} button.cppcc-copy")
    expect(button).to_be_focused()
    status = tab.locator("#cppcc-live[role=status]")
    expect(status).to_have_text("")  # there before it speaks, so screen readers announce it
    tab.keyboard.press("Enter")
    expect(button).to_have_text("已复制")
    expect(status).to_contain_text("已复制")
    assert tab.evaluate("navigator.clipboard.readText()") == f"{base_url}{p.slug}/#{rec.id}"
    expect(button).to_have_text("复制链接", timeout=5000)


def test_copy_link_from_a_deep_link_copies_the_item_not_the_current_hash(open_tab, base_url):
    p = CORPUS.proposals[0]
    problem = p.problems[0]
    tab = open_tab(permissions=["clipboard-read", "clipboard-write"])
    tab.goto(f"{base_url}{p.slug}/?from=test#{p.recommendations[0].id}")
    tab.locator(f"#{problem.id} button.cppcc-copy").click()
    expect(tab.locator(f"#{problem.id} button.cppcc-copy")).to_have_text("已复制")
    assert tab.evaluate("navigator.clipboard.readText()") == f"{base_url}{p.slug}/#{problem.id}"


def test_previous_and_next_navigate(open_tab, base_url):
    first, second = CORPUS.proposals[:2]
    tab = open_tab()
    tab.goto(f"{base_url}{first.slug}/")
    assert tab.locator("a[rel=prev]").count() == 0
    tab.locator("a[rel=next]").click()
    tab.wait_for_url(f"{base_url}{second.slug}/")
    expect(tab.locator("article h1")).to_have_text(second.title)
    tab.locator("a[rel=prev]").click()
    tab.wait_for_url(f"{base_url}{first.slug}/")
    expect(tab.locator("article h1")).to_have_text(first.title)
    last = CORPUS.proposals[-1]
    tab.goto(f"{base_url}{last.slug}/")
    assert tab.locator("a[rel=next]").count() == 0


PAGES = ["", "parties/", "keywords/", *(f"{p.slug}/" for p in CORPUS.proposals)]


def test_no_horizontal_scrolling_on_a_phone(open_tab, base_url):
    tab = open_tab(viewport=PHONE)
    wide = {}
    for path in PAGES:
        tab.goto(base_url + path)
        width = tab.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide[path] = width
    assert wide == {}


def test_a_phone_shows_the_text_at_a_readable_size_in_a_chinese_font(open_tab, base_url):
    tab = open_tab(viewport=PHONE)
    tab.goto(f"{base_url}{CORPUS.proposals[0].slug}/")
    size = tab.eval_on_selector(".cppcc-problem p", "el => parseFloat(getComputedStyle(el).fontSize)")
    assert size >= 14
    font = tab.eval_on_selector(".cppcc-problem p", "el => getComputedStyle(el).fontFamily")
    assert font.startswith('"PingFang SC"') and "Noto Sans CJK SC" in font


def test_line_length_is_comfortable_on_a_wide_screen(open_tab, base_url):
    tab = open_tab(viewport={"width": 1920, "height": 1000})
    tab.goto(f"{base_url}{CORPUS.proposals[0].slug}/")
    chars = tab.eval_on_selector(".cppcc-passage p", """el => {
        const size = parseFloat(getComputedStyle(el).fontSize);
        return el.getBoundingClientRect().width / size;
    }""")
    assert 20 <= chars <= 45, f"{chars:.0f} Chinese characters a line"


HIDDEN_IN_PRINT = [".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-search",
                   ".cppcc-copy", ".cppcc-pager", ".cppcc-print", ".cppcc-toc", ".cppcc-keywords",
                   "#related", ".cppcc-related"]


def test_print_shows_the_text_without_navigation(open_tab, base_url):
    tab = open_tab()
    tab.goto(f"{base_url}{CORPUS.proposals[0].slug}/")
    tab.emulate_media(media="print")
    shown = {sel: tab.locator(sel).first.is_visible() for sel in HIDDEN_IN_PRINT
             if tab.locator(sel).count()}
    assert shown == {sel: False for sel in shown} and ".md-header" in shown
    expect(tab.locator("article h1")).to_be_visible()
    expect(tab.locator(".cppcc-rec").first).to_be_visible()
    expect(tab.locator(".cppcc-note").first).to_be_visible()
    expect(tab.locator(".md-footer .md-copyright")).to_be_visible()  # the source line
    tab.emulate_media(media="screen")
    expect(tab.locator(".md-header")).to_be_visible()


A11Y_PAGES = ["", f"{CORPUS.proposals[0].slug}/", f"{LONGEST.slug}/", "parties/", "keywords/"]


def serious_violations(tab) -> list[tuple[str, str, list]]:
    results = Axe().run(tab)
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5])
            for v in results.response["violations"] if v["impact"] in ("serious", "critical")]


A11Y_CASES = [("desktop", path) for path in A11Y_PAGES] + [("phone", p) for p in A11Y_PAGES[:2]]
# The search dialog, open with results drawn by our search.
A11Y_CASES += [("desktop", "?q=专精特新"), ("phone", "?q=laozihao")]
# The dark colour scheme (Material's slate), on a desktop.
A11Y_CASES += [("dark", ""), ("dark", f"{LONGEST.slug}/"), ("dark", "?q=专精特新")]


@pytest.mark.parametrize(("viewport", "path"), A11Y_CASES, ids=lambda p: p or "home")
def test_no_serious_accessibility_violations(open_tab, base_url, viewport, path):
    tab = open_tab(viewport=PHONE if viewport == "phone" else DESKTOP,
                   color_scheme="dark" if viewport == "dark" else "light")
    tab.goto(base_url + path)
    if "?q=" in path:
        expect(tab.locator(".md-search-result__item").first).to_be_visible()
        # the dialog fades in: axe reads colours mid-transition as low contrast on a busy machine
        tab.wait_for_function("document.getAnimations().every(a => a.playState !== 'running')")
        tab.wait_for_timeout(400)  # CSS transitions (opacity) are not all listed as animations
    assert serious_violations(tab) == []


def test_no_serious_accessibility_violations_on_a_highlighted_item(open_tab, base_url):
    p = CORPUS.proposals[0]
    tab = open_tab()
    tab.goto(f"{base_url}{p.slug}/#{p.background[0].id}")
    expect(tab.locator(f"#{p.background[0].id}")).to_have_class(
        "cppcc-item cppcc-passage cppcc-target")
    tab.wait_for_timeout(500)  # the highlight fades in
    assert serious_violations(tab) == []


def test_every_page_loads_only_from_loopback(open_tab, base_url):
    tab = open_tab()
    for path in [*PAGES[:4], f"meetings/{CORPUS.meetings[0].id}/", "404.html"]:
        tab.goto(base_url + path, wait_until="networkidle")

