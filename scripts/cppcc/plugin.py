"""The MkDocs adapter: MkDocs' events, each handing its work to the build (`build.py`).

Everything MkDocs-specific is here, in `builder.py` (the one place that imports the builder:
MkDocs 1.6 or ProperDocs 1.6), `theming.py` (parallel theming) and `publishing.py` (the staged
site); the model, the pages, the search index and the exports know nothing of it.
"""

from __future__ import annotations

import gc
import gzip
import json
import logging
import re
from pathlib import Path

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from material import __version__ as material_version

from . import feeds, search, theming, urls
from .build import Build, BuildError, Caches
from .builder import (
    Abort,
    BasePlugin,
    CombinedEvent,
    Config,
    File,
    Files,
    InclusionLevel,
    MkDocsConfig,
    PluginError,
    event_priority,
    get_toc,
)
from .builder import Page as MkDocsPage
from .builder import config_options as c
from .metadata import SiteInfo
from .publishing import StagedSite, unwritable
from .rendering import TocEntry, esc
from .search.faceting import LABELS as FILTERS

log = logging.getLogger("mkdocs.plugins.cppcc")
SITEMAP = "sitemap.xml"
EMPTY_SITEMAP = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
                 b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>\n')

# Our stylesheets and scripts (scripts/cppcc/assets/), which every page loads, in their order
STYLES = ("site.css", "cite.css")
SCRIPTS = ("site.js", "citation.js", "cite.js")


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


def with_our_search(html: str) -> Markup:
    """Material's `__config` block with its worker replaced by ours and the address of our
    search index added (`cppcc.index`), both from `urls` and relative to the page like Material's
    own `base`, and the search's filters ([name, label], `cppcc.filters`) with the script that
    counts them (`cppcc.facets`, loaded when first needed): a Jinja filter, so that no page
    needs an inline script (nor a strict CSP a hash)."""
    html = str(html)
    found = MATERIAL_CONFIG.search(html)
    if not found:
        log.warning("Material's __config block was not found: the search worker is not replaced")
        return Markup(html)
    data = json.loads(found.group(2))
    base = data.get("base", ".")

    def at(path: str) -> str:
        return path if base in ("", ".") else f"{base.rstrip('/')}/{path}"

    data["search"] = at(urls.search_asset(search.WORKER))
    data["cppcc"] = {"index": at(urls.SEARCH_INDEX),
                     "filters": [list(f) for f in FILTERS.items()],
                     "facets": at(urls.search_asset(search.FACETS))}
    return Markup(html[:found.start(2)] + str(htmlsafe_json_dumps(data)) + html[found.end(2):])


SITE_KEYS = ("licence", "contact")  # what `extra: cppcc:` in mkdocs.yml may say of the site


def site_info(config: MkDocsConfig) -> SiteInfo:
    """What mkdocs.yml says of the site: its name, address and description (its pages' metadata
    and citations name them); for its about page `copyright`, and `extra: cppcc:` `licence` and
    `contact` (each a text, or left out)."""
    ours = config.extra.get("cppcc") or {}
    if not isinstance(ours, dict):
        raise PluginError("extra.cppcc: must be a mapping of keys to values")
    problems = [f"extra.cppcc.{key}: must be a text" for key in SITE_KEYS
                if not isinstance(ours.get(key, ""), str)]
    if problems:
        raise PluginError("; ".join(problems))
    return SiteInfo(config.copyright or "", *(ours.get(key, "").strip() for key in SITE_KEYS),
                    name=config.site_name, url=config.site_url or "",
                    description=config.site_description or "")


def _add_once(items: list, item: str) -> None:
    if item not in items:
        items.append(item)


class ProposalsPlugin(BasePlugin[ProposalsConfig]):
    build: Build | None = None
    staged: StagedSite | None = None
    caches: Caches | None = None  # `mkdocs serve` keeps this plugin: rebuilds redo what changed
    dirty = False
    command = ""
    handed: str | None = None  # the HTML of the page our `on_page_content` handed the builder

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command, self.dirty = command, dirty  # a dirty build updates the site in place
        self.caches = Caches() if command == "serve" else None

    @event_priority(100)  # first, so that every later reader of site_dir sees the stage
    def _stage_site(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.caches:
            self.caches.index.stop()
        self.staged = None if self.dirty else StagedSite(config)
        return config

    def _build(self, config: MkDocsConfig) -> MkDocsConfig:
        self.deferred: set[str] = set()  # our pages whose HTML waits in its spool (`mkdocs build`)
        root = Path(config.config_file_path).parent
        overrides = config.theme.custom_dir
        self.build = build = Build(root / self.config.proposals_dir, root, log,
                                   search=self.config.search, caches=self.caches,
                                   overrides=Path(overrides) if overrides else None,
                                   site=site_info(config))
        try:
            build.load()
            build.check()
            build.link()
            build.start_index(Path(config.site_dir))
            build.make_pages(Path(config.site_dir))
        except BuildError as error:
            for problem in error.problems:
                log.error(problem)
            raise PluginError(str(error)) from None
        if self.caches:
            docs = sorted(p for p in Path(config.docs_dir).rglob("*") if p.is_file())
            self.caches.rendered.start([Path(config.config_file_path), *docs],
                                       config.site_url or "", material_version)
        for name in STYLES:
            _add_once(config.extra_css, urls.asset(name))
        for name in SCRIPTS:  # in their load order
            _add_once(config.extra_javascript, urls.asset(name))
        for name in search.SCRIPTS if self.config.search else ():  # in their load order
            _add_once(config.extra_javascript, urls.search_asset(name))
        return config

    on_config = CombinedEvent(_stage_site, _build)

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        for page in self.build.pages.values():
            # its title: the builder reads no more of it (`on_page_markdown`)
            files.append(File.generated(config, page.src_uri, content=page.front_matter))
        for path, content in self.build.static_files().items():
            files.append(File.generated(config, path, content=content))
        return files

    def on_nav(self, nav, *, config: MkDocsConfig, files: Files):
        self.nav = nav
        return nav

    def feeds_of(self, page) -> list[feeds.FeedLink]:
        """The feeds a page links to (`docs/overrides/main.html`): the site's on every page,
        then those of our page (its meeting's, its party's...)."""
        ours = self.build.pages.get(page.file.src_uri) if getattr(page, "file", None) else None
        return [feeds.SITE, *(ours.feeds if ours else ())]

    def on_env(self, env, *, config: MkDocsConfig, files: Files):
        env.filters["cppcc_with_our_search"] = with_our_search
        env.globals["cppcc_feeds"] = self.feeds_of
        theming.install(env)
        if self.config.prerender and not self.caches:
            doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
            pages = [f.page for f in doc_files if f.page and f.src_uri in self.build.pages]
            outputs = theming.prerender(pages, env=env, config=config, nav=self.nav, files=files)
            for page, output in zip(pages, outputs or ()):
                theming.print_as(page, output)
        return env

    def on_page_markdown(self, markdown: str, *, page: MkDocsPage, config: MkDocsConfig,
                         files: Files) -> str:
        if self.config.search:  # keep Material's index empty: nothing corpus-sized on page load
            page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}
        # Our pages are raw HTML, which Markdown would only copy (at ~10 ms a page): skip it.
        return "" if page.file.src_uri in self.build.pages else markdown

    def _page_content(self, html: str, *, page: MkDocsPage, config: MkDocsConfig,
                      files: Files) -> str:
        ours = self.build.pages.get(page.file.src_uri)
        if not ours:
            return html
        previous = self.caches.rendered.lookup(ours) if self.caches else None
        if previous is not None:
            theming.print_as(page, previous)
        if ours.toc:
            page.toc = get_toc(_toc_tokens(ours.toc))
        # what the page says of itself: the theme's description tag, our head (main.html)
        page.meta["description"] = esc(ours.description)
        page.meta["cppcc_head"] = ours.head
        self.handed = ours.html
        return self.handed

    @event_priority(-100)  # last: every plugin has seen the page's HTML
    def _defer_content(self, html: str, *, page: MkDocsPage, config: MkDocsConfig,
                       files: Files) -> str:
        """`mkdocs build`: the builder holds every page's HTML from the first page made to the
        first themed; ours, unless a plugin changed it, is let go until `page_context` reads it
        back from its spool (`on_page_context`)."""
        handed, self.handed = self.handed, None
        if self.caches or html is not handed:
            return html
        self.deferred.add(page.file.src_uri)
        return ""

    on_page_content = CombinedEvent(_page_content, _defer_content)

    @event_priority(100)  # first: every plugin reads the page's HTML
    def on_page_context(self, context, *, page: MkDocsPage, config: MkDocsConfig, nav):
        if page.file.src_uri in self.deferred:
            page.content = self.build.pages[page.file.src_uri].html
        return context

    def _keep_output(self, output: str, *, page: MkDocsPage, config: MkDocsConfig) -> str:
        ours = self.build.pages.get(page.file.src_uri)
        if ours and self.caches:
            self.caches.rendered.keep(ours, output)
        return output

    @event_priority(-100)  # last: every plugin has seen the page
    def _let_go(self, output: str, *, page: MkDocsPage, config: MkDocsConfig) -> str:
        """`mkdocs build`: once our page is printed (MkDocs writes `output` next), its HTML and
        themed output are let go, so that the site's pages are not all in memory at its end."""
        if not self.caches and page.file.src_uri in self.build.pages:
            theming.let_go(page)
        return output

    on_post_page = CombinedEvent(_keep_output, _let_go)

    def _finish(self, *, config: MkDocsConfig) -> None:
        try:
            self.build.finish(Path(config.site_dir), self.staged.final if self.staged else None)
        except BuildError as error:
            raise PluginError(str(error)) from None

    def _reproducible_sitemap_gz(self, *, config: MkDocsConfig) -> None:
        """MkDocs stamps sitemap.xml.gz with the build's date: rewrite it without one."""
        sitemap = Path(config.site_dir) / "sitemap.xml"
        if sitemap.is_file():
            gz = gzip.compress(sitemap.read_bytes(), compresslevel=9, mtime=0)
            sitemap.with_name("sitemap.xml.gz").write_bytes(gz)

    def _sitemaps_beside_feeds(self, *, config: MkDocsConfig) -> None:
        """Material fetches `sitemap.xml` beside every `<link rel="alternate">` of a page (it takes
        them for versions of the site in other languages), so each folder of feeds gets an empty
        one: no request of a page fails, and none fetches the real sitemap, of every page."""
        feeds_dir = Path(config.site_dir) / urls.FEEDS
        for folder in sorted({path.parent for path in feeds_dir.rglob("*.xml")}):
            (folder / SITEMAP).write_bytes(EMPTY_SITEMAP)

    @event_priority(-100)  # last: nothing may fail once the new site is in place
    def _publish(self, *, config: MkDocsConfig) -> None:
        published = self.staged.publish() if self.staged else True
        self.staged = None
        if published:
            self.build.published(Path(config.site_dir))

    on_post_build = CombinedEvent(_finish, _reproducible_sitemap_gz, _sitemaps_beside_feeds,
                                  _publish)

    def _abandon(self) -> None:
        """Leave nothing of an unfinished build: no index child, no stage."""
        if self.build:
            self.build.abandon()
        if self.staged:
            self.staged.close()
            self.staged = None

    def on_build_error(self, *, error: Exception) -> None:
        final = self.staged.final if self.staged else None
        self._abandon()
        if isinstance(error, OSError) and final:  # the disk is full, the folder read-only...
            log.error(unwritable(error, final))
            raise Abort("Aborted: the site could not be written") from None

    def on_shutdown(self) -> None:
        if self.caches:
            self.caches.index.stop()
        self._abandon()  # a build that ended without an error event (Ctrl-C)
        if self.command == "build":
            # The process ends here: leave the build's objects to the operating system, for
            # the interpreter's last collection would walk them all and free them one by one
            # (8 s of a 10,000-proposal build)
            gc.freeze()

    def on_serve(self, server, *, config: MkDocsConfig, builder):
        server.watch(str(self.build.proposals_dir))
        return server
