"""`mkdocs build` lets each of our pages' Markdown, HTML and themed output go once it is used, so
that the site's pages are not all in memory at the end of a build (`scripts/bench/memory.py`
measures what that saves); the pages, and what other plugins make of them, are unchanged.
"""

from __future__ import annotations

import json
import re
import unicodedata

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from bench.harness import build_site
from cppcc import parallel, theming, urls
from cppcc.spooling import Spooled
from generate_corpus import generate, make_project

PROPOSALS = parallel.MANY + 44  # so that our pages are themed in forked workers


def _plain(text: str) -> str:
    """Text as compared with Material's search index, which cuts Chinese with zero-width spaces
    and writes some punctuation in another width."""
    return unicodedata.normalize("NFKC", text.replace("\u200b", ""))


def contents(site) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes()
            for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A generated project (Material's search on and ours off, so that another plugin reads our
    pages' HTML as MkDocs hands them round), built in this process: (config file, site, the
    plugin, the MkDocs pages let go, in order)."""
    tmp = tmp_path_factory.mktemp("memory")
    config_file = make_project(tmp / "project", generate(tmp / "proposals", PROPOSALS, seed=3,
                                                         meeting_count=2))
    text = re.sub(r"(?m)^(\s*)proposals_dir: (.*)$", r"\1proposals_dir: \2\n\1search: false",
                  config_file.read_text(encoding="utf-8"))
    config_file.write_text(text, encoding="utf-8")
    let_go, original = [], theming.let_go
    held, prerender = {}, theming.prerender

    def recording(page):
        assert page.content and getattr(page, theming.OUTPUT), "let go before it was printed"
        original(page)
        let_go.append(page)

    def themed(pages, **kwargs):  # every page is made: what HTML is held?
        held.update((page.file.src_uri, len(page.content)) for page in pages)
        return prerender(pages, **kwargs)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(theming, "let_go", recording)
        patch.setattr(theming, "prerender", themed)
        config = load_config(str(config_file), site_dir=str(tmp / "site"), strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        build(config)
    return config_file, tmp / "site", config.plugins["cppcc"], let_go, held


def test_a_build_lets_each_of_our_pages_go_once_printed(built):
    _, _, plugin, let_go, _ = built
    ours = plugin.build.pages
    assert len(ours) > PROPOSALS
    assert sorted(page.file.src_uri for page in let_go) == sorted(ours)
    for page in let_go:
        assert page.content == "", page.file.src_uri
        assert page.file.content_string == ours[page.file.src_uri].front_matter
        assert not hasattr(page, theming.OUTPUT), page.file.src_uri
    assert all(isinstance(page.body, Spooled) for page in ours.values())


def test_no_html_of_our_pages_is_held_between_making_them_and_theming_them(built):
    """Each page's body waits in its spool from the moment MkDocs has made every page to the
    moment it is themed: this process holds none of them at once."""
    _, _, plugin, _, held = built
    assert set(held) == set(plugin.build.pages)
    assert set(held.values()) == {0}


def test_the_site_is_the_one_the_command_line_builds(built, tmp_path):
    config_file, site, _, _, _ = built
    assert contents(site) == contents(build_site(tmp_path / "site", config_file))


def test_other_plugins_still_read_our_pages(built):
    """Material's search reads each page's HTML at `page_context`, in the builder's loop, after
    our pages were themed in workers: each proposal's sections are in its index, with their
    text."""
    _, site, plugin, _, _ = built
    entries = json.loads((site / "search" / "search_index.json").read_text())["docs"]
    proposals = plugin.build.links.corpus.proposals
    assert len(proposals) == PROPOSALS
    for proposal in proposals:
        url = urls.proposal(proposal.slug)
        said = _plain(" ".join(e["text"] for e in entries if e["location"].split("#")[0] == url))
        items = [item for item in proposal.problems if not item.notes]
        assert items and all(_plain(item.text) in said for item in items), url
