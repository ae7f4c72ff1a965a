"""Theme our pages (nearly all of a large site) on every core, before the builder's own page loop.

The builder themes one page at a time (~2.5 ms a page with Material). `prerender` does what that
loop does for a page, in forked workers: the template context, the `page_context` event, the
page's template. The loop then only prints each output, through the template `PRINTED`, and sends
its own `page_context` and `post_page` events, which see the page as ever (its content is still
the page's own HTML). The events sent in the workers leave no trace in this process.

This mirrors `mkdocs.commands.build._build_page` of MkDocs 1.6 (and ProperDocs 1.6, its fork),
including the `config._current_page` it sets for `!relative` config values; for any other version,
`supported()` is false and the builder's own loop themes every page. The test suite compares the
two, byte for byte, on both builders.
"""

from __future__ import annotations

import mkdocs
from jinja2 import ChoiceLoader, DictLoader
from mkdocs.commands.build import get_context
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.pages import Page

from .parallel import MANY, can_fork, fork_map

MIRRORS = ("1.6.",)  # the builder versions whose page loop this mirrors

# A template that prints a page's finished output, which the page carries as its OUTPUT attribute
PRINTED = "cppcc-printed-page.html"
OUTPUT = "cppcc_output"


def supported() -> bool:
    return mkdocs.__version__.startswith(MIRRORS)


def install(env) -> None:
    """Let the environment print finished outputs (`PRINTED`)."""
    env.loader = ChoiceLoader([DictLoader({PRINTED: f"{{{{ page.{OUTPUT} }}}}"}), env.loader])


def print_as(page: Page, output: str) -> None:
    """Have the builder print `output` for the page instead of theming it."""
    setattr(page, OUTPUT, output)
    page.meta["template"] = PRINTED


def prerender(ours: set[str], nav, files: Files, config: MkDocsConfig, env) -> None:
    """Theme the pages whose `src_uri` is in `ours`, on every core; only in forked workers, for
    in this process the events would reach other plugins twice."""
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    pages = [f.page for f in doc_files if f.page and f.src_uri in ours]
    if len(pages) < MANY or not can_fork() or not supported():
        return

    def render(page: Page) -> str:
        config._current_page, page.active = page, True
        try:
            context = get_context(nav, doc_files, config, page)
            template = env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
            return template.render(context)
        finally:
            config._current_page, page.active = None, False

    for page, output in zip(pages, fork_map(render, pages, parallel=True, chunksize=32)):
        print_as(page, output)
