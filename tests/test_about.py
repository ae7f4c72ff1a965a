"""The about page (`urls.ABOUT`): where the text comes from and how it was edited, what the notes
mean, the punctuation, citing, the open data and its licence, how to report an error; each from
the model, the registries and mkdocs.yml, never invented."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
import yaml
from bs4 import BeautifulSoup

from bench.harness import build_site, run_build
from cppcc import urls
from cppcc.exports import EXPORTS
from cppcc.loading import load_corpus
from cppcc.model import NOTE_KINDS, RESERVED_SLUGS
from cppcc.punctuation import FULL_WIDTH
from cppcc.rendering import SiteInfo
from helpers import copy_project

REPO = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
CORPUS = load_corpus(REPO / "proposals")
SECTIONS = [("source", "文字从哪里来"), ("editing", "怎样整理成篇"), ("notes", "编者注"),
            ("punctuation", "标点"), ("citing", "引用"), ("open-data", "开放数据"),
            ("errors", "报告错误")]


def text(tag) -> str:
    return " ".join(tag.get_text(" ", strip=True).split())


def about(site: Path) -> BeautifulSoup:
    return BeautifulSoup((site / urls.ABOUT / "index.html").read_text("utf-8"), "html.parser")


def section(page: BeautifulSoup, id_: str) -> list:
    """The blocks of the page's section `id_`, up to the next heading."""
    blocks = []
    for sibling in page.find(id=id_).find_next_siblings():
        if sibling.name == "h2":
            break
        blocks.append(sibling)
    return blocks


@pytest.fixture(scope="module")
def page(site_dir) -> BeautifulSoup:
    return about(site_dir)


def test_the_about_page_and_its_sections(page):
    assert text(page.select_one("article h1")) == "关于本站"
    assert [(h["id"], text(h)) for h in page.select("article h2")] == SECTIONS
    toc = page.select_one("nav.md-nav--secondary")
    assert [(a["href"], text(a)) for a in toc.select("a")] == [(f"#{i}", t) for i, t in SECTIONS]
    assert "about" in RESERVED_SLUGS


def test_every_page_links_the_about_page(site_dir):
    for html in ("index.html", "rule-of-law/index.html", "parties/index.html"):
        soup = BeautifulSoup((site_dir / html).read_text("utf-8"), "html.parser")
        links = [(urljoin(f"http://site/{html}", a["href"]), text(a))
                 for a in soup.select("nav.md-nav--primary a")]
        assert ("http://site/about/", "关于本站") in links, html


def test_the_source_is_linked_where_the_site_serves_it(page, site_dir):
    (meeting,) = CORPUS.meetings
    (item,) = section(page, "source")[0].select("li")
    assert item.get_text().startswith(
        f"{meeting.title}：《{meeting.headline}》{meeting.subtitle}，共 {len(CORPUS.proposals)} 篇。")
    href = item.select("a")[-1]["href"]
    served = site_dir / urljoin(urls.ABOUT, href)
    assert served == site_dir / urls.source(meeting.source)
    assert served.read_bytes() == (REPO / "proposals" / meeting.source).read_bytes()


def test_how_the_text_was_edited_says_no_word_was_changed(page):
    words = " ".join(text(p) for p in section(page, "editing"))
    for claim in ("多栏", "文字识别", "阅读次序", "一字未改", "每一个字都恰好出现在一篇发言里"):
        assert claim in words


def test_every_kind_of_note_is_explained(page):
    (kinds,) = [b for b in section(page, "notes") if b.name == "dl"]
    assert [(text(dt), text(dd)) for dt, dd in zip(kinds.select("dt"), kinds.select("dd"),
                                                   strict=True)] == [
        (k.label, k.meaning) for k in NOTE_KINDS.values()]


def test_the_punctuation_rule_is_stated_with_its_marks(page):
    (rule,) = section(page, "punctuation")
    assert "GB/T 15834" in text(rule) and "数据文件" in text(rule)
    assert [text(c) for c in rule.select("code")] == [*FULL_WIDTH, *FULL_WIDTH.values(), "3:2"]


def test_citing_names_a_permalink_that_lands(page, site_dir):
    (how,) = section(page, "citing")
    first = CORPUS.proposals[0]
    (link,) = how.select("a")
    assert urljoin(urls.ABOUT, link["href"]) == urls.item(first.slug, first.recommendations[0].id)
    target = BeautifulSoup((site_dir / first.slug / "index.html").read_text("utf-8"),
                           "html.parser")
    assert target.find(id=first.recommendations[0].id)
    assert all(word in text(how) for word in ("复制链接", "GB/T 7714", "BibTeX", "RIS", "CSL-JSON"))


def test_the_open_data_is_the_registrys_and_the_licence_is_what_the_config_says(page, site_dir):
    blocks = section(page, "open-data")
    (data,) = [b for b in blocks if b.name == "ul"]
    home = BeautifulSoup((site_dir / "index.html").read_text("utf-8"), "html.parser")
    assert [(urljoin(urls.ABOUT, a["href"]), text(a)) for a in data.select("a")] == [
        (a["href"], text(a)) for a in home.select(".cppcc-data a")]
    assert len(data.select("li")) == len(EXPORTS)
    assert "licence" not in (CONFIG["extra"].get("cppcc") or {})
    assert [text(p) for p in blocks if p.name == "p"][1:] == [
        "本站的配置未声明这些文字和数据的许可协议。", f"版权说明：{CONFIG['copyright']}"]


def test_no_contact_is_said_plainly(page):
    assert "contact" not in (CONFIG["extra"].get("cppcc") or {})
    assert [text(p) for p in section(page, "errors")] == ["本站暂未公布报告错误的联系方式。"]
    assert not section(page, "errors")[0].select("a")


@pytest.mark.parametrize(("contact", "href"), [
    ("errata@example.org", "mailto:errata@example.org"),
    ("https://example.org/errata", "https://example.org/errata"),
    ("mailto:errata@example.org", "mailto:errata@example.org"),
    ("请致电 0437-0000000", "")])
def test_a_contact_is_linked_as_what_it_is(contact, href):
    assert SiteInfo(contact=contact).contact_href == href


def configured(root: Path, extra: dict) -> Path:
    project = copy_project(root)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    lines = "".join(f"    {key}: {value}\n" for key, value in extra.items())
    config = config.replace("  cppcc:  #", "  cppcc:\n" + lines + "  #")
    (project / "mkdocs.yml").write_text(config, encoding="utf-8")
    assert yaml.safe_load(config)["extra"]["cppcc"] == extra
    return project / "mkdocs.yml"


def test_a_configured_licence_and_contact_are_shown_as_written(tmp_path):
    config = configured(tmp_path / "project", {"licence": "CC BY 4.0（示例）",
                                                "contact": "errata@example.org"})
    page = about(build_site(tmp_path / "site", config))
    licence = [text(p) for p in section(page, "open-data") if p.name == "p"][1]
    assert licence == "许可：CC BY 4.0（示例）"
    (report,) = section(page, "errors")
    assert [(a["href"], text(a)) for a in report.select("a")] == [
        ("mailto:errata@example.org", "errata@example.org")]


def test_a_contact_that_is_not_a_text_fails_the_build_in_one_line(tmp_path):
    config = configured(tmp_path / "project", {"contact": 42})
    done = run_build(tmp_path / "site", config)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "extra.cppcc.contact: must be a text" in done.stderr
    assert not (tmp_path / "site").exists()
