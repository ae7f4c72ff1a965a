"""The one segmentation story, shared word for word by the index (here) and the browser (search.js).

Text is normalised (NFKC, lower case), then cut into runs: runs of CJK characters and runs of
Latin letters and digits; everything else separates. The terms of a CJK run are its character
bigrams (a one-character run is a unigram, kept apart) plus, at build time, jieba's
`cut_for_search` words of three or more characters. A Latin run is one term.

The browser has no jieba: it takes every substring of a query run (2 to `MAX_WORD` characters)
and keeps those that the index holds. Bigrams agree trivially; jieba's words are found because
they are substrings, whatever jieba decided at build time.

Terms are stored in shards chosen by a hash of their first two characters, so a query term and
every longer word that begins with the same two characters live in the same shard.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator

import jieba

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(f"[{CJK}]+|[a-z0-9]+")
CJK_RUN = re.compile(f"[{CJK}]+")
MAX_WORD = 8


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


def index_terms(text: str, tokenizer: jieba.Tokenizer) -> tuple[Counter, Counter, Counter]:
    """(terms, unigrams, words) of a text with their counts.

    Terms are bigrams, jieba words longer than two characters and Latin words; words are all of
    jieba's words of two or more CJK characters (the pinyin map is made of them).
    """
    terms: Counter = Counter()
    unigrams: Counter = Counter()
    words: Counter = Counter()
    for _, run in runs(normalize(text)):
        if not is_cjk(run):
            terms[run] += 1
            continue
        unigrams.update(run)
        terms.update(bigrams(run))
        if len(run) > 1:
            words.update(w for w in tokenizer.cut_for_search(run, HMM=False)
                         if 2 <= len(w) <= MAX_WORD)
    terms.update({w: n for w, n in words.items() if len(w) > 2})
    return terms, unigrams, words


def shard_of(term: str, shards: int) -> int:
    """The shard of a term: a 31-multiplier hash of its first two code points (as in search.js)."""
    h = 0
    for char in term[:2]:
        h = (h * 31 + ord(char)) & 0xFFFFFFFF
    return h % shards


def substrings(run: str, longest: int = MAX_WORD) -> Iterable[tuple[int, str]]:
    """(offset, substring) of a run, 2 to `longest` characters: the query's candidate terms."""
    for i in range(len(run) - 1):
        for j in range(i + 2, min(len(run), i + longest) + 1):
            yield i, run[i:j]
