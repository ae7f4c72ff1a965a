"""Parallel theming: our pages put through the theme on every core, before the builder's own loop.

The builder themes one page at a time (`commands.build._build_page`); for a site of thousands of
proposals that loop is most of the build. `prerender` does its theming step for our pages in
forked workers, exactly as the loop would: the page made active, the builder's template context
(`get_context`, a public function of `commands.build`), the `page_context` event, the page's
template. The plugin then hands each output to the loop through a template that only prints it
(`PRINTED`, `print_as`), so the loop still sends `page_context` and `post_page` and writes the
file; `mkdocs serve` hands over its kept outputs the same way.

It mirrors `_build_page` of the builders in MIRRORS and of no other: for any other builder or
version it does nothing and the builder's own loop themes every page. `tests/test_builders.py`
builds a site both ways on each builder and compares every byte.

The workers do not send their outputs back through the pipe (for a large site, one pickle of
every page of a worker's share, and the parent holding them all at once): they leave them in a
`spooling.Spool` beside the site, and the loop reads a page's output back only when it prints
it, so that no more than one page's output is in the parent's memory at a time.

It leaves out one step of `_build_page`: setting the private `config._current_page`. That is read
only by the `!relative` YAML tag, whose value is taken while Markdown is converted (before this
step), never while a page is themed.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from jinja2 import ChoiceLoader, DictLoader

from .builder import NAME, VERSION, Files, InclusionLevel, MkDocsConfig, Page, get_context
from .indexprocess import scratch_folder
from .parallel import MANY, can_fork, fork_map
from .spooling import Place, Spool, Spooled

log = logging.getLogger("mkdocs.plugins.cppcc")

# builder package → the versions (a prefix of VERSION) whose `_build_page` this mirrors
MIRRORS = {"mkdocs": ("1.6.",), "properdocs": ("1.6.",)}

# A template that prints a page's finished output, which the page carries as its OUTPUT attribute
PRINTED = "cppcc-printed-page.html"
OUTPUT = "cppcc_output"
THEMED_SCRATCH = "cppcc-themed"  # the workers' folder of outputs, beside the site


def install(env) -> None:
    """Let the builder's environment print finished outputs (`PRINTED`)."""
    env.loader = ChoiceLoader([DictLoader({PRINTED: f"{{{{ page.{OUTPUT} }}}}"}), env.loader])


def print_as(page: Page, output: str | Spooled) -> None:
    """Have the builder's loop print `output` for the page instead of theming it."""
    setattr(page, OUTPUT, output)
    page.meta["template"] = PRINTED


def let_go(page: Page) -> None:
    """Once the builder has printed the page: drop its HTML and its finished output."""
    page.content = ""
    if hasattr(page, OUTPUT):
        delattr(page, OUTPUT)


def mirrored(name: str = NAME, version: str = VERSION) -> bool:
    return version.startswith(MIRRORS.get(name, ()))


def prerender(pages: Sequence[Page], *, env, config: MkDocsConfig, nav,
              files: Files) -> list[Spooled] | None:
    """The themed output of each page, in order, as `_build_page` would make it; None where it
    would not pay off (few pages), cannot fork, or the builder is not one this mirrors (then
    nothing has run). Sending the `page_context` events in this process would send them twice,
    so it never runs here: the events sent in the workers leave no trace in this process."""
    if len(pages) < MANY or not can_fork():
        return None
    if not mirrored():
        log.info(f"Pages are themed one at a time: parallel theming mirrors {MIRRORS}, "
                 f"not {NAME} {VERSION}")
        return None
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    spool = Spool(scratch_folder(Path(config.site_dir).resolve().parent, THEMED_SCRATCH))

    def render(page: Page) -> Place:
        """Theme the page, leave its output in this worker's file of the spool. The HTML that
        a plugin gives the page at `page_context` (ours reads it back from a spool) goes with
        it: a worker themes thousands of pages."""
        page.active, content = True, page.content
        try:
            context = get_context(nav, doc_files, config, page)
            template = env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
            return spool.write(template.render(context))
        finally:
            page.active, page.content = False, content

    try:
        places = fork_map(render, pages, parallel=True, chunksize=32)
    except BaseException:
        spool.close()
        raise
    return spool.opened(places)
