"""Words that mean one thing: a proposal is a 发言 or a 提案, as its kind is (counted in 篇), its
items are 建议 and 问题 (counted in 条 and 项), and a search counts its results (条结果) the
same way everywhere: on the built pages, in Material's strings as the site sets them, and in the
search dialog.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cppcc import rendering
from cppcc.exports import EXPORTS
from cppcc.linking import Links
from cppcc.loading import load_corpus
from cppcc.model import kinds_label
from cppcc.search.engine import Engine
from cppcc.search.indexing import build_index
from generate_corpus import generate

REPO = Path(__file__).resolve().parents[1]
CORPUS = load_corpus(REPO / "proposals")


def parsed(site_dir: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site_dir / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def text(tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


def test_a_proposal_page_names_proposals_and_items_apart(site_dir):
    page = parsed(site_dir, "rule-of-law/")
    assert text(page.select_one(".cppcc-counts")) == "问题 5 项 · 建议 5 条"
    assert [text(h) for h in page.select("article h2")][:3] == ["背景", "存在的问题", "建议"]


def test_related_proposals_are_named_by_their_kind(tmp_path):
    """The real seven share too little to be related: 30 generated speeches are."""
    links = Links(load_corpus(generate(tmp_path / "proposals", 30, seed=3)))
    related = [page for page in rendering.all_pages(links)
               if any(entry.id == "related" for entry in page.toc)]
    assert related
    for page in related:
        body = BeautifulSoup(page.html, "html.parser")
        assert text(body.find(id="related")) == "相关发言"
        assert [e.title for e in page.toc if e.id == "related"] == ["相关发言"]


def test_a_group_of_proposals_is_named_by_its_kinds():
    speech, other = CORPUS.proposals[:2]
    proposal = other.model_copy(update={"kind": "proposal"})
    assert [kinds_label(group) for group in ([speech], [proposal], [proposal, speech], [])] == [
        "发言", "提案", "发言与提案", ""]


def test_the_open_data_names_proposals_as_such(site_dir):
    home = parsed(site_dir, "")
    assert [text(a) for a in home.select(".cppcc-data > li > a:first-child")] == [
        "全部发言", "建议清单", "发言文件的格式"] == [e.title for e in EXPORTS]
    assert [e.description for e in EXPORTS] == [
        "全部会议和发言的结构化数据：每一项附链接，每篇发言附关键词",
        "每条建议一行：所属发言、编号、标题、链接",
        "proposals/ 中每个 YAML 文件的格式，供编辑器校验"]


def test_the_search_box_and_its_counts(site_dir):
    home = parsed(site_dir, "")
    box = home.select_one("input[data-md-component=search-query]")
    assert (box["placeholder"], box["aria-label"]) == ("搜索发言与建议",) * 2
    strings = json.loads(home.select_one("#__config").string)["translations"]
    # one result and many read alike (Material's own say 找到 1 个符合条件的结果 but # 个符合条件的结果)
    assert strings["search.result.one"] == strings["search.result.other"].replace("#", "1")
    assert strings["search.result.more.one"] == strings["search.result.more.other"].replace("#", "1")
    assert [strings[f"search.result.{key}"] for key in ("other", "more.other")] == [
        "找到 # 条结果", "本篇还有 # 条结果"]
    assert strings["search.result.placeholder"].startswith("输入关键词")


# -- in the search dialog ------------------------------------------------------------------------

def open_search(page, base_url: str, query: str):
    page.goto(base_url + "?q=" + query)
    page.wait_for_selector(".md-search-result__meta:not(:text('正在初始化'))")
    page.wait_for_function("document.querySelector('.md-search-result__list').children.length > 0")


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(build_index(Links(CORPUS), parallel=False))


@pytest.mark.browser
@pytest.mark.parametrize("query", ["深根固抵", "商标", "发展"])
def test_the_dialog_counts_results_one_way(page, base_url, engine, query):
    hits = engine.search(query)
    open_search(page, base_url, query)
    assert page.inner_text(".md-search-result__meta") == f"找到 {len(hits)} 条结果"
    assert page.get_attribute("[role=dialog]", "aria-label") == "搜索发言、建议、问题"


@pytest.mark.browser
def test_the_dialog_names_more_results_and_more_proposals(page, base_url, engine):
    hits = engine.search("发展")
    per_proposal = {}
    for p, _, _ in hits:
        per_proposal[p] = per_proposal.get(p, 0) + 1
    open_search(page, base_url, "发展")
    more = page.locator(".md-search-result__more summary").all_inner_texts()
    shown = list(per_proposal.values())[:5]  # the first five groups, three items shown in each
    assert more == [f"本篇还有 {n - 3} 条结果" for n in shown if n > 3]
    button = page.locator(".cppcc-search-more__button")
    assert button.inner_text() == f"显示更多结果（还有 {len(per_proposal) - 5} 篇）"


@pytest.mark.browser
@pytest.mark.parametrize(("width", "height"), [(1280, 800), (375, 812)])
def test_the_placeholder_fits_its_box(browser, base_url, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(base_url)
        if width < 960:  # a phone opens the search with the header's button
            page.click("label.md-header__button[for=__search]")
        box = page.locator("input[data-md-component=search-query]")
        box.wait_for(state="visible")
        # the placeholder typed in: the box scrolls when it is wider than its room
        room, needed = box.evaluate("""input => {
            input.value = input.placeholder;
            const sizes = [input.clientWidth, input.scrollWidth];
            input.value = "";
            return sizes;
        }""")
        assert needed <= room, (width, room, needed)
    finally:
        context.close()
