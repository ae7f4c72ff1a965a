#!/usr/bin/env python3
"""Where a build's memory goes: by phase, by process and by structure.

    python scripts/bench/memory.py [--n 1000,2000] [--no-trace] [--interval 0.1] [--keep DIR]

For each N a corpus is generated (scripts/generate_corpus.py, same seed) and built twice by this
checkout (`mkdocs build`, the real mkdocs.yml), each build instrumented from outside the package
(its methods wrapped here, nothing in `cppcc` changed):

1. **PSS run.** The build marks the start of each of its phases (`PHASES`, in the order of
   `cppcc/build.py` and of MkDocs' build) in a log, and every process it forks says what it runs;
   this script samples the proportional set size (`Pss` of /proc/<pid>/smaps_rollup: pages that
   forked processes share are counted once, split between them) of each process of the tree every
   `--interval` seconds, and reports for each phase the peak of each kind of process: the parent,
   the search index's child (`indexprocess`), the index child's own workers, and the `fork_map`
   workers (jieba's cuts, keywords, pages, theming); and the peak of the whole tree. A worker's
   private pages (`Private_*`) are what copy-on-write copied plus what it allocated.
2. **Trace run** (not with `--no-trace`; slower, and tracemalloc's own overhead inflates its
   memory, so it is apart from run 1). The parent runs under tracemalloc (10 frames, from the
   start of the load: what the interpreter imported before is the fixed base): at each phase
   boundary, the Python heap it holds and its peak within the phase; at a few (`SNAPSHOTS`), the
   heap by owner (the innermost function of `cppcc` that allocated it, else of MkDocs or
   Material, else the innermost);
   at the start of the exports, the size of each structure of the build, exclusive (an object
   reachable from two is counted in the first listed, `STRUCTURES`). The index child is traced too
   (its phases and the index's structures); the workers are not.

Prints Markdown tables, and with two N or more the growth as MB per 1,000 proposals: the slope
between the smallest and the largest N (a fixed base, the interpreter and its packages, drops out).
Never run above 2,000 proposals on a shared machine: extrapolate from the slope.
"""

from __future__ import annotations

import argparse
import ast
import functools
import gc
import inspect
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import types
from collections import defaultdict
from pathlib import Path

if not __package__:  # run as a file: scripts/ holds `bench` and generate_corpus
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import process_tree, rollup

SCRIPTS = Path(__file__).resolve().parents[1]
CPPCC = str(SCRIPTS / "cppcc") + os.sep
PHASES = ("start", "load", "check", "link", "cut", "keywords", "render", "files", "nav",
          "populate", "theme", "write", "exports", "wait index", "publish", "end")
INDEX_PHASES = ("index: fork", "index: docs", "index: tables", "index: shards", "index: pinyin",
                "index: fragments", "index: write", "index: done")
KINDS = ("parent", "index", "index workers", "workers")
SNAPSHOTS = ("exports",)  # the boundaries where the heap is read by owner (slow: minutes)
FRAMES = 10


# -- inside the build: marks, forks, traces ------------------------------------------------------

class Probe:
    """What the instrumented build writes: phase marks and forks into the log (one line each,
    appended by any process of the tree), and, when tracing, one JSON file per traced process."""

    def __init__(self, log: Path, trace: Path | None, collect: bool = False):
        self.fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.trace, self.main, self.collect = trace, os.getpid(), collect
        self.tracing = False
        self.boundaries: list[dict] = []
        self.structures: dict[str, int] = {}
        self.held: dict[str, object] = {}  # what the structures are measured from

    def write(self, line: str) -> None:
        os.write(self.fd, f"{time.monotonic():.4f} {os.getpid()} {line}\n".encode())

    def mark(self, phase: str) -> None:
        self.write(f"phase {phase}")
        if phase == "load":
            self.start_tracing()
        entry: dict = {"phase": phase}
        if self.tracing:
            current, peak = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            entry.update(current=current, peak=peak)
            if phase in SNAPSHOTS:  # read at the end: reading it while tracing takes minutes
                entry["owners"] = tracemalloc.take_snapshot()
        if self.collect and os.getpid() == self.main:
            # The build runs with the cycle collector off: what would a collection free here?
            blocks = sys.getallocatedblocks()
            entry["garbage"] = gc.collect()
            entry["blocks freed"] = blocks - sys.getallocatedblocks()
            if self.tracing:
                entry["freed"] = entry["current"] - tracemalloc.get_traced_memory()[0]
            self.write(f"garbage {entry['garbage']} {entry['blocks freed']} {entry.get('freed', 0)}")
        if self.tracing or self.collect:
            self.boundaries.append(entry)

    def start_tracing(self) -> None:
        if self.trace:
            tracemalloc.start(FRAMES)
            self.tracing = True

    def stop_tracing(self) -> None:
        if self.tracing:
            tracemalloc.stop()
            self.tracing = False

    def dump(self) -> None:
        self.stop_tracing()
        for entry in self.boundaries:
            if isinstance(entry.get("owners"), tracemalloc.Snapshot):
                entry["owners"] = owners(entry["owners"])
        if self.trace and self.boundaries:
            data = {"pid": os.getpid(), "boundaries": self.boundaries,
                    "structures": self.structures}
            (self.trace / f"{os.getpid()}.json").write_text(json.dumps(data))


@functools.cache
def _functions(filename: str) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every function in a file, innermost last."""
    try:
        tree = ast.parse(Path(filename).read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return []
    out = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                if not isinstance(child, ast.ClassDef):
                    out.append((child.lineno, child.end_lineno or child.lineno, name))
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return sorted(out)


@functools.cache
def _where(filename: str, lineno: int) -> str:
    name = "<module>"
    for first, last, qualname in _functions(filename):
        if first <= lineno <= last:
            name = qualname  # the innermost enclosing, as they are sorted by first line
    if filename.startswith(CPPCC):
        short = "cppcc/" + filename[len(CPPCC):]
    else:
        parts = Path(filename).parts
        short = "/".join(parts[parts.index("site-packages") + 1:]) if "site-packages" in parts \
            else Path(filename).name
    return f"{short}:{name}"


LIBRARIES = (f"{os.sep}mkdocs{os.sep}", f"{os.sep}material{os.sep}")


@functools.cache
def owner(frames: tuple[tuple[str, int], ...]) -> str:
    """Who holds an allocation (`frames`: (file, line), innermost first): the innermost function
    of `cppcc` (but the fork machinery and the memo, which only carry values for their callers),
    else of MkDocs or Material, else the innermost frame."""
    for filename, lineno in frames:
        if filename.startswith(CPPCC) and not filename.endswith(("parallel.py", "caching.py")):
            return _where(filename, lineno)
    for filename, lineno in frames:
        if any(library in filename for library in LIBRARIES):
            return _where(filename, lineno)
    return _where(*frames[0]) if frames else "?"


def owners(snapshot: tracemalloc.Snapshot) -> dict[str, int]:
    """Bytes held, by owner, largest first. Reads the snapshot's raw traces (a tuple per
    allocation, frames innermost first), as `Snapshot.statistics` would but without making an
    object per trace (minutes for a build's millions of allocations)."""
    found: dict[str, int] = defaultdict(int)
    traces = getattr(snapshot.traces, "_traces", None)
    if traces is None:  # another Python's tracemalloc: its public, slower way
        for stat in snapshot.statistics("traceback"):
            found[owner(tuple((f.filename, f.lineno) for f in reversed(stat.traceback)))] += \
                stat.size
    else:
        by_frames: dict[tuple, int] = defaultdict(int)
        for trace in traces:  # (domain, size, frames, total frames)
            by_frames[trace[2]] += trace[1]
        for frames, size in by_frames.items():
            found[owner(frames)] += size
    mine = owner(((__file__, 1),))
    found.pop(mine, None)  # this script's own records
    return dict(sorted(found.items(), key=lambda kv: -kv[1]))


SKIP = (type, types.ModuleType, types.FunctionType, types.BuiltinFunctionType, types.MethodType,
        types.CodeType, types.FrameType, functools.partial)


def deep_sizes(roots: list[tuple[str, object]], stop: list[object]) -> dict[str, int]:
    """Bytes of the objects reachable from each root and from no root before it (`sys.getsizeof`,
    following `gc.get_referents`), never entering types, modules, functions nor `stop`."""
    seen = {id(o) for o in stop}
    out = {}
    for name, root in roots:
        size, todo = 0, [root]
        while todo:
            obj = todo.pop()
            if id(obj) in seen or isinstance(obj, SKIP):
                continue
            seen.add(id(obj))
            size += sys.getsizeof(obj)
            todo.extend(gc.get_referents(obj))
        out[name] = size
    return out


def parent_structures(build, probe: Probe) -> dict[str, int]:
    """The structures of the build, measured at the start of the exports (all alive then)."""
    links = build.links
    files, nav = probe.held.get("files"), probe.held.get("nav")
    pages = [f.page for f in files.documentation_pages() if f.page] if files else []
    dictionary = links.segmenter.dictionary
    roots = [
        ("corpus (pydantic models)", build.corpus),
        ("meetings' printed sources", build.sources),
        ("jieba's dictionary (fixed)", [dictionary.__dict__.get("tokenizer"),
                                        dictionary.__dict__.get("tags")]),
        ("jieba's cuts (Segmenter.cuts)", links.segmenter.cuts),
        ("keywords (Keywords)", links.keywords),
        ("related + neighbours (Links)", [links.__dict__.get(k) for k in
                                          ("_by_candidate", "_meeting_order", "_related")]),
        ("indexes (Listing pages)", links.__dict__.get("indexes")),
        ("our pages (Page.markdown, toc)", build.pages),
        ("MkDocs page.content (HTML copy)", [p.content for p in pages]),
        ("themed output (page.cppcc_output)", [getattr(p, "cppcc_output", None) for p in pages]),
        ("MkDocs Page objects (the rest)", pages),
        ("MkDocs Files (the rest)", files),
        ("MkDocs nav", nav),
    ]
    stop = [probe, build.log, probe.held.get("config"), probe.held.get("env")]
    return deep_sizes(roots, [o for o in stop if o is not None])


def instrument(probe: Probe) -> None:
    """Wrap the build's steps so that each marks its phase (and the forks say what they run)."""
    import mkdocs.commands.build as mkbuild

    from cppcc import build, indexprocess, linking, parallel, plugin, segmenting, theming
    from cppcc.search import indexing

    def before(owner_, name: str, phase: str, once: bool = False):
        original = getattr(owner_, name)
        done = []

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            if not (once and done):
                done.append(True)
                probe.mark(phase)
            return original(*args, **kwargs)
        static = isinstance(inspect.getattr_static(owner_, name), staticmethod)
        setattr(owner_, name, staticmethod(wrapper) if static else wrapper)

    def after(owner_, name: str, phase: str):
        original = getattr(owner_, name)

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            result = original(*args, **kwargs)
            probe.mark(phase)
            return result
        setattr(owner_, name, wrapper)

    for name, phase in (("load", "load"), ("check", "check"), ("link", "link"),
                        ("make_pages", "keywords")):
        before(build.Build, name, phase)
    original_prepare = segmenting.Segmenter.prepare

    def prepare(self):
        if not self.prepared:
            probe.mark("cut")
        return original_prepare(self)
    segmenting.Segmenter.prepare = prepare
    after(linking.Links, "prepare", "render")

    def hold(name: str, phase: str | None, key: str):
        original = getattr(plugin.ProposalsPlugin, name)

        @functools.wraps(original)
        def wrapper(self, subject, *args, **kwargs):
            if phase:
                probe.mark(phase)
            probe.held[key] = subject
            probe.held["config"] = kwargs.get("config")
            return original(self, subject, *args, **kwargs)
        setattr(plugin.ProposalsPlugin, name, wrapper)

    hold("on_files", "files", "files")
    hold("on_nav", None, "nav")
    hold("on_env", None, "env")
    before(mkbuild, "get_navigation", "nav")
    before(mkbuild, "_populate_page", "populate", once=True)
    before(theming, "prerender", "theme")
    before(mkbuild, "_build_page", "write", once=True)
    before(plugin.StagedSite, "publish", "publish")
    before(indexprocess.IndexProcess, "wait", "wait index")
    original_finish = build.Build.finish

    def finish(self, *args, **kwargs):
        probe.mark("exports")
        if probe.tracing:
            probe.structures = parent_structures(self, probe)
        return original_finish(self, *args, **kwargs)
    build.Build.finish = finish

    # The forks: each says what it runs; only the index child keeps tracing.
    original_init, original_run = parallel.Child.__init__, parallel.Child._run

    def init(self, func, *args, **kwargs):
        original_init(self, func, *args, **kwargs)
        what = args[0] if func is parallel._work else func
        what = getattr(what, "func", what)  # a partial: its function
        probe.write(f"child {self.pid} {func.__name__} "
                    f"{getattr(what, '__qualname__', type(what).__name__)}")
    parallel.Child.__init__ = init

    def run(parent, read, write, func, args, *rest):
        probe.boundaries, probe.structures = [], {}
        if func is not indexprocess.IndexProcess._write:
            probe.stop_tracing()
        return original_run(parent, read, write, func, args, *rest)
    parallel.Child._run = staticmethod(run)

    original_write = indexprocess.IndexProcess._write

    def index_write(*args):
        probe.mark("index: fork")
        try:
            return original_write(*args)
        finally:
            probe.mark("index: done")
            probe.dump()
    indexprocess.IndexProcess._write = staticmethod(index_write)
    original_index_init = indexing.IndexBuilder.__init__

    def index_init(self, links):
        probe.mark("index: docs")
        original_index_init(self, links)
        probe.held["index builder"] = self
    indexing.IndexBuilder.__init__ = index_init
    for name, phase in (("files", "index: tables"), ("_shards", "index: shards"),
                        ("_pinyin", "index: pinyin"), ("fragments", "index: fragments")):
        before(indexing.IndexBuilder, name, phase, once=True)
    original_files_write = indexprocess.write_files

    def write_files(site, files):
        if os.getpid() != probe.main:
            probe.mark("index: write")
            if probe.tracing:
                builder = probe.held.get("index builder")
                probe.structures = deep_sizes([
                    ("IndexBuilder.docs", builder.docs if builder else None),
                    ("index files (bytes)", files),
                ], [probe])
        return original_files_write(site, files)
    indexprocess.write_files = write_files


def run_build(config: Path, site: Path, log: Path, trace: Path | None, collect: bool) -> int:
    """`mkdocs build` of `config` into `site`, instrumented (in this process)."""
    probe = Probe(log, trace, collect)
    probe.mark("start")
    instrument(probe)
    from mkdocs.__main__ import cli

    try:
        cli.main(["build", "-q", "-f", str(config), "-d", str(site)], standalone_mode=False)
    finally:
        probe.mark("end")
        probe.dump()
    return 0


# -- outside: the sampler --------------------------------------------------------------------------

class Sampler:
    """Reads the build's log as it grows and samples its process tree."""

    def __init__(self, log: Path):
        self.log, self.offset = log, 0
        self.phase: dict[int, str] = {}  # pid -> its current phase
        self.marks: list[tuple[float, int, str]] = []
        self.runs: dict[int, str] = {}  # child pid -> what it runs
        self.samples: list[dict] = []
        self.garbage: dict[str, tuple[int, int]] = {}  # phase -> (objects, blocks) collected

    def read_log(self) -> None:
        with self.log.open("rb") as f:
            f.seek(self.offset)
            data = f.read()
        complete = data.rpartition(b"\n")[0]
        self.offset += len(complete) + (1 if complete else 0)
        for line in complete.decode().splitlines():
            t, pid, what, rest = line.split(" ", 3)
            if what == "phase":
                self.phase[int(pid)] = rest
                self.marks.append((float(t), int(pid), rest))
            elif what == "garbage":
                objects, blocks, _ = map(int, rest.split())
                self.garbage[self.phase[int(pid)]] = (objects, blocks)
            elif what == "child":
                child, func, mapped = rest.split(" ", 2)
                self.runs[int(child)] = "index" if func == "index_write" else mapped

    def sample(self, root: int) -> None:
        self.read_log()
        tree = process_tree(root)
        index = {pid for pid in tree if self.runs.get(pid) == "index"}
        pss: dict[str, int] = dict.fromkeys(KINDS, 0)
        private: dict[str, int] = dict.fromkeys(KINDS, 0)
        workers = rss = 0
        for pid, parent in tree.items():
            kind = ("parent" if pid == root else "index" if pid in index
                    else "index workers" if parent in index else "workers")
            r, p, q = rollup(pid)
            rss += r if kind == "parent" else 0
            pss[kind] += p
            private[kind] += q
            workers += kind == "workers"
        index_phase = next((self.phase.get(pid) for pid in index), None)
        self.samples.append({"t": time.monotonic(), "phase": self.phase.get(root, "start"),
                             "index_phase": index_phase, "pss": pss, "private": private,
                             "workers": workers, "parent rss": rss})


def build_child(config: Path, site: Path, log: Path, trace: Path | None,
                collect: bool = False) -> subprocess.Popen:
    shutil.rmtree(site, ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(SCRIPTS)}
    cmd = [sys.executable, __file__, "--_build", str(config), str(site), str(log)]
    if trace:
        cmd += ["--_trace", str(trace)]
    if collect:
        cmd += ["--_collect"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)


def pss_run(config: Path, work: Path, interval: float, collect: bool = False) -> dict:
    """One sampled build: per phase, the peak MB of each kind of process and of the tree."""
    log = work / "pss.log"
    log.write_bytes(b"")
    sampler = Sampler(log)
    start = time.monotonic()
    process = build_child(config, work / "site", log, None, collect)
    while process.poll() is None:
        sampler.sample(process.pid)
        time.sleep(interval)
    seconds = time.monotonic() - start
    if process.returncode != 0:
        raise SystemExit(f"the build failed:\n{process.stderr.read()[-3000:]}")
    sampler.read_log()
    return summarise(sampler, seconds)


def summarise(sampler: Sampler, seconds: float) -> dict:
    by_phase: dict[str, dict] = {}
    for s in sampler.samples:
        row = by_phase.setdefault(s["phase"], {"samples": 0, "total": 0, "worker count": 0,
                                               **{k: 0 for k in KINDS},
                                               **{f"{k} private": 0 for k in KINDS}})
        row["samples"] += 1
        row["total"] = max(row["total"], sum(s["pss"].values()))
        row["worker count"] = max(row["worker count"], s["workers"])
        row["parent rss"] = max(row.get("parent rss", 0), s["parent rss"])
        for k in KINDS:
            row[k] = max(row[k], s["pss"][k])
            row[f"{k} private"] = max(row[f"{k} private"], s["private"][k])
    index: dict[str, dict] = {}
    for s in sampler.samples:
        if s["index_phase"]:
            row = index.setdefault(s["index_phase"], {"index": 0, "index workers": 0})
            for k in row:
                row[k] = max(row[k], s["pss"][k])
    root = sampler.marks[0][1] if sampler.marks else 0  # the build's own "start"
    root_marks = [(t, p) for t, pid, p in sampler.marks if pid == root]
    durations = {p: (root_marks[i + 1][0] - t if i + 1 < len(root_marks) else 0.0)
                 for i, (t, p) in enumerate(root_marks)}
    peak = max((sum(s["pss"].values()) for s in sampler.samples), default=0)
    return {"seconds": seconds, "peak": peak, "phases": by_phase, "index": index,
            "durations": durations, "garbage": sampler.garbage}


def trace_run(config: Path, work: Path, collect: bool = False) -> dict:
    """One traced build: the parent's and the index child's boundaries and structures."""
    log, trace = work / "trace.log", work / "trace"
    shutil.rmtree(trace, ignore_errors=True)
    trace.mkdir()
    log.write_bytes(b"")
    process = build_child(config, work / "site-trace", log, trace, collect)
    _, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"the traced build failed:\n{err[-3000:]}")
    parent = index = None
    for path in trace.glob("*.json"):
        data = json.loads(path.read_text())
        phases = [b["phase"] for b in data["boundaries"]]
        if "index: fork" in phases:
            index = data
        elif "start" in phases:
            parent = data
    return {"parent": parent, "index": index}


# -- tables ----------------------------------------------------------------------------------------

MB = 1024 * 1024


def _mb(value: float, unit: float = 1024) -> str:
    return f"{value / unit:,.0f}" if value else "–"


def _per_k(values: dict[int, float], unit: float) -> str:
    """MB per 1,000 proposals: the slope between the smallest and largest N."""
    ns = sorted(values)
    if len(ns) < 2 or ns[0] == ns[-1]:
        n = ns[0]
        return f"{values[n] / unit / n * 1000:,.1f}*"
    return f"{(values[ns[-1]] - values[ns[0]]) / unit / (ns[-1] - ns[0]) * 1000:,.1f}"


def pss_tables(results: dict[int, dict]) -> str:
    ns = sorted(results)
    out = []
    for n in ns:
        r = results[n]
        out.append(f"\n### N = {n:,}: build {r['seconds']:.1f} s, whole-build peak "
                   f"{r['peak'] / 1024:,.0f} MB (PSS)\n")
        out.append("| phase | s | parent (RSS) | index child (private) | index workers | "
                   "fork_map workers (n) | workers private | whole tree |")
        out.append("|---|---|---|---|---|---|---|---|")
        for phase in PHASES:
            row = r["phases"].get(phase)
            if not row:
                if phase in r["durations"]:
                    out.append(f"| {phase} | {r['durations'][phase]:.1f} | (no sample) |||||| ")
                continue
            out.append(f"| {phase} | {r['durations'].get(phase, 0):.1f} | {_mb(row['parent'])} "
                       f"({_mb(row['parent rss'])}) | {_mb(row['index'])} "
                       f"({_mb(row['index private'])}) | {_mb(row['index workers'])} | "
                       f"{_mb(row['workers'])} ({row['worker count']}) | "
                       f"{_mb(row['workers private'])} | {_mb(row['total'])} |")
        if r["garbage"]:
            out.append("\nThe cycle collector run at each phase's start (`--collect`): unreachable "
                       "objects found, and pymalloc blocks freed\n")
            out.append("| phase | objects | blocks |\n|---|---|---|")
            for phase in PHASES:
                if phase in r["garbage"]:
                    objects, blocks = r["garbage"][phase]
                    out.append(f"| {phase} | {objects:,} | {blocks:,} |")
        out.append("\nThe index child by its own phases (peak PSS MB):\n")
        out.append("| index phase | index child | its workers |\n|---|---|---|")
        for phase in INDEX_PHASES:
            if row := r["index"].get(phase):
                out.append(f"| {phase} | {_mb(row['index'])} | {_mb(row['index workers'])} |")
    if len(ns) > 1:
        out.append(f"\n### Growth: MB per 1,000 proposals (slope from {ns[0]:,} to {ns[-1]:,})\n")
        out.append("| phase | parent | index child | index workers | fork_map workers | "
                   "whole tree |\n|---|---|---|---|---|---|")
        for phase in PHASES:
            rows = {n: results[n]["phases"].get(phase) for n in ns}
            if not all(rows.values()):
                continue
            cells = [_per_k({n: rows[n][k] for n in ns}, 1024)
                     for k in ("parent", "index", "index workers", "workers", "total")]
            out.append(f"| {phase} | " + " | ".join(cells) + " |")
        out.append("| **whole build peak** | | | | | "
                   f"**{_per_k({n: results[n]['peak'] for n in ns}, 1024)}** |")
    return "\n".join(out)


def trace_tables(results: dict[int, dict], top: int = 12) -> str:
    ns = sorted(results)
    out = []
    header = " | ".join(f"MB at {n:,}" for n in ns)
    line = "|---" * (len(ns) + 3) + "|"
    parents = {n: results[n]["parent"] for n in ns if results[n]["parent"]}
    if parents:
        out.append("\n### The parent's Python heap (tracemalloc) at each phase's start, and its "
                   "peak within the phase before\n")
        out.append(f"| phase | {' | '.join(f'heap / peak at {n:,}' for n in parents)} | "
                   "heap MB per 1,000 |\n" + "|---" * (len(parents) + 2) + "|")
        for phase in PHASES:
            got = {n: next((b for b in p["boundaries"] if b["phase"] == phase), None)
                   for n, p in parents.items()}
            if not all(got.values()):
                continue
            cells = [f"{b['current'] / MB:,.0f} / {b['peak'] / MB:,.0f}" for b in got.values()]
            out.append(f"| {phase} | " + " | ".join(cells) + " | "
                       f"{_per_k({n: b['current'] for n, b in got.items()}, MB)} |")
        if any("freed" in b for p in parents.values() for b in p["boundaries"]):
            out.append("\n### Cyclic garbage the collector freed at each phase's start "
                       "(`--collect`), MB\n")
            out.append(f"| phase | {header} | MB per 1,000 |\n" + "|---" * (len(ns) + 2) + "|")
            for phase in PHASES:
                got = {n: next((b.get("freed", 0) for b in p["boundaries"] if b["phase"] == phase),
                               0) for n, p in parents.items()}
                if any(got.values()):
                    out.append(f"| {phase} | " + " | ".join(_mb(v, MB) for v in got.values()) +
                               f" | {_per_k(got, MB)} |")
        out.append("\n### The parent's structures at the start of the exports (exclusive sizes)\n")
        out.append(f"| structure | {header} | bytes per proposal | MB per 1,000 |\n{line}")
        big = max(parents)
        names = list(parents[big]["structures"])
        for name in names:
            values = {n: parents[n]["structures"].get(name, 0) for n in parents}
            out.append(f"| {name} | " + " | ".join(_mb(values[n], MB) for n in parents) +
                       f" | {values[big] / big:,.0f} | {_per_k(values, MB)} |")
        heap = {n: next(b["current"] for b in p["boundaries"] if b["phase"] == "exports")
                for n, p in parents.items()}
        rest = {n: heap[n] - sum(parents[n]["structures"].values()) for n in parents}
        out.append("| everything else on the heap | " +
                   " | ".join(_mb(rest[n], MB) for n in parents) +
                   f" | {rest[big] / big:,.0f} | {_per_k(rest, MB)} |")
        out.append(f"\n### The parent's heap by owner at the start of the exports (top {top} at "
                   f"{big:,})\n")
        out.append(f"| owner (innermost function) | {header} | MB per 1,000 |\n" +
                   "|---" * (len(parents) + 2) + "|")
        at = {n: next(b["owners"] for b in p["boundaries"] if b["phase"] == "exports")
              for n, p in parents.items()}
        for name in list(at[big])[:top]:
            values = {n: at[n].get(name, 0) for n in parents}
            out.append(f"| {name} | " + " | ".join(_mb(values[n], MB) for n in parents) +
                       f" | {_per_k(values, MB)} |")
    indexes = {n: results[n]["index"] for n in ns if results[n]["index"]}
    if indexes:
        big = max(indexes)
        out.append("\n### The index child's Python heap at each of its phases' start / peak "
                   "within the phase before (MB)\n")
        out.append(f"| index phase | {header} |\n" + "|---" * (len(indexes) + 1) + "|")
        for phase in INDEX_PHASES:
            got = {n: next((b for b in d["boundaries"] if b["phase"] == phase), None)
                   for n, d in indexes.items()}
            if all(got.values()):
                out.append(f"| {phase} | " + " | ".join(
                    f"{b['current'] / MB:,.0f} / {b['peak'] / MB:,.0f}" for b in got.values()) +
                    " |")
        out.append(f"\n| index structure (at its write) | {header} | bytes per proposal | "
                   f"MB per 1,000 |\n{line}")
        for name in indexes[big]["structures"]:
            values = {n: indexes[n]["structures"].get(name, 0) for n in indexes}
            out.append(f"| {name} | " + " | ".join(_mb(values[n], MB) for n in indexes) +
                       f" | {values[big] / big:,.0f} | {_per_k(values, MB)} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    if argv is None and len(sys.argv) > 1 and sys.argv[1] == "--_build":  # the build itself
        inner = argparse.ArgumentParser()
        inner.add_argument("--_build", nargs=3, type=Path)
        inner.add_argument("--_trace", type=Path)
        inner.add_argument("--_collect", action="store_true")
        args = inner.parse_args()
        return run_build(*args._build, args._trace, args._collect)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", default="1000,2000", help="comma-separated corpus sizes")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between samples")
    parser.add_argument("--no-trace", action="store_true", help="the PSS run only")
    parser.add_argument("--collect", action="store_true",
                        help="an experiment: run the cycle collector at every phase boundary of "
                             "the parent (the build keeps it off) and say what it freed")
    parser.add_argument("--keep", type=Path, help="work here and keep the corpora and sites")
    args = parser.parse_args(argv)
    from generate_corpus import generate, make_project

    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-memory-"))
    pss, traced = {}, {}
    for n in sorted(int(x) for x in args.n.split(",")):
        here = work / f"n{n}"
        here.mkdir(parents=True, exist_ok=True)
        corpus = here / "proposals"
        if not (corpus / "permalinks.txt").is_file():
            generate(corpus, n, seed=args.seed)
        config = make_project(here / "project", corpus)
        pss[n] = pss_run(config, here, args.interval, args.collect)
        print(f"N = {n:,}: {pss[n]['seconds']:.1f} s, whole-build peak "
              f"{pss[n]['peak'] / 1024:,.0f} MB", file=sys.stderr, flush=True)
        if not args.no_trace:
            traced[n] = trace_run(config, here, args.collect)
    print("## Whole-build memory by phase and process (peak PSS, MB)")
    print(pss_tables(pss))
    if traced:
        print("\n## The Python heap (tracemalloc, a second build)")
        print(trace_tables(traced))
    print("\n(* one N only: MB / N × 1,000, the fixed base included)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
