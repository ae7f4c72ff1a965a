"""Map a function over many inputs on every core, by forking.

Forked workers inherit the parent's memory, so whatever the function needs (jieba's dictionaries,
the whole corpus) is loaded once, before the fork, and never pickled; only results travel back.
Where forking is unavailable, or for few inputs, the map runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

MANY = 256  # inputs from which a pool (about 0.1 s to start) pays off

# What forked workers run: set just before a pool forks, cleared afterwards.
_JOB: tuple[Callable, Sequence] | None = None


def cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _call(i: int):
    func, inputs = _JOB
    return func(inputs[i])


def fork_map(func: Callable[[T], R], inputs: Sequence[T], *, parallel: bool | None = None,
             chunksize: int = 1) -> list[R]:
    """[func(x) for x in inputs], in order; on every core if `parallel` (by default: for MANY
    inputs or more)."""
    workers = min(cores(), len(inputs))
    if parallel is None:
        parallel = len(inputs) >= MANY
    if not parallel or workers < 2 or not can_fork():
        return [func(x) for x in inputs]
    global _JOB
    _JOB = (func, inputs)
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_call, range(len(inputs)), chunksize=chunksize)
    finally:
        _JOB = None
