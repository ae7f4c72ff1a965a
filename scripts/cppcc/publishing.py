"""Atomic output and clean stops: a build is written beside the site and swapped into its place
only at the end; SIGINT or SIGTERM stops it at any moment, leaving the old site or the new one.

Every folder a build writes beside the site carries its owner's pid (`.site.new-<pid>-*`,
`.cppcc-index-<pid>-*`, `.cppcc-themed-<pid>-*`), so that the next build removes those of a build
that was killed (`kill -9`) without its cleanup running.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import shutil
import signal
import tempfile
import threading
from pathlib import Path

from .builder import NAME, CountHandler, MkDocsConfig, PluginError
from .indexprocess import INDEX_SCRATCH, exchange
from .parallel import STOPS, signals_blocked
from .rendering import PAGES_SCRATCH
from .theming import THEMED_SCRATCH

log = logging.getLogger("mkdocs.plugins.cppcc")

def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's
        pass
    return True


def remove_leftovers(parent: Path, site_name: str) -> list[Path]:
    """Remove the folders that builds whose process has ended left beside the site."""
    owned = re.compile(
        rf"\.(?:{re.escape(site_name)}\.new|{INDEX_SCRATCH}|{THEMED_SCRATCH}|{PAGES_SCRATCH})-(\d+)-")
    removed = []
    for entry in parent.iterdir() if parent.is_dir() else ():
        found = owned.match(entry.name)
        if found and not _alive(int(found.group(1))) and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


class Interrupted(KeyboardInterrupt):
    """SIGINT or SIGTERM stopped the build."""


class Stops:
    """SIGINT and SIGTERM for the duration of a build (in the main thread; elsewhere the
    process's own handling stays): both stop the build by raising `Interrupted`, once; signals
    that come later, or once publishing has begun (`holding`), are only noted, so that cleanup
    and publishing run to their end. `close` restores the handlers and tells how the build
    ended."""

    def __init__(self):
        self.received: int | None = None
        self.holding = self.published = False
        self.previous: dict[int, object] = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        with signals_blocked():
            for number in sorted(STOPS):
                previous = signal.getsignal(number)
                self.previous[number] = signal.SIG_DFL if previous is None else previous
                signal.signal(number, self._stop)

    def _stop(self, number: int, frame) -> None:
        if self.received is None:
            self.received = number
            if not self.holding:
                raise Interrupted(number)

    def close(self) -> None:
        """Restore the handlers; if a signal came, say so in one line and, unless the new site
        was published, end the process with 128 + the signal's number."""
        for number, handler in self.previous.items():
            signal.signal(number, handler)
        self.previous = {}
        if self.received is None:
            return
        name = signal.Signals(self.received).name
        if self.published:
            log.info(f"{name} came after the new site was published: it is in place")
            return
        log.error(f"Build interrupted by {name}: the previous site is untouched")
        gc.freeze()  # the process ends now: its last collection need not walk the build's objects
        raise SystemExit(128 + self.received)


def unwritable(error: OSError, site: Path) -> str:
    """One line for a build that could not write its files (disk full, read-only, ...)."""
    where = error.filename2 or error.filename
    return (f"{site} could not be written: {error.strerror or error}"
            + (f" ({where!s})" if where else "") + "; the previous site is untouched")


class StagedSite:
    """Atomic output: the build writes into a sibling folder that replaces `site_dir` only once
    everything, strict mode included, has succeeded; a failed or interrupted build leaves the old
    site as it was.

    A `site_dir` that is a symlink is published into its target; one that is a mount point
    cannot be swapped, and fails the build before it starts, saying what to do.

    For the build's duration, Python's cycle collector is paused: a build makes millions of
    objects that live until its end, which it would walk again and again (12% of the CPU time of a
    build of 2,000 proposals). It is on again at the end, whatever the end."""

    def __init__(self, config: MkDocsConfig):
        self.config, self.site = config, Path(config.site_dir)
        self.final = self.site.resolve() if self.site.is_symlink() else self.site
        self.stage: Path | None = None
        if os.path.ismount(self.final):
            raise PluginError(f"site_dir {self.site} is a mount point, which a build cannot swap "
                              "whole: mount its parent instead, or set site_dir to a folder "
                              "inside it (or a symlink to one), or build with --dirty")
        try:
            self.final.parent.mkdir(parents=True, exist_ok=True)
            remove_leftovers(self.final.parent, self.final.name)
        except OSError as error:
            raise PluginError(unwritable(error, self.final)) from None
        self.stops = Stops()
        self.collecting = gc.isenabled()
        gc.disable()
        self.warnings = CountHandler(level=logging.WARNING)
        logging.getLogger(NAME).addHandler(self.warnings)
        try:
            self.stops.install()
            self.stage = Path(tempfile.mkdtemp(prefix=f".{self.final.name}.new-{os.getpid()}-",
                                               dir=self.final.parent))
            self.stage.chmod(self.final.stat().st_mode if self.final.exists() else 0o755)
        except Interrupted:  # before the plugin holds this object: it cleans up here
            self.close()
        except OSError as error:
            self.close()
            raise PluginError(unwritable(error, self.final)) from None
        config.site_dir = str(self.stage)

    def publish(self) -> bool:
        """Swap the staged site into place, unless strict mode is about to abort the build.
        From here on, signals are only noted (`Stops.close` says how they ended the build)."""
        if self.config.strict and self.warnings.get_counts():
            self.close()
            return False
        self.stops.holding = True  # a flag, not a signal mask: handlers run in the main thread
        self._swap()
        self.stops.published = True
        self.close()
        return True

    def _swap(self) -> None:
        try:
            if self.final.is_dir() and exchange(self.stage, self.final):
                return  # the stage holds the old site now
            old = self.stage.with_name(self.stage.name + ".old")
            if self.final.exists():
                self.final.rename(old)
            try:
                self.stage.rename(self.final)
            except OSError:
                if old.exists():
                    old.rename(self.final)
                raise
        except OSError as error:
            raise PluginError(f"site_dir {self.site} could not be replaced ({error.strerror}): "
                              "the previous site is untouched") from None

    def close(self) -> None:
        """Remove the stage (or the old site, once published); restore what the build changed
        in this process (see `Stops.close`, which may end it)."""
        logging.getLogger(NAME).removeHandler(self.warnings)
        if self.stage:
            for folder in (self.stage, self.stage.with_name(self.stage.name + ".old")):
                shutil.rmtree(folder, ignore_errors=True)
            self.config.site_dir = str(self.site)
        if self.collecting:
            gc.enable()
        self.stops.close()

