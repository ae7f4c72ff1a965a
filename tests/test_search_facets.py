"""The search's facets without a browser: counts right for a query, several values of a facet
OR and several facets AND, browsing without a query newest meeting first, what is read; and
facets.js finding what facets.py finds, under Node.

Every expectation is computed here from the model (a proposal's meeting, year, party or body,
topic, and its items' kinds), not from the index: on the seven real proposals and on 400
generated ones over six meetings of two years, whose facets' blocks, pages and shards are made
small so that every path (several pages, truncated postings, term entries or record blocks) is
taken."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import jsonschema
import pytest

from cppcc.linking import Links
from cppcc.loading import load_corpus
from cppcc.search import faceting, format, indexing
from cppcc.search.engine import Engine
from cppcc.search.facets import Facets
from cppcc.search.indexing import ROOT, build_index, items_of
from generate_corpus import generate

REPO = Path(__file__).resolve().parents[1]
NODE = shutil.which("node")
RUNNER = REPO / "tests" / "facets_parity.mjs"
FACETS = ("meeting", "year", "party", "topic", "kind")
KINDS = ("background", "problem", "recommendation")
SMALL = {"VOCAB_BLOCK": 8, "RECORD_BLOCK": 16, "LIST_PAGE": 7, "KEY_BYTES": 200}


class Model:
    """A corpus's facet values, read from the model, and its index."""

    def __init__(self, corpus, files: dict[str, bytes]):
        self.corpus, self.files = corpus, files
        meetings = {m.id: m for m in corpus.meetings}
        self.values = []
        self.kinds = []
        for p in corpus.proposals:
            m = meetings[p.meeting]
            self.values.append({"meeting": m.id, "year": str(m.year) if m.year else None,
                                "party": p.speaker.affiliation, "topic": p.topic})
            intro = 1 if p.recommendations_intro else 0
            kinds = (["background"] * len(p.background) + ["problem"] * len(p.problems)
                     + ["recommendation"] * (intro + len(p.recommendations)))
            # a result is one of the index's items: the speaker line (no kind), then these
            self.kinds.append([None] * (len(items_of(p)) - len(kinds)) + kinds)
        newest = [m.id for m in reversed(corpus.meetings)]
        self.order = sorted(range(len(corpus.proposals)),
                            key=lambda p: (newest.index(corpus.proposals[p].meeting), p))

    def facets(self) -> Facets:
        return Facets(Engine(self.files))

    def query(self, query: str, params: dict[str, list[str]]):
        """The hits that pass, and each facet's counts, from the model."""
        hits = Engine(self.files).search(query)
        rows = [{**self.values[p], "kind": self.kinds[p][i]} for p, i, _ in hits]
        kept = [hit for hit, row in zip(hits, rows) if self._passes(row, params, None)]
        counts = {f: Counter(row[f] for row in rows
                             if self._passes(row, params, f) and row[f] is not None)
                  for f in FACETS}
        return kept, counts

    def browse(self, params: dict[str, list[str]]):
        """(proposal, items) shown, newest meeting first, and each facet's counts."""
        kinds = set(params.get("kind") or KINDS)
        shown, counts = [], {f: Counter() for f in FACETS}
        for p in self.order:
            row = self.values[p]
            if self._passes(row, params, "kind"):
                shown.append((p, [i for i, k in enumerate(self.kinds[p]) if k in kinds]))
                counts["kind"].update(k for k in self.kinds[p] if k)
            for f in FACETS[:-1]:
                if row[f] is not None and self._passes(row, params, f, "kind"):
                    counts[f][row[f]] += sum(k in kinds for k in self.kinds[p])
        return shown, counts

    @staticmethod
    def _passes(row, params, *skip) -> bool:
        return all(row.get(f) in values for f, values in params.items()
                   if values and f not in skip)


def named(found: Facets, counts: dict[str, dict[int, int]]) -> dict[str, Counter]:
    """Counts by value id -> by value, as the pages show it."""
    out = {}
    for f, by_id in counts.items():
        names = found.labels(f, by_id)
        out[f] = Counter({names[v][0]: n for v, n in by_id.items()})
    return out


@pytest.fixture(scope="module")
def real() -> Model:
    corpus = load_corpus(REPO / "proposals", display_root=REPO)
    return Model(corpus, build_index(Links(corpus)))


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Model:
    root = tmp_path_factory.mktemp("facets")
    corpus = load_corpus(generate(root / "proposals", 400, seed=3, meeting_count=6))
    with pytest.MonkeyPatch.context() as patch:
        for name, value in SMALL.items():
            patch.setattr(faceting, name, value)
        patch.setattr(indexing, "MAX_POSTINGS", 60)
        patch.setattr(indexing, "SHARD_BYTES", 1_000)  # so that a term's entry can cost less
        patch.setattr(indexing, "OWN_FILE", 100)  # and its postings are read from e/
        files = build_index(Links(corpus))
    return Model(corpus, files)


@pytest.fixture(params=["real", "generated"])
def model(request) -> Model:
    return request.getfixturevalue(request.param)


def common(model: Model, facet: str, k: int = 0) -> str:
    """The k-th commonest value of a facet."""
    return Counter(v[facet] for v in model.values if v[facet]).most_common()[k][0]


def selections(model: Model) -> list[dict[str, list[str]]]:
    """One value, several values of one facet, several facets, kinds, none."""
    party, party2, topic = common(model, "party"), common(model, "party", 1), common(model, "topic")
    meeting = model.values[model.order[0]]["meeting"]
    out = [{}, {"party": [party]}, {"party": [party, party2]}, {"kind": ["recommendation"]},
           {"party": [party], "kind": ["problem", "background"]}, {"meeting": [meeting]},
           {"topic": [topic], "kind": ["recommendation"]},
           {"party": [party, party2], "meeting": [meeting]},
           {"party": [party2], "topic": [topic], "meeting": [meeting], "kind": ["problem"]}]
    years = sorted({v["year"] for v in model.values if v["year"]})
    if years:
        out += [{"year": [years[-1]]}, {"year": years[:2], "party": [party2]},
                {"year": [years[0]], "meeting": [meeting], "kind": ["background"]}]
    return out


QUERIES = ["服务", "职业教育", "加强 服务", "法治", "老字号 商标", "人", "xyzzy"]


def test_counts_are_those_of_the_results_that_pass_every_other_facet(model):
    for query in QUERIES:
        for params in selections(model):
            found = model.facets()
            results = found.search(query, found.selection(params))
            kept, counts = model.query(query, params)
            assert results.hits == kept, (query, params)
            assert results.count == len(kept) and results.unfiltered >= len(kept)
            assert results.proposals == len({p for p, _, _ in kept})
            assert named(found, results.counts) == counts, (query, params)


def test_several_values_of_a_facet_are_or_and_several_facets_and(generated):
    found = generated.facets()
    a, b = common(generated, "party"), common(generated, "party", 1)

    def hits(**params):
        return set(found.search("服务", found.selection(params)).hits)

    assert hits(party=[a, b]) == hits(party=[a]) | hits(party=[b])
    assert hits(party=[a], kind=["problem"]) == hits(party=[a]) & hits(kind=["problem"])
    assert hits(party=[a]) and hits(party=[a], kind=["problem"]) < hits(party=[a])
    results = found.search("服务", found.selection({"party": [a]}))
    # a chosen facet's counts are not cut to its choice: they say what each other value brings
    assert named(found, results.counts)["party"][b] == len(hits(party=[b]))


def test_without_a_query_the_chosen_proposals_are_browsed_newest_meeting_first(model):
    for params in selections(model)[1:]:
        found = model.facets()
        results = found.search("", found.selection(params))
        shown, counts = model.browse(params)
        assert results.take(len(shown) + 5) == shown, params
        assert results.count == sum(len(items) for _, items in shown)
        assert results.proposals == len(shown)
        assert named(found, results.counts) == counts, params


def test_a_browse_is_read_a_page_at_a_time(generated):
    found = generated.facets()
    party = common(generated, "party")
    results = found.search("", found.selection({"party": [party]}))
    first = results.take(5)
    pages = [p for p in found.fetched if p.startswith("facets/l/")]
    assert len(first) == 5 and len(pages) == 1  # 7 proposals a page here
    assert results.proposals > 3 * SMALL["LIST_PAGE"]
    results.take(results.proposals)
    assert len([p for p in found.fetched if p.startswith("facets/l/")]) > 3


def test_a_url_value_is_matched_by_its_value_its_label_or_its_other_names(real):
    found = real.facets()
    assert found.selection({"kind": ["recommendation", "问题", "nothing"], "party": [" 民革 "]}) == {
        "kind": (found.match("kind", "problem"), found.match("kind", "recommendation")),
        "party": (found.match("party", "民革"),)}
    meeting = real.corpus.meetings[0]
    assert found.match("meeting", meeting.id) == found.match("meeting", meeting.title) == 0
    assert found.selection({"year": ["2024"], "party": ["无此党派"]}) == {}
    # a party by the short name the pages show, or by its full name
    assert found.match("party", "农工党") == found.match("party", "中国农工民主党") == \
        found.match("party", "农工民主党") is not None
    assert found.match("party", "中国国民党革命委员会") == found.match("party", "民革")


class Reads(dict):
    """Index files by path, remembering which are read."""

    def __init__(self, files: dict[str, bytes]):
        super().__init__(files)
        self.read: set[str] = set()

    def __getitem__(self, path: str) -> bytes:
        self.read.add(path)
        return super().__getitem__(path)

    def bytes(self, facets: bool) -> int:
        return sum(len(self[p]) for p in self.read if p.startswith(ROOT + "facets/") == facets)


def test_a_filtered_query_reads_fewer_bytes_for_its_facets_than_for_itself(generated):
    """The facets' part of a filtered query: its own terms' entries of the facets or the blocks
    of records of its results, whichever is smaller, never more than the query's own reads."""
    kinds = set()
    for query in QUERIES:
        files = Reads(generated.files)
        found = Facets(Engine(files))
        found.search(query, found.selection({"party": [common(generated, "party")]}))
        assert files.bytes(facets=True) <= files.bytes(facets=False), (query, found.fetched)
        kinds.update(path.split("/")[1] for path in found.fetched)
    assert {"t", "e", "r"} <= kinds  # both ways were taken, and entries of their own


@pytest.mark.parametrize(("path", "data"), [
    ("facets/manifest.json", {"names": []}), ("facets/v/party.0.json", [["民革"], 1]),
    ("facets/k/party.0.json", {"民革": -1}), ("facets/t/0.json", {"服务": "AB*"}),
    ("facets/u/0.json", {"服务": "AB"}), ("facets/s/party.0.json", {"n": 1, "f": {"x": "A"}}),
    ("facets/l/party.0.0.json", [1, 2])])
def test_the_schemas_of_the_facets_reject_what_the_format_is_not(path, data):
    assert not jsonschema.Draft202012Validator(format.schema_of(path)).is_valid(data)


# -- facets.js under Node ------------------------------------------------------------------------

def node_results(model: Model, cases: list[dict], tmp: Path) -> list[dict]:
    if NODE is None:
        pytest.skip("node is missing (Debian's nodejs, /usr/bin/node): no Node parity check")
    index = tmp / "site"
    for name, content in model.files.items():
        (index / name).parent.mkdir(parents=True, exist_ok=True)
        (index / name).write_bytes(content)
    (tmp / "cases.json").write_text(json.dumps(cases, ensure_ascii=False), encoding="utf-8")
    search = REPO / "scripts/cppcc/search"
    subprocess.run([NODE, str(RUNNER), str(search / "engine.js"), str(search / "facets.js"),
                    str(index / ROOT), str(tmp / "cases.json"), str(tmp / "out.json")], check=True)
    return json.loads((tmp / "out.json").read_text(encoding="utf-8"))


def python_results(model: Model, case: dict) -> dict:
    found = model.facets()
    selection = found.selection(case["params"])
    results = found.search(case["q"], selection)
    browse = [[p, items] for p, items in results.take(case["take"])]
    return {"q": case["q"], "selection": {f: list(ids) for f, ids in selection.items()},
            "count": results.count, "proposals": results.proposals,
            "counts": {f: {str(v): n for v, n in c.items()} for f, c in results.counts.items()},
            "hits": [list(h) for h in results.hits], "unfiltered": results.unfiltered,
            "browse": browse, "fetched": sorted(found.fetched)}


def test_facets_js_finds_what_facets_py_finds_and_reads_the_same_files(model, tmp_path):
    cases = [{"q": q, "params": params, "take": 12} for q in ["", *QUERIES]
             for params in selections(model) if q or params]
    want = [python_results(model, case) for case in cases]
    got = node_results(model, cases, tmp_path)
    for w, g in zip(want, got, strict=True):
        g["hits"] = [[p, i, s] for p, i, s in g["hits"]]
        for h, k in zip(w["hits"], g["hits"]):
            assert h[2] == pytest.approx(k[2], abs=1e-6)
            k[2] = h[2]
        assert g == w, (w["q"], w["selection"])
    assert sum(1 for w in want if w["browse"]) > 5 and sum(len(w["hits"]) for w in want) > 100
