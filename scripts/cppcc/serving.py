"""What `mkdocs serve` keeps between rebuilds, so that an edit shows in seconds at any size.

MkDocs rebuilds the whole site on every change. Besides the caches of parsed files and of jieba's
cuts (`loading`, `segmenting`), serve keeps each page's themed output (`RenderCache`) and builds
the search index after the pages are served (`BackgroundIndex`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from .caching import Memo
from .indexprocess import IndexProcess
from .linking import Links
from .rendering import Page
from .urls import SEARCH_INDEX as INDEX_ROOT


class RenderCache:
    """`mkdocs serve` only: one of our pages whose inputs have not changed since the previous
    build is not rendered by the theme again (~2.5 ms a page); it prints its previous output
    through the builder (`theming.print_as`).

    A page's inputs are its own (our `Page`: front matter, HTML, metadata, table of contents and
    feeds) and what the theme shows on every page alike (for MkDocs: the config file, every file under
    `docs/`, the theme overrides among them, the theme's version and the site URL)."""

    def __init__(self):
        self.outputs: Memo[str, str] = Memo()  # by the page's and the site's fingerprint
        self.site = ""

    def start(self, files: list[Path], *values: str) -> None:
        """Start a build: fingerprint what every page shows alike, these files and values."""
        self.outputs.new_build()
        digest = hashlib.sha256("\0".join(values).encode())
        for path in files:
            digest.update(f"\0{path}\0".encode() + path.read_bytes())
        self.site = digest.hexdigest()

    def _key(self, page: Page) -> str:
        own = f"{page.markdown}\0{page.description}\0{page.head}\0{page.toc!r}\0{page.feeds!r}"
        return hashlib.sha256(f"{self.site}\0{own}".encode()).hexdigest()

    def lookup(self, page: Page) -> str | None:
        """The previous output for the page, if it and the site are unchanged."""
        return self.outputs.lookup(self._key(page))

    def keep(self, page: Page, output: str) -> None:
        self.outputs.keep(self._key(page), output)


class BackgroundIndex:
    """`mkdocs serve` only: a rebuild serves its pages at once, with the previous search index
    carried over, and a child process replaces that index a few seconds later; a newer rebuild
    stops a child still at work (its own child will write a newer index)."""

    def __init__(self):
        self.process: IndexProcess | None = None

    def stop(self) -> None:
        if self.process:
            self.process.stop()
            self.process = None

    @staticmethod
    def carry_over(old_site: Path, new_site: Path) -> None:
        """Hard-link the previous index into the new site, so that search keeps working (the
        index as it was before a stopped child began to swap it in, if it was stopped then)."""
        for old in (old_site / INDEX_ROOT, (old_site / INDEX_ROOT).with_suffix(".old")):
            if old.is_dir():
                shutil.copytree(old, new_site / INDEX_ROOT, copy_function=os.link)
                return

    def start(self, links: Links, site: Path) -> None:
        self.stop()
        target = site / INDEX_ROOT
        self.process = IndexProcess.start(links, target.with_suffix(".new"), into=target,
                                          stoppable=True)
