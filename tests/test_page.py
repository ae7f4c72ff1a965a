"""The reader's page in headless Chromium: controls readable in every state and colour scheme,
the table of contents after a jump, a phone's table of contents and touch targets, print,
sharing a search, dark mode, the home page's hero, Chinese line breaking, the 404 page."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from bench.harness import pdf_pages
from cppcc.loading import load_corpus
from helpers import DESKTOP, PHONE

pytestmark = pytest.mark.browser

CORPUS = load_corpus(Path(__file__).resolve().parents[1] / "proposals")
BRANDS = next(p for p in CORPUS.proposals if p.slug == "time-honored-brands")  # 老字号
SCREENS = {"desktop": DESKTOP, "phone": PHONE}
SCHEMES = ("light", "dark")
SETTLED = "document.getAnimations().every(a => a.playState !== 'running')"

# The WCAG contrast of an element's text on what is painted behind it: its own and its
# ancestors' background colours composited over white, the text colour over that.
CONTRAST = """el => {
    const parse = c => {
        const m = c.match(/^rgba?\\(([^)]+)\\)$/);
        if (!m) throw new Error("not an sRGB colour: " + c);
        const [r, g, b, a = 1] = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
        return [r, g, b, a];
    };
    const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3]));
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
        const bg = parse(getComputedStyle(e).backgroundColor);
        if (bg[3] > 0) layers.push(bg);
        if (bg[3] >= 1) break;
    }
    let bg = [255, 255, 255];
    for (const layer of layers.reverse()) bg = over(layer, bg);
    const fg = over(parse(getComputedStyle(el).color), bg);
    const lum = c => c.map(v => v / 255)
        .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)
        .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    return (hi + 0.05) / (lo + 0.05);
}"""


def contrast(tab, selector: str) -> float:
    tab.wait_for_function(SETTLED)
    return tab.eval_on_selector(selector, CONTRAST)


def scheme_of(tab) -> str:
    return tab.evaluate("document.body.getAttribute('data-md-color-scheme')")


# -- item 3: the copy-link button -----------------------------------------------------------------

@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("screen", SCREENS)
def test_copy_button_is_readable_in_every_state(open_tab, base_url, screen, scheme):
    tab = open_tab(viewport=SCREENS[screen], color_scheme=scheme,
                   permissions=["clipboard-read", "clipboard-write"])
    rec = BRANDS.recommendations[1]
    tab.goto(f"{base_url}{BRANDS.slug}/")
    assert scheme_of(tab) == {"light": "default", "dark": "slate"}[scheme]
    button = f"#{rec.id} button.cppcc-copy"
    tab.locator(button).scroll_into_view_if_needed()
    states = {"rest": contrast(tab, button)}
    tab.hover(button)
    states["hover"] = contrast(tab, button)
    tab.mouse.move(0, 0)
    tab.focus(f"#{rec.id} .cppcc-permalink")
    tab.keyboard.press("Tab")  # focus by keyboard, the pointer elsewhere
    expect(tab.locator(button)).to_be_focused()
    states["focus"] = contrast(tab, button)
    tab.click(button)
    expect(tab.locator(button)).to_have_text("已复制")
    states["copied"] = contrast(tab, button)
    tab.mouse.move(0, 0)
    states["copied, pointer away"] = contrast(tab, button)
    assert {k: v for k, v in states.items() if v < 4.5} == {}, states
    # The page's other buttons (print, cite the proposal, cite an item) keep the same contrast.
    others = {}
    for other in ("button.cppcc-print", ".cppcc-cite-bar button", f"#{rec.id} button.cppcc-cite"):
        others[other] = contrast(tab, other)
        tab.hover(other)
        others[f"{other}:hover"] = contrast(tab, other)
    assert {k: v for k, v in others.items() if v < 4.5} == {}, others


def test_a_phone_gets_touch_targets_44_px_high(open_tab, base_url):
    tab = open_tab(viewport=PHONE)
    tab.goto(f"{base_url}{BRANDS.slug}/")
    heights = tab.eval_on_selector_all(
        "article button, article summary", "els => els.map(e => e.getBoundingClientRect().height)")
    # copy and cite on every item; print, cite the proposal, the table of contents
    assert len(heights) == 2 * len(list(BRANDS.items())) + 3
    assert min(heights) >= 44, heights


# -- item 4: Material's share button --------------------------------------------------------------

def shared_query(tab) -> str:
    """Click Material's share button; the query of the address it copied (and now links to)."""
    share = tab.locator("[data-md-component=search-share]")
    share.click()
    copied = tab.evaluate("navigator.clipboard.readText()")
    assert share.get_attribute("href") == copied
    parts = urlsplit(copied)
    assert parts.path == "/" and not parts.fragment
    return parse_qs(parts.query)["q"][0]


def test_share_copies_the_query_typed_in_the_box(open_tab, base_url):
    tab = open_tab(permissions=["clipboard-read", "clipboard-write"])
    tab.goto(base_url)
    tab.keyboard.press("/")
    tab.keyboard.insert_text("老字号 品牌")  # as an input method enters it: no key events
    expect(tab.locator(".md-search-result__item").first).to_be_visible()
    assert shared_query(tab) == "老字号 品牌"
    tab.locator("[data-md-component=search-query]").fill("双向转诊")
    assert shared_query(tab) == "双向转诊"


def test_share_copies_the_query_of_a_search_link(open_tab, base_url):
    tab = open_tab(permissions=["clipboard-read", "clipboard-write"])
    tab.goto(f"{base_url}?q=专精特新")
    expect(tab.locator(".md-search-result__item").first).to_be_visible()
    assert shared_query(tab) == "专精特新"


# -- item 5: print --------------------------------------------------------------------------------

def test_the_print_button_prints(open_tab, base_url):
    tab = open_tab()
    tab.goto(f"{base_url}{BRANDS.slug}/")
    tab.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1; }; }")
    tab.click("button.cppcc-print")
    assert tab.evaluate("window.printed") == 1


def test_a_printout_is_compact_and_names_each_items_address(open_tab, base_url):
    tab = open_tab()
    tab.goto(f"{base_url}{BRANDS.slug}/")
    pages = pdf_pages(tab.pdf(format="A4"))
    # 5 before the print stylesheet (with large gaps); a blank third one once, from the
    # screen readers' status line after the footer
    assert 1 <= pages <= 2, f"老字号 takes {pages} A4 pages"
    expect(tab.locator(".cppcc-citation")).to_be_hidden()  # on screen, the 引用 box shows it
    tab.emulate_media(media="print")
    expect(tab.locator(".cppcc-citation")).to_be_visible()
    expect(tab.locator(".cppcc-citation")).to_contain_text(BRANDS.title)
    items = tab.eval_on_selector_all(".cppcc-item", """els => els.map(el => {
        const link = el.querySelector('.cppcc-permalink');
        return [el.id, getComputedStyle(el).breakInside, link.getBoundingClientRect().width > 1,
                getComputedStyle(link, '::after').content];
    })""")
    host = urlsplit(base_url).netloc
    assert items == [[i.id, "avoid", True, f'"{host}/{BRANDS.slug}/#{i.id}"']
                     for i in BRANDS.items()]
    assert not tab.locator(".cppcc-related").is_visible()


# -- item 9: the table of contents after a jump; the back-to-top pill -----------------------------

def test_table_of_contents_marks_the_recommendation_a_link_lands_on(open_tab, base_url):
    """Every recommendation of every proposal, the last ones too (建议 3 of 老字号 showed "2.",
    an item near the page's end the last entry)."""
    tab = open_tab(viewport={"width": 1280, "height": 800})
    marked, low = {}, {}
    for p in CORPUS.proposals:
        for rec in p.recommendations:
            tab.goto(f"{base_url}{p.slug}/#{rec.id}")
            expect(tab.locator(f"#{rec.id}")).to_have_class(re.compile("cppcc-target"))
            top = tab.eval_on_selector(f"#{rec.id}", "el => el.getBoundingClientRect().top")
            if not 48 <= top < 100:  # under the header, at the top of the window
                low[rec.id] = top
            active = tab.locator(".md-sidebar--secondary .md-nav__link--active")
            try:
                expect(active).to_have_attribute("href", f"#{rec.id}", timeout=2000)
            except AssertionError:
                marked[rec.id] = active.get_attribute("href") if active.count() == 1 else None
    assert low == {} and marked == {}


def test_table_of_contents_marks_the_item_a_search_lands_on(open_tab, base_url):
    rec = BRANDS.recommendations[2]
    tab = open_tab(viewport={"width": 1280, "height": 800})
    tab.goto(f"{base_url}{BRANDS.slug}/?h=品牌#{rec.id}")
    active = tab.locator(".md-sidebar--secondary .md-nav__link--active")
    expect(active).to_have_attribute("href", f"#{rec.id}")


PILL_SHOWN = """() => {
    const pill = document.querySelector('.md-top');
    return !pill.hidden && getComputedStyle(pill).visibility === 'visible';
}"""


TWO_FRAMES = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
PILL_COVERS = """id => {  // where the pill is drawn once it has slid in (it is fixed)
    const pill = document.querySelector('.md-top');
    const item = document.getElementById(id).getBoundingClientRect();
    return pill.offsetTop + pill.offsetHeight > item.top && pill.offsetTop < item.bottom;
}"""


@pytest.mark.parametrize("screen", SCREENS)
def test_the_back_to_top_pill_never_covers_the_item_a_link_pointed_at(open_tab, base_url, screen):
    rec = BRANDS.recommendations[2]
    tab = open_tab(viewport=SCREENS[screen])
    tab.goto(f"{base_url}{BRANDS.slug}/#{rec.id}")
    expect(tab.locator(f"#{rec.id}")).to_have_class(re.compile("cppcc-target"))
    tab.mouse.move(SCREENS[screen]["width"] // 2, 400)  # over the text
    tab.wait_for_timeout(300)  # Material listens to scrolling again 250 ms after a jump
    # A little up, to read what comes before: Material shows its pill, at the top.
    tab.mouse.wheel(0, -20)
    tab.wait_for_function("!document.querySelector('.md-top').hidden")
    tab.evaluate(TWO_FRAMES)  # site.js has looked again
    assert tab.evaluate(PILL_COVERS, rec.id), "the pill's place is over the item"
    assert not tab.evaluate(PILL_SHOWN)
    # Further up, the item is below the pill's place: the pill is back.
    tab.mouse.wheel(0, -SCREENS[screen]["height"])
    tab.wait_for_function(PILL_SHOWN)
    assert not tab.evaluate(PILL_COVERS, rec.id)


# -- item 9: a phone's table of contents ----------------------------------------------------------

def test_a_phone_has_a_folded_table_of_contents(open_tab, base_url):
    tab = open_tab(viewport=PHONE)
    tab.goto(f"{base_url}{BRANDS.slug}/")
    toc = tab.locator("details.cppcc-toc")
    expect(toc).to_be_visible()
    expect(toc.locator("a").first).to_be_hidden()
    toc.locator("summary").click()
    links = toc.locator("a").evaluate_all(
        "els => els.map(a => [a.getAttribute('href'), a.textContent])")
    material = tab.locator(".md-sidebar--secondary a.md-nav__link").evaluate_all(
        "els => els.map(a => [a.getAttribute('href'), a.textContent.trim()])")
    assert links == material and len(links) >= 3 + len(BRANDS.recommendations)
    rec = BRANDS.recommendations[2]
    toc.locator(f'a[href="#{rec.id}"]').click()
    expect(tab.locator(f"#{rec.id}")).to_have_class(re.compile("cppcc-target"))
    wide = open_tab(viewport=DESKTOP)
    wide.goto(f"{base_url}{BRANDS.slug}/")
    expect(wide.locator("details.cppcc-toc")).to_be_hidden()  # Material's own is shown


# -- item 9: an item's chrome: its id on hover or focus, its controls after its cross-reference ----

@pytest.mark.parametrize("screen", SCREENS)
def test_an_items_controls_end_the_last_line_of_its_cross_reference(open_tab, base_url, screen):
    """Where they fit beside it; else they come under it, at its right."""
    tab = open_tab(viewport=SCREENS[screen])
    rows = {"beside": 0, "under": 0}
    for p in CORPUS.proposals:
        tab.goto(f"{base_url}{p.slug}/")
        for where, count in tab.evaluate("""() => {
            const out = {};
            for (const item of document.querySelectorAll('.cppcc-item')) {
                const xref = item.querySelector(':scope > .cppcc-xref');
                const controls = item.querySelector('.cppcc-actions');
                if (!xref || xref.nextElementSibling !== controls) continue;
                const lines = [...xref.getClientRects()], last = lines[lines.length - 1];
                const actions = controls.getBoundingClientRect();
                const inner = item.getBoundingClientRect().right
                    - parseFloat(getComputedStyle(item).paddingRight);
                const gap = parseFloat(getComputedStyle(controls).marginLeft);
                const fits = last.right + gap + actions.width <= inner + 0.5;
                const beside = actions.top < last.bottom && actions.bottom > last.top;
                const under = actions.top >= last.bottom - 1 && Math.abs(actions.right - inner) < 1;
                const where = fits ? (beside ? "beside" : "misplaced")
                                   : (under ? "under" : "misplaced");
                out[where] = (out[where] || 0) + 1;
            }
            return Object.entries(out);
        }"""):
            rows[where] = rows.get(where, 0) + count
    assert "misplaced" not in rows and rows["beside"] > 0, rows


def permalink_shown(tab, item_id: str) -> bool:
    return tab.eval_on_selector(f"#{item_id} .cppcc-permalink",
                                "el => el.getBoundingClientRect().width > 1")


def test_an_items_english_id_shows_only_on_hover_or_focus(open_tab, base_url):
    tab = open_tab()
    problem = BRANDS.problems[1]
    tab.goto(f"{base_url}{BRANDS.slug}/")
    tab.mouse.move(0, 0)
    assert not permalink_shown(tab, problem.id)
    tab.hover(f"#{problem.id} .cppcc-num")
    assert permalink_shown(tab, problem.id)
    tab.mouse.move(0, 0)
    tab.focus(f"#{problem.id} button.cppcc-copy")
    assert permalink_shown(tab, problem.id)


# -- item 9: dark mode ----------------------------------------------------------------------------

RED_TEXT = {"": [".cppcc-hero h1", ".cppcc-card-topic", ".cppcc-cards h3 a",
                 ".cppcc-speaker-body a"],
            f"{BRANDS.slug}/": [".cppcc-kicker a", ".cppcc-speaker-body a", ".cppcc-xref a",
                                "button.cppcc-copy", "button.cppcc-print"]}


@pytest.mark.parametrize("scheme", SCHEMES)
def test_the_red_keeps_its_contrast_in_both_schemes(open_tab, base_url, scheme):
    tab = open_tab(color_scheme=scheme)
    low = {}
    for path, selectors in RED_TEXT.items():
        tab.goto(base_url + path)
        assert scheme_of(tab) == {"light": "default", "dark": "slate"}[scheme]
        for selector in selectors:
            if (ratio := contrast(tab, selector)) < 4.5:
                low[(path, selector)] = round(ratio, 2)
    assert low == {}


def test_the_palette_toggle_switches_the_scheme_and_remembers_it(open_tab, base_url):
    tab = open_tab(color_scheme="light")
    tab.goto(base_url)
    assert scheme_of(tab) == "default"
    tab.locator("label.md-header__button[for^=__palette]:visible").click()
    tab.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    tab.goto(f"{base_url}{BRANDS.slug}/")
    assert scheme_of(tab) == "slate"


# -- item 9: the home page's hero -----------------------------------------------------------------

@pytest.mark.parametrize("screen", SCREENS)
def test_the_home_pages_hero_is_centred_as_one(open_tab, base_url, screen):
    tab = open_tab(viewport=SCREENS[screen])
    tab.goto(base_url)
    centres = tab.eval_on_selector_all(".cppcc-hero > *", """els => els.map(el => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const lines = [...range.getClientRects()];
        const left = Math.min(...lines.map(r => r.left));
        const right = Math.max(...lines.map(r => r.right));
        const box = el.parentElement.getBoundingClientRect();
        return Math.round((left + right) / 2 - (box.left + box.right) / 2);
    })""")
    assert len(centres) >= 2 and all(abs(c) <= 2 for c in centres), centres


def test_the_home_page_names_the_meeting_once(site_dir):
    (meeting,) = CORPUS.meetings
    hero = BeautifulSoup((site_dir / "index.html").read_text("utf-8"), "html.parser").select_one(
        ".cppcc-hero")
    assert hero.get_text().count(meeting.title) == 1


# -- item 7: line breaking ------------------------------------------------------------------------

# The tops of the lines each part of a speaker line, a card's topic and its counts are drawn on.
PART_LINES = """els => els.map(el => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return [el.textContent, new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
})"""
SHORT_LABELS = ".cppcc-speaker > span, .cppcc-card-topic"


@pytest.mark.parametrize("screen", SCREENS)
def test_a_speaker_line_breaks_only_between_its_parts(open_tab, base_url, screen):
    """On the home page's cards and on every proposal page (the narrow cards of a desktop broke
    "农工民主党辽源市委员/会", a phone "兼/职副主委")."""
    tab = open_tab(viewport=SCREENS[screen])
    broken, seen = [], 0
    for path in ["", *(f"{p.slug}/" for p in CORPUS.proposals)]:
        tab.goto(base_url + path)
        parts = tab.eval_on_selector_all(SHORT_LABELS, PART_LINES)
        seen += len(parts)
        broken += [(path, text) for text, lines in parts if lines != 1]
    assert seen >= 4 * len(CORPUS.proposals) and broken == []


# The last two characters of a heading: on the same line (no orphan such as "议").
LAST_LINE = """els => els.map(el => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const chars = [];
    for (let node; (node = walker.nextNode());)
        for (let i = 0; i < node.length; i++)
            if (node.data[i].trim()) chars.push([node, i]);
    const top = ([node, i]) => {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        return Math.round(range.getBoundingClientRect().top);
    };
    return [el.textContent, top(chars[chars.length - 2]) === top(chars[chars.length - 1])];
})"""


@pytest.mark.parametrize("screen", SCREENS)
def test_no_heading_leaves_one_character_alone_on_its_last_line(open_tab, base_url, screen):
    tab = open_tab(viewport=SCREENS[screen])
    orphans = []
    for path in ["", *(f"{p.slug}/" for p in CORPUS.proposals)]:
        tab.goto(base_url + path)
        found = tab.eval_on_selector_all("article h1, .cppcc-cards h3, h3.cppcc-headline",
                                         LAST_LINE)
        orphans += [text for text, together in found if not together]
    assert orphans == []


def test_chinese_and_latin_get_their_space_where_the_browser_can(open_tab, base_url):
    tab = open_tab()
    tab.goto(f"{base_url}{BRANDS.slug}/")
    if not tab.evaluate("CSS.supports('text-autospace', 'normal')"):
        pytest.skip("this Chromium has no text-autospace")
    assert tab.eval_on_selector(".cppcc-passage p",
                                "el => getComputedStyle(el).textAutospace") == "normal"


# -- item 9: the 404 page -------------------------------------------------------------------------

def test_the_404_page_speaks_chinese(site_dir):
    page = BeautifulSoup((site_dir / "404.html").read_text("utf-8"), "html.parser")
    assert page.html["lang"] == "zh-CN"
    assert page.title.get_text().startswith("页面不存在")
    article = page.select_one("article")
    assert article.h1.get_text() == "404 - 页面不存在"
    assert "Not found" not in page.get_text()
    # served for any missing address, so its link home holds from any folder
    assert [urljoin("http://host/no/such/page/", a["href"]) for a in article.find_all("a")] == [
        "http://host/"]
