"""Search: the index and ranking in Python, then the search box in the browser."""

from __future__ import annotations

import json
from array import array
from collections import Counter
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from bench import search as bench_search
from bench.harness import build_site, serve
from cppcc import urls
from cppcc.linking import Links
from cppcc.loading import load_corpus
from cppcc.search import aliases, format, indexing, maps, ranking, text, varint
from cppcc.search.engine import Engine
from cppcc.search.indexing import ROOT, build_index, field_terms, items_of
from cppcc.segmenting import item_texts, meta_texts
from helpers import copy_project

REPO = Path(__file__).resolve().parents[1]
QUERIES = yaml.safe_load((REPO / "tests" / "search_queries.yaml").read_text(encoding="utf-8"))
KINDS = {"keyword", "paraphrase", "name", "party", "traditional", "pinyin", "spaced", "problem",
         "background", "alias", "tones", "initials", "typo", "question", "speaker"}
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

def test_every_bigram_and_word_of_an_item_is_found_by_the_query_side(corpus, files):
    segmenter = Links(corpus).segmenter
    manifest = json.loads(files[ROOT + "manifest.json"])
    manifest["query"]["functionWords"] = []  # (a text's 的 would count for nothing)
    engine = Engine({**files, ROOT + "manifest.json": json.dumps(manifest).encode()})
    for item in items_of(corpus.proposals[0]):
        words = field_terms([item.body], [segmenter.cut(item.body)])
        plan = engine.plan(item.body, literal=True)
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


def test_long_postings_in_files_of_their_own_change_no_result(corpus, files, engine):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(indexing, "OWN_FILE", 40)
        split = build_index(Links(corpus))
    manifest = json.loads(split[ROOT + "manifest.json"])
    own, named = {k for k in split if k.startswith(ROOT + format.OWN)}, set()
    for kind in ("t", "u"):
        for k in range(manifest["shards"][kind]):
            for entry in json.loads(split[f"{ROOT}{kind}/{k}.json"]).values():
                if isinstance(entry[2], int):
                    named.add(f"{ROOT}{format.OWN}{kind}.{k}.{entry[2]}.json")
    assert len(own) > 100 and named == own  # every stub names its file, and every file a stub
    shards = lambda index: sum(len(v) for k, v in index.items() if k.startswith(ROOT + "t/"))
    assert shards(split) < shards(files)
    split_engine = Engine(split)
    for q in [*(q["q"] for q in QUERIES), "的", "服务 发展", "职教"]:
        assert split_engine.search(q) == engine.search(q), q


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
    packed = array(indexing.POSTING, sorted(indexing.pack(*t) for t in postings))
    assert [indexing.unpack(x) for x in packed] == sorted(postings)
    decoded = ranking.Postings.from_json(json.loads(json.dumps(indexing.encode(packed, 2))))
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


def test_corrections_rank_below_exact_matches_whatever_their_score():
    terms = [ranking.QueryTerm("甲乙丙", 0, 3), ranking.QueryTerm("甲乙丁", 0, 3, fuzzy=True)]
    postings = {"甲乙丙": ranking.Postings(1, 0, [(0, 1, 10)]),
                "甲乙丁": ranking.Postings(1, 0, [(0, 0, 90)])}
    hits = ranking.rank(terms, postings, 3, 10, 1)
    assert [(p, i) for p, i, _ in hits] == [(0, 1), (0, 0)] and hits[0][2] < hits[1][2]


def test_a_weak_term_adds_to_the_score_and_covers_nothing():
    terms = [ranking.QueryTerm("甲乙", 0, 2), ranking.QueryTerm("丙", 2, 3, weak=True)]
    postings = {"甲乙": ranking.Postings(2, 0, [(0, 0, 50), (0, 1, 50)]),
                "丙": ranking.Postings(2, 0, [(0, 1, 50), (0, 2, 90)])}
    hits = ranking.rank(terms, postings, 3, 10, 1)
    assert [(p, i) for p, i, _ in hits] == [(0, 1), (0, 0)]  # not item 2: it covers nothing


def test_an_item_holding_the_words_side_by_side_ranks_above_one_holding_them_apart():
    terms = [ranking.QueryTerm("甲乙", 0, 2), ranking.QueryTerm("乙丙", 1, 3),
             ranking.QueryTerm("丙丁", 2, 4)]
    postings = {"甲乙": ranking.Postings(2, 0, [(0, 0, 50), (0, 1, 50)]),
                "乙丙": ranking.Postings(1, 0, [(0, 1, 50)]),
                "丙丁": ranking.Postings(2, 0, [(0, 0, 60), (0, 1, 50)])}
    assert [(p, i) for p, i, _ in ranking.rank(terms, postings, 4, 10, 1)] == [(0, 1), (0, 0)]


def test_another_name_counts_no_more_than_the_name_typed():
    rare = ranking.Postings(1, 0, [(0, 0, 50)])  # alone, it would rank first
    common = ranking.Postings(8, 0, [(0, 1, 60)])
    terms = [ranking.QueryTerm("甲乙", 0, 2), ranking.QueryTerm("丙丁", 0, 2, of="甲乙")]
    assert ranking.rank(terms, {"甲乙": common, "丙丁": rare}, 2, 10, 1)[0][:2] == (0, 1)


# -- speakers -----------------------------------------------------------------------------------

def test_a_speaker_query_lands_on_the_speaker_line(engine, corpus):
    assert first(engine, corpus, "毕精华") == ("rule-of-law", urls.SPEAKER)
    assert first(engine, corpus, "民建 委员") == ("specialized-smes", urls.SPEAKER)
    assert first(engine, corpus, "曾丽丽 副主席") == ("time-honored-brands", urls.SPEAKER)


def test_the_speaker_line_is_each_fragment_s_first_item(files, corpus):
    for p, proposal in enumerate(corpus.proposals):
        fragment = json.loads(files[f"{ROOT}p/{p}.json"])
        s = proposal.speaker
        assert fragment["i"][0][:3] == [urls.SPEAKER, "发言人", ""]
        assert fragment["i"][0][3].startswith(f"{s.name} · {s.body} · {s.role}")
        assert [it[0] for it in fragment["i"][1:]] == [it.id for it in proposal.items()]


def test_the_proposal_page_s_speaker_line_is_its_anchor(site_dir, corpus):
    for proposal in corpus.proposals:
        html = BeautifulSoup((site_dir / proposal.slug / "index.html").read_text("utf-8"),
                             "html.parser")
        line = html.find(id=urls.SPEAKER)
        assert line.name == "p" and "cppcc-speaker" in line["class"], proposal.slug
        assert line.select_one(".cppcc-speaker-name").get_text() == proposal.speaker.name


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
    ("zhuanjingtexin 政策", "专精特新 政策"), ("2022", "2022"),
    # pinyin as typed: tone marks, spaces, capitals, full-width letters, apostrophes
    ("zhuānjīngtèxīn", "专精特新"), ("Zhuān Jīng Tè Xīn", "专精特新"), ("ZHUANJINGTEXIN", "专精特新"),
    ("ｌａｏｚｉｈａｏ", "老字号"), ("chan'jiao rong'he", "产教融合"), ("laozihao xyzzy", "老字号 xyzzy"),
    # initials of a word or phrase of three characters or more
    ("zjtx", "专精特新"), ("ZJTX", "专精特新"), ("sxzz", "双向转诊"), ("lzh", "老字号"),
    ("zjtx zhengce", "专精特新政策")])
def test_queries_are_rewritten_to_the_corpus_words(engine, query, rewritten):
    assert engine.rewrite(query) == rewritten


def test_tone_marks_and_umlauts_are_dropped_alike_from_text_and_queries():
    assert text.normalize("Zhuān Jīng") == "zhuan jing" and text.normalize("lǜ") == "lv"
    assert text.normalize("双向转诊ＡＢＣ") == "双向转诊abc"


def test_initials_stand_for_words_of_three_characters_or_more_the_commonest_first():
    table = maps.pinyin_map(Counter({"专精特新": 2, "专家团体": 5, "中心": 9}),
                            Counter({"专精特心": 1}))
    assert table["zjtx"] == ["专精特新", "专精特心"] and table["zjtt"] == ["专家团体"]
    assert "zx" not in table  # 中心: two characters spell no initials
    assert maps.pinyin_map(Counter({"安全": 1, "昂": 1}), Counter({"爱你哥": 3}))["ang"] == ["昂"]


def test_a_phrase_is_two_to_four_words_in_a_row_with_no_particle():
    assert list(maps.phrases(["产", "教", "融合"], 8)) == ["产教融合", "教融合"]
    assert list(maps.phrases(["科普", "的", "服务", "体系"], 8)) == ["服务体系"]
    assert "科技志愿服务档案" in maps.phrases(["科技", "志愿", "服务", "档案"], 8)
    assert list(maps.phrases(["职业教育", "信息化", "标杆"], 8)) == ["职业教育信息化", "信息化标杆"]


def test_initials_never_flood_an_unrelated_query(engine):
    assert engine.rewrite("xyzzy") == "xyzzy" and engine.search("xyzzy") == []


def test_traditional_and_pinyin_find_what_simplified_finds(engine):
    assert engine.search("雙向轉診") == engine.search("双向转诊") == engine.search("shuangxiangzhuanzhen")


def test_a_paraphrase_finds_its_item(engine, corpus):
    assert first(engine, corpus, "基层医疗人才短缺") == ("primary-healthcare", "talent-shortage")


def test_an_unrelated_query_finds_nothing(engine):
    assert engine.search("火星探测") == [] and engine.search("xyzzy") == []


# -- other names ---------------------------------------------------------------------------------

def test_every_term_of_aliases_yaml_occurs_in_the_corpus(corpus):
    texts = [text.normalize(t) for p in corpus.proposals
             for t in (*meta_texts(p), *item_texts(p))]
    missing = [term for term in aliases.shipped() if not any(term in t for t in texts)]
    assert missing == []


def test_aliases_yaml_refuses_what_is_no_mapping_of_names_in_one_line_a_problem():
    bad = "职业教育: 职教\n科普: [科普, zhijiao, [a]]\n文旅: [职教]\n"
    with pytest.raises(aliases.AliasError) as error:
        aliases.parse(bad, "aliases.yaml")
    assert str(error.value).splitlines() == [
        "aliases.yaml:1: 职业教育: must be a list of the term's other names",
        "aliases.yaml:2: 科普[0]: 科普 stands in another entry already: a name has one entry",
        "aliases.yaml:2: 科普[1]: must be Chinese characters only, as the proposals write them",
        "aliases.yaml:2: 科普[2]: must be a name (Chinese characters), not a list or a number"]


def test_a_name_is_a_term_only_where_the_text_holds_it():
    names = {"工商": ["工商业联合会"]}
    assert field_terms(["辽源市工商业联合会", "工商业联合会"], [], names)["工商业联合会"] == 2
    assert "工商业联合会" not in field_terms(["工商学校"], [], names)


def test_a_short_name_finds_the_full_one_and_says_so(engine, corpus):
    plan = engine.plan("工商联")
    assert "工商业联合会" in {t.term for t in plan.terms}  # what the result highlights
    assert (plan.shown, plan.converted) == ("工商业联合会", True)
    assert first(engine, corpus, "工商联") == ("time-honored-brands", urls.SPEAKER)
    assert first(engine, corpus, "中国民主同盟") == ("vocational-education", urls.SPEAKER)


def test_the_parties_names_are_those_of_affiliations_and_aliases_yaml_adds_to_them():
    found = aliases.groups(aliases.shipped())
    assert ("农工党", "农工民主党", "中国农工民主党") in found  # affiliations.KNOWN's
    assert ("九三学社", "九三") in found and ("民盟", "中国民主同盟", "民主同盟") in found
    assert sum("民盟" in group for group in found) == 1


def test_a_name_the_corpus_holds_finds_its_other_names_too_without_a_conversion(engine, files):
    plan = engine.plan("职教")
    assert {"职教", "职业教育"} <= {t.term for t in plan.terms} and not plan.converted
    entry = engine.entry("t", "职业教育")
    assert entry[3] == ["职教"] and engine.entry("t", "工商联")[:3] == [0, 0, ""]
    found = {(p, i) for p, i, _ in engine.search("职教")}
    assert len(found) > len({(p, i) for p, i, _ in engine.search("职教", literal=True)})


def test_the_whole_query_is_read_with_a_name_written_out(engine, corpus):
    assert "育体" in {t.term for t in engine.plan("现代职教体系").terms}  # 职业教育|体系
    assert first(engine, corpus, "现代职教体系") == ("vocational-education", "overview")


# -- one wrong character ------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "shown", "slug", "item"), [
    ("梅花路", "梅花鹿", "urban-culture", "overview"),  # a homophone for its last character
    ("老子号", "老字号", "time-honored-brands", None),  # for its second: found through n/
    ("知识产全", "知识产权", "time-honored-brands", "ip-protection"),
    ("转精特新", "专精特新", "specialized-smes", None),  # its first
    ("安精特新", "专精特新", "specialized-smes", None),  # four characters: no homophone needed
    ("中国梅花鹿之香", "中国梅花鹿之乡", "urban-culture", "overview")])  # a quoted term
def test_one_wrong_character_finds_the_term(engine, corpus, query, shown, slug, item):
    plan = engine.plan(query)
    assert (plan.shown, plan.converted) == (shown, True)
    assert [t.term for t in plan.terms if t.fuzzy] == [shown]
    found = first(engine, corpus, query)
    assert found[0] == slug and (item is None or found[1] == item)


@pytest.mark.parametrize("query", ["商彪", "安精", "梅花", "梅花鹿", "双向转诊"])
def test_no_correction_for_a_term_of_one_or_two_characters_nor_for_a_right_one(engine, query):
    plan = engine.plan(query)
    assert not any(t.fuzzy for t in plan.terms) and not plan.converted


def test_three_characters_need_a_homophone(engine):
    assert not any(t.fuzzy for t in engine.plan("梅花朵").terms)  # duo is no lu
    assert any(t.fuzzy for t in engine.plan("梅花录").terms)  # lu


# -- questions ----------------------------------------------------------------------------------

def test_a_question_ranks_like_its_words(engine):
    plan = engine.plan("怎样提高科普基地的服务能力")
    assert plan.length == len("提高科普基地服务能力")
    assert not {"怎样", "地的", "的服"} & {t.term for t in plan.terms}
    top = [(p, i) for p, i, _ in engine.search("怎样提高科普基地的服务能力")[:3]]
    assert top == [(p, i) for p, i, _ in engine.search("提高科普基地 服务能力")[:3]]


@pytest.mark.parametrize(("query", "length"), [
    ("目的", 2),  # 的 would leave one character alone
    ("的", 1), ("如何", 2),  # nothing but function words: they count
    ("老字号的品牌", 5), ("关于老字号", 3), ("为什么要坚持开门立法", 7)])
def test_function_words_count_for_nothing_unless_they_are_all_there_is(engine, query, length):
    assert engine.plan(query).length == length


# -- saying what was searched -------------------------------------------------------------------

@pytest.mark.parametrize(("query", "shown"), [
    ("雙向轉診", "双向转诊"), ("laozihao", "老字号"), ("Lǎo Zì Hào 商标", "老字号 商标"),
    ("zjtx", "专精特新"), ("工商联", "工商业联合会"), ("梅花路", "梅花鹿")])
def test_a_converted_query_says_what_it_was_searched_as(engine, query, shown):
    plan = engine.plan(query)
    assert (plan.shown, plan.converted) == (shown, True)
    literal = engine.plan(query, literal=True)
    assert (literal.shown, literal.converted) == (text.normalize(query), False)


@pytest.mark.parametrize("query", ["双向转诊", "ＡＢＣ", "老字号 商标", "职教", "怎样推进产教融合"])
def test_a_query_searched_as_typed_says_nothing(engine, query):
    assert not engine.plan(query).converted


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
    page.keyboard.press("ArrowDown")  # the filters' toggle, above the results
    assert page.evaluate("document.activeElement.classList.contains('cppcc-filters__toggle')")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.classList.contains('md-search-result__link')")
    page.keyboard.press("Escape")
    assert not page.locator("#__search").is_checked()
    page.keyboard.press("/")
    # Material reads Enter as a search key only once the search toggle is on again
    page.wait_for_function("document.getElementById('__search').checked")
    page.keyboard.press("Enter")
    page.wait_for_url("**/rule-of-law/**#build-oversight-system")


def converted_line(page) -> str | None:
    line = page.locator(".cppcc-search-converted")
    return line.inner_text() if line.is_visible() else None


@pytest.mark.browser
@pytest.mark.parametrize(("query", "target", "mark", "shown"), [
    ("工商联", "time-honored-brands/?h=", "工商业联合会", "工商业联合会"),  # a short name: the full one
    ("zjtx", "specialized-smes/?h=", "专精特新", "专精特新"),  # initials
    ("梅花路", "urban-culture/?h=", "梅花鹿", "梅花鹿")])  # a wrong character
def test_a_converted_query_finds_highlights_and_says_what_it_searched(page, base_url, query,
                                                                      target, mark, shown):
    open_search(page, base_url, query)
    first_link = page.locator(".md-search-result__link").first
    assert first_link.get_attribute("href").startswith(base_url + target)
    assert mark in first_link.locator("mark").all_inner_texts()
    assert converted_line(page) == f"已按“{shown}”搜索 · 仍按“{query}”搜索"


@pytest.mark.browser
def test_a_query_searched_as_typed_says_nothing_more(page, base_url):
    open_search(page, base_url, "双向转诊")
    assert converted_line(page) is None


@pytest.mark.browser
def test_the_literal_link_searches_the_query_as_typed(page, base_url):
    open_search(page, base_url, "laozihao")
    assert "/time-honored-brands/" in result_links(page)[0]
    link = page.locator(".cppcc-search-literal")
    assert "literal=1" in link.get_attribute("href")
    link.click()
    page.wait_for_url("**literal=1**")
    page.wait_for_selector(".md-search-result__meta:not(:text('正在初始化'))")
    page.wait_for_function("document.querySelector('.md-search-result__list').children.length")
    assert page.input_value(".md-search__input") == "laozihao"
    assert page.inner_text(".md-search-result__meta") == "没有找到符合条件的结果"
    assert converted_line(page) is None


@pytest.mark.browser
@pytest.mark.parametrize(("query", "mark"), [("毕精华", "毕精华"), ("民革 副主委", "副主委")])
def test_a_speaker_lands_on_the_speaker_line_highlighted(page, base_url, query, mark):
    open_search(page, base_url, query)
    assert result_links(page)[0].startswith(base_url + "rule-of-law/?h=")
    assert result_links(page)[0].endswith("#speaker")
    page.locator(".md-search-result__link").first.click()
    page.wait_for_url("**/rule-of-law/**#speaker")
    page.wait_for_selector("#speaker.cppcc-target")
    page.wait_for_selector("mark[data-md-highlight]")
    assert mark in page.locator("#speaker mark").all_inner_texts()
    shade = page.eval_on_selector("#speaker", "el => getComputedStyle(el).backgroundColor")
    assert shade not in ("rgba(0, 0, 0, 0)", "transparent")


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
