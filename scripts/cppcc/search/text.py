"""The one segmentation story, shared word for word by the index (here) and the browser (engine.js).

Text is normalised (NFKC, lower case), then cut into runs: runs of CJK characters and runs of
Latin letters and digits; everything else separates. The terms of a CJK run are its character
bigrams (its characters are unigrams, kept apart) plus, at build time, jieba's `cut_for_search`
words of three or more characters (see `segmenting`). A Latin run is one term.

The browser has no jieba: it takes every substring of a query run (2 to `MAX_WORD` characters)
and keeps those that the index holds. Bigrams agree trivially; jieba's words are found because
they are substrings, whatever jieba decided at build time.

Terms are stored in shards chosen by a hash of their first two characters, so a query term and
every longer word that begins with the same two characters live in the same shard.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from .format import CJK, HASH_MULTIPLIER, HASH_PREFIX, LATIN, MAX_WORD

RUN = re.compile(f"[{CJK}]+|[{LATIN}]+")
CJK_RUN = re.compile(f"[{CJK}]+")
LATIN_RUN = re.compile(f"[{LATIN}]+")


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def runs(text: str) -> Iterator[tuple[int, str]]:
    """(start, run) of every CJK or Latin run of already normalised text."""
    for match in RUN.finditer(text):
        yield match.start(), match.group()


def is_cjk(run: str) -> bool:
    return bool(CJK_RUN.fullmatch(run))


def bigrams(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)]


def term_hash(term: str) -> int:
    """A 31-multiplier hash of a term's first two code points (as in engine.js)."""
    h = 0
    for char in term[:HASH_PREFIX]:
        h = (h * HASH_MULTIPLIER + ord(char)) & 0xFFFFFFFF
    return h


def shard_of(term: str, shards: int) -> int:
    """The shard of a term: its hash modulo the number of shards."""
    return term_hash(term) % shards


def substrings(run: str, longest: int = MAX_WORD) -> Iterable[tuple[int, str]]:
    """(offset, substring) of a run, 2 to `longest` characters: the query's candidate terms."""
    for i in range(len(run) - 1):
        for j in range(i + 2, min(len(run), i + longest) + 1):
            yield i, run[i:j]
