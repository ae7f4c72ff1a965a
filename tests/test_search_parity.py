"""The index format, and engine.js ranking as engine.py does, without a browser.

The Python engine writes query -> hits vectors; Node runs engine.js (the page's engine, no DOM)
over the same index files on disk (tests/search_parity.mjs) and every hit must agree: proposal,
item and order exactly, the score to the last rounded place, and the query as searched (`shown`,
`converted`); each query twice, with its conversions and literal. Twice: on the seven real
proposals, and on 1,000 generated ones whose common terms have truncated postings and whose tables
have many shards. Every file of both indexes is validated against format.SCHEMAS."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from cppcc.linking import Links
from cppcc.loading import load_corpus
from cppcc.search import ENGINE, assets, format, indexing, ranking
from cppcc.search.engine import Engine
from cppcc.search.indexing import ROOT, build_index, items_of

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from generate_corpus import generate

RUNNER = REPO / "tests" / "search_parity.mjs"
NODE = shutil.which("node")
GENERATED = 300  # proposals of the generated index
TRUNCATED = 50  # its MAX_POSTINGS: many of its terms are cut
SHARD_BYTES = 2_500  # its indexing.SHARD_BYTES: as many shards as 1,000 proposals have
OWN_FILE = 120  # its indexing.OWN_FILE: its many long postings are each in a file of its own
ODD = ["双向转诊。", "“开门立法”!!", "老字号,商标?", "a", "2022", "abc123", "TCM", "ＡＢＣ",
       "laozihao", "lao zi hao", "zhuanjingtexin 政策", "shuangxiangzhuanzhen", "xyzzy",
       "雙向轉診", "專精特新", "職業教育", "法治 老字号 职业教育 科普 基层医疗 城市文化",
       "职业教育" + "，" * 40 + "生源", "人", "的", "火星探测", " ", "《》", "服务", "加强",
       # names, pinyin as typed, initials, wrong characters, questions, speakers
       "中国国民党革命委员会", "工商联 副主席", "职教老师", "现代职教体系", "gongshanglian",
       "Lǎo Zì Hào", "ｌａｏｚｉｈａｏ", "xi'an", "lǚyóu", "zjtx", "zjtx zhengce", "ZJTX", "zjtxxx",
       "梅花路", "老子号", "转精特新", "中国梅花鹿之香", "专精特心企业", "的的的", "目的", "如何", "为什么要开门立法",
       "怎样提高科普基地的服务能力？", "辽源有多少所职业院校", "民建 委员", "侯启超委员", "tcm 如何"]


def queries(corpus) -> list[str]:
    """The evaluation set, odd queries, and long ones cut from the corpus's text (spans past the
    30th character, punctuation, partial matches)."""
    qs = [q["q"] for q in yaml.safe_load((REPO / "tests/search_queries.yaml").read_text("utf-8"))]
    for proposal in corpus.proposals[::max(1, len(corpus.proposals) // 7)][:7]:
        body = max((it.body for it in items_of(proposal)), key=len)
        qs += [body[:60], f"{body[:25]}， {body[40:70]}?", body[10:70:2], proposal.title,
               proposal.speaker.name + " " + proposal.topic]
    return qs + ODD


def on_disk(files: dict[str, bytes], folder: Path) -> Path:
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    return folder / ROOT


def node_hits(index: Path, vectors: list[dict], tmp: Path) -> list[dict]:
    if NODE is None:
        pytest.skip("node is missing (Debian's nodejs, /usr/bin/node): no Node parity check")
    (tmp / "vectors.json").write_text(json.dumps(vectors, ensure_ascii=False), encoding="utf-8")
    engine = REPO / "scripts/cppcc/search" / ENGINE
    subprocess.run([NODE, str(RUNNER), str(engine), str(index), str(tmp / "vectors.json"),
                    str(tmp / "node.json")], check=True)
    return json.loads((tmp / "node.json").read_text(encoding="utf-8"))


def mismatches(want: list[dict], got: list[dict]) -> list[str]:
    """Every query whose hits differ, said in a line: where they first part."""
    assert [(v["q"], v["literal"]) for v in got] == [(v["q"], v["literal"]) for v in want]
    out = []
    tolerance = 10 ** -ranking.DIGITS
    for w, g in zip(want, got):
        if (w["shown"], w["converted"]) != (g["shown"], g["converted"]):
            out.append(f"{w['q']!r}: searched as {w['shown']!r} in Python, {g['shown']!r} in Node")
            continue
        if len(w["hits"]) != len(g["hits"]):
            out.append(f"{w['q']!r}: {len(w['hits'])} hits in Python, {len(g['hits'])} in Node")
            continue
        for k, (a, b) in enumerate(zip(w["hits"], g["hits"])):
            if a[:2] != b[:2] or abs(a[2] - b[2]) > tolerance:
                out.append(f"{w['q']!r}: hit {k} is {a} in Python, {b} in Node")
                break
    return out


class Index:
    def __init__(self, files: dict[str, bytes], corpus, folder: Path):
        self.files, self.folder = files, on_disk(files, folder)
        engine = Engine(files)
        self.vectors = []
        for q in queries(corpus):
            for literal in (False, True):
                plan, hits, _ = engine.find(q, literal)
                self.vectors.append({"q": q, "literal": literal, "hits": [list(h) for h in hits],
                                     "shown": plan.shown, "converted": plan.converted})
        self.manifest = json.loads(files[ROOT + "manifest.json"])


@pytest.fixture(scope="module")
def real(tmp_path_factory) -> Index:
    corpus = load_corpus(REPO / "proposals", display_root=REPO)
    return Index(build_index(Links(corpus)), corpus, tmp_path_factory.mktemp("real"))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Index:
    root = tmp_path_factory.mktemp("generated")
    corpus = load_corpus(generate(root / "proposals", GENERATED, seed=11))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(indexing, "MAX_POSTINGS", TRUNCATED)
        patch.setattr(indexing, "SHARD_BYTES", SHARD_BYTES)
        patch.setattr(indexing, "OWN_FILE", OWN_FILE)
        files = build_index(Links(corpus))
    return Index(files, corpus, root / "site")


@pytest.fixture(params=["real", "generated"])
def index(request) -> Index:
    return request.getfixturevalue(request.param)


def test_the_generated_index_truncates_postings_and_has_many_shards_and_own_files(generated):
    assert generated.manifest["proposals"] == GENERATED
    assert min(generated.manifest["shards"][k] for k in ("t", "u", "py")) >= 8
    assert generated.manifest["shards"]["t"] >= 64
    cut = own = 0
    engine = Engine(generated.files)
    for name, content in generated.files.items():
        if name.startswith(ROOT + "t/"):
            for term, (df_items, _, postings, *_) in json.loads(content).items():
                own += isinstance(postings, int)
                kept = sum(1 for _, i, _ in ranking.Postings.from_json(
                    engine.postings_entry("t", term)).triples if i != format.META)
                assert kept <= TRUNCATED
                cut += df_items > kept
    assert cut > 100
    assert own > 100 and own <= sum(1 for name in generated.files
                                    if name.startswith(f"{ROOT}{format.OWN}t."))
    assert sum(len(v["hits"]) for v in generated.vectors) > 10_000


def test_every_file_of_the_index_is_of_the_format(index):
    validators: dict[str, jsonschema.Validator] = {}
    for name, content in index.files.items():
        path = name.removeprefix(ROOT)
        kind = path.rpartition("/")[0] or path  # a folder's files share a schema
        if kind not in validators:
            validators[kind] = jsonschema.Draft202012Validator(format.schema_of(path))
        errors = list(validators[kind].iter_errors(json.loads(content)))
        assert not errors, (name, errors[0].message)


@pytest.mark.parametrize(("path", "data"), [
    ("t/0.json", {"服务": [3, 0]}), ("t/0.json", {"服务": [3, 0, "AB*"]}),
    ("t/0.json", {"服务": [-1, 0, "AB"]}), ("u/1.json", {"服务": [1, 0, "B"]}),
    ("t/0.json", {"职教": [3, 0, "AB", []]}), ("t/0.json", {"职教": [3, 0, "AB", ["a"], 1]}),
    ("t/0.json", {"服务": [3, 0, -1]}), ("e/t.0.0.json", ["AB"]), ("e/u.0.0.json", "AB*"),
    ("py/0.json", {"Fuwu": ["服务"]}), ("py/0.json", {"fuwu": []}),
    ("n/0.json", {"特新": ["专"]}), ("n/0.json", {"特新": []}), ("c/0.json", {"重": "Zhong"}),
    ("c/0.json", {"重": ["zhong"]}), ("c/0.json", {"ab": "zhong"}),
    ("t2s.json", {"專": "专业"}), ("p/3.json", {"u": "a/", "t": "题", "s": "某", "i": [["x"]]}),
    ("manifest.json", {"version": 1})])
def test_the_schemas_reject_what_the_format_is_not(path, data):
    validator = jsonschema.Draft202012Validator(format.schema_of(path))
    assert not validator.is_valid(data)


def test_a_file_outside_the_format_has_no_schema():
    with pytest.raises(KeyError, match="search index: x/0.json is no file of the format"):
        format.schema_of("x/0.json")


def test_engine_js_ranks_every_query_as_engine_py(index, tmp_path):
    assert mismatches(index.vectors, node_hits(index.folder, index.vectors, tmp_path)) == []
    assert sum(1 for v in index.vectors if v["hits"]) > len(index.vectors) * 0.7


@pytest.mark.parametrize(("key", "value"), [
    ("format.hashMultiplier", 37), ("format.hashPrefix", 1), ("format.maxWord", 4),
    ("format.maxPinyinKey", 5), ("format.meta", 0), ("format.cjk", "\u4e00-\u7fff"),
    ("format.latin", "a-z"), ("format.digits", "BA" + format.DIGITS[2:]),
    ("format.marks", "\u0301"), ("format.marked", "\u00c0-\u00ff"), ("ranking.digits", 3),
    ("ranking.metaWeight", 0.7),
    ("query.functionWords", ["的"]), ("query.maxAlias", 8), ("query.separators", " ")])
def test_engine_js_reads_each_constant_from_the_manifest(real, tmp_path, key, value):
    """A constant changed in the manifest changes what Node finds: engine.js spells none."""
    index = tmp_path / "index"
    shutil.copytree(real.folder, index)
    manifest = json.loads((index / "manifest.json").read_text(encoding="utf-8"))
    part, _, name = key.partition(".")
    assert manifest[part][name] != value
    manifest[part][name] = value
    (index / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert mismatches(real.vectors, node_hits(index, real.vectors, tmp_path))


def test_no_script_spells_a_constant_of_the_format():
    for name, script in assets().items():
        source = script.decode()
        for spelt in (format.DIGITS, "\\u4e00", "\u4e00", "a-z0-9", "imul(h, 31)", "META = -1",
                       "MAX_WORD = 8", "\\u0300", "\u0300", "怎样", "maxWord = 8"):
            assert spelt not in source, (name, spelt)
