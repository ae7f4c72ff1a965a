// Runs facets.js (with engine.js) under Node over a search index on disk, for
// tests/test_search_facets.py:
//   node facets_parity.mjs ENGINE_JS FACETS_JS INDEX_DIR CASES_JSON OUT_JSON
// CASES_JSON holds [{q, params, take}], params a URL's filters ({facet: [value, ...]}); OUT_JSON
// gets, for each case and from a fresh engine, what facets.js finds: the selection, the count,
// the counts, the proposals, a query's hits or the first `take` proposals of a browse, and
// every facets/ file it read (the test compares them with facets.py's).
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";

const [engineJs, facetsJs, indexDir, casesJson, outJson] = process.argv.slice(2);
const require = createRequire(import.meta.url);
require(engineJs);
require(facetsJs);
const out = [];
for (const { q, params, take } of JSON.parse(await readFile(casesJson, "utf8"))) {
  const files = new Map();
  const load = (path) => {
    if (!files.has(path)) files.set(path, readFile(join(indexDir, path), "utf8").then(JSON.parse));
    return files.get(path);
  };
  const engine = globalThis.cppccSearchEngine.create(load);
  const facets = globalThis.cppccSearchFacets.create(load, engine);
  const selection = await facets.selection(params);
  const found = await facets.search(q, selection);
  out.push({
    q, selection, count: found.count, counts: found.counts, proposals: found.proposals,
    hits: found.hits || [], unfiltered: found.unfiltered || 0,
    browse: found.take ? await found.take(take) : [],
    fetched: [...files.keys()].filter((p) => p.startsWith("facets/")).sort(),
  });
}
await writeFile(outJson, JSON.stringify(out));
