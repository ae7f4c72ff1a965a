"""Search: the index and ranking in Python, then the search box in the browser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bench import search as bench_search
from bench.harness import build_site, serve
from cppcc.linking import Links
from cppcc.loading import load_corpus
from cppcc.search import indexing, maps, ranking, text, varint
from cppcc.search.engine import Engine
from cppcc.search.indexing import ROOT, build_index, field_terms, items_of
from helpers import copy_project

REPO = Path(__file__).resolve().parents[1]
QUERIES = yaml.safe_load((REPO / "tests" / "search_queries.yaml").read_text(encoding="utf-8"))
KINDS = {"keyword", "paraphrase", "name", "party", "traditional", "pinyin", "spaced", "problem",
         "background"}
ATTACK = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def corpus():
    return load_corpus(REPO / "proposals", display_root=REPO)


@pytest.fixture(scope="module")
def files(corpus) -> dict[str, bytes]:
    return build_index(Links(corpus))


@pytest.fixture(scope="module")
def engine(files) -> Engine:
    return Engine(files)


def first(engine: Engine, corpus, query: str) -> tuple[str, str]:
    p, i, _ = engine.search(query)[0]
    proposal = corpus.proposals[p]
    return proposal.slug, items_of(proposal)[i].id


# -- segmentation: the browser's query terms are the index's terms ----------------------------

def test_every_bigram_and_word_of_an_item_is_found_by_the_query_side(engine, corpus, files):
    segmenter = Links(corpus).segmenter
    for item in items_of(corpus.proposals[0]):
        words = field_terms([item.body], [segmenter.cut(item.body)])
        plan = engine.plan(item.body)
        assert set(words) <= {t.term for t in plan.terms}


def test_query_runs_split_cjk_latin_and_ignore_punctuation():
    assert list(text.runs(text.normalize("老字号 ＡＢＣ，2023年!"))) == [
        (0, "老字号"), (4, "abc"), (8, "2023"), (12, "年")]


def test_shard_of_hashes_the_first_two_characters():
    assert text.shard_of("专精特新", 16) == text.shard_of("专精", 16)
    assert text.shard_of("ab", 1 << 31) == (ord("a") * 31 + ord("b"))


# -- shard layout -------------------------------------------------------------------------------

def test_every_term_lives_in_the_shard_its_hash_names(files):
    manifest = json.loads(files[ROOT + "manifest.json"])
    for kind in ("t", "u", "py"):
        count = manifest["shards"][kind]
        for k in range(count):
            shard = json.loads(files[f"{ROOT}{kind}/{k}.json"])
            assert all(text.shard_of(term, count) == k for term in shard)


def test_no_file_holds_the_corpus_and_proposals_have_one_fragment_each(files, corpus):
    term_bytes = sum(len(v) for k, v in files.items() if k.startswith(ROOT + "t/"))
    assert max(len(v) for k, v in files.items() if k.startswith(ROOT + "t/")) < term_bytes / 4
    assert len(files[ROOT + "manifest.json"]) < 1000
    assert sorted(k for k in files if k.startswith(ROOT + "p/")) == sorted(
        f"{ROOT}p/{n}.json" for n in range(len(corpus.proposals)))


def test_varint_strings_round_trip_small_and_large_numbers():
    numbers = [0, 1, 31, 32, 1023, 1024, 99_999, 2**40, 5]
    code = varint.encode(numbers)
    assert varint.decode(code) == numbers
    assert len(varint.encode([3, 7, 150])) == 4  # a usual posting: 4 characters
    assert all(c in varint.DIGITS for c in code) and json.dumps(code)[1:-1] == code
    with pytest.raises(ValueError):
        varint.decode(varint.encode([2**40])[:-1])  # cut inside a number
    with pytest.raises(ValueError):
        varint.decode("AB*")  # not a digit


def test_an_entry_keeps_the_metas_and_the_items_of_highest_impact(monkeypatch):
    monkeypatch.setattr(indexing, "MAX_POSTINGS", 3)
    postings = [(0, ranking.META, 40), (0, 0, 10), (0, 2, 90), (4, 1, 50), (4, ranking.META, 7),
                (9, 0, 60), (700, 3, 20)]
    decoded = ranking.Postings.from_json(json.loads(json.dumps(indexing.encode(postings, 2))))
    assert (decoded.df_items, decoded.df_meta) == (5, 2)
    assert decoded.triples == [(0, ranking.META, 40), (0, 2, 90), (4, ranking.META, 7),
                               (4, 1, 50), (9, 0, 60)]


def test_the_index_is_the_same_on_every_build(files, corpus):
    assert build_index(Links(corpus)) == files


def test_the_site_holds_the_index_its_build_wrote_in_a_child_process(files, site_dir):
    index = site_dir / ROOT
    assert {f"{ROOT}{p.relative_to(index).as_posix()}": p.read_bytes()
            for p in index.rglob("*") if p.is_file()} == files
    assert not list(site_dir.parent.glob(".cppcc-index-*"))  # its folder was moved in


# -- ranking ------------------------------------------------------------------------------------

def test_impact_grows_with_frequency_falls_with_length_and_weighs_the_headline():
    avg = {"head": 10.0, "body": 10.0}
    one = ranking.impact({"body": 1}, {"head": 0, "body": 10}, avg)
    assert ranking.impact({"body": 2}, {"head": 0, "body": 10}, avg) > one
    assert ranking.impact({"body": 1}, {"head": 0, "body": 40}, avg) < one
    assert ranking.impact({"head": 1}, {"head": 10, "body": 0}, avg) > one


def test_idf_falls_as_a_term_gets_common():
    assert ranking.idf(1, 100) > ranking.idf(10, 100) > ranking.idf(100, 100) > 0


def test_ties_are_broken_by_reading_order_whatever_the_posting_order():
    terms = [ranking.QueryTerm("甲乙", 0, 2)]
    postings = {"甲乙": ranking.Postings(3, 0, [(2, 0, 50), (0, 3, 50), (0, 1, 50)])}
    assert [(p, i) for p, i, _ in ranking.rank(terms, postings, 2, 10, 3)] == [(0, 1), (0, 3), (2, 0)]


def test_coverage_keeps_items_that_match_most_of_the_query():
    terms = [ranking.QueryTerm("甲乙", 0, 2), ranking.QueryTerm("丙丁", 2, 4)]
    postings = {"甲乙": ranking.Postings(2, 0, [(0, 0, 90), (0, 1, 50)]),
                "丙丁": ranking.Postings(1, 0, [(0, 1, 50)])}
    hits = ranking.rank(terms, postings, 4, 10, 1, min_coverage=0.75)
    assert [(p, i) for p, i, _ in hits] == [(0, 1)]


def test_a_speaker_query_lands_on_the_first_item_of_the_proposal(engine, corpus):
    assert first(engine, corpus, "毕精华") == ("rule-of-law", "overview")


# -- traditional characters and pinyin ----------------------------------------------------------

def test_t2s_maps_only_to_characters_of_the_corpus():
    table = maps.t2s_map({"专", "转", "双"})
    assert table["專"] == "专" and table["轉"] == "转" and table["雙"] == "双"
    assert set(table.values()) <= {"专", "转", "双"}
    assert "专" not in maps.t2s_map({"专", "專"})  # a character the corpus has stays itself


def test_pinyin_map_is_made_of_corpus_words(files):
    keys = {}
    for name, content in files.items():
        if name.startswith(ROOT + "py/"):
            keys.update(json.loads(content))
    assert keys["laozihao"] == ["老字号"] and keys["zhuanjingtexin"] == ["专精特新"]


@pytest.mark.parametrize(("query", "rewritten"), [
    ("雙向轉診", "双向转诊"), ("laozihao", "老字号"), ("lao zi hao", "老字号"),
    ("zhuanjingtexin 政策", "专精特新 政策"), ("2022", "2022")])
def test_queries_are_rewritten_to_the_corpus_words(engine, query, rewritten):
    assert engine.rewrite(query) == rewritten


def test_traditional_and_pinyin_find_what_simplified_finds(engine):
    assert engine.search("雙向轉診") == engine.search("双向转诊") == engine.search("shuangxiangzhuanzhen")


def test_a_paraphrase_finds_its_item(engine, corpus):
    assert first(engine, corpus, "基层医疗人才短缺") == ("primary-healthcare", "talent-shortage")


def test_an_unrelated_query_finds_nothing(engine):
    assert engine.search("火星探测") == [] and engine.search("xyzzy") == []


# -- the evaluation set -------------------------------------------------------------------------

def test_the_evaluation_set_names_real_items_of_every_kind(corpus):
    ids = {p.slug: {it.id for it in items_of(p)} for p in corpus.proposals}
    assert len(QUERIES) >= 60 and {q["kind"] for q in QUERIES} == KINDS
    for q in QUERIES:
        assert q["proposal"] in ids, q
        assert set(q["items"]) <= ids[q["proposal"]], q


# -- in the browser -----------------------------------------------------------------------------

def open_search(page, base_url: str, query: str):
    page.goto(base_url + "?q=" + query)
    page.wait_for_selector(".md-search-result__meta:not(:text('正在初始化'))")
    page.wait_for_function("document.querySelector('.md-search-result__list').children.length > 0")


def result_links(page) -> list[str]:
    return page.eval_on_selector_all(".md-search-result__link", "els => els.map(e => e.href)")


@pytest.mark.browser
def test_results_are_item_links_grouped_under_their_proposal(page, base_url):
    open_search(page, base_url, "双向转诊")
    links = result_links(page)
    assert links[0].startswith(base_url + "primary-healthcare/?h=")
    assert links[0].endswith("#referral-difficulties")
    assert all("#" in link for link in links)
    group = page.locator(".md-search-result__item").first
    assert group.locator("h1").inner_text() == "关于提高我市基层防病治病和健康管理能力的建议"


@pytest.mark.browser
def test_the_snippet_and_the_target_page_highlight_the_words(page, base_url):
    open_search(page, base_url, "双向转诊")
    marks = page.locator(".md-search-result__link").first.locator("mark").all_inner_texts()
    assert "双向转诊" in marks
    page.locator(".md-search-result__link").first.click()
    page.wait_for_url("**/primary-healthcare/**#referral-difficulties")
    page.wait_for_selector("mark[data-md-highlight]")
    assert "双向转诊" in page.locator("#referral-difficulties mark").all_inner_texts()


@pytest.mark.browser
def test_a_q_url_opens_search_with_its_results(page, base_url):
    open_search(page, base_url, "老字号 商标")
    assert page.locator("#__search").is_checked()
    assert page.input_value(".md-search__input") == "老字号 商标"
    assert "/time-honored-brands/" in result_links(page)[0]


@pytest.mark.browser
@pytest.mark.parametrize(("query", "expected"), [
    ("雙向轉診", "primary-healthcare/?h=%E5%8F%8C%E5%90%91%E8%BD%AC%E8%AF%8A#referral-difficulties"),
    ("專精特新", "specialized-smes/"), ("laozihao", "time-honored-brands/"),
    ("zhuanjingtexin", "specialized-smes/")])
def test_traditional_and_pinyin_queries(page, base_url, query, expected):
    open_search(page, base_url, query)
    assert result_links(page)[0].startswith(base_url + expected)


@pytest.mark.browser
def test_no_result_says_so_and_suggests_topics(page, base_url):
    open_search(page, base_url, "火星探测")
    assert page.inner_text(".md-search-result__meta") == "没有找到符合条件的结果"
    suggestion = page.locator(".cppcc-search-suggestion").first
    assert "?q=" in suggestion.get_attribute("href")
    suggestion.click()
    page.wait_for_function("document.querySelectorAll('.md-search-result__link').length > 0")


@pytest.mark.browser
def test_keyboard_slash_arrows_enter_and_escape(page, base_url):
    page.goto(base_url)
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.matches('.md-search__input')")
    page.keyboard.insert_text("执法监督")
    page.wait_for_selector(".md-search-result__link")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('md-search-result__link')")
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()
    page.keyboard.press("/")
    # Material reads Enter as a search key only once the search toggle is on again
    page.wait_for_function("document.getElementById('__search').checked")
    page.keyboard.press("Enter")
    page.wait_for_url("**/rule-of-law/**#build-oversight-system")


@pytest.mark.browser
def test_the_browser_ranks_as_the_python_reference(page, base_url, engine, corpus):
    """The page's engine.js, loaded and reading the served index (test_search_parity.py runs
    it under Node on every query and on a large index)."""
    page.goto(base_url)
    # and long queries: spans past the 30th character, punctuation, partial matches
    body = items_of(corpus.proposals[2])[3].body
    long = [body[:60], f"{body[:25]}， {body[40:70]}?", "法治 老字号 职业教育 科普 基层医疗 城市文化",
            "职业教育" + "，" * 40 + "生源"]
    for q in [q["q"] for q in QUERIES[::8]] + ["雙向轉診", "lao zi hao"] + long:
        got = page.evaluate("async q => (await window.cppccSearch.search(q)).hits", q)
        want = engine.search(q)
        assert [(p, i) for p, i, _ in got] == [(p, i) for p, i, _ in want], q
        assert [s for *_, s in got] == pytest.approx([s for *_, s in want], abs=1e-5), q


@pytest.mark.browser
def test_the_benchmark_runs_on_our_engine(page, base_url):
    queries = [q for q in bench_search.load_queries() if q.q in ("双向转诊", "laozihao", "毕精华")]
    page.goto(base_url)
    outcomes = bench_search.evaluate(page, "ours", base_url, queries)
    assert [o.rank for o in outcomes] == [1, 1, 1] and all(o.ms is not None for o in outcomes)
    assert bench_search.Score(outcomes).row()["hit@1"] == 1.0


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """A copy of the project whose proposal text carries an HTML attack."""
    root = copy_project(tmp_path_factory.mktemp("hostile"))
    target = root / "proposals" / "primary-healthcare.yaml"
    source = target.read_text(encoding="utf-8")
    assert "基层医疗卫生人才资源短缺," in source
    target.write_text(source.replace("基层医疗卫生人才资源短缺,", f"基层医疗卫生人才资源短缺{ATTACK},"),
                      encoding="utf-8")
    return build_site(root / "site", root / "mkdocs.yml")


@pytest.mark.browser
@pytest.mark.parametrize("query", ["人才资源短缺", ATTACK, f"人才资源短缺 {ATTACK}"])
def test_html_in_a_query_or_the_text_shows_as_text(page, hostile_site, query):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    with serve(hostile_site) as url:
        page.goto(url)
        page.fill(".md-search__input", query)
        page.wait_for_function("document.querySelector('.md-search-result__list').children.length")
        page.wait_for_timeout(300)
        shown = page.inner_text(".md-search-result__list")
        assert page.locator(".md-search-result__list img").count() == 0
        if query != ATTACK:
            assert ATTACK in shown
            page.locator(".md-search-result__link").first.click()
            page.wait_for_timeout(300)
    assert dialogs == []
