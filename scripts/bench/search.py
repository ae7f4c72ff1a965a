"""Benchmark the site's search against Material's built-in search and Pagefind, side by side.

    python scripts/bench/search.py [--runs 3] [--limit N] [--engines ours,material,pagefind]

Builds three variants of the site into a temporary directory (ours; Material's `search` plugin with
`lang: zh`, which segments with jieba; the same site indexed by Pagefind, extended, through its
Python API), serves each on loopback with a server that counts the bytes it sends, and runs the
evaluation set (tests/search_queries.yaml) in headless Chromium. For each engine it prints, by
query kind and overall: hit@1, hit@5 and MRR by proposal; the share of first results whose link
lands on an answering item; the median and p95 latency from the last keystroke to results drawn;
and the bytes of search files (index, worker, scripts) sent from page load to the first result.
Latencies are the median over `--runs` passes per query; bytes the median over cold starts.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml

if not __package__:  # run as a file: scripts/ holds `bench` and generate_corpus
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.harness import REPO, build_site, chromium, site_server

QUERIES = REPO / "tests" / "search_queries.yaml"
SEARCH_FILES = ("/search/", "/lunr/", "/workers/", "/pagefind/")
TOP = 10
COLD_STARTS = 5

# Type a query into Material's search box (ours and Material's) and wait until results are drawn.
MATERIAL_QUERY = """async (q) => {
  const input = document.querySelector(".md-search__input");
  const list = document.querySelector(".md-search-result__list");
  const meta = document.querySelector(".md-search-result__meta");
  input.focus();
  list.replaceChildren(); meta.textContent = "\u2026";
  const drawn = new Promise((resolve) => {
    const mo = new MutationObserver(() => { mo.disconnect(); resolve(performance.now()); });
    mo.observe(list, {childList: true});
    mo.observe(meta, {childList: true, characterData: true, subtree: true});
  });
  input.value = q;
  const t0 = performance.now();
  input.dispatchEvent(new Event("input", {bubbles: true}));
  input.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true, key: "Process"}));
  const t1 = await Promise.race([drawn, new Promise((r) => setTimeout(() => r(null), 15000))]);
  await new Promise((r) => setTimeout(r, 60));
  const groups = [...list.querySelectorAll(":scope > li")].slice(0, TOP).map(
    (li) => [...li.querySelectorAll("a[href]")].map((a) => a.href));
  return {ms: t1 === null ? null : t1 - t0, groups};
}""".replace("TOP", str(TOP))

# Pagefind through its JS API: the top results' data, first link = the sub-result with most hits.
PAGEFIND_QUERY = """async (q) => {
  const t0 = performance.now();
  if (!window.__pf) {
    window.__pf = await import(new URL("pagefind/pagefind.js", document.baseURI).href);
    await window.__pf.options({excerptLength: 30});
  }
  const search = await window.__pf.search(q);
  const data = await Promise.all(search.results.slice(0, TOP).map((r) => r.data()));
  const groups = data.map((d) => {
    const subs = [...(d.sub_results || [])].sort((a, b) => b.locations.length - a.locations.length);
    return [...subs.map((s) => s.url), d.url].map((u) => new URL(u, document.baseURI).href);
  });
  let box = document.getElementById("bench-pagefind");
  if (!box) { box = document.createElement("ol"); box.id = "bench-pagefind"; document.body.append(box); }
  box.replaceChildren(...groups.map((g) => {
    const li = document.createElement("li"); li.textContent = g[0]; return li; }));
  return {ms: performance.now() - t0, groups};
}""".replace("TOP", str(TOP))


@dataclass
class Query:
    q: str
    kind: str
    proposal: str
    items: list[str]


def load_queries(path: Path = QUERIES) -> list[Query]:
    return [Query(**entry) for entry in yaml.safe_load(path.read_text(encoding="utf-8"))]


def target(url: str, base: str) -> tuple[str, str]:
    """(proposal slug or page path, fragment) of a result link."""
    parts = urlsplit(url)
    path = unquote(parts.path)[len(urlsplit(base).path):].strip("/")
    return path, parts.fragment


@dataclass
class Outcome:
    query: Query
    groups: list[list[str]]
    ms: float | None
    base: str

    def _slugs(self) -> list[str]:
        return [target(g[0], self.base)[0] if g else "" for g in self.groups]

    @property
    def rank(self) -> int | None:
        slugs = self._slugs()
        return slugs.index(self.query.proposal) + 1 if self.query.proposal in slugs else None

    @property
    def lands(self) -> bool:
        if not self.groups or not self.groups[0]:
            return False
        slug, fragment = target(self.groups[0][0], self.base)
        return slug == self.query.proposal and fragment in self.query.items


@dataclass
class Score:
    outcomes: list[Outcome] = field(default_factory=list)

    def row(self) -> dict[str, float]:
        n = max(len(self.outcomes), 1)
        ranks = [o.rank for o in self.outcomes]
        return {
            "n": len(self.outcomes),
            "hit@1": sum(r == 1 for r in ranks) / n,
            "hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
            "MRR": sum(1 / r for r in ranks if r) / n,
            "lands": sum(o.lands for o in self.outcomes) / n,
        }


def run_query(page, engine: str, query: str) -> dict:
    script = PAGEFIND_QUERY if engine == "pagefind" else MATERIAL_QUERY
    return page.evaluate(script, query)


def evaluate(page, engine: str, base: str, queries: list[Query], runs: int = 1) -> list[Outcome]:
    """Run every query `runs` times in one page; the median latency of each, the last results."""
    times: dict[int, list[float]] = {}
    last: dict[int, dict] = {}
    for _ in range(runs):
        for k, query in enumerate(queries):
            out = run_query(page, engine, query.q)
            last[k] = out
            if out["ms"] is not None:
                times.setdefault(k, []).append(out["ms"])
    return [Outcome(q, last[k]["groups"], statistics.median(times[k]) if k in times else None, base)
            for k, q in enumerate(queries)]


def cold_bytes(browser, server, base: str, engine: str, queries: list[Query]) -> int:
    """Median bytes of search files sent from page load to the first result, over cold starts."""
    sent = []
    for query in queries[:COLD_STARTS]:
        context = browser.new_context()
        page = context.new_page()
        server.take()
        page.goto(base, wait_until="load")
        run_query(page, engine, query.q)
        sent.append(server.take()[1])
        context.close()
    return int(statistics.median(sent))


# -- building the three sites -------------------------------------------------------------------

def _variant_config(tmp: Path, *, ours: bool) -> Path:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(REPO / config.get("docs_dir", "docs"))
    config["theme"]["custom_dir"] = str(REPO / config["theme"]["custom_dir"])
    plugins = []
    for plugin in config["plugins"]:
        name = plugin if isinstance(plugin, str) else next(iter(plugin))
        options = {} if isinstance(plugin, str) else dict(plugin[name] or {})
        if name == "search" and not ours:
            options["lang"] = "zh"
        if name == "cppcc":
            options["proposals_dir"] = str(REPO / options.get("proposals_dir", "proposals"))
            options["search"] = ours
        plugins.append({name: options})
    config["plugins"] = plugins
    path = tmp / f"mkdocs-{'ours' if ours else 'material'}.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


async def _pagefind(site: Path) -> None:
    from pagefind.index import IndexConfig, PagefindIndex

    config = IndexConfig(root_selector="article.md-content__inner", output_path=str(site / "pagefind"))
    async with PagefindIndex(config=config) as index:
        await index.add_directory(str(site))


def build_sites(tmp: Path, engines: list[str]) -> dict[str, Path]:
    sites = {}
    if "ours" in engines:
        sites["ours"] = build_site(tmp / "ours", REPO / "mkdocs.yml")
    if "material" in engines or "pagefind" in engines:
        plain = build_site(tmp / "material", _variant_config(tmp, ours=False))
        sites["material"] = plain
        if "pagefind" in engines:
            import shutil

            shutil.copytree(plain, tmp / "pagefind")
            asyncio.run(_pagefind(tmp / "pagefind"))
            sites["pagefind"] = tmp / "pagefind"
    return {e: sites[e] for e in engines}


# -- report ------------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p * (len(ordered) - 1))))]


def report(results: dict[str, tuple[list[Outcome], int]]) -> str:
    kinds = sorted({o.query.kind for outs, _ in results.values() for o in outs})
    lines = ["| engine | kind | n | hit@1 | hit@5 | MRR | lands on item |", "|---|---|---|---|---|---|---|"]
    for engine, (outs, _) in results.items():
        for kind in [*kinds, "all"]:
            subset = [o for o in outs if kind == "all" or o.query.kind == kind]
            r = Score(subset).row()
            lines.append(f"| {engine} | {kind} | {r['n']} | {r['hit@1']:.2f} | {r['hit@5']:.2f} | "
                         f"{r['MRR']:.2f} | {r['lands']:.2f} |")
    lines += ["", "| engine | latency median (ms) | latency p95 (ms) | bytes before first result |",
              "|---|---|---|---|"]
    for engine, (outs, sent) in results.items():
        ms = [o.ms for o in outs if o.ms is not None]
        lines.append(f"| {engine} | {statistics.median(ms):.1f} | {percentile(ms, 0.95):.1f} | "
                     f"{sent:,} |")
    return "\n".join(lines)


def misses(results: dict[str, tuple[list[Outcome], int]]) -> str:
    lines = []
    for engine, (outs, _) in results.items():
        for o in outs:
            if o.rank != 1 or not o.lands:
                first = target(o.groups[0][0], o.base) if o.groups and o.groups[0] else None
                lines.append(f"{engine}: [{o.query.kind}] {o.query.q} -> rank {o.rank}, first {first}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--engines", default="ours,material,pagefind")
    parser.add_argument("--misses", action="store_true", help="list the queries not answered first")
    args = parser.parse_args(argv)
    engines = args.engines.split(",")
    queries = load_queries()[: args.limit or None]
    with tempfile.TemporaryDirectory() as tmp:
        sites = build_sites(Path(tmp), engines)  # before the browser: Pagefind runs its own loop
        with chromium() as browser:
            results = bench(browser, sites, queries, args.runs)
    print(report(results))
    if args.misses:
        print(misses(results))
    return 0


def bench(browser, sites: dict[str, Path], queries: list[Query], runs: int) -> dict:
    results = {}
    for engine, site in sites.items():
        with site_server(site, search_paths=SEARCH_FILES) as server:
            base = server.url
            sent = cold_bytes(browser, server, base, engine, queries)
            page = browser.new_page()
            page.goto(base, wait_until="load")
            run_query(page, engine, queries[0].q)  # warm: the index is loaded as a person's is
            results[engine] = (evaluate(page, engine, base, queries, runs), sent)
            page.close()
    return results


if __name__ == "__main__":
    sys.exit(main())
