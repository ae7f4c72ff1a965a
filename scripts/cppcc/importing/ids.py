"""Ids from an item's own words: the pinyin of its key terms (jieba picks them), short and
unique within the proposal; slugs likewise from the title. Never from position."""

from __future__ import annotations

import logging
import re

import jieba
import jieba.analyse
from pypinyin import lazy_pinyin

from .. import urls
from ..model import ID_PATTERN, RESERVED_IDS, RESERVED_SLUGS

jieba.setLogLevel(logging.WARNING)
POS = ("n", "nz", "vn", "v", "nt", "nr", "an", "l", "i", "j")  # not ns: every title names the city
TERMS = 2  # words in an id; one more where two would repeat an id already taken
STOP = frozenset(["关于", "建议", "提案", "我市", "进一步", "加强", "推进", "推动", "提高", "完善", "加快", "有关", "方面", "问题"])


def key_terms(text: str, count: int) -> list[str]:
    """The `count` most telling words of `text`, in the order they stand there."""
    words = [w for w in jieba.analyse.extract_tags(text, topK=count + 4, allowPOS=POS)
             if w not in STOP and re.search(r"[\u4e00-\u9fffA-Za-z0-9]", w)][:count]
    return sorted(words, key=text.find)


def romanise(word: str) -> str:
    return re.sub(r"[^a-z0-9]", "", "".join(lazy_pinyin(word)).lower())


def _free(candidate: str, taken: set[str], reserved: frozenset[str]) -> bool:
    return (bool(re.fullmatch(ID_PATTERN, candidate)) and candidate not in taken
            and candidate not in reserved and not candidate.startswith(urls.ID_PREFIXES))


def make_id(text: str, taken: set[str], reserved: frozenset[str] = RESERVED_IDS,
            fallback: str = "item", more: str = "") -> str:
    """A new id for `text` (the words of `more` where its own are too few), added to `taken`."""
    words = [w for w in jieba.lcut(text) if w not in STOP and re.search(r"[\u4e00-\u9fff]", w)]
    choices = [key_terms(text, TERMS), key_terms(text, TERMS + 1), key_terms(more, TERMS),
               words[:TERMS + 1], words[:TERMS + 2]]
    candidate = fallback
    for chosen in choices:
        joined = "-".join(r for r in map(romanise, chosen) if r)
        if joined and _free(joined, taken, reserved):
            candidate = joined
            break
    n = 2
    base = candidate
    while not _free(candidate, taken, reserved):
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def make_slug(title: str, taken: set[str]) -> str:
    core = re.sub(r"^关于|的(?:建议|提案|意见建议|意见|几点建议|对策建议)$", "", title)
    return make_id(core, taken, RESERVED_IDS | RESERVED_SLUGS, fallback="proposal")


def topic(title: str) -> str:
    """A topic for the indexes, from the title's key terms (an editor's guess to confirm)."""
    core = re.sub(r"^关于|的(?:建议|提案|意见建议|意见|几点建议|对策建议)$", "", title)
    return "".join(key_terms(core, 2)) or core
