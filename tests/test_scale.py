"""Scale, untimed: the corpus generator, a build of a generated corpus, split index pages, and the
scale benchmark's own measuring code at a tiny N, so that none of it can rot unnoticed."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from bench import checkouts as bench_checkouts
from bench import scale as bench_scale
from bench.harness import build_site
from cppcc import indexes, linking, rendering, urls
from cppcc.indexes import KEYWORDS, PARTIES, paginate
from cppcc.linking import Links
from cppcc.loading import load_corpus
from generate_corpus import generate, make_project


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("corpus") / "proposals", 12, seed=3, meeting_count=2)


def test_generated_corpus_loads_with_distinct_slugs_and_meetings(corpus_dir):
    corpus = load_corpus(corpus_dir)
    assert len(corpus.proposals) == 12
    assert len(corpus.meetings) == 2
    assert len({p.slug for p in corpus.proposals}) == 12
    assert {p.meeting for p in corpus.proposals} == {m.id for m in corpus.meetings}
    assert len({p.speaker.name for p in corpus.proposals}) > 6


def test_the_generator_is_deterministic_for_a_seed(corpus_dir, tmp_path):
    again = generate(tmp_path / "again", 12, seed=3, meeting_count=2)
    other = generate(tmp_path / "other", 12, seed=4, meeting_count=2)
    files = sorted(p.relative_to(corpus_dir) for p in corpus_dir.rglob("*.yaml"))
    assert files == sorted(p.relative_to(again) for p in again.rglob("*.yaml"))
    assert all((corpus_dir / f).read_bytes() == (again / f).read_bytes() for f in files)
    assert sorted(p.read_bytes() for p in other.glob("*.yaml")) != \
        sorted(p.read_bytes() for p in corpus_dir.glob("*.yaml"))


def test_a_generated_site_has_every_page_and_no_page_lists_them_all(corpus_dir, tmp_path):
    site = build_site(tmp_path / "site", make_project(tmp_path / "project", corpus_dir))
    slugs = sorted(p.stem for p in corpus_dir.glob("*.yaml"))
    assert all((site / slug / "index.html").is_file() for slug in slugs)
    for slug in slugs[:3]:
        html = BeautifulSoup((site / slug / "index.html").read_text(encoding="utf-8"), "html.parser")
        targets = {re.sub(r"^(\.\./)+|/.*$", "", a["href"]) for a in html.select("a[href]")}
        # related proposals (3) and previous/next (2), never the whole corpus
        assert len(targets & set(slugs) - {slug}) <= linking.RELATED_MAX + 2


def test_paginate_splits_groups_across_pages_and_finds_where_each_starts(corpus_dir):
    proposals = load_corpus(corpus_dir).proposals
    groups = {"a": proposals[:3], "b": proposals[3:8], "c": proposals[8:9]}
    pages = paginate("keywords/", groups, size=4)
    assert [p.url for p in pages] == ["keywords/", "keywords/2/", "keywords/3/"]
    assert [list(p.groups) for p in pages] == [["a", "b"], ["b"], ["c"]]
    assert indexes.first_pages(pages) == {"a": "keywords/", "b": "keywords/", "c": "keywords/3/"}


def test_big_indexes_are_split_and_every_index_link_lands_on_its_heading(corpus_dir, monkeypatch):
    monkeypatch.setattr(indexes, "PAGE_SIZE", 5)
    links = Links(load_corpus(corpus_dir))
    pages = {page.url: page.markdown for page in rendering.all_pages(links)}
    latest = links.corpus.meetings[-1]
    by_keyword, by_party = links.indexes[KEYWORDS], links.indexes[PARTIES]
    assert len(links.indexes.of_meeting(latest).pages) > 1 and len(by_keyword.pages) > 1
    for url in [by_keyword.url_of(w) for w in by_keyword.groups] + \
            [by_party.url_of(a) for a in by_party.groups]:
        page, _, anchor = url.partition("#")
        assert f'id="{anchor}"' in pages[page], url
    listed = [p for m in links.corpus.meetings for index in links.indexes.of_meeting(m).pages
              for _, p in index.entries]
    assert sorted(p.slug for p in listed) == sorted(p.slug for p in links.corpus.proposals)
    home = pages[""]
    assert home.count('class="cppcc-card"') == 5
    assert all(f'href="{urls.proposal(p.slug)}"' not in home for p in links.corpus.of_meeting(latest.id)[5:])


def test_a_split_keyword_index_groups_by_initial_and_its_jump_bar_lands_on_every_letter(
        corpus_dir, monkeypatch):
    monkeypatch.setattr(indexes, "PAGE_SIZE", 5)
    links = Links(load_corpus(corpus_dir))
    listing = links.indexes[KEYWORDS]
    pages = {page.url: BeautifulSoup(page.html, "html.parser")
             for page in rendering.all_pages(links) if page.url.startswith(urls.KEYWORDS)}
    assert len(pages) > 3
    letters, seen = [], []
    for url, soup in pages.items():
        bar = [(urljoin_site(url, a["href"]), a.get_text()) for a in soup.select(".cppcc-initials a")]
        assert bar == [(listing.url_of_initial(letter), letter) for letter in listing.initials]
        for h in soup.find_all(["h2", "h3"]):
            if h.name == "h2":
                letters.append(h.get_text().removesuffix("（续）"))
                continue
            word = h.find(string=True, recursive=False).strip().removesuffix("（续）")
            assert indexes.initial(word) == letters[-1]
            assert h.select_one(".cppcc-counts").get_text() == f"{len(listing.groups[word])} 篇"
            seen.append(word)
    assert sorted(set(seen), key=list(listing.groups).index) == list(listing.groups)
    assert list(dict.fromkeys(letters)) == list(listing.initials) == sorted(listing.initials)
    for letter in listing.initials:  # each letter's link lands on its heading
        page, _, anchor = listing.url_of_initial(letter).partition("#")
        assert pages[page].find(id=anchor).get_text().removesuffix("（续）") == letter


def urljoin_site(page: str, href: str) -> str:
    """The site URL an href on the page at site URL `page` points to."""
    return urljoin("http://site/" + page, href).removeprefix("http://site/")


def test_the_scale_benchmark_measures_at_a_tiny_n(tmp_path, capsys):
    assert bench_scale.main(["--n", "5", "--no-anchors", "--no-browser", "--serve-n", "0",
                             "--keep", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("| 5 | ours |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    whole, largest = cells[3].rstrip(")").split(" (")
    assert float(cells[2]) > 0  # build seconds
    assert float(whole.replace(",", "")) > 0 and float(largest.replace(",", "")) > 0  # peak MB
    assert float(cells[5]) > 0  # a proposal page's KB
    assert "growth exponents" in out and "whole-build peak" in out
    assert bench_scale.slope([(10, 1), (100, 10), (1000, 100)]) == pytest.approx(1.0)


@pytest.mark.parametrize("which", ["real", "generated"])
def test_markdown_would_copy_every_page_as_the_build_does(which, corpus_dir, repo):
    """The build skips Markdown for our pages (raw HTML): it would have changed nothing."""
    import markdown
    import yaml

    extensions = yaml.safe_load((repo / "mkdocs.yml").read_text(encoding="utf-8"))
    md = markdown.Markdown(extensions=extensions["markdown_extensions"])
    links = Links(load_corpus(repo / "proposals" if which == "real" else corpus_dir))
    for page in rendering.all_pages(links):
        body = page.markdown.partition("\n---\n\n")[2]
        assert md.reset().convert(body) == page.html, page.url


def test_the_checkouts_benchmark_compares_two_builds_of_one_corpus(tmp_path, capsys):
    repo = Path(__file__).resolve().parents[1]
    assert bench_checkouts.main([str(repo), str(repo), "--n", "5", "--runs", "1",
                                 "--keep", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^run 1 old: [\d.]+ s, [\d,]+ MB$", out, re.MULTILINE)
    assert re.search(r"^new / old: time [\d.]+, memory [\d.]+$", out, re.MULTILINE)
    assert (tmp_path / "site-new" / "index.html").is_file()
