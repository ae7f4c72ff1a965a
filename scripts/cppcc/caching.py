"""What a rebuild may reuse from the build before it: one kind of memo for every cache.

`mkdocs serve` rebuilds the whole site on every change; the parses of unchanged files, the cuts of
unchanged texts and the themed output of unchanged pages are kept in `Memo`s (see `build.Caches`).
A memo keeps, from one build to the next, what the build used; `new_build` forgets the rest, so a
memo never outgrows one build's worth. A build without a memo of its own (`mkdocs build`) gets a
fresh one and keeps nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo(Generic[K, V]):
    def __init__(self):
        self._before: dict[K, V] = {}  # what the build before this one used
        self._now: dict[K, V] = {}  # what this build used so far

    def new_build(self) -> None:
        """Start a build: keep what the last one used (or, if it used nothing, as a build that
        failed before its first look-up, what the one before it used); forget the rest."""
        self._before, self._now = self._now or self._before, {}

    def lookup(self, key: K) -> V | None:
        """The value kept for `key` (from this build or the one before), or None."""
        if key in self._now:
            return self._now[key]
        if key in self._before:
            self._now[key] = self._before[key]
            return self._now[key]
        return None

    def keep(self, key: K, value: V) -> V:
        self._now[key] = value
        return value

    def get(self, key: K, compute: Callable[[], V]) -> V:
        """The value for `key`: the one kept, or `compute()`, kept from now on."""
        found = self.lookup(key)
        return self.keep(key, compute()) if found is None else found

    def missing(self, keys: Iterable[K]) -> list[K]:
        """Those of `keys` that have no value (to compute them together); the others are kept."""
        return [key for key in keys if self.lookup(key) is None]
