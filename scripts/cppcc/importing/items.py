"""One section's paragraphs → its items; a recommendation → headline and body.

Numbering symbols ((一), 1., ①, 一、) start an item and are dropped; ordinal words (首先, 其次,
第一, 一是 …) start an item and stay, since they are words of the sentence (the printed
proposals keep them: "首先,要提高……"). A marker counts at the start of a paragraph or after a
sentence's end. Without any numbering, each paragraph is an item; a section in one paragraph is
split where its clauses start with 要 (or an ordinal word), a list of problems at its semicolons,
else its sentences, else its commas; each such split is reported as a guess.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

CN = "一二三四五六七八九十"
SYMBOL = (rf"[((][{CN}]{{1,3}}[))]|[((]\d{{1,2}}[))]|\d{{1,2}}[.．、)](?!\d)|[①-⑳]"
          rf"|[{CN}]{{1,3}}、")
WORD = rf"(?:首先|其次|再次|最后|第[{CN}]{{1,3}}|[{CN}]{{1,3}}是)(?=[,,、::]|要)"
AFTER_END = r"(?:^|(?<=[。;;!?!?]))\s*"
MARKS = {"symbol": re.compile(rf"{AFTER_END}(?P<symbol>{SYMBOL})\s*"),
         "word": re.compile(rf"{AFTER_END}(?P<word>{WORD})")}
YAO = re.compile(rf"{AFTER_END}(?=要|{WORD})")
SENTENCE_ENDS = "。;;!?!?"
OPENING, CLOSING = "(“《‘[【(", ")”》’]】)"
LEAD_CLAUSE = 6  # a comma ends the headline once the clause before it has this many characters
HEADLINE_SENTENCE = (4, 20)  # characters of a sentence that may be a headline of its own
INTRO = re.compile(r"[::]$|如下|以下|几点|几个方面|角度")


@dataclass
class Piece:
    text: str
    where: str
    numbered: bool = False


@dataclass
class Section:
    items: list[Piece] = field(default_factory=list)
    intro: Piece | None = None
    markers: list[str] = field(default_factory=list)  # numbering dropped from the text
    guesses: list[str] = field(default_factory=list)


def _cut(text: str, starts: list[int]) -> list[str]:
    bounds = sorted({0, *starts, len(text)})
    return [text[a:b] for a, b in itertools.pairwise(bounds) if text[a:b].strip()]


def numbered_pieces(text: str, where: str, section: Section, kind: str) -> list[Piece]:
    """A paragraph cut at its numbering marks of `kind` (symbol or word); symbols are dropped
    (into `section.markers`), words kept."""
    found = list(MARKS[kind].finditer(text))
    if not found:
        return []
    pieces = [Piece(text[:found[0].start()], where)] if text[:found[0].start()].strip() else []
    for mark, following in zip(found, [*found[1:], None]):
        end = following.start() if following else len(text)
        start = mark.end() if kind == "symbol" else mark.start("word")
        section.markers.append(text[mark.start():start])
        pieces.append(Piece(text[start:end], where, numbered=True))
    return pieces


def run_in(text: str, where: str, problems: bool, section: Section) -> list[Piece]:
    """One paragraph holding a whole list without numbers."""
    text = text.strip()
    if YAO.match(text) and len(starts := [m.start() for m in YAO.finditer(text)]) > 1:
        how = "where clauses start with 要"
    elif not problems and len(starts := _headline_sentences(text)) > 1:
        how = "before short sentences without commas (taken as headlines)"
    elif not problems:
        return [Piece(text, where)]
    else:
        for marks, how in ((";;", "at semicolons"), ("。!?!?", "at sentence ends"),
                           (",,", "at commas")):
            starts = [i + 1 for i, ch in enumerate(text[:-1]) if ch in marks]
            if starts:
                break
        else:
            return [Piece(text, where)]
    pieces = [Piece(t, where) for t in _cut(text, starts)]
    section.guesses.append(f"{where}: {len(pieces)} items split without numbers, {how}")
    return pieces


def _headline_sentences(text: str) -> list[int]:
    """Where short sentences without a comma start, if the text starts with one: a list of
    recommendations each led by a headline sentence (完善政策支持体系。研究……). Each ends with
    the mark the first one ends with (or ends the text)."""
    sentences = re.findall(r"[^。;;!?!?]+[。;;!?!?]?", text)
    starts, at = [], 0
    for n, sentence in enumerate(sentences):
        inner = sentence[:-1]
        if (HEADLINE_SENTENCE[0] <= len(inner) <= HEADLINE_SENTENCE[1]
                and not re.search(r"[,,;;::]", inner)
                and (sentence[-1] == sentences[0][-1] or n == len(sentences) - 1)):
            starts.append(at)
        at += len(sentence)
    return starts if starts[:1] == [0] else []


def split_section(paragraphs: list[Piece], kind: str) -> Section:
    """`kind` is background, problems or recommendations."""
    section = Section()
    if kind == "background":
        section.items = list(paragraphs)
        return section
    pieces: list[Piece] = []
    for para in paragraphs:
        cut = numbered_pieces(para.text, para.where, section, "symbol")
        pieces += cut or [Piece(para.text, para.where, numbered=para.numbered)]
    if not any(p.numbered for p in pieces) and len(paragraphs) > 1:
        # ordinal words only where no symbol numbers; a single paragraph is `run_in`
        pieces = [piece for para in paragraphs for piece in (
            numbered_pieces(para.text, para.where, section, "word") or [para])]
        for piece in pieces:
            piece.numbered = False
    if any(p.numbered for p in pieces):
        lead = []
        while not pieces[0].numbered:
            lead.append(pieces.pop(0))
        for piece in pieces:  # an unnumbered paragraph continues the item before it
            if not piece.numbered and section.items:
                section.items[-1].text += piece.text
                section.guesses.append(f"{piece.where}: a paragraph without a number joined "
                                       "to the item before it")
            else:
                section.items.append(piece)
        _lead(section, lead, kind)
        return section
    if len(pieces) == 1:
        pieces = run_in(pieces[0].text, pieces[0].where, kind == "problems", section)
    elif not section.markers and not any(MARKS["word"].match(p.text) for p in pieces):
        section.guesses.append(f"{pieces[0].where}: {len(pieces)} items taken one a paragraph "
                               "(no numbers)")
    lead = [pieces.pop(0)] if (kind == "recommendations" and len(pieces) > 1
                               and INTRO.search(pieces[0].text.strip())) else []
    section.items = pieces
    _lead(section, lead, kind)
    return section


def _lead(section: Section, lead: list[Piece], kind: str) -> None:
    """Text before the first item: a recommendation's introduction, else an item of its own."""
    if not lead:
        return
    if kind == "recommendations":
        section.intro = Piece("".join(p.text for p in lead), lead[0].where)
        section.guesses.append(f"{lead[0].where}: text before the first recommendation taken "
                               "as its introduction")
    else:
        section.items[:0] = lead
        section.guesses.append(f"{lead[0].where}: text before the first number kept as an item")


def headline_end(text: str) -> int:
    """Where a recommendation's lead clause ends: after its first 。or ;, or after a comma
    once the clause before it (an ordinal word aside) is LEAD_CLAUSE characters long."""
    depth, clause = 0, 0
    lead = re.match(WORD, text)
    start = lead.end() if lead else 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch in OPENING:
            depth += 1
        elif ch in CLOSING:
            depth = max(0, depth - 1)
        if depth:
            clause += 1
            continue
        if ch in SENTENCE_ENDS:
            return i + 1
        if ch in ",,":
            if clause >= LEAD_CLAUSE:
                return i + 1
            clause = 0
        elif ch not in "、 \u3000":
            clause += 1
    return len(text)


def split_headline(text: str) -> tuple[str, str]:
    end = headline_end(text)
    return text[:end], text[end:]
