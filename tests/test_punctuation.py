"""Chinese punctuation (GB/T 15834): the speakers' ASCII marks shown full width where they stand
in Chinese, and the site's own words written with full-width marks on every page.

`full_width` is the one rule (`cppcc.punctuation`); the scans below use it to find an ASCII
, ; : ( ) ! ? that touches Chinese in what the site itself writes: every built page's text and
attributes, Material's strings as we set them, the messages of our scripts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cppcc.linking import Links
from cppcc.loading import load_corpus
from cppcc.punctuation import FULL_WIDTH, full_width
from cppcc.search.indexing import build_index, speaker_texts

REPO = Path(__file__).resolve().parents[1]
CORPUS = load_corpus(REPO / "proposals")


@pytest.mark.parametrize(("text", "shown"), [
    ("县(区)法治政府基础薄弱。", "县（区）法治政府基础薄弱。"),
    ("5个领域,", "5个领域，"),  # at the end of a text
    ("项目,2022年", "项目，2022年"),  # Chinese on one side is enough
    ("“老字号”,具有", "“老字号”，具有"),  # Chinese punctuation counts as Chinese
    ("什么?!好", "什么？！好"),  # a run of marks turns as one
    ("总值(GDP)增长", "总值（GDP）增长"),
    ("中文(abc)", "中文（abc）"),  # a parenthesis turns its partner
    ("比分 3:2,a;b", "比分 3:2,a;b"),  # between digits and letters: as written
    ("Hello, world!", "Hello, world!"),
    ("已是全角，；：（）！？", "已是全角，；：（）！？"),
    ("(", "("),
])
def test_full_width(text, shown):
    assert full_width(text) == shown


def test_the_marks_and_their_twins():
    assert FULL_WIDTH == {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！",
                          "?": "？"}


def test_search_results_show_the_texts_as_the_page_does():
    files = build_index(Links(CORPUS), parallel=False)
    for n, p in enumerate(CORPUS.proposals):
        fragment = json.loads(files[f"search/cppcc/p/{n}.json"])
        speaker, *items = [tuple(i[2:]) for i in fragment["i"]]  # the speaker line, then items
        assert speaker == ("", full_width(" · ".join(speaker_texts(p))))
        assert items == [
            (full_width(item.parts[0]), full_width(item.parts[1])) for item in p.items()]


# -- the site's own words ------------------------------------------------------------------------

def ascii_marks_in_chinese(text: str) -> list[str]:
    """Each place where `text` has an ASCII mark touching Chinese, with a few characters around."""
    shown = full_width(text)
    return [text[max(at - 6, 0):at + 6] for at, (a, b) in enumerate(zip(text, shown)) if a != b]


def metadata(corpus) -> list[str]:
    """The texts of the YAML that the pages show as written (titles, names...), longest first."""
    texts = {m for meeting in corpus.meetings
             for m in (meeting.title, meeting.headline, meeting.subtitle, meeting.committee,
                       meeting.place)}
    for p in corpus.proposals:
        s = p.speaker
        texts |= {p.title, p.topic, s.name, s.role, s.body, s.party, s.affiliation, s.byline}
    return sorted(texts - {""}, key=len, reverse=True)


ATTRIBUTES = ("title", "aria-label", "placeholder", "alt", "content")


def own_words(html: str, yaml_texts: list[str]) -> list[str]:
    """A page's text and attribute values, scripts, styles and code left out and the YAML's
    titles and names blanked (they are shown as written): what the site itself writes, and the
    speakers' texts as shown."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.select("script, style, code, kbd, pre"):
        tag.decompose()
    texts = [soup.get_text()]
    texts += [value for tag in soup.find_all(True) for name in ATTRIBUTES
              if isinstance(value := tag.get(name), str)]
    out = []
    for text in texts:
        for known in yaml_texts:
            text = text.replace(known, "\0")
        out.append(text)
    return out


def test_every_page_writes_its_own_words_with_full_width_marks(site_dir):
    yaml_texts = metadata(CORPUS)
    pages = sorted(site_dir.rglob("*.html"))
    # the proposals; home, about and 404; the four indexes, the meeting's page and its year's
    assert len(pages) == len(CORPUS.proposals) + 9 and site_dir / "about/index.html" in pages
    found = {}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        bad = [hit for text in own_words(html, yaml_texts) for hit in ascii_marks_in_chinese(text)]
        if bad:
            found[page.relative_to(site_dir).as_posix()] = bad
    assert found == {}


def test_materials_strings_as_the_site_sets_them(site_dir):
    html = (site_dir / "index.html").read_text(encoding="utf-8")
    config = json.loads(BeautifulSoup(html, "html.parser").select_one("#__config").string)
    translations = config["translations"]
    assert "search.result.placeholder" in translations
    assert {key: ascii_marks_in_chinese(value) for key, value in translations.items()
            if ascii_marks_in_chinese(value)} == {}


LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|`(?:[^`\\]|\\.)*`')


@pytest.mark.parametrize("script", ["scripts/cppcc/assets/site.js",
                                    "scripts/cppcc/search/search.js",
                                    "scripts/cppcc/search/filters.js"])
def test_the_scripts_messages(script):
    literals = LITERAL.findall((REPO / script).read_text(encoding="utf-8"))
    chinese = [s for s in literals if re.search("[\u4e00-\u9fff]", s)]
    assert len(chinese) >= 3
    assert [s for s in chinese if ascii_marks_in_chinese(s)] == []
