#!/usr/bin/env python3
"""Scale benchmark: build and search the site for N generated proposals, beside two anchors.

    python scripts/bench/scale.py [--n 10,100,1000,10000] [--runs 3] [--serve-n 1000]
                                  [--no-anchors] [--no-browser] [--keep DIR]

For each N a corpus is generated (scripts/generate_corpus.py, same seed) and built three ways:
`ours` (the real mkdocs.yml), `material` (Material's defaults: its sidebar lists every page, its
`search` plugin, our search engine off; only up to --material-max) and `pagefind` (Pagefind,
extended, indexing our built site; its build time is the indexing alone). Each build runs in a
child process: wall time, and the peak memory of the whole build (every process of it together,
proportional set sizes: `harness.measured`) and of its largest process (resident).
Then headless Chromium opens a proposal page in a fresh context and types two different queries
into the site's search box (Material's input; the page's own engine answers), waiting for
`.md-search-result__item`; for Pagefind its JS API. Bytes are counted by the serving side: on page
load (all files, and search files alone) and from each keystroke to its first result. Times are
medians over --runs fresh pages. With --serve-n, `mkdocs serve` of that corpus is started, a
proposal's YAML edited, and the time until the served page shows the edit is measured.
With --filters our site is measured twice more with the search's filters: `counts` opens their
toggle after the first query, so that each query also waits for its facets' counts (a query ms
cell reads "results / counts", the first query's counts timed from the click that opens them);
`filtered` opens the page with a party and a kind chosen (FILTERED), which browses them at load,
and types the same two queries.
Prints one Markdown table and the growth exponents (log-log slope in N) of build time and size.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

if not __package__:  # run as a file: scripts/ holds `bench` and generate_corpus
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import chromium, measured, mkdocs_serve, site_server, wait_for_page
from generate_corpus import generate, make_project

SIZES = [10, 100, 1000, 10_000]
QUERIES = ("职业教育", "知识产权")  # two different words every generated corpus holds
FILTERED = "party=民革&kind=recommendation"  # a party every generated corpus holds, and a kind
FILTER_MODES = ("counts", "filtered")
SEARCH_PATHS = ("/search/", "/pagefind/", "/assets/cppcc/search/", "/workers/", "/lunr/")
INDEX_DIRS = {"ours": "search", "material": "search", "pagefind": "pagefind"}
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}

# Type a query into Material's search input and wait for the first result item to be drawn (or,
# for ours, for its list to be drawn: filters may leave it empty).
SEARCH_BOX = """async (q) => {
  const input = document.querySelector(".md-search__input");
  const list = document.querySelector(".md-search-result__list");
  if (!input || !list) return {ms: null, error: "no search box"};
  list.replaceChildren();
  input.focus();
  const drawn = new Promise((resolve) => {
    const seen = () => list.querySelector(".md-search-result__item");
    const mo = new MutationObserver(() => { if (seen()) { mo.disconnect(); resolve(performance.now()); } });
    mo.observe(list, {childList: true, subtree: true});
    document.addEventListener("cppcc:search-drawn", () => resolve(performance.now()), {once: true});
    setTimeout(() => { mo.disconnect(); resolve(null); }, 30000);
  });
  input.value = q;
  const t0 = performance.now();
  window.__from = t0;  // the filters' counts of q are timed from here (OPEN_FILTERS moves it)
  window.__filtersMs = null;  // ... until they are drawn (FILTERS_DRAWN)
  document.addEventListener("cppcc:filters-drawn", () => {
    const panel = document.querySelector(".cppcc-filters");
    if (panel && panel.dataset.query === q && window.__filtersMs === null)
      window.__filtersMs = performance.now() - window.__from;
  });
  input.dispatchEvent(new Event("input", {bubbles: true}));
  input.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true, key: "Process"}));
  const t1 = await drawn;
  return {ms: t1 === null ? null : t1 - t0,
          count: list.querySelectorAll(".md-search-result__item").length};
}"""

# After SEARCH_BOX: open the filters' toggle, their counts then timed from the click.
OPEN_FILTERS = """() => {
  window.__from = performance.now();
  document.querySelector(".cppcc-filters__toggle").click();
}"""

# After SEARCH_BOX: the time from its keystroke (or OPEN_FILTERS) to the filters' counts of its
# query.
FILTERS_DRAWN = """async () => {
  for (let k = 0; k < 3000 && window.__filtersMs === null; k++)
    await new Promise((resolve) => setTimeout(resolve, 10));
  return window.__filtersMs;
}"""

# Pagefind has no search box on our pages: its JS API, until the first result's data is loaded.
PAGEFIND = """async (q) => {
  const t0 = performance.now();
  if (!window.__pf) window.__pf = await import(new URL("/pagefind/pagefind.js", location).href);
  const search = await window.__pf.search(q);
  if (!search.results.length) return {ms: null, count: 0};
  await search.results[0].data();
  return {ms: performance.now() - t0, count: search.results.length};
}"""


@dataclass
class Build:
    seconds: float
    peak_mb: float  # the whole build: every process of it together (`harness.measured`)
    ok: bool
    log: str = ""
    largest_mb: float = 0.0  # its largest process


@dataclass
class Row:
    n: int
    variant: str
    build: Build | None = None
    out_bytes: int = 0
    page_bytes: int = 0
    index_bytes: int = 0
    index_files: int = 0
    browser: dict = field(default_factory=dict)


# -- building ------------------------------------------------------------------------------------

def timed(cmd: list[str], log: Path) -> Build:
    """Run `cmd` in a child process: wall time and peak memory (the whole tree, the largest)."""
    run = measured(cmd, ENV)
    log.write_text(run.output, encoding="utf-8")
    return Build(run.seconds, run.tree_mb, run.returncode == 0, run.output[-2000:],
                 run.largest_mb)


def mkdocs_build(config: Path, dest: Path) -> Build:
    if dest.exists():
        shutil.rmtree(dest)
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(dest)]
    return timed(cmd, dest.parent / f"{dest.name}.log")


def pagefind_build(site: Path) -> Build:
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site), "--silent",
           "--root-selector", "article.md-content__inner"]
    return timed(cmd, site.parent / f"{site.name}-pagefind.log")


def tree_size(root: Path) -> tuple[int, int]:
    """(bytes, files) under `root`."""
    files = [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    return sum(p.stat().st_size for p in files), len(files)


def proposal_slugs(corpus_dir: Path) -> list[str]:
    return sorted(p.stem for p in corpus_dir.glob("*.yaml"))


def page_bytes(site: Path, slugs: list[str], sample: int = 400) -> int:
    """Median size of the HTML of up to `sample` proposal pages, spread over the corpus."""
    step = max(1, len(slugs) // sample)
    sizes = [(site / slug / "index.html").stat().st_size for slug in slugs[::step][:sample]
             if (site / slug / "index.html").exists()]
    return int(statistics.median(sizes)) if sizes else 0


# -- serving and the browser -------------------------------------------------------------------

def search_once(browser, server, url: str, engine: str, filters: str = "") -> dict:
    """One fresh page: bytes on load, then each query's time to its first result and bytes.
    A tab that crashes (Material's whole index at large N) leaves its figures empty. `filters`:
    "", or one of FILTER_MODES (see the module's docstring)."""
    from playwright.sync_api import Error

    out = dict.fromkeys(["load_bytes", "load_search_bytes"] +
                        [f"q{k}_{m}" for k in range(1, len(QUERIES) + 1)
                         for m in ("ms", "hits", "bytes", "filters_ms")])
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    try:
        server.take()
        page.goto(url + ("?" + FILTERED if filters == "filtered" else ""), wait_until="load")
        if filters == "filtered":  # the browse of the chosen values, drawn at load
            page.wait_for_selector(".cppcc-filters[data-query='']", state="attached")
        page.wait_for_timeout(300)  # what the page fetches right after load counts as load
        out.update(zip(("load_bytes", "load_search_bytes"), server.take()))
        for k, query in enumerate(QUERIES, 1):
            found = page.evaluate(PAGEFIND if engine == "pagefind" else SEARCH_BOX, query)
            out[f"q{k}_ms"], out[f"q{k}_hits"] = found.get("ms"), found.get("count", 0)
            if filters == "counts" and k == 1:
                page.evaluate(OPEN_FILTERS)
            if filters:
                out[f"q{k}_filters_ms"] = page.evaluate(FILTERS_DRAWN)
                page.wait_for_load_state("networkidle")
            out[f"q{k}_bytes"] = server.take()[0]
    except Error as error:
        print(f"  {engine} at {url}: {error.message.splitlines()[0]}", file=sys.stderr)
    finally:
        context.close()
    return out


def measure_search(browser, site: Path, slug: str, engine: str, runs: int,
                   filters: str = "") -> dict:
    with site_server(site, search_paths=SEARCH_PATHS) as server:
        passes = [search_once(browser, server, f"{server.url}{slug}/", engine, filters)
                  for _ in range(runs)]
    out = {}
    for key in passes[0]:
        values = [p[key] for p in passes if p[key] is not None]
        out[key] = statistics.median(values) if values else None
    return out


def measure_serve(config: Path, corpus_dir: Path, timeout: float = 600) -> dict:
    """Seconds from saving an edited proposal to `mkdocs serve` serving the edit (and the start)."""
    slug = proposal_slugs(corpus_dir)[len(proposal_slugs(corpus_dir)) // 2]
    path = corpus_dir / f"{slug}.yaml"
    original = path.read_text(encoding="utf-8")
    with mkdocs_serve(config) as (base, _):
        url = f"{base}{slug}/"
        try:
            page, first = wait_for_page(url, lambda body: True, timeout)
            if page is None:
                return {"serve_start_s": None, "serve_edit_s": None}
            time.sleep(2)  # let the watcher settle
            marker = f"编辑{time.time_ns()}"
            path.write_text(re.sub(r"(?m)^title: (.*)$", rf"title: \1{marker}", original, count=1),
                            encoding="utf-8")
            page, edit = wait_for_page(url, lambda body: marker in body, timeout)
            return {"serve_start_s": first, "serve_edit_s": edit if page is not None else None}
        finally:
            path.write_text(original, encoding="utf-8")


# -- the run -------------------------------------------------------------------------------------

def run_n(n: int, work: Path, args, browser) -> list[Row]:
    corpus = generate(work / f"corpus-{n}", n, seed=args.seed)
    slugs = proposal_slugs(corpus)
    slug = slugs[len(slugs) // 2]
    variants = ["ours"]
    if not args.no_anchors:
        variants += ["pagefind"] + (["material"] if n <= args.material_max else [])
    rows = []
    for variant in variants:
        row = Row(n, variant)
        if variant == "pagefind" and not rows[0].build.ok:  # no site of ours to index
            continue
        if variant == "pagefind":
            site = work / f"site-{n}-pagefind"
            shutil.rmtree(site, ignore_errors=True)
            shutil.copytree(work / f"site-{n}-ours", site)
            shutil.rmtree(site / "search", ignore_errors=True)
            row.build = pagefind_build(site)
        else:
            config = make_project(work / f"project-{n}-{variant}", corpus,
                                  nav=variant == "ours", search=True)
            if variant == "material":
                _material_defaults(config)
            site = work / f"site-{n}-{variant}"
            row.build = mkdocs_build(config, site)
        row.out_bytes = tree_size(site)[0]
        row.page_bytes = page_bytes(site, slugs)
        row.index_bytes, row.index_files = tree_size(site / INDEX_DIRS[variant])
        if browser is not None and row.build.ok:
            row.browser = measure_search(browser, site, slug, variant, args.runs)
        rows.append(row)
        if variant == "ours" and args.filters and browser is not None and row.build.ok:
            for mode in FILTER_MODES:
                rows.append(replace(row, variant=f"ours, {mode}", browser=measure_search(
                    browser, site, slug, variant, args.runs, mode)))
                print(table([rows[-1]]).splitlines()[-1], file=sys.stderr, flush=True)
        print(f"  N={n} {variant}: {row.build.seconds:.1f} s" +
              ("" if row.build.ok else f" FAILED\n{row.build.log}"), file=sys.stderr, flush=True)
        print(table([row]).splitlines()[-1], file=sys.stderr, flush=True)
    if n == args.serve_n:
        rows[0].browser.update(measure_serve(work / f"project-{n}-ours" / "mkdocs.yml", corpus))
    return rows


def _material_defaults(config: Path) -> None:
    """Our plugin without our search engine: Material's own search answers the search box, with
    its Chinese segmentation on (`lang: zh`, jieba at build time) as in scripts/bench/search.py."""
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^  - search$", "  - search:\n      lang: zh", text)
    text = re.sub(r"(?m)^(\s*)proposals_dir: (.*)$", r"\1proposals_dir: \2\n\1search: false", text)
    config.write_text(text, encoding="utf-8")


def slope(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(y) on log(x)."""
    pts = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y and y > 0]
    if len(pts) < 2:
        return None
    mx, my = statistics.mean(x for x, _ in pts), statistics.mean(y for _, y in pts)
    den = sum((x - mx) ** 2 for x, _ in pts)
    return sum((x - mx) * (y - my) for x, y in pts) / den if den else None


def _fmt(value, unit: float = 1, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value / unit:,.{digits}f}"


def _ms(s: dict, k: int) -> str:
    """A query's ms to its results, and to its filters' counts where they were waited for."""
    counts = s.get(f"q{k}_filters_ms")
    return _fmt(s.get(f"q{k}_ms")) + (f" / {_fmt(counts)}" if counts is not None else "")


def table(rows: list[Row]) -> str:
    head = ("| N | variant | build s | peak MB: whole (largest) | output MB | proposal page KB | index MB (files) "
            "| load KB (search) | 1st query ms | 1st query KB | 2nd query ms | 2nd query KB |")
    lines = [head, "|" + "---|" * 12]
    for r in rows:
        b, s = r.build, r.browser
        lines.append(
            f"| {r.n:,} | {r.variant} | {_fmt(b.seconds, 1, 1)}{'' if b.ok else ' (failed)'} "
            f"| {_fmt(b.peak_mb)} ({_fmt(b.largest_mb)}) | {_fmt(r.out_bytes, 1e6, 1)} | {_fmt(r.page_bytes, 1e3, 1)} "
            f"| {_fmt(r.index_bytes, 1e6, 2)} ({r.index_files:,}) "
            f"| {_fmt(s.get('load_bytes'), 1e3)} ({_fmt(s.get('load_search_bytes'), 1e3)}) "
            f"| {_ms(s, 1)} | {_fmt(s.get('q1_bytes'), 1e3, 1)} "
            f"| {_ms(s, 2)} | {_fmt(s.get('q2_bytes'), 1e3, 1)} |")
    return "\n".join(lines)


def exponents(rows: list[Row], variant: str = "ours", min_n: int = 100) -> str:
    ours = [r for r in rows if r.variant == variant and r.build.ok and r.n >= min_n]
    slopes = {what: slope([(r.n, value(r)) for r in ours]) for what, value in (
        ("build time", lambda r: r.build.seconds), ("whole-build peak", lambda r: r.build.peak_mb),
        ("output size", lambda r: r.out_bytes), ("proposal page", lambda r: r.page_bytes))}
    fmt = lambda v: "—" if v is None else f"{v:.2f}"
    return (f"growth exponents ({variant}, N >= {min_n}): "
            + ", ".join(f"{what} {fmt(v)}" for what, v in slopes.items()))


def ratios(rows: list[Row]) -> str:
    """At each N: our build time over Pagefind's indexing of our site, in the same run."""
    found = []
    for n in sorted({r.n for r in rows}):
        by = {r.variant: r.build for r in rows if r.n == n and r.build and r.build.ok}
        if "ours" in by and "pagefind" in by:
            found.append(f"N = {n:,}: {by['ours'].seconds / by['pagefind'].seconds:.2f}")
    return "build time, ours / Pagefind's indexing: " + ("; ".join(found) or "—")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", default=",".join(map(str, SIZES)),
                        help="comma-separated corpus sizes (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="fresh pages per search measurement")
    parser.add_argument("--material-max", type=int, default=1000,
                        help="largest N for Material's default build (its sidebar is N²)")
    parser.add_argument("--serve-n", type=int, default=1000,
                        help="measure mkdocs serve's edit-to-page time at this N (0: never)")
    parser.add_argument("--no-anchors", action="store_true", help="ours only")
    parser.add_argument("--no-browser", action="store_true", help="no search measurements")
    parser.add_argument("--filters", action="store_true",
                        help="also measure our search with its filters (counts, filtered)")
    parser.add_argument("--keep", type=Path, help="work here and keep the corpora and sites")
    args = parser.parse_args(argv)
    sizes = [int(n.replace("_", "")) for n in args.n.split(",") if n]
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    try:
        with contextlib.ExitStack() as stack:
            browser = None if args.no_browser else stack.enter_context(chromium())
            for n in sizes:
                rows += run_n(n, work, args, browser)
                print(table([r for r in rows if r.n == n]), file=sys.stderr, flush=True)
                if not args.keep:  # the sites of 10,000 proposals take gigabytes
                    for path in work.glob(f"*-{n}*"):
                        shutil.rmtree(path, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(table(rows))
    print()
    print(exponents(rows))
    if len({r.n for r in rows if r.n >= 10_000}) > 1:
        print(exponents(rows, min_n=10_000))
    print(ratios(rows))
    serve = next((r.browser for r in rows if "serve_edit_s" in r.browser), None)
    if serve:
        print(f"mkdocs serve at N={args.serve_n}: first page after {_fmt(serve['serve_start_s'], 1, 1)}"
              f" s; an edited proposal shown after {_fmt(serve['serve_edit_s'], 1, 1)} s")
    return 0 if all(r.build.ok for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
