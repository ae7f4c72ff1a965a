"""Every input gets a clear answer: refused as `file:line: key: rule`, or shown exactly as written.

What the loader reads is a regular file inside `proposals/`, within set sizes, holding text that
UTF-8 can carry; anything else is refused with one line that quotes nothing of a file that is not
a proposal and prints file names and keys escaped, on one line. The JSON Schema refuses what the
model refuses. Then fuzzing: arbitrary bytes, Unicode and YAML structures in a proposal file of a
copy of the real project end in a proposal holding the text as written or in `file:line:` lines,
through `load_corpus`, `cppcc check` and a few real `mkdocs build --strict` runs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cppcc import urls
from cppcc.caching import Memo
from cppcc.loading import MAX_FILE_BYTES, LoadError, load_corpus
from cppcc.model import CONTROL, Meeting, Proposal
from cppcc.yamlsource import MAX_DOCUMENT_CHARS, MAX_TEXT_CHARS, read_yaml
from helpers import copy_project, run_cppcc, snapshot
from test_loading import BROKEN, FIXTURES, HOSTILE, MEETING, MINIMAL, errors, mutate, project
from test_properties import invalid_documents

REPO = Path(__file__).resolve().parents[1]
REAL = REPO / "proposals" / "rule-of-law.yaml"
# One report line: `proposals/…:LINE: ` then printable text only (escapes for the rest).
LINE = re.compile(r"proposals/[^\s:][^:]*:\d+: \S.*")


def report(proposals: Path) -> list[str]:
    with pytest.raises(LoadError) as caught:
        load_corpus(proposals)
    return caught.value.report().splitlines()


# --- 1. surrogates: refused where the YAML is read; a well-formed pair is one character ---------

def test_a_lone_surrogate_is_refused_where_it_is_written(tmp_path):
    lone = mutate("title: 关于进一步做优做强法治政府建设辽源样板的建议", 'title: "lone \\ud800 surrogate"')
    low = mutate("    text: 法治队伍建设亟需强化。", '    text: "\\udc80法治"')
    assert errors(tmp_path, x=lone, y=low) == [
        ("proposals/x.yaml:5: title: must not hold the lone surrogate \\ud800: write the character "
        "itself"),
        ("proposals/y.yaml:23: problems[1].text: must not hold the lone surrogate \\udc80: write the "
        "character itself"),
        "2 errors",
    ]


def test_a_pair_of_surrogate_escapes_is_the_character_it_spells(tmp_path):
    """`json.dumps("🙂")` writes `"\\ud83d\\ude42"`; YAML reads two halves, the loader joins them."""
    text = mutate("title: 关于进一步做优做强法治政府建设辽源样板的建议", f"title: {json.dumps('笑🙂脸')}")
    text = mutate("  name: 毕精华", '  "\\ud83d\\ude42": 毕精华', text)
    assert "proposals/x.yaml:8: speaker.🙂: is not an allowed key" in errors(tmp_path, x=text)
    (proposal,) = load_corpus(project(tmp_path / "ok", {"x.yaml": mutate(
        "title: 关于进一步做优做强法治政府建设辽源样板的建议", f"title: {json.dumps('笑🙂脸')}")})).proposals
    assert proposal.title == "笑🙂脸"
    assert json.dumps("🙂") == '"\\ud83d\\ude42"'


def test_check_refuses_a_lone_surrogate_without_a_traceback(tmp_path):
    proposals = project(tmp_path, {"x.yaml": mutate("topic: 法治政府", 'topic: "\\ud83d"')})
    done = run_cppcc("check", str(proposals), cwd=tmp_path)
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr.splitlines() == [
        ("proposals/x.yaml:6: topic: must not hold the lone surrogate \\ud83d: write the character "
        "itself"), "1 error"]


# --- 2. only regular files inside proposals/ are read --------------------------------------------

REGULAR = f"must be a regular file inside proposals/ of at most {MAX_FILE_BYTES:,} bytes: it is"


def test_symbolic_links_are_refused_without_reading_their_target(tmp_path):
    proposals = project(tmp_path, {"x.yaml": MINIMAL})
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text(mutate("slug: rule-of-law", "slug: smuggled", mutate("order: 1", "order: 2")))
    (proposals / "evil.yaml").symlink_to("/etc/passwd")
    (proposals / "smuggled.yaml").symlink_to(outside)
    (proposals / "inside.yaml").symlink_to("x.yaml")
    (proposals / "zero.yaml").symlink_to("/dev/zero")
    assert report(proposals) == [f"proposals/{name}.yaml:1: {REGULAR} a symbolic link"
                                 for name in ("evil", "inside", "smuggled", "zero")] + ["4 errors"]


def test_a_named_pipe_or_a_folder_is_refused_at_once(tmp_path):
    proposals = project(tmp_path, {"x.yaml": MINIMAL})
    os.mkfifo(proposals / "pipe.yaml")  # opening it for reading would wait for a writer
    (proposals / "folder.yaml").mkdir()
    (proposals / "meetings" / "pipe.yaml").symlink_to("../pipe.yaml")
    done = subprocess.run([sys.executable, "-m", "cppcc", "check", str(proposals)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.stderr.splitlines() == [
        f"proposals/folder.yaml:1: {REGULAR} a folder",
        f"proposals/meetings/pipe.yaml:1: {REGULAR} a symbolic link",
        f"proposals/pipe.yaml:1: {REGULAR} a named pipe",
        "3 errors"]


def test_a_meetings_folder_that_is_a_link_is_not_followed(tmp_path):
    proposals = project(tmp_path, {"x.yaml": MINIMAL})
    shutil.move(proposals / "meetings", tmp_path / "real-meetings")
    (proposals / "meetings").symlink_to(tmp_path / "real-meetings")
    assert report(proposals) == [(f"proposals/meetings/liaoyuan-9-3.yaml:1: {REGULAR} inside a "
                                 "symbolic link ('meetings')"), "1 error"]


def test_a_file_that_is_not_a_proposal_is_quoted_in_a_short_excerpt_only(tmp_path):
    secret = "API_KEY=sk-" + "0123456789abcdef" * 4
    proposals = project(tmp_path, {"secrets.yaml": secret + "\nDB_PASSWORD=hunter2\n"})
    (line, count) = report(proposals)
    assert line.startswith("proposals/secrets.yaml:1: must be a mapping of keys to values, not ")
    assert len(line) < 100 and "hunter2" not in line and secret[:30] not in line
    assert count == "1 error"


# --- 3. sizes: the file, one text, all the text of a document with its aliases ------------------

def test_a_file_larger_than_the_limit_is_not_read(tmp_path):
    proposals = project(tmp_path, {"x.yaml": MINIMAL + "#" * MAX_FILE_BYTES + "\n"})
    assert report(proposals) == [(f"proposals/x.yaml:1: {REGULAR} larger than "
                                 f"{MAX_FILE_BYTES:,} bytes"), "1 error"]


def test_a_text_longer_than_the_limit_is_refused(tmp_path):
    long = "很" * (MAX_TEXT_CHARS + 1)
    assert errors(tmp_path, x=mutate("text: 法治队伍建设亟需强化。", f"text: {long}")) == [
        (f"proposals/x.yaml:23: problems[1].text: must not be longer than {MAX_TEXT_CHARS:,} "
        f"characters, not {MAX_TEXT_CHARS + 1:,}"), "1 error"]


def test_aliases_may_not_expand_past_the_document_limit(tmp_path):
    """One 90,000-character text repeated by 200 aliases: 18 million characters from 90 KB."""
    text = mutate("    text: 执法工作机制需要完善,", "    text: &big " + "法" * 90_000)
    text = text.replace("    text: 法治队伍建设亟需强化。", "    text: *big")
    text += "".join(f"  - id: more-{n}\n    headline: *big\n" for n in range(200))
    stop = MAX_DOCUMENT_CHARS // 90_000 + 1  # the alias that goes past the limit
    assert errors(tmp_path, x=text) == [
        (f"proposals/x.yaml:21: recommendations[{stop - 1}].headline: must not hold more than "
        f"{MAX_DOCUMENT_CHARS:,} characters of text (are YAML aliases repeating a large value?)"),
        "1 error"]


def test_the_limits_leave_a_hundred_times_the_largest_real_proposal(repo):
    files = sorted((repo / "proposals").glob("*.yaml"))
    assert max(p.stat().st_size for p in files) * 100 <= MAX_FILE_BYTES
    texts = [s for p in load_corpus(repo / "proposals").proposals
             for item in p.items() for s in (item.speaker_text,)]
    assert max(map(len, texts)) * 100 <= MAX_TEXT_CHARS
    chars = max(len(p.read_text(encoding="utf-8")) for p in files)
    assert chars * 100 <= MAX_DOCUMENT_CHARS


# --- 4. hidden files and editors' files are not proposals ----------------------------------------

def test_hidden_and_editor_files_are_passed_over(tmp_path):
    proposals = project(tmp_path, {"x.yaml": MINIMAL})
    for folder in (proposals, proposals / "meetings"):
        (folder / ".#x.yaml").symlink_to("user@host.1234:1700000000")  # Emacs' lock: dangling
        for name in (".hidden.yaml", "x.yaml~", "#x.yaml#", ".x.yaml.swp", ".x.yaml.swx"):
            (folder / name).write_text("not: [a proposal\n", encoding="utf-8")
    (proposal,) = load_corpus(proposals).proposals
    assert proposal.slug == "rule-of-law"


# --- 8. file names and keys are printed escaped, on one line -------------------------------------

def test_a_file_name_cannot_forge_log_lines(tmp_path):
    name = "nl\nINFO    -  Documentation built in 0.1 seconds\n\x1b[32mok\x1b[0m.yaml"
    proposals = project(tmp_path, {"x.yaml": MINIMAL})
    (proposals / name).write_text("{}\n", encoding="utf-8")
    (proposals / "meetings" / "\u202eoyl.yaml").write_text(mutate("id: liaoyuan-9-3", "id: x\ny: 1",
                                                                  MEETING))
    lines = report(proposals)
    shown = "nl\\nINFO    -  Documentation built in 0.1 seconds\\n\\x1b[32mok\\x1b[0m.yaml"
    assert lines[0] == "proposals/meetings/\\u202eoyl.yaml:3: y: is not an allowed key"
    assert f"proposals/{shown}:1: slug: is required" in lines
    assert all(LINE.fullmatch(line) and line.isprintable() for line in lines[:-1])


# --- 9. the schema carries the model's rules ------------------------------------------------------

def validator(name: str) -> jsonschema.Validator:
    schema = json.loads((REPO / "proposals" / name).read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


PROPOSAL_SCHEMA, MEETING_SCHEMA = validator("proposal.schema.json"), validator("meeting.schema.json")


def agree(text: str, model=Proposal, schema=PROPOSAL_SCHEMA) -> bool | None:
    """Whether the model and the schema both accept (True) or both refuse (False) the YAML
    `text`, as the loader reads it; None where it is not data at all; raise if they disagree."""
    doc, _issues = read_yaml(text, "x.yaml")
    if doc.data is None:
        return None
    try:
        model.model_validate(doc.data)
        by_model = True
    except Exception:  # noqa: BLE001 - any refusal counts
        by_model = False
    by_schema = schema.is_valid(as_editor_reads(doc.data))
    assert by_model == by_schema, (text[:300], by_model)
    return by_model


def as_editor_reads(value):
    """The data as a schema-aware editor reads the YAML (YAML 1.2): an unquoted date such as
    `published: 2026-11-29`, a `date` for the loader, is a string, which `format: date` names."""
    if isinstance(value, dict):
        return {k: as_editor_reads(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_editor_reads(v) for v in value]
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return value


def test_schema_and_model_refuse_the_findings_alike():
    meeting = (REPO / "proposals" / "meetings" / "liaoyuan-9-3.yaml").read_text(encoding="utf-8")
    for old, new in [("title: 关于进一步做优做强法治政府建设辽源样板的建议", 'title: "a\\x01b"'),
                     ("party: 民革", 'party: "   "'), ("  - id: overview", '  - id: "overview\\n"'),
                     ("    body: 加强", '    body: "\\t"\n    x: 加强')]:
        assert agree(mutate(old, new, REAL.read_text("utf-8"))) is False, new
    for source in ("../../../../etc/passwd\\u0000\\u001b[31m", "/etc/passwd", "source/../x.txt",
                   ".hidden", "source//x.txt", " "):
        text = mutate("source: source/liaoyuan-cppcc-9-3-speeches.txt", f'source: "{source}"',
                      meeting)
        assert agree(text, Meeting, MEETING_SCHEMA) is False, source
    assert agree(meeting, Meeting, MEETING_SCHEMA) is True


def test_schema_and_model_agree_on_every_bad_input_case():
    cases = [text for text, _ in HOSTILE.values() if isinstance(text, str)]
    cases.append((FIXTURES / "broken" / "proposals" / "broken.yaml").read_text("utf-8"))
    assert len(BROKEN) > 10
    verdicts = [agree(text) for text in cases]
    assert False in verdicts and None in verdicts


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(invalid_documents())
def test_schema_and_model_agree_on_the_property_tests_mutations(text):
    agree(text)


def test_a_source_must_be_a_regular_file_inside_proposals(tmp_path):
    proposals = project(tmp_path, {"x.yaml": MINIMAL})
    (tmp_path / "secret.txt").write_text("secret")
    (proposals / "source").mkdir()
    (proposals / "source" / "link.txt").symlink_to(tmp_path / "secret.txt")
    (proposals / "linked").symlink_to(tmp_path)
    rule = "source: must name a regular file inside proposals/ of at most 20,000,000 bytes:"
    for source, what in [("source/missing.txt", "missing"), ("source/link.txt", "a symbolic link"),
                         ("linked/secret.txt", "inside a symbolic link ('linked')"),
                         ("source", "a folder"),
                         ("x.yaml/y", "inside something that is not a folder ('x.yaml')")]:
        (proposals / "meetings" / "liaoyuan-9-3.yaml").write_text(MEETING + f"source: {source}\n")
        assert report(proposals) == [
            f"proposals/meetings/liaoyuan-9-3.yaml:8: {rule} '{source}' is {what}", "1 error"]


def test_the_site_publishes_the_source_where_the_exports_say(site_dir, repo):
    (meeting,) = load_corpus(repo / "proposals").meetings
    published = site_dir / urls.source(meeting.source)
    assert published.read_bytes() == (repo / "proposals" / meeting.source).read_bytes()
    (entry,) = json.loads((site_dir / urls.PROPOSALS_JSON).read_text("utf-8"))["meetings"]
    assert (entry["source"], entry["source_url"]) == (meeting.source, urls.source(meeting.source))
    assert "sources" in Proposal.model_json_schema()["properties"]["slug"]["not"]["anyOf"][0]["enum"]


# --- fuzzing --------------------------------------------------------------------------------------

REAL_DATA = yaml.safe_load(REAL.read_text(encoding="utf-8"))
TEXT_FIELDS = [("title",), ("topic",), ("speaker", "name"), ("speaker", "party"),
               ("problems", 0, "text"), ("problems", 1, "text"),
               ("recommendations", 0, "headline"), ("recommendations", 1, "body")]
SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=())
# Any characters, lone surrogates and well-formed pairs of them, controls, spaces and line breaks.
ANY_TEXT = st.lists(st.characters() | SURROGATES | st.sampled_from(
    ["\ud83d\ude42", "\U0001F642", "\x01", "\x85", "\n", "\t", " ", "\u3000", "\u2028", "法"]),
    max_size=20).map("".join)
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | ANY_TEXT
STRUCTURES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
    ANY_TEXT, inner, max_size=4), max_leaves=12)


def joined(text: str) -> str | None:
    try:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:
        return None


def expected_text(text: str, field: tuple) -> str | None:
    """What the model holds for `text` written (as a JSON escape) into `field`; None: refused."""
    whole = joined(text)
    if whole is None or CONTROL.search(whole):
        return None
    optional = field[-1] in ("party", "body")
    return whole if whole.strip() or (optional and not whole) else None


def dig(data, path):
    for part in path:
        data = data[part]
    return data


def placed(path: tuple, value) -> dict:
    data = json.loads(json.dumps(REAL_DATA))
    *parents, last = path
    dig(data, parents)[last] = value
    return data


@st.composite
def fuzzed_files(draw) -> tuple[bytes, tuple | None, str | None]:
    """(file bytes, the text field changed, the text the model must then hold) – the last two
    None where the file is not one text change of the real proposal."""
    how = draw(st.sampled_from(["bytes", "raw unicode", "escaped text", "structure", "cut"]))
    if how == "bytes":
        return draw(st.binary(max_size=300)), None, None
    if how == "raw unicode":  # written raw: surrogates become invalid UTF-8 bytes
        text = draw(ANY_TEXT)
        return text.encode("utf-8", "surrogatepass"), None, None
    if how == "cut":
        data = REAL.read_bytes()
        return data[:draw(st.integers(0, len(data)))], None, None
    field = draw(st.sampled_from(TEXT_FIELDS))
    if how == "structure":
        data = placed(field, draw(STRUCTURES))
        return json.dumps(data, ensure_ascii=True).encode(), None, None
    text = draw(ANY_TEXT)
    data = placed(field, text)
    return json.dumps(data, ensure_ascii=True).encode(), field, expected_text(text, field)


class Fuzzed:
    """A copy of the real project's proposals/ whose rule-of-law.yaml is replaced each time."""

    def __init__(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.proposals = Path(self.tmp.name) / "proposals"
        shutil.copytree(REPO / "proposals", self.proposals)
        self.memo, self.count = Memo(), 0

    def load(self, content: bytes) -> tuple[Proposal | None, list[str]]:
        self.count += 1
        (self.proposals / "rule-of-law.yaml").write_bytes(content)
        try:
            corpus = load_corpus(self.proposals, memo=self.memo)
        except LoadError as error:
            *lines, count = error.report().splitlines()
            assert re.fullmatch(r"\d+ errors?", count) and lines
            assert all(LINE.fullmatch(line) and line.isprintable() for line in lines), lines
            assert all(line.startswith("proposals/rule-of-law.yaml:") for line in lines), lines
            return None, lines
        return next(p for p in corpus.proposals if p.order == REAL_DATA["order"]), []


FUZZED = Fuzzed()


@settings(max_examples=250, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(fuzzed_files())
def test_fuzzed_files_load_as_written_or_end_in_file_line_errors(case):
    content, field, expected = case
    proposal, lines = FUZZED.load(content)
    if field is None:
        return
    if expected is None:
        assert proposal is None and lines
    else:
        assert not lines, lines
        assert dig(proposal.model_dump(), field) == expected


def test_the_fuzzing_ran_its_cases():
    """(Runs after the test above, in file order: its count is the cases that really ran.)"""
    assert FUZZED.count >= 250, FUZZED.count


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fuzzed_files())
def test_check_answers_fuzzed_files_in_lines(case):
    content, field, expected = case
    (FUZZED.proposals / "rule-of-law.yaml").write_bytes(content)
    done = subprocess.run([sys.executable, "-m", "cppcc", "check", str(FUZZED.proposals)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in done.stderr
    if done.returncode:
        *lines, count = done.stderr.splitlines()
        assert all(LINE.fullmatch(line) for line in lines) and re.fullmatch(r"\d+ errors?", count)
    else:
        assert done.stdout.endswith("no errors\n") and (field is None or expected is not None)


BUILDS = [  # (what is written into rule-of-law.yaml's title, whether the build succeeds)
    ("笑🙂\u202e<b>{{ x }}</b>\u200b", True),
    ("lone \ud800 half", False),
    (None, False),  # arbitrary bytes instead of the file
]


def test_builds_of_fuzzed_inputs_fail_cleanly_or_show_the_text(tmp_path):
    from bench.harness import run_build

    root = copy_project(tmp_path / "project")
    site = tmp_path / "out" / "site"
    before = None
    for title, ok in BUILDS:
        path = root / "proposals" / "rule-of-law.yaml"
        path.write_bytes(bytes(range(256)) * 3 if title is None else
                         json.dumps(placed(("title",), title), ensure_ascii=True).encode())
        project_files = {k: v for k, v in snapshot(root).items()}
        done = run_build(site, root / "mkdocs.yml")
        assert "Traceback" not in done.stdout + done.stderr
        assert snapshot(root) == project_files, "the build wrote into the project"
        assert sorted(p.name for p in site.parent.iterdir()) == ["site"]
        if ok:
            assert done.returncode == 0, done.stderr
            data = json.loads((site / urls.PROPOSALS_JSON).read_text("utf-8"))
            assert title in [p["title"] for p in data["proposals"]]
            before = snapshot(site)
        else:
            assert done.returncode != 0
            logged = [r.split("-  ", 1)[1] for r in done.stderr.splitlines() if r.startswith("ERROR")]
            assert logged[0].startswith("proposals/rule-of-law.yaml:"), logged
            assert snapshot(site) == before
