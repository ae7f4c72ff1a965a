"""Build-time maps that let a query in traditional characters or toneless pinyin find its terms.

Both are limited to what the corpus contains: a traditional character is mapped only if its
simplified form occurs in the corpus (and it does not occur itself), a pinyin key only if the
corpus has the word. The browser loads them lazily.
"""

from __future__ import annotations

import functools
from collections import Counter
from importlib import resources

from pypinyin import lazy_pinyin

from .text import normalize


def _ts_characters() -> dict[str, str]:
    """OpenCC's traditional -> simplified character table (first candidate of each)."""
    table = resources.files("opencc") / "dictionary" / "TSCharacters.txt"
    out = {}
    for line in table.read_text(encoding="utf-8").splitlines():
        trad, _, simp = line.partition("\t")
        if trad and simp:
            out[trad] = simp.split()[0]
    return out


def t2s_map(corpus_chars: set[str]) -> dict[str, str]:
    """Traditional character -> simplified, for the characters the corpus holds."""
    return {t: s for t, s in sorted(_ts_characters().items())
            if s in corpus_chars and t not in corpus_chars and len(t) == 1 and len(s) == 1}


@functools.cache  # a word's pinyin (~60 µs) is asked for again on every rebuild of `mkdocs serve`
def pinyin_key(word: str) -> str:
    """Toneless pinyin of a word, syllables joined: 老字号 -> laozihao."""
    return "".join(lazy_pinyin(word, v_to_u=False, errors="ignore")).lower()


def pinyin_map(words: Counter) -> dict[str, list[str]]:
    """Pinyin key -> the corpus words that sound so, most frequent first, then by the word."""
    out: dict[str, list[str]] = {}
    for word in sorted(words, key=lambda w: (-words[w], w)):
        key = pinyin_key(word)
        if len(key) >= 2 and key.isascii() and key.isalpha():
            out.setdefault(key, []).append(word)
    return dict(sorted(out.items()))


def convert_t2s(text: str, table: dict[str, str]) -> str:
    """Normalised text with traditional characters made simplified (as engine.js does)."""
    return "".join(table.get(c, c) for c in normalize(text))
