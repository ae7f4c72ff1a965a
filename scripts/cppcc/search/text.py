"""The one segmentation story, shared word for word by the index (here) and the browser (engine.js).

Text is normalised (NFKC, lower case, Latin letters without their marks: pinyin copied with its
tone marks reads as toneless pinyin, ü as v), then cut into runs: runs of CJK characters and
runs of Latin letters and digits; everything else separates. The terms of a CJK run are its
character bigrams (its characters are unigrams, kept apart) plus, at build time, jieba's
`cut_for_search` words of three or more characters (see `segmenting`). A Latin run is one term.

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

from .format import CJK, HASH_MULTIPLIER, HASH_PREFIX, LATIN, MARKED, MARKS, MAX_WORD

RUN = re.compile(f"[{CJK}]+|[{LATIN}]+")
CJK_RUN = re.compile(f"[{CJK}]+")
LATIN_RUN = re.compile(f"[{LATIN}]+")
_MARKED = re.compile(f"[{MARKED}]")
_MARK = re.compile(f"[{MARKS}]")

SEPARATORS = " \t\n'’"  # may stand between the syllables of one pinyin word (xi'an, lao zi hao)

# Words that ask rather than say: a question's frame (如何, 有多少) and the particles around its
# words. A query's occurrence of one counts for nothing (see engine.py), so that a question
# ranks like its words. The manifest carries the list (`query.functionWords`).
FUNCTION_WORDS = ("如何", "怎样", "怎么", "怎么样", "怎么办", "怎样才能", "如何才能", "为什么", "为何", "为啥", "什么", "是什么",
                  "有什么", "哪些", "有哪些", "哪个", "哪里", "哪儿", "多少", "有多少", "第几", "是否", "能否", "可否",
                  "有没有", "是不是", "能不能", "要不要", "应该", "应当", "可以", "关于", "请问", "的", "吗", "呢", "吧")


def _bare(letter: re.Match) -> str:
    return _MARK.sub("", unicodedata.normalize("NFD", letter.group()).replace("u\u0308", "v"))


def normalize(text: str) -> str:
    """NFKC, lower case, and Latin letters without their marks (ǎ -> a, ü -> v)."""
    text = unicodedata.normalize("NFKC", text).lower()
    if len(unicodedata.normalize("NFD", text)) == len(text):  # nothing to strip (and fast)
        return text
    return _MARKED.sub(_bare, text)


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


def shard_count(size: int, target: int) -> int:
    """Shards (a power of two) for `size` bytes of about `target` bytes each."""
    n = 1
    while n * target < size:
        n *= 2
    return n


def substrings(run: str, longest: int = MAX_WORD) -> Iterable[tuple[int, str]]:
    """(offset, substring) of a run, 2 to `longest` characters: the query's candidate terms."""
    for i in range(len(run) - 1):
        for j in range(i + 2, min(len(run), i + longest) + 1):
            yield i, run[i:j]
