"""Paragraphs → the proposals they hold: title, speaker, sections, unplaced text.

A proposal starts at a title line (关于……的建议 / ……的提案, a 案由: line, or a heading followed by a
speaker line). Its speaker line follows (提案人: …, or body, role and name in any order). Sections
start at a heading or a line lead such as 存在的问题: / 建议: / 二、对策建议 / 案由:; text before the
first one is the background. Page numbers and running headers (short lines that recur) are
dropped; a meeting header before the first proposal describes the meeting.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from .items import CN, Piece, Section, split_section
from .reading import Paragraph

KINDS = ("background", "problems", "recommendations")
NUMBER = (rf"(?:[{CN}]{{1,3}}[、.．]|第[{CN}]{{1,3}}(?:部分)?[、.．,,]?|\d{{1,2}}[、.．]"
          rf"|[((][{CN}\d]{{1,3}}[))])")
HEAD = re.compile(rf"^\s*(?P<number>{NUMBER})?\s*(?P<head>[^\s::。;;,,]{{1,14}})\s*"
                  r"(?P<colon>[::])?\s*(?=\S|$)")
HEAD_KINDS = {
    "background": re.compile(r"(?:基本|有关|发展|工作)?(?:情况|背景|现状)(?:分析|介绍)?|背景情况"),
    "problems": re.compile(r"(?:当前|目前)?(?:存在|面临)?的?(?:主要)?(?:问题|困难|不足)"
                           r"(?:[和与及](?:问题|困难|不足|原因))?(?:分析)?"),
    "recommendations": re.compile(r"(?:几点|具体|相关|主要|工作|解决)?(?:意见|对策|措施)?[和与及]?"
                                  r"(?:建议|对策|办法|措施|意见)"),
    "title": re.compile(r"案由|题目|标题"),
    "speaker": re.compile(r"(?:领衔)?(?:提案人|发言人|提案者)"),
}
TITLE = re.compile(r"^关于.{2,80}的(?:建议|提案|意见建议|意见|几点建议|对策建议)$")
ROLE = (r"(?:兼职|专职)?(?:常务)?(?:副|名誉)?(?:主任委员|主委|主席|主任|会长|秘书长|理事长|书记|院长"
        r"|校长|局长|部长|总经理|董事长|社长)|常委|委员(?!会)|代表")
BODY_END = re.compile(r"(?:委员会|联合会|协会|学社|党|界|组|局|院|校|公司|中心|支部|办公室|研究所)$")
NAME = re.compile(r"[\u4e00-\u9fff·]{2,4}")
PARTIES = ("中国国民党革命委员会", "中国民主同盟", "中国民主建国会", "中国民主促进会",
           "中国农工民主党", "中国致公党", "九三学社", "台湾民主自治同盟", "民革", "民盟", "民建",
           "民进", "农工民主党", "农工党", "致公党", "台盟")
MEETING = re.compile(rf"政协(?P<place>.{{1,20}}?)第(?P<term>[{CN}\d]+)届委员会第(?P<session>[{CN}\d]+)"
                     r"次(?:全体)?会议")
PAGE = re.compile(r"^[-—–·\s]*(?:第\s*)?\d{1,4}\s*(?:页|版)?[-—–·\s]*$|^\d{1,4}\s*/\s*\d{1,4}$")
CJK_GAP = re.compile(r"(?<=[^\x00-\x7f])[ \t\u3000\u00a0]+|[ \t\u3000\u00a0]+(?=[^\x00-\x7f])")
SENTENCE = re.compile(r"[。;;!?!?]")


def clean(text: str) -> str:
    """Stray spaces out: those beside a Chinese character or mark, and at both ends."""
    return CJK_GAP.sub("", text.strip())


def collapse(text: str) -> str:
    """A title's spaces kept, but one where there were several."""
    return re.sub(r"\s+", " ", text.strip())


@dataclass
class Speaker:
    line: str
    name: str = ""
    role: str = ""
    body: str = ""
    party: str = ""
    markers: list[str] = field(default_factory=list)  # label and separators

    @property
    def complete(self) -> bool:
        return bool(self.name and self.role and self.body)


@dataclass
class Found:
    """One proposal as the document holds it."""

    title: str
    where: str
    source: list[str] = field(default_factory=list)  # every paragraph's text, as read
    markers: list[str] = field(default_factory=list)  # section heads, labels
    speaker: Speaker | None = None
    sections: dict[str, Section] = field(default_factory=dict)
    unplaced: list[Piece] = field(default_factory=list)
    guesses: list[str] = field(default_factory=list)


@dataclass
class MeetingHeader:
    title: str
    where: str
    headline: str = ""
    subtitle: str = ""
    committee: str = ""
    term: int = 1
    session: int = 1


@dataclass
class Document:
    proposals: list[Found]
    meeting: MeetingHeader | None
    preamble: list[Piece]  # text before the first proposal, not a meeting header
    dropped: list[Piece]  # page numbers and running headers


def cn_number(text: str) -> int:
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九", 0)}
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (digits.get(tens, 1) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(text, 1)


def section_head(para: Paragraph) -> tuple[str, str, str] | None:
    """(kind, the head as written, the text after it) if the paragraph starts a section."""
    text = para.text.strip()
    found = HEAD.match(text)
    if not found:
        return None
    kind = next((k for k, rule in HEAD_KINDS.items() if rule.fullmatch(found.group("head"))), None)
    rest = text[found.end():]
    if kind and (found.group("colon") or not rest.strip() or para.heading):
        return kind, text[:found.end()], rest
    return None


def parse_speaker(line: str) -> Speaker:
    speaker = Speaker(line)
    text = line.strip()
    if label := re.match(r"^(?:领衔)?(?:提案人|发言人|提案者)\s*[::]?\s*", text):
        speaker.markers.append(label.group())
        text = text[label.end():]
    # a two-character name padded to the width of three: 张  丽
    text = re.sub(r"(?<![^\s,,、()()])([\u4e00-\u9fff])[ \u3000]+([\u4e00-\u9fff]{1,2})"
                  r"(?![^\s,,、()()])", r"\1\2", text)
    tokens = re.split(r"([\s,,、()()/|;;]+)", text)
    for token in tokens:
        if not token or re.fullmatch(r"[\s,,、()()/|;;]+", token):
            speaker.markers.append(token)
        elif re.fullmatch(ROLE, token) and not speaker.role:
            speaker.role = token
        elif (joined := re.fullmatch(rf"(.{{3,}}?)({ROLE})([\u4e00-\u9fff·]{{2,4}})?", token)) \
                and not speaker.body:
            speaker.body, speaker.role = joined.group(1), joined.group(2)
            speaker.name = joined.group(3) or speaker.name
        elif BODY_END.search(token) and len(token) > 4 and not speaker.body:
            speaker.body = token
        elif NAME.fullmatch(token) and not speaker.name:
            speaker.name = token
        else:
            speaker.markers.append(token)  # not placed: `complete` stays False below
            speaker.name = speaker.role = ""
            break
    speaker.party = next((p for p in PARTIES if speaker.body.startswith(p)), "")
    return speaker


def speaker_like(para: Paragraph) -> bool:
    text = para.text.strip()
    if re.match(HEAD_KINDS["speaker"].pattern + r"\s*[::]", text):
        return True
    return (len(text) <= 40 and not SENTENCE.search(text) and section_head(para) is None
            and re.search(ROLE, text) is not None)


def is_title(paras: list[Paragraph], i: int) -> bool:
    para = paras[i]
    text = collapse(para.text)
    if TITLE.match(text):
        return True
    head = section_head(para)
    if head and head[0] == "title" and head[2].strip():
        return True
    return (para.heading and head is None and not MEETING.search(text)
            and i + 1 < len(paras) and speaker_like(paras[i + 1]))


def page_furniture(paras: list[Paragraph]) -> set[int]:
    """Page numbers, and short lines that recur (digits aside): running headers and footers."""
    def key(p: Paragraph) -> str:
        return re.sub(r"\d+", "#", clean(p.text))

    counts = Counter(key(p) for p in paras)
    return {i for i, p in enumerate(paras) if PAGE.match(p.text.strip()) or (
        counts[key(p)] > 1 and len(clean(p.text)) <= 40 and not SENTENCE.search(p.text)
        and section_head(p) is None and not speaker_like(p) and not TITLE.match(collapse(p.text))
        and len(re.findall(r"[\u4e00-\u9fff]", p.text)) >= 2)}


def meeting_header(preamble: list[Paragraph]) -> tuple[MeetingHeader | None, list[Paragraph]]:
    for i, para in enumerate(preamble):
        if found := MEETING.search(para.text):
            header = MeetingHeader(found.group(), para.where,
                                   committee=f"政协{found.group('place')}委员会",
                                   term=cn_number(found.group("term")),
                                   session=cn_number(found.group("session")))
            if collapse(para.text) != found.group():
                header.subtitle = collapse(para.text)
            rest = preamble[:i] + preamble[i + 1:]
            if i > 0:
                header.headline = collapse(preamble[i - 1].text)
                rest = preamble[:i - 1] + preamble[i + 1:]
            return header, rest
    return None, preamble


INLINE_HEAD = re.compile(r"(?<=[。;;!?!?])\s*(?=(?:存在的问题|问题|建议|对策建议|几点建议)[::])")


def unrun(paras: list[Paragraph]) -> list[Paragraph]:
    """A section head run into the paragraph before it (……盲区。建议:要……) starts its own."""
    out = []
    for para in paras:
        cuts = [0, *(m.start() for m in INLINE_HEAD.finditer(para.text)), len(para.text)]
        out += [Paragraph(para.text[a:b], para.where, para.heading, para.listed)
                for a, b in pairwise(cuts) if para.text[a:b].strip()]
    return out


def parse(paras: list[Paragraph]) -> Document:
    paras = unrun(paras)
    furniture = page_furniture(paras)
    dropped = [Piece(p.text, p.where) for i, p in enumerate(paras) if i in furniture]
    kept = [p for i, p in enumerate(paras) if i not in furniture]
    starts = [i for i in range(len(kept)) if is_title(kept, i)]
    # a 案由 line right after a title line belongs to that proposal
    starts = [s for s in starts if not (s - 1 in starts and section_head(kept[s]))]
    header, preamble = meeting_header(kept[:starts[0]] if starts else kept)
    proposals = [parse_proposal(kept[a:b]) for a, b in zip(starts, [*starts[1:], len(kept)])]
    return Document(proposals, header, [Piece(p.text, p.where) for p in preamble], dropped)


def parse_proposal(paras: list[Paragraph]) -> Found:
    first = paras[0]
    head = section_head(first)
    title = collapse(head[2]) if head and head[0] == "title" else collapse(first.text)
    found = Found(title, first.where, source=[p.text for p in paras])
    if head and head[0] == "title":
        found.markers.append(head[1])
    rest = paras[1:]
    bodies: dict[str, list[Piece]] = {kind: [] for kind in KINDS}
    kind = "background"
    for para in rest:
        head = section_head(para)
        if head and head[0] in KINDS:
            kind, text = head[0], head[2]
            found.markers.append(head[1])
        elif head and head[0] == "title" and collapse(head[2]) == title:
            found.markers.append(para.text)
            continue
        elif found.speaker is None and not any(bodies.values()) and speaker_like(para):
            found.speaker = parse_speaker(para.text)
            if not found.speaker.complete:
                found.guesses.append(f"{para.where}: speaker line not understood: "
                                     f"{clean(para.text)}")
                found.unplaced.append(Piece(para.text, para.where))
            continue
        else:
            text = para.text
        if text.strip():
            bodies[kind].append(Piece(clean(text), para.where, numbered=para.listed))
    if found.speaker is None:
        found.guesses.append(f"{first.where}: no speaker line after the title")
    for kind in KINDS:
        if not bodies[kind]:
            found.guesses.append(f"{first.where}: no {kind} section found")
            continue
        found.sections[kind] = split_section(bodies[kind], kind)
        found.guesses += found.sections[kind].guesses
    return found
