"""Build-time maps that let a query in traditional characters, toneless pinyin or pinyin initials
find its terms, and one wrong character find the term it spoils.

They are limited to what the corpus contains: a traditional character is mapped only if its
simplified form occurs in the corpus (and it does not occur itself), a pinyin key only if the
corpus has the word, a term's neighbours only among its terms. The readings of characters cover
GB 2312 besides (a wrong character typed with a pinyin keyboard is a common one). The browser
loads each when a query needs it.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from importlib import resources

from pypinyin import Style, lazy_pinyin, pinyin

from .text import CJK_RUN, normalize

MIN_INITIALS = 3  # characters of the shortest word its initials spell (zjtx -> 专精特新)
MAX_PHRASE = 4  # words of a phrase, at most
# Characters that, cut as a word of their own, join words rather than make a phrase with them
PARTICLES = frozenset("的地得了着过和与及或等之在对为是将把被从向于并而也都就又还很")


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


@functools.cache
def initials(word: str) -> str:
    """The first letter of each syllable: 专精特新 -> zjtx ("" if a character has no pinyin)."""
    letters = "".join(lazy_pinyin(word, style=Style.FIRST_LETTER, errors="ignore")).lower()
    return letters if len(letters) == len(word) and letters.isascii() and letters.isalpha() else ""


def phrases(words: list[str], longest: int) -> Iterator[str]:
    """The phrases of a clause cut into `words`: two to MAX_PHRASE words in a row, of
    MIN_INITIALS to `longest` characters, no particle among them (产+教+融合, 双向+转诊)."""
    for i in range(len(words) - 1):
        length = 0
        for j in range(i, min(len(words), i + MAX_PHRASE)):
            if words[j] in PARTICLES:
                break
            length += len(words[j])
            if length > longest:
                break
            if j > i and length >= MIN_INITIALS:
                yield "".join(words[i:j + 1])


def pinyin_map(words: Counter, phrases: Counter | None = None) -> dict[str, list[str]]:
    """Pinyin key -> the corpus words that sound so, most frequent first, then by the word; and
    the initials of every word or phrase of MIN_INITIALS characters or more -> those, where no
    word is spelt so in full (the commonest is what a query reads: initials never flood a
    result)."""
    out: dict[str, list[str]] = {}
    for word in sorted(words, key=lambda w: (-words[w], w)):
        key = pinyin_key(word)
        if len(key) >= 2 and key.isascii() and key.isalpha():
            out.setdefault(key, []).append(word)
    spelt: dict[str, list[str]] = {}
    named = Counter({w: n for w, n in words.items() if len(w) >= MIN_INITIALS}) | (phrases or {})
    for word in sorted(named, key=lambda w: (-named[w], w)):
        if key := initials(word):
            spelt.setdefault(key, []).append(word)
    return dict(sorted((spelt | out).items()))


@functools.cache
def _common_characters() -> frozenset[str]:
    """The 6,763 characters of GB 2312."""
    out = set()
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                out.add(bytes((row, cell)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(out)


def readings_map(corpus_chars: set[str]) -> dict[str, str]:
    """Character -> its toneless readings, joined by a space (重 -> chong zhong), for GB 2312's
    characters and the corpus's: which characters sound alike."""
    out = {}
    for char in sorted(_common_characters() | {c for c in corpus_chars if CJK_RUN.fullmatch(c)}):
        found = {r for r in pinyin(char, style=Style.NORMAL, heteronym=True, v_to_u=False,
                                   errors="ignore")[0] if r.isascii() and r.isalpha()}
        if found:
            out[char] = " ".join(sorted(found))
    return out


def neighbours_map(terms) -> dict[str, list[str]]:
    """Terms of 3+ CJK characters by the rest after their first two: 特新 -> [专精], so that a
    query whose first or second character is wrong finds the term (one of its later characters
    wrong, the term is in the shard of its first two)."""
    out: dict[str, list[str]] = {}
    for term in sorted(terms):
        if len(term) >= 3 and CJK_RUN.fullmatch(term):
            out.setdefault(term[2:], []).append(term[:2])
    return out


def convert_t2s(text: str, table: dict[str, str]) -> str:
    """Normalised text with traditional characters made simplified (as engine.js does)."""
    return "".join(table.get(c, c) for c in normalize(text))
