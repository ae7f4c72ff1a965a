"""Strict loading: every bad input is reported as `file:LINE: key.path: rule`, all at once.

Each test writes its own input into `tmp_path`: `MINIMAL` (the rule-of-law proposal, cut down
and valid) with one visible change, so the test shows both what is wrong and where. The exact
lines are asserted, as printed by `cppcc check` and logged by the build.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from cppcc.loading import LoadError, load_corpus
from cppcc.model import RESERVED_SLUGS
from cppcc.yamlsource import MAX_DEPTH, MAX_VALUES
from helpers import copy_project, run_cppcc

FIXTURES = Path(__file__).parent / "fixtures"
URL_RULE = "must be URL-safe: lowercase ASCII letters and digits, words joined by single hyphens"

MEETING = """\
# yaml-language-server: $schema=../meeting.schema.json
id: liaoyuan-9-3
title: 政协辽源市第九届委员会第三次会议
headline: 凝聚汇智谋共识 建言献策促发展
committee: 政协辽源市委员会
term: 9
session: 3
"""

# Line numbers, for reading the expectations below:   line
MINIMAL = """\
# yaml-language-server: $schema=proposal.schema.json
slug: rule-of-law
meeting: liaoyuan-9-3
order: 1
title: 关于进一步做优做强法治政府建设辽源样板的建议
topic: 法治政府
speaker:
  name: 毕精华
  role: 副主委
  body: 民革辽源市委员会
  party: 民革
background:
  - id: overview
    text: 近年来,我市深入学习贯彻习近平法治思想,良法善治基础深根固抵,基层法治建设持续强化。
    notes:
      - kind: misprint
        quote: 深根固抵
        text: 原文如此。成语通常写作“深根固柢”,本站照录原文。
problems:
  - id: enforcement-mechanism
    text: 执法工作机制需要完善,
  - id: legal-workforce
    text: 法治队伍建设亟需强化。
recommendations:
  - id: improve-enforcement-mechanism
    headline: 健全善治善为的行政执法工作机制。
    body: 加强我市综合执法、联合执法、协作执法的组织指挥和统筹协调。
    answers: [enforcement-mechanism]
  - id: strengthen-legal-workforce
    headline: 加强高能高效的政府法治队伍建设。
    answers: [legal-workforce]
"""
#  1 comment   2 slug   4 order   7 speaker   12 background   13 overview   17 quote
# 19 problems 20 enforcement-mechanism 22 legal-workforce   24 recommendations   28/31 answers


def mutate(old: str, new: str, text: str = MINIMAL) -> str:
    """`text` with `old` (which must occur exactly once) replaced by `new`."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
    return text.replace(old, new)


def project(root: Path, files: dict[str, str | bytes]) -> Path:
    """`root/proposals/` holding the one meeting and the given proposal files."""
    proposals = root / "proposals"
    (proposals / "meetings").mkdir(parents=True, exist_ok=True)
    (proposals / "meetings" / "liaoyuan-9-3.yaml").write_text(MEETING, encoding="utf-8")
    for name, content in files.items():
        path = proposals / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return proposals


def errors(root: Path, **files: str | bytes) -> list[str]:
    """The report of loading the project made of `files` (name stem → text), count line last."""
    proposals = project(root, {f"{stem}.yaml": text for stem, text in files.items()})
    with pytest.raises(LoadError) as caught:
        load_corpus(proposals)
    return caught.value.report().splitlines()


def test_the_minimal_proposal_is_valid(tmp_path):
    corpus = load_corpus(project(tmp_path, {"x.yaml": MINIMAL}))
    (proposal,) = corpus.proposals
    assert [item.id for item in proposal.items()] == [
        "overview", "enforcement-mechanism", "legal-workforce",
        "improve-enforcement-mechanism", "strengthen-legal-workforce"]


# --- one test per class of bad input -----------------------------------------------------------

def test_malformed_yaml(tmp_path):
    text = mutate("answers: [legal-workforce]", "answers: [legal-workforce")
    assert errors(tmp_path, x=text) == [
        ("proposals/x.yaml:32: must be valid YAML: expected ',' or ']', but got '<stream end>' "
         "(in a flow sequence started on line 31)"),
        "1 error",
    ]


def test_a_missing_section(tmp_path):
    text = mutate("problems:\n  - id: enforcement-mechanism\n    text: 执法工作机制需要完善,\n"
                  "  - id: legal-workforce\n    text: 法治队伍建设亟需强化。\n", "")
    assert errors(tmp_path, x=text) == ["proposals/x.yaml:2: problems: is required", "1 error"]


def test_an_empty_section(tmp_path):
    no_items = mutate("background:\n", "background: []\nunused:\n")
    assert errors(tmp_path, x=no_items) == [
        "proposals/x.yaml:12: background: must have at least 1 item",
        "proposals/x.yaml:13: unused: is not an allowed key",
        "2 errors",
    ]
    nothing = mutate("recommendations:\n", "recommendations:\nleft-over:\n")
    assert errors(tmp_path, x=nothing) == [
        "proposals/x.yaml:24: recommendations: must not be left empty",
        "proposals/x.yaml:25: left-over: is not an allowed key",
        "2 errors",
    ]


def test_a_duplicate_id(tmp_path):
    text = mutate("  - id: legal-workforce", "  - id: overview")
    text = mutate("answers: [legal-workforce]", "answers: [overview]", text)
    assert errors(tmp_path, x=text) == [
        ("proposals/x.yaml:22: problems[1].id: must be unique in this proposal: 'overview' is "
         "already background[0] (line 13)"),
        "1 error",
    ]


def test_an_id_that_is_not_url_safe(tmp_path):
    for bad in ("Legal_Workforce", "法治队伍", "legal--workforce", "-legal", "legal workforce"):
        text = mutate("  - id: legal-workforce", f"  - id: {bad}")
        assert errors(tmp_path, x=text) == [f"proposals/x.yaml:22: problems[1].id: {URL_RULE}",
                                             "1 error"], bad
    text = mutate("  - id: legal-workforce", "  - id: problems")
    assert errors(tmp_path, x=text) == [
        ("proposals/x.yaml:22: problems[1].id: must not be 'problems': that id belongs to a "
         "section of the page"),
        "1 error",
    ]


def test_an_unknown_key(tmp_path):
    text = mutate("  party: 民革\n", "  party: 民革\n  partyy: 民革\n")
    assert errors(tmp_path, x=text) == [
        "proposals/x.yaml:12: speaker.partyy: is not an allowed key", "1 error"]


def test_a_wrong_type(tmp_path):
    text = mutate("order: 1", 'order: "1"')
    text = mutate("topic: 法治政府", "topic: 2024", text)
    text = mutate("  name: 毕精华", "  name: 2024-01-31", text)
    text = mutate("    answers: [legal-workforce]", "    answers: legal-workforce", text)
    text = mutate("      - kind: misprint", "      - kind: typo", text)
    assert errors(tmp_path, x=text) == [
        "proposals/x.yaml:4: order: must be an integer",
        ("proposals/x.yaml:6: topic: must be a string: YAML read it as a number, so put it in "
         "quotes"),
        ("proposals/x.yaml:8: speaker.name: must be a string: YAML read it as a date, so put it "
         "in quotes"),
        ("proposals/x.yaml:16: background[0].notes[0].kind: must be one of 'misprint', "
         "'repetition', 'lost-text', 'unbalanced' or 'other'"),
        "proposals/x.yaml:31: recommendations[1].answers: must be a list",
        "5 errors",
    ]


def test_a_reference_to_a_problem_that_does_not_exist(tmp_path):
    text = mutate("answers: [legal-workforce]", "answers: [legal-workforce, legal-workfrce]")
    assert errors(tmp_path, x=text) == [
        ("proposals/x.yaml:31: recommendations[1].answers[1]: must be the id of a problem in this "
         "proposal: 'legal-workfrce' is not"),
        "1 error",
    ]


def test_two_files_with_one_slug(tmp_path):
    second = mutate("order: 1", "order: 2")
    assert errors(tmp_path, a=MINIMAL, b=second) == [
        ("proposals/b.yaml:2: slug: must be unique: 'rule-of-law' is already the slug of "
         "proposals/a.yaml"),
        "1 error",
    ]
    same_order = mutate("slug: rule-of-law", "slug: rule-of-law-2")
    assert errors(tmp_path / "order", a=MINIMAL, b=same_order) == [
        ("proposals/b.yaml:4: order: must be unique in its meeting: 1 is already the order of "
         "proposals/a.yaml"),
        "1 error",
    ]


def test_a_duplicate_yaml_key(tmp_path):
    text = mutate("topic: 法治政府\n", "topic: 法治政府\ntopic: 法治\n")
    assert errors(tmp_path, x=text) == [
        "proposals/x.yaml:7: topic: must not be given twice (first given on line 6)", "1 error"]


def test_a_note_whose_quote_is_not_in_its_item(tmp_path):
    text = mutate("quote: 深根固抵", "quote: 深根固柢")
    assert errors(tmp_path, x=text) == [
        ("proposals/x.yaml:17: background[0].notes[0].quote: must quote text that occurs in this "
         "item: '深根固柢' does not"),
        "1 error",
    ]


def test_a_note_whose_remark_names_another_kind(tmp_path):
    """A misprint whose remark says the text is repeated (重复) contradicts its own label; a word
    inside the remark's quotation (“…”) is the quoted text, not the editor's verdict."""
    text = mutate("本站照录原文。", "疑为排版重复。")
    assert errors(tmp_path, x=text) == [
        ("proposals/x.yaml:18: background[0].notes[0].text: must not name another kind of note "
         "than its own ('misprint', 疑似印误): '重复' names 'repetition' (文字重复)"),
        "1 error",
    ]
    (proposal,) = load_corpus(project(tmp_path / "quoted", {"x.yaml": mutate(
        "“深根固柢”", "“重复”")})).proposals
    assert proposal.background[0].notes[0].text == "原文如此。成语通常写作“重复”,本站照录原文。"


def test_an_unknown_meeting_id(tmp_path):
    text = mutate("meeting: liaoyuan-9-3", "meeting: liaoyuan-9-4")
    assert errors(tmp_path, x=text) == [
        ("proposals/x.yaml:3: meeting: must be the id of a meeting in meetings/: 'liaoyuan-9-4' is "
         "not (liaoyuan-9-3)"),
        "1 error",
    ]


def meeting_errors(root: Path, extra: str) -> list[str]:
    proposals = project(root, {"x.yaml": MINIMAL})
    (proposals / "meetings" / "liaoyuan-9-3.yaml").write_text(MEETING + extra, encoding="utf-8")
    with pytest.raises(LoadError) as caught:
        load_corpus(proposals)
    return caught.value.report().splitlines()


@pytest.mark.parametrize(("extra", "message"), [  # MEETING has 7 lines: `extra` starts on line 8
    ('start: "2024-01-05"\n', "8: start: must be a date written unquoted as YYYY-MM-DD, e.g. 2024-01-05"),
    ("start: 2024-01-05 09:30:00\n",
     "8: start: must be a date written unquoted as YYYY-MM-DD, e.g. 2024-01-05"),
    ("start: 2024-13-05\n",
     "8: start: must be a real date: YAML reads '2024-13-05' as a date, but month must be in 1..12"),
    ("end: 2024-01-07\n", "8: end: needs a start: give the first day as start"),
    ("start: 2024-01-05\nend: 2024-01-03\n", "9: end: must not be before start (2024-01-05)"),
    ("start: 2024-01-05\nyear: 2023\n", "9: year: must be the year of start (2024), not 2023"),
])
def test_a_meeting_date_that_cannot_be_right(tmp_path, extra, message):
    assert meeting_errors(tmp_path, extra) == [f"proposals/meetings/liaoyuan-9-3.yaml:{message}",
                                               "1 error"]


def test_a_dated_meeting_gives_its_year_reference_and_the_day_of_its_proposals(tmp_path):
    proposals = project(tmp_path, {"x.yaml": MINIMAL})
    (proposals / "meetings" / "liaoyuan-9-3.yaml").write_text(
        MEETING + "start: 2024-01-05\nend: 2024-01-07\nplace: 辽源市会议中心\n", encoding="utf-8")
    corpus = load_corpus(proposals)
    (meeting,), (proposal,) = corpus.meetings, corpus.proposals
    assert (meeting.year, meeting.dates) == (2024, "2024 年 1 月 5 日—2024 年 1 月 7 日")
    assert corpus.reference(proposal) == "第 9 届第 3 次会议 · 发言 1"
    assert corpus.date_of(proposal).isoformat() == "2024-01-05"


def test_an_undated_meeting_gives_no_date(tmp_path):
    corpus = load_corpus(project(tmp_path, {"x.yaml": mutate("order: 1", "order: 1\nkind: proposal")}))
    (meeting,), (proposal,) = corpus.meetings, corpus.proposals
    assert (meeting.year, meeting.dates, corpus.date_of(proposal)) == (None, "", None)
    assert corpus.reference(proposal) == "第 9 届第 3 次会议 · 提案 1"


def test_an_empty_file(tmp_path):
    assert errors(tmp_path, x="") == ["proposals/x.yaml:1: must not be empty", "1 error"]
    only_comment = "# yaml-language-server: $schema=proposal.schema.json\n\n"
    assert errors(tmp_path, x=only_comment) == ["proposals/x.yaml:1: must not be empty", "1 error"]


# --- input that must be refused with a message, never a traceback or a hang -------------------

# Nine levels of ten aliases each: 10**9 values once expanded, from 9 short lines.
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{key}: &{key} [{', '.join([f'*{prev}'] * 10)}]\n"
    for prev, key in zip("abcdefgh", "bcdefghi"))

HOSTILE = {
    "a list at the top": ("- slug: rule-of-law\n- order: 1\n",
                          ["1: must be a mapping of keys to values, not a list"]),
    "a scalar at the top": ("rule-of-law\n",
                            ["1: must be a mapping of keys to values, not 'rule-of-law'"]),
    "a number as a key": (mutate("topic: 法治政府\n", "topic: 法治政府\n1: x\n"),
                          ["7: 1: is not an allowed key"]),
    "a null key": (mutate("topic: 法治政府\n", "topic: 法治政府\n~: x\n"),
                   ["7: ~: is not an allowed key"]),
    "a list as a key": (mutate("  party: 民革\n", "  party: 民革\n  ? [a, b]\n  : x\n"),
                        ["12: speaker: keys must be plain words, not a list or a mapping"]),
    "a merge key": (mutate("topic: 法治政府\n", "topic: 法治政府\n<<: {title: x}\n"),
                    ["7: must not use YAML merge keys (<<): write each key out"]),
    "a tab for indent": (mutate("  name: 毕精华", "\tname: 毕精华"),
                         [("8: must be valid YAML: found character '\\t' that cannot start any "
                           "token (indent with spaces, not tabs)")]),
    "a python tag": (mutate("topic: 法治政府", "topic: !!python/object/apply:os.system [ls]"),
                     [("6: topic: must be a plain YAML value, not one tagged "
                       "!!python/object/apply:os.system")]),
    "a python tag on a scalar": (mutate("topic: 法治政府", "topic: !!python/name:os.system ''"),
                                 [("6: topic: must be a plain YAML value, not one tagged "
                                   "!!python/name:os.system")]),
    "a set": (mutate("topic: 法治政府", "topic: !!set {a, b}"),
              ["6: topic: must be a plain YAML value, not one tagged !!set"]),
    "two documents": (MINIMAL + "---\nslug: other\n",
                      [("32: must be valid YAML: expected a single document in the stream, but "
                        "found another document")]),
    "deep nesting": ("slug: " + "[" * 5000 + "]" * 5000 + "\n",
                     [f"1: must not nest more than {MAX_DEPTH} levels deep"]),
    "an alias bomb": (BOMB, [(f"1: must not hold more than {MAX_VALUES:,} values (are YAML "
                              "aliases repeating a large value?)")]),
    "bad UTF-8": (MINIMAL.encode().replace("毕精华".encode(), b"\xff\xfe"),
                  ["8: must be UTF-8 text: byte ff is not"]),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_input_is_refused_with_a_message(tmp_path, case):
    text, expected = HOSTILE[case]
    count = f"{len(expected)} error{'s' if len(expected) != 1 else ''}"
    assert errors(tmp_path, x=text) == [*(f"proposals/x.yaml:{e}" for e in expected), count]


def test_aliases_that_stay_small_are_plain_yaml(tmp_path):
    """`yaml.safe_dump` writes aliases for data it sees twice: they load like written-out values."""
    text = mutate("    answers: [enforcement-mechanism]", "    answers: &a [enforcement-mechanism]")
    text = mutate("    answers: [legal-workforce]", "    answers: *a", text)
    (proposal,) = load_corpus(project(tmp_path, {"x.yaml": text})).proposals
    assert [r.answers for r in proposal.recommendations] == [["enforcement-mechanism"]] * 2


# --- the deliberately broken fixture, against its full list ------------------------------------

# Every problem of tests/fixtures/broken/proposals/broken.yaml, as (line, "key.path: message").
BROKEN = [
    (2, ("slug: must be URL-safe: lowercase ASCII letters and digits, words joined by single "
         "hyphens")),
    (4, "order: must be at least 1"),
    (5, "title: must not be empty"),
    (6, "topic: must not be left empty"),
    (7, "speaker.body: is required"),
    (7, "speaker.role: is required"),
    (9, "speaker.name: must not be given twice (first given on line 8)"),
    (10, "speaker.party: must be a string: YAML read it as true/false, so put it in quotes"),
    (11, "speaker.affiliation: is not an allowed key"),
    (12, "background: must be a list"),
    (14, "problems[0].id: must not be 'notes': that id belongs to a section of the page"),
    (16, "problems[1].text: is required"),
    (17, "problems[1].txet: is not an allowed key"),
    (21, ("problems[2].notes[0].kind: must be one of 'misprint', 'repetition', 'lost-text', "
          "'unbalanced' or 'other'")),
    (21, "problems[2].notes[0].quote: is required"),
    (23, "problems[3]: must be a mapping"),
    (24, "recommendations_intro.id: is required"),
    (26, "recommendations: must have at least 1 item"),
]


def test_the_broken_fixture_reports_its_full_list():
    """Every problem in the file, sorted by line, then the count."""
    broken = FIXTURES / "broken" / "proposals"
    with pytest.raises(LoadError) as caught:
        load_corpus(broken)
    assert [(i.line, f"{i.path}: {i.message}") for i in caught.value.issues] == BROKEN
    assert {i.file for i in caught.value.issues} == {"proposals/broken.yaml"}
    assert caught.value.report().splitlines() == [
        *(f"proposals/broken.yaml:{line}: {message}" for line, message in BROKEN),
        f"{len(BROKEN)} errors"]


def test_errors_of_all_files_are_reported_sorted_and_counted(tmp_path):
    proposals = project(tmp_path, {
        "b.yaml": mutate("order: 1", "order: 2\norder: 3"),
        "a.yaml": mutate("  - id: legal-workforce", "  - id: Legal"),
        "c.yaml": mutate("quote: 深根固抵", "quote: 固柢", mutate(
            "slug: rule-of-law", "slug: other", mutate("order: 1", "order: 3"))),
    })
    (proposals / "meetings" / "other.yaml").write_text(mutate("term: 9", "term: nine", MEETING))
    with pytest.raises(LoadError) as caught:
        load_corpus(proposals)
    assert str(caught.value).splitlines() == [
        f"proposals/a.yaml:22: problems[1].id: {URL_RULE}",
        "proposals/b.yaml:5: order: must not be given twice (first given on line 4)",
        ("proposals/c.yaml:17: background[0].notes[0].quote: must quote text that occurs in this "
         "item: '固柢' does not"),
        "proposals/meetings/other.yaml:6: term: must be an integer",
        "4 errors",
    ]


# --- the same lines through the real build and through the command line -----------------------

def replace_line(path: Path, old: str, new: str) -> int:
    """Replace the one line of `path` that reads `old` (indent aside); return its number."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    (index,) = [i for i, line in enumerate(lines) if line.strip() == old]
    lines[index] = lines[index].replace(old, new)
    path.write_text("".join(lines), encoding="utf-8")
    return index + 1


def test_the_build_fails_with_the_same_lines_and_writes_nothing(tmp_path, repo):
    from bench.harness import run_build

    root = copy_project(tmp_path)
    proposals = root / "proposals"
    id_line = replace_line(proposals / "rule-of-law.yaml", "- id: legal-workforce", "- id: Legal")
    term_line = replace_line(proposals / "meetings" / "liaoyuan-9-3.yaml", "term: 9", "term: 0")
    done = run_build(root / "site", root / "mkdocs.yml")
    output = done.stdout + done.stderr
    assert done.returncode != 0
    assert "Traceback" not in output
    logged = [row.split("-  ", 1)[1] for row in done.stderr.splitlines() if row.startswith("ERROR")]
    assert logged == [
        f"proposals/meetings/liaoyuan-9-3.yaml:{term_line}: term: must be at least 1",
        (f"proposals/rule-of-law.yaml:{id_line}: problems[1].id: must be URL-safe: lowercase ASCII "
         "letters and digits, words joined by single hyphens"),
        "2 errors in proposals/: nothing was built",
    ]
    assert not (root / "site").exists()


def test_check_prints_the_bare_lines_and_a_count(tmp_path):
    proposals = project(tmp_path, {"x.yaml": mutate("order: 1", "order: 0"),
                                   "y.yaml": mutate("slug: rule-of-law", "slug: Rule")})
    done = run_cppcc("check", str(proposals), cwd=tmp_path / "proposals" / "meetings")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "proposals/x.yaml:4: order: must be at least 1",
        ("proposals/y.yaml:2: slug: must be URL-safe: lowercase ASCII letters and digits, words "
         "joined by single hyphens"),
        "2 errors",
    ]


def test_check_passes_the_real_data_with_a_summary(repo):
    corpus = load_corpus(repo / "proposals")
    items = sum(len(list(p.items())) for p in corpus.proposals)
    done = run_cppcc("check", "proposals", cwd=repo)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == (f"{len(corpus.meetings)} meeting(s), {len(corpus.proposals)} "
                           f"proposals, {items} items: no errors\n")


def test_check_of_a_missing_directory_says_so(tmp_path):
    done = run_cppcc("check", "nowhere", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == ["nowhere:1: must be an existing directory", "1 error"]


# --- round trip: the model holds exactly what the files say ------------------------------------

def dump(data: dict, path: Path) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000),
                    encoding="utf-8")


def raw_speaker_texts(data: dict) -> list[str]:
    """Every item's speaker text, in reading order, straight from the parsed YAML."""
    intro = [data["recommendations_intro"]] if data.get("recommendations_intro") else []
    items = data["background"] + data["problems"] + intro + data["recommendations"]
    return [item["text"] if "text" in item else item["headline"] + item.get("body", "")
            for item in items]


def test_load_dump_load_gives_the_same_model_and_the_same_words(tmp_path, repo):
    corpus = load_corpus(repo / "proposals")
    copy = tmp_path / "proposals"
    (copy / "meetings").mkdir(parents=True)
    shutil.copytree(repo / "proposals" / "source", copy / "source")  # the meeting's `source`
    for meeting in corpus.meetings:
        dump(meeting.model_dump(exclude_unset=True), copy / "meetings" / f"{meeting.id}.yaml")
    for proposal in corpus.proposals:
        dump(proposal.model_dump(exclude_unset=True), copy / f"{proposal.slug}.yaml")
    again = load_corpus(copy)
    assert again == corpus
    for proposal in again.proposals:
        raw = yaml.safe_load((repo / "proposals" / f"{proposal.slug}.yaml").read_text("utf-8"))
        assert proposal.model_dump(exclude_unset=True) == raw, proposal.slug
        assert [item.speaker_text for item in proposal.items()] == raw_speaker_texts(raw)


# Control characters are refused by the model (test below); U+0085 (NEL) is one of them, and
# PyYAML's dumper also writes it into a single-quoted scalar, where YAML folds it into a space.
@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1).filter(str.strip))
def test_any_text_survives_dump_and_load(text):
    data = yaml.safe_load(mutate("text: 法治队伍建设亟需强化。", "text: placeholder"))
    data["problems"][1]["text"] = text
    with tempfile.TemporaryDirectory() as tmp:
        proposals = project(Path(tmp), {})
        dump(data, proposals / "x.yaml")
        (proposal,) = load_corpus(proposals).proposals
    assert proposal.problems[1].text == text


@pytest.mark.parametrize("char", ["\x00", "\x08", "\r", "\x1b", "\x7f", "\x9f"])
def test_control_characters_are_refused(tmp_path, char):
    data = yaml.safe_load(mutate("text: 法治队伍建设亟需强化。", "text: placeholder"))
    data["problems"][1]["text"] = f"法治{char}队伍"
    proposals = project(tmp_path, {})
    dump(data, proposals / "x.yaml")
    with pytest.raises(LoadError) as raised:
        load_corpus(proposals)
    (issue,) = raised.value.issues
    assert (issue.path, issue.message) == (
        "problems[1].text", f"must not contain the control character U+{ord(char):04X}")


@pytest.mark.parametrize("slug", sorted(RESERVED_SLUGS))
def test_a_slug_may_not_take_a_folder_of_the_site(tmp_path, slug):
    data = yaml.safe_load(mutate("text: 法治队伍建设亟需强化。", "text: placeholder"))
    data["slug"] = slug
    proposals = project(tmp_path, {})
    dump(data, proposals / "x.yaml")
    with pytest.raises(LoadError) as raised:
        load_corpus(proposals)
    assert [(i.path, i.message) for i in raised.value.issues] == [
        ("slug", f"must not be '{slug}': that folder belongs to the site itself")]


def test_a_key_that_is_not_a_plain_word_is_quoted_on_one_line(tmp_path):
    data = yaml.safe_load(mutate("text: 法治队伍建设亟需强化。", "text: placeholder"))
    data["speaker"]["\r"] = 0
    data["speaker"]["标 题"] = "x"
    proposals = project(tmp_path, {})
    dump(data, proposals / "x.yaml")
    with pytest.raises(LoadError) as raised:
        load_corpus(proposals)
    report = raised.value.report().splitlines()
    assert [line for line in report if "allowed" in line] == [
        f"proposals/x.yaml:{n}: speaker[{key}]: is not an allowed key"
        for n, key in ((11, '"\\r"'), (12, '"标 题"'))]


def test_the_readme_example_is_a_valid_proposal(tmp_path, repo):
    readme = (repo / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Adding a proposal\n", 1)[1].split("\n## ", 1)[0]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    (proposal,) = load_corpus(project(tmp_path, {"example.yaml": example})).proposals
    assert proposal.recommendations[0].answers == [proposal.problems[0].id]
    assert "python -m cppcc check" in section
