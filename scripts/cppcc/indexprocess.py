"""The search index, written by a forked child while this process goes on with the pages.

The index needs the corpus and jieba's cuts, nothing of the pages; its build is a third of a large
site's. `IndexProcess` forks once the cuts are made, so that the two halves of a build share the
cores: the child writes every file of the index into a folder of its own, which the build moves
into the site at its end. Where forking is unavailable, the index is written in this process.
No MkDocs here.
"""

from __future__ import annotations

import multiprocessing
import shutil
import signal
import sys
from pathlib import Path

from .linking import Links
from .parallel import can_fork
from .search.indexing import ROOT, build_index


def write_files(site: Path, files: dict[str, bytes]) -> None:
    """Write {path relative to `site`: bytes}."""
    for path, content in files.items():
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_bytes(content)


def replace_folder(new: Path, target: Path) -> None:
    """Put the folder `new` in the place of `target` (which may not exist), by renames; the
    target is `<target>.old` for the moment between them."""
    old = target.with_suffix(".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    target.parent.mkdir(parents=True, exist_ok=True)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


class IndexProcess:
    """Writes the files of the index of `links` into `folder` (made anew), as they are under the
    site's `search/cppcc/`, in a forked child where forking is available, else at once; then, if
    `into` is given, puts the folder in the place of `into`. `wait` returns when all is done;
    `stop` ends the child and removes its folder.

    A child that is stopped in the ordinary course (`mkdocs serve`, when a newer edit comes) says
    so with `stoppable`: it must not hold up the end of its parent (a daemon), so it works on one
    core (a daemon may not fork workers)."""

    def __init__(self, links: Links, folder: Path, *, into: Path | None = None,
                 stoppable: bool = False):
        self.folder, self.process = folder, None
        links.segmenter.prepare(links.corpus)  # jieba's cuts, for both sides of the fork
        args = (links, folder, into, False if stoppable else None)
        if can_fork():
            self.process = multiprocessing.get_context("fork").Process(
                target=self._child, args=args, daemon=stoppable)
            self.process.start()
        else:
            self._write(*args)

    @classmethod
    def _child(cls, *args) -> None:
        # Ctrl-C reaches the parent, which stops the child (`stop`); the child ends on SIGTERM by
        # an exception, so that the workers its index build may have forked end with it
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
        cls._write(*args)

    @staticmethod
    def _write(links: Links, folder: Path, into: Path | None, parallel: bool | None) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        write_files(folder, {path.removeprefix(ROOT): content
                             for path, content in build_index(links, parallel=parallel).items()})
        if into:
            replace_folder(folder, into)

    def wait(self) -> None:
        """Return once the index is written; raise `RuntimeError` if its child failed."""
        if self.process:
            self.process.join()
            code, self.process = self.process.exitcode, None
            if code != 0:
                raise RuntimeError(f"the search index was not written (its process ended with "
                                   f"code {code})")

    def stop(self) -> None:
        """Stop the child, if it is still at work, and remove what it wrote."""
        if self.process:
            self.process.terminate()
            self.process.join(timeout=10)
            if self.process.is_alive():
                self.process.kill()
                self.process.join()
            self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)
