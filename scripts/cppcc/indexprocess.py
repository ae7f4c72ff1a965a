"""The search index, written by a forked child while this process goes on with the pages.

The index needs the corpus and jieba's cuts, nothing of the pages; its build is a third of a large
site's. `IndexProcess` forks once the cuts are made, so that the two halves of a build share the
cores: the child writes every file of the index into a folder of its own, which the build moves
into the site at its end. Where forking is unavailable, the index is written in this process.
No MkDocs here.
"""

from __future__ import annotations

import multiprocessing
import os
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


def _own_group(pid: int) -> None:
    """Make process `pid` (0: this one) the leader of a new process group."""
    try:
        os.setpgid(pid, pid)
    except (PermissionError, ProcessLookupError):  # it did so itself already, or has ended
        pass


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
        links.segmenter.prepare()  # jieba's cuts, for both sides of the fork
        args = (links, folder, into, False if stoppable else None)
        if can_fork():
            context = multiprocessing.get_context("fork")
            self.errors, errors = context.Pipe(duplex=False)
            self.process = context.Process(target=self._child, args=(errors, *args),
                                           daemon=stoppable)
            self.process.start()
            errors.close()
            _own_group(self.process.pid)  # as the child does: whichever comes first
        else:
            self._write(*args)

    @classmethod
    def _child(cls, errors, *args) -> None:
        # A process group of its own, with the workers its index build may fork: Ctrl-C reaches
        # the parent alone, which stops the whole group at once (`stop`)
        _own_group(0)
        try:
            cls._write(*args)
        # any failure is told to the parent, which fails the build with it
        except Exception as error:  # noqa: BLE001
            errors.send(f"{type(error).__name__}: {error}")
            sys.exit(1)

    @staticmethod
    def _write(links: Links, folder: Path, into: Path | None, parallel: bool | None) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        write_files(folder, {path.removeprefix(ROOT): content
                             for path, content in build_index(links, parallel=parallel).items()})
        if into:
            replace_folder(folder, into)

    def wait(self) -> None:
        """Return once the index is written; raise `RuntimeError`, with the child's error, if it
        failed."""
        if self.process:
            self.process.join()
            code, self.process = self.process.exitcode, None
            if code != 0:
                why = self.errors.recv() if self.errors.poll() else f"its process ended with {code}"
                raise RuntimeError(f"the search index was not written: {why}")

    def stop(self) -> None:
        """Stop the child, if it is still at work, and remove what it wrote."""
        if self.process:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:  # it has ended
                pass
            self.process.join()
            self.process = None
        shutil.rmtree(self.folder, ignore_errors=True)
