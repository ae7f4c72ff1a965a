// Runs the site's citation formatter (scripts/cppcc/assets/citation.js) under Node, for
// tests/test_cite.py:   node cite_formats.mjs CITATION_JS CASES_JSON
// CASES_JSON holds [{data, item, accessed, href}]; prints what cite() makes of each, as JSON.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const [citationJs, casesJson] = process.argv.slice(2);
createRequire(import.meta.url)(citationJs);
const cases = JSON.parse(await readFile(casesJson, "utf8"));
const out = cases.map(({ data, item, accessed, href }) => {
  try {
    return globalThis.cppccCitation.cite(data, item, accessed, href);
  } catch (error) {
    return { error: error.message };
  }
});
process.stdout.write(JSON.stringify(out));
