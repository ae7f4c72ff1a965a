"""`cppcc import`: the seven real proposals rendered back into documents of every shape the office
uses (txt and docx, both punctuation widths, numbered and unnumbered items, run in and one a
paragraph), imported again and compared with proposals/; documents of the other shapes (提案 with
案由 / 提案人, ①②, 首先 / 其次, 要……;要……); the command's files, report and refusals."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import docx
import pytest
import yaml

from cppcc.cli import main
from cppcc.importing import run
from cppcc.loading import load_corpus
from cppcc.model import Proposal

ROOT = Path(__file__).resolve().parent.parent
REAL = load_corpus(ROOT / "proposals").proposals
MEETING = ["凝聚汇智谋共识 建言献策促发展", "——政协辽源市第九届委员会第三次会议发言摘要"]
FULL = str.maketrans({",": ",", ";": ";", ":": ":", "(": "(", ")": ")", "!": "!", "?": "?"})
CN = "一二三四五六七八九十"


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def marks(width: str, text: str) -> str:
    return text.translate(FULL) if width == "full" else text


def speaker_line(p: Proposal, style: str) -> str:
    s = p.speaker
    return {"speech": f"{s.body}{s.role} {s.name}", "formal": f"提案人:{s.name}({s.body}{s.role})",
            "reversed": f"{s.name} {s.role} {s.body}"}[style]


def number(kind: str, n: int) -> str:
    return {"paren": f"({CN[n - 1]})", "digit": f"{n}.", "circle": chr(0x2460 + n - 1),
            "none": ""}[kind]


def render(p: Proposal, shape: dict) -> list[tuple[str, str]]:
    """(style, text) paragraphs of one proposal in `shape`; style is '', 'heading' or 'list'."""
    w = shape["width"]
    out = [("heading", p.title), ("", speaker_line(p, shape["speaker"]))]
    heads = shape["heads"]
    if heads[0]:
        out.append(("heading", heads[0]))
    out += [("", marks(w, b.text)) for b in p.background]
    recs = [r.headline + r.body for r in p.recommendations]
    intro = [p.recommendations_intro.text] if p.recommendations_intro else []
    for head, items, lead in ((heads[1], [q.text for q in p.problems], []),
                              (heads[2], recs, intro)):
        head = marks(w, head)
        if shape["layout"] == "run-in":
            out.append(("", head + marks(w, "".join(lead + items))))
            continue
        out.append(("heading" if shape["docx"] else "", head))
        out += [("", marks(w, t)) for t in lead]
        for n, text in enumerate(items, 1):
            style = "list" if shape["numbering"] == "word" else ""
            prefix = "" if style else number(shape["numbering"], n)
            out.append((style, prefix + marks(w, text)))
    return out


SHAPES = {
    "txt printed run-in": {"docx": False, "width": "ascii", "speaker": "speech", "layout": "run-in",
                               "numbering": "none", "heads": ("", "存在的问题:", "建议:")},
    "txt paragraphs, full width": {"docx": False, "width": "full", "speaker": "speech",
                                       "layout": "paragraphs", "numbering": "none",
                                       "heads": ("", "存在的问题:", "建议:")},
    "txt numbered 1. 2.": {"docx": False, "width": "ascii", "speaker": "reversed",
                               "layout": "paragraphs", "numbering": "digit",
                               "heads": ("", "问题:", "对策建议:")},
    "docx formal (一)(二)": {"docx": True, "width": "full", "speaker": "formal", "layout": "paragraphs",
                               "numbering": "paren", "heads": ("一、基本情况", "二、存在的问题", "三、对策建议")},
    "docx Word list, ascii": {"docx": True, "width": "ascii", "speaker": "speech",
                                  "layout": "paragraphs", "numbering": "word",
                                  "heads": ("", "存在的问题", "几点建议")},
    "docx ①②, heads 背景 问题 建议": {"docx": True, "width": "full", "speaker": "speech",
                                     "layout": "paragraphs", "numbering": "circle",
                                     "heads": ("背景", "问题", "建议")},
}


def write(path: Path, paragraphs: list[tuple[str, str]]) -> Path:
    if path.suffix == ".docx":
        document = docx.Document()
        for style, text in paragraphs:
            if style == "heading":
                document.add_heading(text, level=2)
            else:
                document.add_paragraph(text, style="List Number" if style == "list" else None)
        document.save(str(path))
    else:
        path.write_text("\n\n".join(t for _, t in paragraphs) + "\n", encoding="utf-8")
    return path


def document(shape: dict, tmp_path: Path) -> Path:
    paragraphs = [("", line) for line in MEETING]
    for n, p in enumerate(REAL, 1):
        paragraphs += render(p, shape)
        if not shape["docx"]:
            paragraphs.append(("", f"- {n} -"))  # a page number between speeches
    return write(tmp_path / ("doc.docx" if shape["docx"] else "doc.txt"), paragraphs)


def ends(texts: list[str]) -> set[int]:
    out, at = set(), 0
    for text in texts:
        at += len(nfkc(text))
        out.add(at)
    return out


def compare(real: Proposal, got: Proposal) -> dict[str, int]:
    """Section texts must agree; item boundaries and headlines are counted."""
    figures = {"boundaries": 0, "real boundaries": 0, "headlines": 0, "real headlines": 0}
    assert nfkc(got.title) == nfkc(real.title)
    assert (got.speaker.name, got.speaker.role, got.speaker.body) == (
        real.speaker.name, real.speaker.role, real.speaker.body)
    sections = {
        "background": ([b.text for b in real.background], [b.text for b in got.background]),
        "problems": ([q.text for q in real.problems], [q.text for q in got.problems]),
        "recommendations": (
            [i.speaker_text for i in [real.recommendations_intro, *real.recommendations] if i],
            [i.speaker_text for i in [got.recommendations_intro, *got.recommendations] if i])}
    for name, (want, have) in sections.items():
        assert nfkc("".join(have)) == nfkc("".join(want)), f"{real.slug}: {name} differs"
        figures["boundaries"] += len(ends(want) & ends(have))
        figures["real boundaries"] += len(ends(want))
    by_start = {nfkc(r.headline + r.body): nfkc(r.headline) for r in got.recommendations}
    for r in real.recommendations:
        figures["real headlines"] += 1
        figures["headlines"] += by_start.get(nfkc(r.headline + r.body)) == nfkc(r.headline)
    return figures


@pytest.mark.parametrize("name", list(SHAPES))
def test_round_trip(name, tmp_path):
    shape = SHAPES[name]
    result = run([document(shape, tmp_path)], "liaoyuan-9-3", tmp_path / "out")
    assert result.failed == 0, "\n".join(result.lines)
    got = {nfkc(d.proposal.title): d.proposal for d in result.drafts}
    assert sorted(got) == sorted(nfkc(p.title) for p in REAL)
    totals: dict[str, int] = {}
    for real in REAL:
        for key, value in compare(real, got[nfkc(real.title)]).items():
            totals[key] = totals.get(key, 0) + value
    print(f"\nround trip, {name}: item boundaries {totals['boundaries']}/"
          f"{totals['real boundaries']}, headlines {totals['headlines']}/"
          f"{totals['real headlines']}")
    if shape["layout"] != "run-in":  # items one a paragraph or numbered: nothing to guess
        assert totals["boundaries"] == totals["real boundaries"]
        assert totals["headlines"] == totals["real headlines"]
    else:  # as printed, lists run on in one paragraph: the guesses measured (of 75 and 36)
        assert (totals["boundaries"], totals["headlines"]) >= (68, 29)
    for p in got.values():  # ids from the items' own words: no counters, no stand-ins
        assert not [i.id for i in p.items() if i.id == "item" or i.id[-1].isdigit()], p.slug
    assert main(["check", str(tmp_path / "out")]) == 0
    meeting = yaml.safe_load((tmp_path / "out/meetings/liaoyuan-9-3.yaml").read_text("utf-8"))
    assert (meeting["title"], meeting["headline"], meeting["term"], meeting["session"]) == (
        "政协辽源市第九届委员会第三次会议", MEETING[0], 9, 3)


FORMAL = """\
政协辽源市第十届委员会第一次会议提案

第 12 号
案由:关于加快发展冰雪旅游产业的提案
提案人:王小明(民进辽源市委员会副主委)
一、基本情况
近年来,我市冰雪资源丰富,冰雪旅游初具规模。
二、存在的问题
①基础设施薄弱,雪场数量少;②宣传推介不足,品牌影响力小;③专业人才缺乏。
三、对策建议
首先,要完善冰雪旅游基础设施,新建改建一批雪场和配套服务设施。其次,要加大宣传推介力度,\
打造冰雪旅游品牌。最后,要加强冰雪人才培养,与高校合作开设相关专业。

- 2 -
"""

SPEECH = """\
关于加强农村养老服务的建议
九三学社辽源市委员会委员 张  丽
我市农村老龄化程度不断加深,养老服务需求日益增长。
存在的问题:农村养老机构数量不足;护理人员专业化程度低;资金保障机制不健全。
对策建议:要增加农村养老机构数量,在乡镇建设区域性养老服务中心;要提升护理人员专业水平,\
定期开展技能培训;要健全资金保障机制,加大财政投入。
"""


def test_formal_proposal(tmp_path):
    source = tmp_path / "ti-an.txt"
    source.write_text(FORMAL, encoding="gb18030")  # as Chinese Windows saves text
    result = run([source], "liaoyuan-10-1", tmp_path / "out")
    assert result.failed == 0, "\n".join(result.lines)
    (draft,) = result.drafts
    p = draft.proposal
    assert p.title == "关于加快发展冰雪旅游产业的提案"
    assert (p.speaker.name, p.speaker.role, p.speaker.body, p.speaker.party) == (
        "王小明", "副主委", "民进辽源市委员会", "民进")
    assert [b.text for b in p.background] == ["近年来,我市冰雪资源丰富,冰雪旅游初具规模。"]
    assert [q.text for q in p.problems] == ["基础设施薄弱,雪场数量少;", "宣传推介不足,品牌影响力小;",
                                           "专业人才缺乏。"]
    assert [(r.headline, r.body) for r in p.recommendations] == [
        ("首先,要完善冰雪旅游基础设施,", "新建改建一批雪场和配套服务设施。"),
        ("其次,要加大宣传推介力度,", "打造冰雪旅游品牌。"),
        ("最后,要加强冰雪人才培养,", "与高校合作开设相关专业。")]
    text = "\n".join(result.lines)
    assert "第 12 号" in (tmp_path / "out" / f"{p.slug}.yaml").read_text("utf-8")  # unplaced
    assert "dropped as a page header or number: - 2 -" in text
    meeting = yaml.safe_load((tmp_path / "out/meetings/liaoyuan-10-1.yaml").read_text("utf-8"))
    assert (meeting["term"], meeting["session"], meeting["committee"]) == (10, 1, "政协辽源市委员会")
    assert main(["check", str(tmp_path / "out")]) == 0


def test_yao_clauses_and_report(tmp_path, capsys):
    source = tmp_path / "speech.md"
    source.write_text(SPEECH, encoding="utf-8")
    code = main(["import", str(source), "--meeting", "m-1", "--out", str(tmp_path / "out")])
    report = capsys.readouterr().out
    assert code == 0, report
    (path,) = (tmp_path / "out").glob("*.yaml")
    p = Proposal.model_validate(yaml.safe_load(path.read_text("utf-8")))
    assert p.speaker.name == "张丽"  # the stray spaces inside the name are gone
    assert [q.text for q in p.problems] == ["农村养老机构数量不足;", "护理人员专业化程度低;",
                                           "资金保障机制不健全。"]
    assert [r.headline for r in p.recommendations] == [
        "要增加农村养老机构数量,", "要提升护理人员专业水平,", "要健全资金保障机制,"]
    assert f"{source}:1: 关于加强农村养老服务的建议" in report
    assert "background 1, problems 3, recommendations 3" in report
    assert "3 items split without numbers, where clauses start with 要" in report
    assert "3 items split without numbers, at semicolons" in report
    assert "meeting m-1: wrote" in report and "no header found: fill it in" in report
    for item in p.items():  # ids from the words, never from position
        assert not any(ch.isdigit() for ch in item.id), item.id
    assert main(["check", str(tmp_path / "out")]) == 0


def test_reimport_keeps_ids_and_never_overwrites(tmp_path, capsys):
    source, out = tmp_path / "speech.txt", tmp_path / "out"
    source.write_text(SPEECH, encoding="utf-8")
    assert main(["import", str(source), "--meeting", "m-1", "--out", str(out)]) == 0
    (path,) = out.glob("*.yaml")
    before = Proposal.model_validate(yaml.safe_load(path.read_text("utf-8")))
    revised = SPEECH.replace("加大财政投入", "加大市县两级财政投入").replace(
        "要提升护理人员专业水平,定期开展技能培训;", "")
    source.write_text(revised, encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(source), "--meeting", "m-1", "--out", str(out)]) == 1
    assert "not written (exists; --force replaces it)" in capsys.readouterr().out
    assert path.read_text("utf-8").count("定期开展技能培训") == 1  # untouched
    assert main(["import", str(source), "--meeting", "m-1", "--out", str(out), "--force"]) == 0
    after = Proposal.model_validate(yaml.safe_load(path.read_text("utf-8")))
    assert [r.id for r in after.recommendations] == [before.recommendations[0].id,
                                                     before.recommendations[2].id]
    assert [q.id for q in after.problems] == [q.id for q in before.problems]


def test_conservation_on_the_printed_source(tmp_path):
    """The real OCR page, out of reading order: nothing is lost or invented, whatever goes where."""
    source = ROOT / "proposals/source/liaoyuan-cppcc-9-3-speeches.txt"
    result = run([source], "liaoyuan-9-3", tmp_path / "out")
    assert result.failed == 0, "\n".join(result.lines)
    assert len(result.drafts) == 7
    assert main(["check", str(tmp_path / "out")]) == 0


@pytest.mark.parametrize("name, content, reason", [
    ("a.pdf", b"%PDF-1.4", "cannot read '.pdf' files"),
    ("b.docx", b"not a zip", "not a Word .docx document"),
    ("c.txt", b"\xff\xfe\x00\xd8", "neither UTF-8 nor GB18030"),
    ("missing.txt", None, "no such file"),
])
def test_unreadable_file_is_one_line(name, content, reason, tmp_path, capsys):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert main(["import", str(path), "--meeting", "m-1", "--out", str(tmp_path / "out")]) == 1
    out = capsys.readouterr()
    assert f"{path}: " in out.out and reason in out.out and "Traceback" not in out.err
