"""Keywords, untimed and without a build: the word lists, the phrases, the choice of keywords."""

from __future__ import annotations

import dataclasses
import pickle
from collections import Counter
from pathlib import Path

import pytest

from cppcc import keywords, segmenting
from cppcc.keywords import word_lists
from cppcc.linking import Links
from cppcc.loading import load_corpus

REPO = Path(__file__).resolve().parents[1]
CORPUS = load_corpus(REPO / "proposals")
PROPOSALS = {p.slug: p for p in CORPUS.proposals}


@pytest.fixture(scope="module")
def links() -> Links:
    return Links(CORPUS)


def test_the_word_lists_are_lists_of_distinct_words():
    lists = word_lists()
    assert lists.stop and lists.keep and not lists.stop & lists.keep
    assert {"产品", "利用", "思维", "素质", "双向", "元素", "站位", "职责", "专项", "设施"} <= lists.stop


def test_a_broken_word_list_is_refused_with_its_file(tmp_path):
    path = tmp_path / "keywords.yaml"
    path.write_text("stop: [站位, 科普]\nkeep: [科普]\n", "utf-8")
    with pytest.raises(ValueError, match=r"keywords\.yaml: stop and keep both hold 科普"):
        word_lists(path)
    path.write_text("stop: 站位\nkeep: []\n", "utf-8")
    with pytest.raises(ValueError, match=r"keywords\.yaml: stop: must be a list of words"):
        word_lists(path)


def test_a_cut_holds_the_phrases_of_adjacent_content_words(links):
    cut = links.segmenter.cut("行政执法监督体系尚待健全,行政执法效能显著增强,科普教育基地")
    assert {"".join(words) for words in cut.phrases()} >= {"行政执法", "行政执法监督", "科普教育基地"}
    assert "显著增强" not in {"".join(words) for words in cut.phrases()}  # no noun in it


def test_a_phrase_of_stop_words_is_no_term(links):
    """体系尚待 (健全) is a noun and a verb, both on the stop list: it weighs nothing."""
    terms = {t for p in CORPUS.proposals for t in links.keywords.terms(p).present}
    assert "行政执法" in terms and not terms & {"体系尚待", "意识有待", "队伍建设"}


@pytest.mark.parametrize(("slug", "term"), [
    ("rule-of-law", "行政执法"),  # a phrase: 行政 + 执法
    ("science-popularization", "科普教育基地"),  # a phrase of three words
    ("primary-healthcare", "双向转诊"),  # kept: jieba's dictionary lacks it
    ("vocational-education", "产教融合"),  # kept: jieba would cut it into single characters
    ("science-popularization", "科普"),  # kept: jieba's dictionary tags it a name
])
def test_domain_terms_are_keywords(links, slug, term):
    assert term in links.keywords.of(PROPOSALS[slug])


def test_no_keyword_is_a_stop_word_and_a_word_gives_way_to_its_phrase(links):
    stop = word_lists().stop
    assert {w for p in CORPUS.proposals for w in links.keywords.of(p)} & stop == set()
    assert "基地" not in links.keywords.of(PROPOSALS["science-popularization"])


def test_the_title_counts_more(monkeypatch):
    """防病治病, twice in the text and once in the title, leads the text's own terms."""
    p = PROPOSALS["primary-healthcare"]
    assert "防病治病" in p.title and Links(CORPUS).keywords.of(p)[:2] == ["基层医疗", "防病治病"]
    monkeypatch.setattr(keywords, "TITLE_WEIGHT", 1)
    assert Links(CORPUS).keywords.of(p).index("防病治病") > 3


@pytest.mark.parametrize("text", ["行政执法监督体系尚待健全,行政执法效能显著增强,科普教育基地",
                                  "推进产教融合,推进双向转诊,推进双向转诊", "CPPCC 2024"])
def test_a_cut_counts_jiebas_words_and_holds_no_dict(links, text):
    """A cut is compact (a tuple and a run of counts) and gives back what jieba cut, counted;
    unpickled (from a worker), it is the same cut, its words interned."""
    segmenter = links.segmenter
    cut = segmenter._cut(text)
    tokens = segmenter.tokens(text.lower())
    tags = segmenter.dictionary.tags
    nouns = Counter(t for t in tokens if len(t) >= 2 and tags.get(t) in segmenting.NOUN_TAGS)
    assert cut.nouns() == nouns and list(cut.nouns()) == list(nouns)
    assert cut.long_words() == {w: n for w, n in cut.words().items() if len(w) > 2}
    assert not any(isinstance(getattr(cut, f.name), dict) for f in dataclasses.fields(cut))
    copy = pickle.loads(pickle.dumps(cut))
    assert copy == cut and all(a is b for a, b in zip(copy.terms, cut.terms))
    assert copy.phrases() == cut.phrases()
