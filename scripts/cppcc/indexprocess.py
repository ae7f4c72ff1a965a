"""The search index, written by a forked child while this process goes on with the pages.

The index needs the corpus and jieba's cuts, nothing of the pages; its build is a third of a large
site's. `IndexProcess.start` forks once the cuts are made, so that the two halves of a build share
the cores: the child (`parallel.Child`: it ignores Ctrl-C, dies with its parent, and its own
workers die with it) writes every file of the index into a folder of its own, which the build
moves into the site at its end. Where forking is unavailable, the index is written in this
process. No MkDocs here.
"""

from __future__ import annotations

import ctypes
import os
import secrets
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path

from .linking import Links
from .parallel import Child, can_fork
from .search.indexing import ROOT, index_files
from .spooling import naming

RENAME_EXCHANGE = 2


INDEX_SCRATCH = "cppcc-index"


def scratch_folder(parent: Path, kind: str) -> Path:
    """A name for a folder of this build beside the site: `.<kind>-<pid>-<random>`."""
    return parent / f".{kind}-{os.getpid()}-{secrets.token_hex(4)}"


Content = bytes | Iterable[bytes]  # a file's bytes, whole or in chunks as they are made


def write_files(site: Path, files: Mapping[str, Content] | Iterable[tuple[str, Content]]) -> None:
    """Write {path relative to `site`: bytes}, or (path, bytes) pairs as they come."""
    for path, content in files.items() if isinstance(files, Mapping) else files:
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        with naming(site / path), (site / path).open("wb") as out:
            for chunk in [content] if isinstance(content, bytes) else content:
                out.write(chunk)


def exchange(a: Path, b: Path) -> bool:
    """Swap two folders of one file system in one step (Linux's renameat2); False where the
    system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_cwd = -100
    if renameat2(at_cwd, os.fsencode(a), at_cwd, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    error = ctypes.get_errno()
    if error in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: this file system or kernel cannot
        return False
    raise OSError(error, os.strerror(error), str(b))


def replace_folder(new: Path, target: Path) -> None:
    """Put the folder `new` in the place of `target` (which may not exist): in one step where
    the system can swap them, else by two renames (`target` is `<target>.old` for a moment)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir() and exchange(new, target):
        shutil.rmtree(new)
        return
    old = target.with_suffix(".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


class IndexProcess:
    """Writes the files of the index of `links` into `folder` (made anew), as they are under the
    site's `search/cppcc/`, in a forked child where forking is available, else at once; then, if
    `into` is given, puts the folder in the place of `into`. `wait` returns when all is done;
    `stop` ends the child and removes its folder.

    A child that is stopped in the ordinary course (`mkdocs serve`, when a newer edit comes) says
    so with `stoppable`: it works on one core, leaving the others to the server."""

    def __init__(self, folder: Path, child: Child | None):
        self.folder, self.child = folder, child

    @classmethod
    def start(cls, links: Links, folder: Path, *, into: Path | None = None,
              stoppable: bool = False) -> IndexProcess:
        links.segmenter.prepare()  # jieba's cuts, for both sides of the fork
        args = (links, folder, into, False if stoppable else None)
        if not can_fork():
            cls._write(*args)
            return cls(folder, None)
        return cls(folder, Child(cls._write, *args))

    @staticmethod
    def _write(links: Links, folder: Path, into: Path | None, parallel: bool | None) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        write_files(folder, ((path.removeprefix(ROOT), content)
                             for path, content in index_files(links, parallel=parallel)))
        if into:
            replace_folder(folder, into)

    def wait(self) -> None:
        """Return once the index is written; raise `RuntimeError`, with the child's error, if it
        failed."""
        if self.child:
            child, self.child = self.child, None
            try:
                child.wait()
            except Exception as error:  # noqa: BLE001 - whatever the child raised
                raise RuntimeError("the search index was not written: "
                                   f"{type(error).__name__}: {error}") from None
            finally:
                child.kill()

    def stop(self) -> None:
        """Stop the child, if it is still at work, and remove what it wrote."""
        if self.child:
            self.child.kill()
            self.child = None
        shutil.rmtree(self.folder, ignore_errors=True)
