"""The build of the site, top to bottom, in the order it happens:

1. load     read and validate every YAML file into one `Corpus` (`loading`)
2. check    every permalink ever published still lands (`permalinks`)
3. link     cut the texts (jieba), find keywords, neighbours, related proposals, indexes (`linking`)
4. index    start writing the search index, in a child process, beside the site (`indexprocess`)
5. pages    make every page on every core (`rendering`), each body spooled; the static files too
6. exports  write the open data and the feeds into the finished site, and move the search index in
7. publish  the builder swaps the finished site into place (`publishing`)

No MkDocs here: the plugin (`plugin.py`) runs these steps from MkDocs' events, hands the pages to
MkDocs, and publishes; another builder would call the same steps. What `mkdocs serve` keeps
between builds (`Caches`) makes a rebuild redo only what changed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from . import exports, feeds, permalinks, search, urls
from .caching import Memo
from .indexprocess import (
    INDEX_SCRATCH,
    IndexProcess,
    replace_folder,
    scratch_folder,
    write_files,
)
from .linking import Links
from .loading import MAX_SOURCE_BYTES, LoadError, Unreadable, load_corpus, read_inside
from .metadata import SiteInfo
from .model import Corpus
from .rendering import Page, all_pages
from .serving import BackgroundIndex, RenderCache
from .templating import RenderError


class BuildError(Exception):
    """The build cannot go on: `problems` are one line each (`file:line: key: rule`), the
    message says what happened."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


# Said once a build while the site's address is unknown. Not a warning, which would fail every
# strict build of a site not yet published (the tests' among them): a notice of what it costs.
NO_ADDRESS = ("site_url is not set: the exports name site-relative URLs, the pages no canonical "
              "address, citations the address the reader opened, and the feeds ids of their own "
              "(urn:uuid) that change once it is set; set site_url in mkdocs.yml to the "
              "published address")


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


@dataclass
class Caches:
    """What `mkdocs serve` keeps from one build to the next."""

    parsed: Memo = field(default_factory=Memo)  # YAML parses by file contents (`loading`)
    segmenting: Memo = field(default_factory=Memo)  # jieba's dictionary and cuts (`segmenting`)
    index: BackgroundIndex = field(default_factory=BackgroundIndex)  # the search index's child
    rendered: RenderCache = field(default_factory=RenderCache)  # themed pages (`serving`)
    built: bool = False  # whether a build has been published, whose search index can be reused


@dataclass
class Build:
    """One build of the site whose proposals are in `proposals_dir` (shown in messages relative
    to `root`); `overrides` is the folder of the site's own templates (`templating`), `site`
    what its configuration says of it (its name, address and description, which its pages,
    citations and exports name; what the about page shows)."""

    proposals_dir: Path
    root: Path
    log: logging.Logger
    search: bool = True
    overrides: Path | None = None
    site: SiteInfo = field(default_factory=SiteInfo)
    caches: Caches | None = None
    corpus: Corpus = field(init=False)
    links: Links = field(init=False)
    pages: dict[str, Page] = field(init=False, default_factory=dict)
    sources: dict[str, bytes] = field(init=False, default_factory=dict)  # by site path
    index: IndexProcess | None = field(init=False, default=None)

    def _shown(self, path: Path) -> str:
        """A path as messages show it: from the project's root where it lies below it."""
        return (path.relative_to(self.root) if path.is_relative_to(self.root) else path).as_posix()

    def load(self) -> None:
        try:
            self.corpus = load_corpus(self.proposals_dir, display_root=self.root,
                                      memo=self.caches.parsed if self.caches else None)
        except LoadError as error:
            shown = self._shown(self.proposals_dir)
            raise BuildError(f"{_count(len(error.issues), 'error')} in {shown}/: nothing was "
                             "built", [str(issue) for issue in error.issues]) from None
        for meeting in self.corpus.meetings:  # checked by `load_corpus`, read the same way
            if meeting.source:
                try:
                    self.sources[urls.source(meeting.source)] = read_inside(
                        self.proposals_dir, meeting.source, MAX_SOURCE_BYTES)
                except Unreadable as error:
                    raise BuildError(f"proposals/{meeting.source}: is {error} since it was "
                                     "checked: nothing was built") from None

    def check(self) -> None:
        """Fail if a published permalink (proposals/permalinks.txt) would no longer land; warn
        (which fails a strict build) while permalinks are not recorded there."""
        manifest = self.proposals_dir / permalinks.MANIFEST
        shown = self._shown(manifest)
        if not manifest.is_file():
            self.log.warning(permalinks.missing_advice(shown))
            return
        result = permalinks.check(self.corpus, permalinks.read_manifest(manifest))
        if result.missing:
            raise BuildError(f"{_count(len(result.missing), 'published permalink')} would break: "
                             "nothing was built", result.problems(shown))
        if result.new:
            self.log.warning(result.advice(shown))

    def link(self) -> None:
        self.links = Links(self.corpus, memo=self.caches.segmenting if self.caches else None)

    def start_index(self, site: Path) -> None:
        """Start writing the search index beside `site` (which the builder empties next), unless
        `mkdocs serve` will write it after the pages are served. Its folder appears only once
        written, and `finish` moves it into the site."""
        if self.search and not (self.caches and self.caches.built):
            self.index = IndexProcess.start(self.links, scratch_folder(site.parent, INDEX_SCRATCH))

    def make_pages(self, site: Path) -> None:
        """Every page, its body left in a spool beside `site` (read back when used)."""
        try:
            pages = all_pages(self.links, self.overrides, self.site, spool_beside=site.parent)
        except RenderError as error:  # a template's mistake, as `file:line: problem`
            raise BuildError(str(error)) from None
        self.pages = {page.src_uri: page for page in pages}

    def static_files(self) -> dict[str, bytes | str]:
        """Every file of the site that is not a page nor an export: our assets, the meetings'
        printed sources, the redirects of old slugs, the search's scripts; by site path."""
        out: dict[str, bytes | str] = {}
        assets = resources.files("cppcc") / "assets"
        for name in sorted(a.name for a in assets.iterdir() if a.is_file()):
            out[urls.asset(name)] = (assets / name).read_bytes()
        out.update(self.sources)
        out.update(permalinks.redirects(self.corpus))
        if self.search:
            out.update({urls.search_asset(name): content
                        for name, content in search.assets().items()})
        return out

    def finish(self, site: Path, previous: Path | None = None) -> None:
        """Write the exports and the feeds into the finished `site` and move the search index in
        (for `mkdocs serve`, the `previous` site's index, until its child writes a new one)."""
        if not self.site.url:
            self.log.info(NO_ADDRESS)
        write_files(site, exports.site_files(self.links, self.site.url))
        write_files(site, feeds.files(self.links, self.site.url, self.site.name))
        if self.index:
            try:
                self.index.wait()
            except RuntimeError as error:
                raise BuildError(str(error)) from None
            replace_folder(self.index.folder, site / urls.SEARCH_INDEX)
            self.index = None
        elif self.search and self.caches and previous:
            self.caches.index.carry_over(previous, site)

    def published(self, site: Path) -> None:
        """The site is in place: `mkdocs serve` now writes its new search index."""
        if self.caches:
            if self.search and self.caches.built:
                self.caches.index.start(self.links, site)
            self.caches.built = True

    def abandon(self) -> None:
        """Leave nothing of an unfinished build: no index child, no folder of its."""
        if self.index:
            self.index.stop()
            self.index = None
