"""Safe when served: the pages work under the strict Content-Security-Policy that README.md
documents (no 'unsafe-inline' script), and no page loads anything from another origin."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import expect

from bench.harness import serve

REPO = Path(__file__).resolve().parents[1]
HEADER = re.search(r"^Content-Security-Policy: (.+)$",
                   (REPO / "README.md").read_text(encoding="utf-8"), re.MULTILINE).group(1)
DIRECTIVES = {d.split()[0]: d.split()[1:] for d in HEADER.split("; ")}


def inline_scripts(page: BeautifulSoup) -> list[str]:
    """Scripts that run from the page's own text (JSON data blocks, JSON-LD among them, do not
    run)."""
    return [s.string or "" for s in page.find_all("script")
            if not s.get("src") and s.get("type") not in ("application/json", "application/ld+json")]


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.fixture(scope="module")
def pages(site_dir) -> dict[str, BeautifulSoup]:
    return {p.relative_to(site_dir).as_posix(): BeautifulSoup(p.read_text("utf-8"), "html.parser")
            for p in sorted(site_dir.rglob("*.html"))}


def test_the_documented_header_is_strict():
    assert "'unsafe-inline'" not in DIRECTIVES["script-src"]
    assert "'unsafe-eval'" not in DIRECTIVES["script-src"]
    assert DIRECTIVES["default-src"] == ["'self'"]
    assert DIRECTIVES["object-src"] == ["'none'"]
    assert DIRECTIVES["frame-ancestors"] == ["'none'"]
    assert all(source.startswith("'") for values in DIRECTIVES.values() for source in values
               if source != "data:"), "no other origin is allowed"


def test_no_page_has_an_inline_script(pages):
    """Material's own inline scripts are external files (docs/overrides/partials/javascripts/),
    and the search worker's address is written into Material's JSON config: nothing inline runs,
    so the header needs no hash."""
    assert DIRECTIVES["script-src"] == ["'self'"]
    found = {sha256(text): name for name, page in pages.items() for text in inline_scripts(page)}
    assert found == {}


def test_no_inline_handlers_and_nothing_from_another_origin(pages):
    for name, page in pages.items():
        handlers = [(t.name, a) for t in page.find_all(True) for a in t.attrs if a.startswith("on")]
        assert handlers == [], name
        for tag, attr in (("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                          ("source", "src"), ("video", "src"), ("audio", "src")):
            for element in page.find_all(tag):
                url = element.get(attr) or ""
                assert not re.match(r"^([a-z][a-z0-9+.-]*:|//)", url) or url.startswith("data:"), (
                    name, url)


RECORD = """window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI + " " + e.sourceFile);
});"""


@pytest.fixture
def csp_tab(site_dir, browser):
    with serve(site_dir, {"Content-Security-Policy": HEADER}) as base:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base[:-1])
        context.add_init_script(RECORD)
        tab = context.new_page()
        problems: list[str] = []
        tab.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
        tab.on("pageerror", lambda e: problems.append(str(e)))
        yield base, tab, problems
        context.close()


def violations(tab) -> list[str]:
    return tab.evaluate("window.__violations")


@pytest.mark.browser
@pytest.mark.parametrize("url", ["", "rule-of-law/", "keywords/", "parties/",
                                 "meetings/liaoyuan-9-3/", "404.html"])
def test_pages_report_no_violation_under_the_header(csp_tab, url):
    base, tab, problems = csp_tab
    tab.goto(base + url)
    tab.wait_for_load_state("networkidle")
    assert tab.evaluate("typeof __md_get") == "function"  # Material's bootstrap ran
    assert violations(tab) == []
    assert [p for p in problems if "Content Security Policy" in p or "Refused" in p] == []


@pytest.mark.browser
def test_the_site_still_works_under_the_header(csp_tab):
    base, tab, problems = csp_tab
    tab.goto(base + "rule-of-law/#legal-workforce")
    tab.wait_for_load_state("networkidle")
    assert tab.locator(".cppcc-target").get_attribute("id") == "legal-workforce"
    button = tab.locator("#legal-workforce [data-cppcc-copy]")
    button.click()
    tab.wait_for_function("document.querySelector('#legal-workforce [data-cppcc-copied]')")
    copied = button.get_attribute("data-cppcc-copied")
    assert copied == base + "rule-of-law/#legal-workforce"
    tab.locator("#legal-workforce button.cppcc-cite").click()  # a dialog made by the script
    with tab.expect_download() as download:  # a file made in the page (a blob: URL)
        tab.locator("#cppcc-cite-dialog").get_by_role("link", name="RIS").click()
    assert Path(download.value.path()).read_bytes().startswith(b"TY  - ELEC\r\n")
    tab.locator("#cppcc-cite-dialog").get_by_role("button", name="复制引文").click()
    expect(tab.locator("#cppcc-cite-dialog").get_by_role("status")).to_have_text("已复制到剪贴板")
    tab.keyboard.press("Escape")
    tab.locator("input.md-search__input").click()
    tab.locator("input.md-search__input").fill("法治")
    tab.wait_for_selector(".md-search-result__list > *", timeout=10_000)
    tab.locator(".cppcc-filters__toggle").click()  # the filters' script is loaded now
    tab.wait_for_selector(".cppcc-filters__value", timeout=10_000)
    assert violations(tab) == []
    assert [p for p in problems if "Content Security Policy" in p or "Refused" in p] == []
