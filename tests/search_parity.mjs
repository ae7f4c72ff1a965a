// Runs engine.js under Node over a search index on disk, for tests/test_search_parity.py:
//   node search_parity.mjs ENGINE_JS INDEX_DIR QUERIES_JSON OUT_JSON
// QUERIES_JSON holds the Python engine's vectors, [{q, literal, hits, shown, converted}]; OUT_JSON
// gets engine.js's own for the same queries, in the same order (the test compares them).
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";

const [engineJs, indexDir, queriesJson, outJson] = process.argv.slice(2);
createRequire(import.meta.url)(engineJs);
const files = new Map();
const load = (path) => {
  if (!files.has(path)) files.set(path, readFile(join(indexDir, path), "utf8").then(JSON.parse));
  return files.get(path);
};
const engine = globalThis.cppccSearchEngine.create(load);
const out = [];
for (const { q, literal } of JSON.parse(await readFile(queriesJson, "utf8"))) {
  const { hits, plan } = await engine.search(q, { literal });
  out.push({ q, literal, hits, shown: plan.shown, converted: plan.converted });
}
await writeFile(outJson, JSON.stringify(out));
