"""The thin MkDocs adapter: load the proposals, hand MkDocs the pages, write the exports.

All logic lives in plain modules (loading, linking, rendering, exports, search); this file only
maps them onto MkDocs events, so that the rest outlives MkDocs and its theme.
"""

from __future__ import annotations

import gc
import gzip
import json
import logging
import re
import secrets
from importlib import resources
from pathlib import Path

from jinja2 import ChoiceLoader, DictLoader
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from material import __version__ as material_version
from mkdocs.commands.build import get_context
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import get_toc

from . import exports, permalinks, search
from .indexprocess import IndexProcess, replace_folder
from .linking import CSV_EXPORT, JSON_EXPORT, Links
from .loading import LoadError, load_corpus
from .parallel import MANY, can_fork, fork_map
from .publishing import StagedSite
from .rendering import SCHEMA_URL, Page, TocEntry, all_pages, esc
from .schema import proposal_schema
from .search.indexing import ROOT as INDEX_ROOT
from .serving import OUTPUT, PRINTED, BackgroundIndex, RenderCache
from .templating import RenderError

log = logging.getLogger("mkdocs.plugins.cppcc")

ASSETS = "assets/cppcc/"


class ProposalsConfig(Config):
    proposals_dir = c.Type(str, default="proposals")
    search = c.Type(bool, default=True)  # our search (cppcc.search) in Material's search box
    # render our pages through the theme on every core before MkDocs' one-page-at-a-time loop
    prerender = c.Type(bool, default=True)


def _toc_tokens(entries: list[TocEntry]) -> list[dict]:
    return [{"level": e.level, "id": e.id, "name": esc(e.title), "children": _toc_tokens(e.children)}
            for e in entries]


MATERIAL_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)',
                             re.DOTALL)


def with_search_worker(html: str, worker_url: str) -> Markup:
    """Material's `__config` block with its worker URL replaced: a Jinja filter, so that no page
    needs an inline script to swap the worker (and a strict CSP needs no hash)."""
    html = str(html)
    found = MATERIAL_CONFIG.search(html)
    if not found:
        log.warning("Material's __config block was not found: the search worker is not replaced")
        return Markup(html)
    data = json.loads(found.group(2))
    data["search"] = worker_url
    return Markup(html[:found.start(2)] + str(htmlsafe_json_dumps(data)) + html[found.end(2):])


class ProposalsPlugin(BasePlugin[ProposalsConfig]):
    staged: StagedSite | None = None
    dirty = False
    load_cache: dict | None = None
    segment_cache: dict | None = None
    render_cache: RenderCache | None = None
    background: BackgroundIndex | None = None
    index: IndexProcess | None = None
    built = False
    command = ""
    collecting = True  # whether Python's cycle collector was on when the build began

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        self.dirty = dirty  # a dirty build updates the old site in place: nothing to stage
        if command == "serve":  # serve keeps this plugin: rebuilds redo only what changed
            self.load_cache, self.segment_cache = {}, {}
            self.render_cache = RenderCache()
            self.background = BackgroundIndex() if can_fork() else None

    @event_priority(100)  # first, so that every later reader of site_dir sees the stage
    def _stage_site(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.background:
            self.background.stop()
        self.staged = None if self.dirty else StagedSite(config)
        # A build makes millions of objects that live until its end: Python's cycle collector
        # would walk them all again and again (15% of a large build). It is back on at the end.
        self.collecting = gc.isenabled()
        gc.disable()
        return config

    def _load(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path).parent
        self.proposals_dir = root / self.config.proposals_dir
        try:
            corpus = load_corpus(self.proposals_dir, display_root=root, cache=self.load_cache)
        except LoadError as error:
            for issue in error.issues:
                log.error(str(issue))
            count = len(error.issues)
            raise PluginError(f"{count} error{'s' if count != 1 else ''} in "
                              f"{self.config.proposals_dir}/: nothing was built") from None
        self._check_permalinks(corpus)
        self.links = Links(corpus, segment_cache=self.segment_cache)
        if self.config.search and not (self.background and self.built):
            # The index is written beside the site (which MkDocs empties next) while the pages
            # are made, and moved into the site at the end; its folder appears only then
            site = Path(config.site_dir)
            folder = site.parent / f".cppcc-index-{secrets.token_hex(8)}"
            self.index = IndexProcess(self.links, folder)
        custom_dir = config.theme.custom_dir
        try:
            pages = all_pages(self.links, Path(custom_dir) if custom_dir else None)
        except RenderError as error:
            raise PluginError(str(error)) from None
        self.pages: dict[str, Page] = {page.src_uri: page for page in pages}
        if self.render_cache:
            docs = sorted(p for p in Path(config.docs_dir).rglob("*") if p.is_file())
            self.render_cache.start([Path(config.config_file_path), *docs],
                                    config.site_url or "", material_version)
        for name in ("site.css", "site.js"):
            extra = config.extra_css if name.endswith(".css") else config.extra_javascript
            if ASSETS + name not in extra:
                extra.append(ASSETS + name)
        if self.config.search and ASSETS + "search/" + search.SCRIPT not in config.extra_javascript:
            config.extra_javascript.append(ASSETS + "search/" + search.SCRIPT)
        return config

    on_config = CombinedEvent(_stage_site, _load)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for page in self.pages.values():
            files.append(File.generated(config, page.src_uri, content=page.markdown))
        assets = resources.files("cppcc") / "assets"
        for asset in sorted(a.name for a in assets.iterdir() if a.is_file()):
            files.append(File.generated(config, ASSETS + asset, content=(assets / asset).read_bytes()))
        files.append(File.generated(config, SCHEMA_URL, content=proposal_schema()))
        for path, html in permalinks.redirects(self.links.corpus).items():
            files.append(File.generated(config, path, content=html))
        if self.config.search:
            for name, content in search.assets().items():
                files.append(File.generated(config, ASSETS + "search/" + name, content=content))
        return files

    def on_nav(self, nav, *, config: MkDocsConfig, files: Files):
        self.nav = nav
        return nav

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        env.filters["cppcc_with_search_worker"] = with_search_worker
        env.loader = ChoiceLoader([DictLoader({PRINTED: f"{{{{ page.{OUTPUT} }}}}"}), env.loader])
        if self.config.prerender and not self.render_cache:
            self._prerender(env, config, files)
        return env

    def _prerender(self, env, config: MkDocsConfig, files: Files) -> None:
        """Theme our pages (nearly all of a large site) on every core, as MkDocs' own loop would:
        its template context, its `page_context` event, the page's template; MkDocs then prints
        each output through PRINTED (and sends its `page_context` and `post_page` events, which
        see the page as ever: its content is still the page's own HTML). The events sent in the
        forked workers leave no trace in this process."""
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        pages = [f.page for f in doc_files if f.page and f.src_uri in self.pages]
        if len(pages) < MANY or not can_fork():
            return  # in this process, the events would reach other plugins twice

        def render(page: MkDocsPage) -> str:
            config._current_page, page.active = page, True
            try:
                context = get_context(self.nav, doc_files, config, page)
                template = env.get_template(page.meta.get("template", "main.html"))
                context = config.plugins.on_page_context(context, page=page, config=config,
                                                         nav=self.nav)
                return template.render(context)
            finally:
                config._current_page, page.active = None, False

        for page, output in zip(pages, fork_map(render, pages, parallel=True, chunksize=32)):
            setattr(page, OUTPUT, output)
            page.meta["template"] = PRINTED

    def on_page_markdown(self, markdown: str, *, page: MkDocsPage, config: MkDocsConfig,
                         files: Files) -> str:
        if self.config.search:  # keep Material's index empty: nothing corpus-sized on page load
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        # Our pages are raw HTML, which Markdown would only copy (at ~10 ms a page): skip it.
        return "" if page.file.src_uri in self.pages else markdown

    def on_page_content(self, html: str, *, page: MkDocsPage, config: MkDocsConfig,
                        files: Files) -> str:
        ours = self.pages.get(page.file.src_uri)
        previous = self.render_cache.lookup(ours) if ours and self.render_cache else None
        if previous is not None:
            setattr(page, OUTPUT, previous)
            page.meta["template"] = PRINTED
        if ours and ours.toc:
            page.toc = get_toc(_toc_tokens(ours.toc))
        return ours.html if ours else html

    def on_post_page(self, output: str, *, page: MkDocsPage, config: MkDocsConfig) -> str:
        ours = self.pages.get(page.file.src_uri)
        if ours and self.render_cache:
            self.render_cache.keep(ours, output)
        return output

    def _check_permalinks(self, corpus) -> None:
        """Fail if a published permalink (proposals/permalinks.txt) would no longer land."""
        manifest = self.proposals_dir / permalinks.MANIFEST
        if not manifest.is_file():
            return
        shown = f"{self.config.proposals_dir}/{permalinks.MANIFEST}"
        result = permalinks.check(corpus, permalinks.read_manifest(manifest))
        for problem in result.problems(shown):
            log.error(problem)
        if result.missing:
            count = len(result.missing)
            raise PluginError(f"{count} published permalink{'s' if count != 1 else ''} would "
                              "break: nothing was built")
        if result.new:
            log.info(result.advice(shown))

    def _write_exports(self, *, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        base = config.site_url or ""
        (site / JSON_EXPORT).write_text(exports.proposals_json(self.links, base), encoding="utf-8")
        (site / CSV_EXPORT).write_text(exports.recommendations_csv(self.links.corpus, base),
                                       encoding="utf-8", newline="")
        if self.index:
            try:
                self.index.wait()
            except RuntimeError as error:
                raise PluginError(str(error)) from None
            replace_folder(self.index.folder, site / INDEX_ROOT)
            self.index = None
        elif self.config.search and self.background and self.staged:
            self.background.carry_over(self.staged.final, site)

    @event_priority(-100)  # last: nothing may fail once the new site is in place
    def _publish(self, *, config: MkDocsConfig) -> None:
        published = self.staged.publish() if self.staged else True
        self.staged = None
        if published and self.config.search and self.background and self.built:
            self.background.start(self.links, Path(config.site_dir))
        self.built = self.built or published
        self._collect_again()

    def _collect_again(self) -> None:
        if self.collecting:
            gc.enable()

    def _reproducible_sitemap_gz(self, *, config: MkDocsConfig) -> None:
        """MkDocs stamps sitemap.xml.gz with the build's date: rewrite it without one."""
        sitemap = Path(config.site_dir) / "sitemap.xml"
        if sitemap.is_file():
            gz = gzip.compress(sitemap.read_bytes(), compresslevel=9, mtime=0)
            sitemap.with_name("sitemap.xml.gz").write_bytes(gz)

    on_post_build = CombinedEvent(_write_exports, _reproducible_sitemap_gz, _publish)

    def _abandon(self) -> None:
        """Leave nothing of an unfinished build: no index child, no stage."""
        if self.index:
            self.index.stop()
            self.index = None
        if self.staged:
            self.staged.discard()
            self.staged = None

    def on_build_error(self, *, error: Exception) -> None:
        self._abandon()
        self._collect_again()

    def on_shutdown(self) -> None:
        if self.background:
            self.background.stop()
        self._abandon()  # a build that ended without an error event (Ctrl-C)
        if self.command == "build":
            # The process ends here: leave the build's objects to the operating system, for
            # the interpreter's last collection would walk them all and free them one by one
            # (8 s of a 10,000-proposal build)
            gc.freeze()

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        server.watch(str(self.proposals_dir))
        return server
