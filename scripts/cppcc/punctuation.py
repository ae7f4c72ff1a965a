"""How the site shows the punctuation of the printed text: full width where it stands in Chinese.

The printed page set its commas, semicolons, colons, parentheses, exclamation and question marks
full width, as GB/T 15834 asks of Chinese text; the OCR that read it gave their ASCII twins, and
the YAML keeps what it read. `full_width` is the text as the site shows it: each run of those ASCII
marks that touches Chinese (a CJK character or a Chinese punctuation mark right before or after
it) in full width, and a parenthesis so shown turns its partner too; between Latin letters and
digits (`3:2`, `a,b`) they stay. It changes one mark for its twin and nothing else, so a text keeps
its length and its words. The pages, the search results and the test that the page holds every
printed word (`tests/test_conservation.py`) use this one function; the data files (the YAML, the
exports) keep the text as read.
"""

from __future__ import annotations

import re

FULL_WIDTH = {",": "\uff0c", ";": "\uff1b", ":": "\uff1a", "(": "\uff08", ")": "\uff09",
              "!": "\uff01", "?": "\uff1f"}  # , ; : ( ) ! ? -> ,;:()!?
_TABLE = str.maketrans(FULL_WIDTH)
# Chinese: CJK radicals to Bopomofo (U+2E80–U+31FF: 、。《》「」 among them), CJK ideographs, the
# vertical and full-width forms, and the quotation marks, dash and ellipsis Chinese text sets as
# they are (“”‘’—…)
CHINESE = ("\u2e80-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
           "\u2018\u2019\u201c\u201d\u2014\u2026\U00020000-\U0003134f")
_CHINESE = re.compile(f"[{CHINESE}]")
_RUN = re.compile("[" + re.escape("".join(FULL_WIDTH)) + "]+")


def _in_chinese(text: str, start: int, end: int) -> bool:
    """Whether the run `text[start:end]` touches a Chinese character on either side."""
    before = start > 0 and _CHINESE.match(text, start - 1)
    return bool(before or (end < len(text) and _CHINESE.match(text, end)))


def _partners(text: str) -> dict[int, int]:
    """Each ASCII parenthesis's position -> that of its partner, for the pairs that close."""
    pairs, open_ = {}, []
    for at, mark in enumerate(text):
        if mark == "(":
            open_.append(at)
        elif mark == ")" and open_:
            start = open_.pop()
            pairs[start], pairs[at] = at, start
    return pairs


def full_width(text: str) -> str:
    """`text` as the site shows it: its ASCII , ; : ( ) ! ? full width where they touch Chinese."""
    turned = [at for found in _RUN.finditer(text) if _in_chinese(text, *found.span())
              for at in range(*found.span())]
    if not turned:
        return text
    if "(" in text or ")" in text:
        partners = _partners(text)
        turned += [partners[at] for at in turned if at in partners]
    chars = list(text)
    for at in set(turned):
        chars[at] = chars[at].translate(_TABLE)
    return "".join(chars)
