"""The parties and bodies speakers belong to: one name each, in the order the CPPCC lists them.

The eight democratic parties come in their conventional order, then the federation of industry
and commerce and the people without party affiliation (各民主党派、工商联和无党派人士), then the
people's organisations; each is known by its short name (民革, 农工党, 工商联) whatever form a
file gives (`农工民主党`, `民革辽源市委员会`, `辽源市工商业联合会`). Any other body keeps its own
name and comes after them, by pinyin (`indexes.by_affiliation`). Nothing here depends on the
model or on MkDocs.
"""

from __future__ import annotations

from typing import NamedTuple


class Known(NamedTuple):
    name: str  # the short name, as the index's headings show it
    starts: tuple[str, ...]  # a name that starts with one of these is this one (民革辽源市委员会)
    holds: tuple[str, ...] = ()  # ... or holds one of these (辽源市工商业联合会)


KNOWN: tuple[Known, ...] = (
    Known("民革", ("民革", "中国国民党革命委员会", "国民党革命委员会")),
    Known("民盟", ("民盟", "中国民主同盟")),
    Known("民建", ("民建", "中国民主建国会")),
    Known("民进", ("民进", "中国民主促进会")),
    Known("农工党", ("农工党", "农工民主党", "中国农工民主党")),
    Known("致公党", ("致公党", "中国致公党")),
    Known("九三学社", ("九三学社",)),
    Known("台盟", ("台盟", "台湾民主自治同盟")),
    Known("工商联", ("工商联",), ("工商业联合会", "工商联")),
    Known("无党派人士", ("无党派",)),
    Known("共青团", ("共青团",), ("共产主义青年团", "共青团")),
    Known("总工会", (), ("总工会",)),
    Known("妇联", ("妇联",), ("妇女联合会", "妇联")),
    Known("青联", ("青联",), ("青年联合会", "青联")),
    Known("科协", ("科协",), ("科学技术协会", "科协")),
    Known("台联", ("台联",), ("台湾同胞联谊会", "台联")),
    Known("侨联", ("侨联",), ("归国华侨联合会", "侨联")),
)
_RANK = {known.name: rank for rank, known in enumerate(KNOWN)}


def heading(name: str) -> str:
    """The one name the index gives the party or body `name` (a speaker's party, else body)."""
    for known in KNOWN:
        if name.startswith(known.starts) or any(part in name for part in known.holds):
            return known.name
    return name


def rank(name: str) -> int:
    """A heading's place: the known ones in their order, every other one after them."""
    return _RANK.get(name, len(KNOWN))
