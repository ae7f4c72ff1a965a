"""Large texts that forked workers make, left in files rather than sent back: each worker appends
what it makes to a file of its own in a scratch folder (`Spool.write`) and sends back only where
it lies; the parent opens those files once the workers are done and removes the folder
(`Spool.opened`), and reads a text back only when it is used (`Spooled`), so that no more than
one of them is in its memory at a time however large the site. A file removed while open is
read on, and freed once the last `Spooled` of it goes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from .parallel import write_all

Place = tuple[int, int, int]  # (worker's pid, offset, size) of one text in the workers' files


@contextlib.contextmanager
def naming(path: Path) -> Iterator[None]:
    """An OSError raised inside that names no file (a write's "no space left on device") is
    raised again naming `path`, so that the build's one line says where (`publishing`)."""
    try:
        yield
    except OSError as error:
        if error.filename or error.errno is None:
            raise
        raise OSError(error.errno, error.strerror, str(path)) from error


class Spooled:
    """One text that a worker left in a file: read when printed (`str`)."""

    __slots__ = ("file", "offset", "size")

    def __init__(self, file, offset: int, size: int):
        self.file, self.offset, self.size = file, offset, size

    def __str__(self) -> str:
        return os.pread(self.file.fileno(), self.size, self.offset).decode("utf-8")

    __html__ = __str__  # printed as it is where a template escapes

    def __reduce__(self):  # a copy (or a pickle) is the text
        return str, (str(self),)


class Spool:
    """The scratch `folder` (made here, which must not exist) of the workers' files."""

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir()
        self.fds: dict[int, int] = {}  # in a worker: its file, opened at its first text

    def write(self, text: str) -> Place:
        """In a worker: append `text` to this process's file."""
        pid = os.getpid()
        if pid not in self.fds:
            self.fds[pid] = os.open(self.folder / str(pid), os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                                    0o600)
        fd = self.fds[pid]
        offset = os.lseek(fd, 0, os.SEEK_END)
        data = text.encode("utf-8")
        with naming(self.folder / str(pid)):
            write_all(fd, data)
        return pid, offset, len(data)

    def opened(self, places: list[Place]) -> list[Spooled]:
        """In the parent, once the workers are done: each place's text, in order; the folder
        is gone."""
        try:
            files = {pid: open(self.folder / str(pid), "rb", buffering=0)  # noqa: SIM115
                     for pid in sorted({pid for pid, _, _ in places})}
        finally:
            self.close()
        return [Spooled(files[pid], offset, size) for pid, offset, size in places]

    def close(self) -> None:
        """Remove the folder (a file this process wrote to is closed first)."""
        for fd in self.fds.values():  # only where the work ran in this process
            os.close(fd)
        self.fds.clear()
        shutil.rmtree(self.folder, ignore_errors=True)
