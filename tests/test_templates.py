"""Page HTML from Jinja templates: a site's override in docs/overrides/cppcc/ changes its pages,
whatever a template prints is escaped (as `esc` escapes it), and a template's mistake stops the
build with one line that names the file and line."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from bench.harness import build_site, run_build
from cppcc.linking import Links
from cppcc.loading import load_corpus
from cppcc.rendering import ProposalRenderer, page_templates
from cppcc.templating import OVERRIDES, RenderError, Templates, esc
from generate_corpus import make_project

REPO = Path(__file__).resolve().parents[1]

SHIPPED = REPO / "scripts" / "cppcc" / "templates"
HOSTILE = ['<script>alert("x")</script>', "</p></div>\"'><img src=x onerror=alert(1)>",
           "&amp; &lt; &#60; a&b", "一\n二\t三\r", "{{ 7*7 }} {% raw %}", "'单' \"双\""]

# An override of the speaker line, which proposal pages and the cards of index pages both show
SPEAKER = ('{% macro speaker_line(speaker, body_href) -%}\n'
           '<span class="site-speaker">{{ speaker.name }}</span><a href="{{ body_href }}">'
           '{{ speaker.body }}</a>\n{%- endmacro %}\n')


def overrides(root: Path, files: dict[str, str]) -> Path:
    """A theme custom_dir at `root` holding our templates' overrides; returns `root`."""
    for name, text in files.items():
        path = root / OVERRIDES / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def project(tmp_path: Path, files: dict[str, str]) -> Path:
    """The real project (its proposals) with these overrides in docs/overrides/cppcc/."""
    config = make_project(tmp_path / "project", REPO / "proposals")
    overrides(config.parent / "docs" / "overrides", files)
    return config


def soup(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def test_an_override_in_docs_overrides_changes_every_page_that_uses_the_template(tmp_path):
    corpus = load_corpus(REPO / "proposals")
    site = build_site(tmp_path / "site", project(tmp_path, {"partials/speaker.html": SPEAKER}))
    for p in corpus.proposals:
        page = soup(site, f"{p.slug}/")
        assert [s.get_text() for s in page.select(".site-speaker")] == [p.speaker.name]
        assert page.select(".cppcc-speaker-name") == []
    home = soup(site, "")
    latest = corpus.of_meeting(corpus.meetings[-1].id)
    assert [s.get_text() for s in home.select(".cppcc-card .site-speaker")] == \
        [p.speaker.name for p in latest]
    # the rest of the page is still the package's
    assert soup(site, f"{corpus.proposals[0].slug}/").select(".cppcc-pager, .cppcc-item")


def test_without_overrides_the_shipped_templates_make_the_page(tmp_path):
    """Guard for the test above: the package's own speaker line is what it replaces."""
    corpus = load_corpus(REPO / "proposals")
    links = Links(corpus)
    p = corpus.proposals[0]
    shipped = BeautifulSoup(ProposalRenderer(links, p).page().html, "html.parser")
    assert [s.get_text() for s in shipped.select(".cppcc-speaker-name")] == [p.speaker.name]
    custom = page_templates(overrides(tmp_path, {"partials/speaker.html": SPEAKER}))
    mine = BeautifulSoup(ProposalRenderer(links, p, custom).page().html, "html.parser")
    assert [s.get_text() for s in mine.select(".site-speaker")] == [p.speaker.name]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_template_that_forgets_to_escape_still_prints_text(tmp_path, text):
    templates = Templates(overrides(tmp_path, {"proposal.html": "<h1>{{ title }}</h1>"}))
    html = templates.render("proposal.html", title=text)
    assert html == f"<h1>{esc(text)}</h1>"  # escaped as `esc` escapes, one line
    page = BeautifulSoup(html, "html.parser")
    assert [tag.name for tag in page.find_all(True)] == ["h1"]
    assert page.h1.get_text() == text


@pytest.mark.parametrize("text", HOSTILE)
def test_the_escape_filters_escape_as_esc_and_leave_markup_alone(tmp_path, text):
    source = "{{ x|e }}|{{ x|escape }}|{{ x|esc }}|{{ x|esc|e }}|{{ [x, x]|join('、') }}"
    html = Templates(overrides(tmp_path, {"t.html": source})).render("t.html", x=text)
    assert html == "|".join([esc(text)] * 4 + [esc(f"{text}、{text}")])


def test_a_missing_variable_fails_with_the_file_and_line(tmp_path):
    folder = overrides(tmp_path, {"proposal.html": "<h1>{{ title }}</h1>\n\n<p>{{ subtitel }}</p>\n"})
    with pytest.raises(RenderError) as raised:
        Templates(folder).render("proposal.html", title="x")
    assert str(raised.value) == f"{folder / OVERRIDES / 'proposal.html'}:3: 'subtitel' is undefined"


def test_a_missing_attribute_fails_too(tmp_path):
    links = Links(load_corpus(REPO / "proposals"))
    custom = page_templates(overrides(tmp_path, {"partials/pager.html": "{{ next.titel }}"}))
    with pytest.raises(RenderError, match=r"pager\.html:1: .*'titel'"):
        ProposalRenderer(links, links.corpus.proposals[0], custom).page()


def test_a_template_syntax_error_is_found_before_any_page_is_made(tmp_path):
    folder = overrides(tmp_path, {"partials/item.html": "{% macro item(tag) %}\n{% for %}"})
    with pytest.raises(RenderError) as raised:
        Templates(folder)
    assert str(raised.value).startswith(f"{folder / OVERRIDES / 'partials' / 'item.html'}:2: ")


def test_a_broken_override_stops_the_build_with_one_line(tmp_path):
    config = project(tmp_path, {"partials/pager.html": "<nav>\n{{- proposal.titel }}</nav>"})
    done = run_build(tmp_path / "site", config)
    where = config.parent / "docs" / "overrides" / OVERRIDES / "partials" / "pager.html"
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"ERROR   -  {where}:2: 'cppcc.model.Proposal object' has no attribute 'titel'"]


def test_every_shipped_template_is_in_the_package_data():
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = data["tool"]["setuptools"]["package-data"]["cppcc"]
    root = SHIPPED.parent
    shipped = {p.relative_to(root) for p in SHIPPED.rglob("*") if p.is_file()}
    packaged = {p.relative_to(root) for pattern in patterns for p in root.glob(pattern)}
    assert shipped and shipped <= packaged
