/*
 * The search engine without a page: it follows scripts/cppcc/search/engine.py step for step
 * (tests/test_search_parity.py runs both, this one under Node): normalise, traditional ->
 * simplified, pinyin -> words, terms with their query spans, BM25F impacts from the shards,
 * coverage, ties by reading order.
 *
 * Every constant of the index format (format.py) comes from the manifest's `format` and
 * `ranking`: none is spelt here. `cppccSearchEngine.create(load)` takes `load(path)`, a promise of
 * the parsed JSON of an index file (path under search/cppcc/), and returns { search, plan, runs }.
 * It touches no DOM: the page loads it before search.js, Node with require().
 */
(() => {
  "use strict";

  const has = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
  const normalize = (s) => s.normalize("NFKC").toLowerCase();
  const idf = (df, n) => Math.log(1 + (n - df + 0.5) / (df + 0.5));

  /* Text and postings, from the format's constants: as in text.py and varint.py */
  function textOf(format) {
    const RUN = new RegExp(`[${format.cjk}]+|[${format.latin}]+`, "g");
    const CJK_ONLY = new RegExp(`^[${format.cjk}]+$`);
    const more = 1 << format.groupBits, low = more - 1;
    const digit = new Int8Array(128);
    for (let v = 0; v < format.digits.length; v++) digit[format.digits.charCodeAt(v)] = v;
    return {
      isCjk: (run) => CJK_ONLY.test(run),
      runs: (q) => [...q.matchAll(RUN)].map((m) => [m.index, m[0]]),
      shardOf(term, n) {
        let h = 0;
        for (const ch of [...term].slice(0, format.hashPrefix))
          h = (Math.imul(h, format.hashMultiplier) + ch.codePointAt(0)) >>> 0;
        return h % n;
      },
      *substrings(run) {
        for (let i = 0; i < run.length - 1; i++)
          for (let j = i + 2; j <= Math.min(run.length, i + format.maxWord); j++)
            yield [i, run.slice(i, j)];
      },
      numbers(code) {
        const out = [];
        let n = 0;
        for (let k = 0; k < code.length; k++) {
          const v = digit[code.charCodeAt(k)];
          n = n * more + (v & low);
          if (v < more) {
            out.push(n);
            n = 0;
          }
        }
        return out;
      },
    };
  }

  /* Covered characters of the query: a bit each, 30 to a number */
  const BITS = 30;
  function spanMask(start, end, words) {
    const mask = new Array(words).fill(0);
    for (let c = start; c < end; c++) mask[(c / BITS) | 0] |= 1 << (c % BITS);
    return mask;
  }
  function popcount(x) {
    let n = 0;
    for (; x; x &= x - 1) n++;
    return n;
  }

  /* The ranking function of ranking.py. An item is keyed p * (items + 1) + i + 1: a number. */
  function rank(tx, terms, postings, length, manifest, minCoverage) {
    const { metaWeight, scale, digits } = manifest.ranking;
    const META = manifest.format.meta;
    const places = 10 ** digits;
    const stride = manifest.items + 1;
    const words = Math.ceil(Math.max(1, ...terms.map((t) => t.end)) / BITS);  // query positions
    const items = new Map(), metas = new Map();
    const acc = (map, key) => {
      let a = map.get(key);
      if (!a) map.set(key, a = { score: 0, covered: new Array(words).fill(0) });
      return a;
    };
    const sorted = [...terms].sort((a, b) =>
      a.start - b.start || a.end - b.end || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0));
    for (const qt of sorted) {
      const found = postings.get(qt.term);
      if (!found) continue;
      const wItem = idf(found[0], manifest.items), wMeta = idf(found[1], manifest.proposals);
      const mask = spanMask(qt.start, qt.end, words);
      const lo = (qt.start / BITS) | 0, hi = ((qt.end - 1) / BITS) | 0;  // the words it touches
      const triples = tx.numbers(found[2]);
      let p = 0;  // (proposal minus the one before, item + 1, impact), as indexing.encode writes
      for (let k = 0; k < triples.length; k += 3) {
        p += triples[k];
        const i = triples[k + 1] - 1, w = triples[k + 2];
        const a = i === META ? acc(metas, p) : acc(items, p * stride + i + 1);
        a.score += (i === META ? wMeta * metaWeight : wItem) * w / scale;
        for (let x = lo; x <= hi; x++) a.covered[x] |= mask[x];
      }
    }
    for (const p of metas.keys()) acc(items, p * stride + 1);
    const none = { score: 0, covered: new Array(words).fill(0) };
    const out = [];
    for (const [key, a] of items) {
      const p = Math.floor(key / stride), i = key % stride - 1;
      const m = metas.get(p) || none;
      let covered = 0;
      for (let x = 0; x < words; x++) covered += popcount(a.covered[x] | m.covered[x]);
      const coverage = covered / Math.max(length, 1);
      if (coverage >= minCoverage)
        out.push([p, i, Math.round((a.score + m.score) * coverage * places) / places]);
    }
    return out.sort((x, y) => y[2] - x[2] || x[0] - y[0] || x[1] - y[1]);
  }

  function create(load) {
    let opened = null;
    const open = () => opened || (opened = load("manifest.json").then((manifest) =>
      ({ manifest, tx: textOf(manifest.format) })));

    async function entry(kind, term) {
      const { manifest, tx } = await open();
      const shard = await load(`${kind}/${tx.shardOf(term, manifest.shards[kind])}.json`);
      return has(shard, term) ? shard[term] : undefined;
    }

    async function pinyin(letters) {
      const { manifest } = await open();
      const n = letters.length;
      const best = new Map([[n, [0, []]]]);
      const starts = new Set();  // fetch every shard the loop below reads, at once
      for (let i = 0; i < n - 1; i++) starts.add(letters.slice(i, i + 2));
      await Promise.all([...starts].map((key) => entry("py", key)));
      for (let i = n - 2; i >= 0; i--) {
        for (let end = Math.min(n, i + manifest.format.maxPinyinKey); end > i + 1; end--) {
          const words = await entry("py", letters.slice(i, end));
          if (words && best.has(end)) {
            const [count, rest] = best.get(end);
            if (!best.has(i) || count + 1 < best.get(i)[0])
              best.set(i, [count + 1, [words[0], ...rest]]);
          }
        }
      }
      return best.has(0) ? best.get(0)[1].join("") : null;
    }

    function latinGroups(tx, q) {
      const groups = [];
      for (const [start, run] of tx.runs(q)) {
        if (tx.isCjk(run)) continue;
        const last = groups[groups.length - 1];
        if (last && /^\s+$/.test(q.slice(last[1], start))) {
          last[1] = start + run.length;
          last[2].push(run);
        } else {
          groups.push([start, start + run.length, [run]]);
        }
      }
      return groups;
    }

    async function rewrite(query) {
      const { tx } = await open();
      const t2s = await load("t2s.json");
      let q = "";
      for (const ch of normalize(query)) q += has(t2s, ch) ? t2s[ch] : ch;
      let out = "", pos = 0;
      for (const [start, end, parts] of latinGroups(tx, q)) {
        const joined = parts.join("");
        if (!/^[a-z]+$/.test(joined) || (parts.length === 1 && await entry("t", joined))) continue;
        const chinese = await pinyin(joined);
        if (chinese) {
          out += q.slice(pos, start) + chinese;
          pos = end;
        }
      }
      return out + q.slice(pos);
    }

    async function plan(query) {
      const { tx } = await open();
      const q = await rewrite(query);
      const terms = [];
      let length = 0;
      for (const [start, run] of tx.runs(q)) {
        length += run.length;
        if (!tx.isCjk(run) || run.length === 1) {
          terms.push({ term: run, start, end: start + run.length });
        } else {
          const subs = [...tx.substrings(run)];
          const found = await Promise.all(subs.map(([, sub]) => entry("t", sub)));
          subs.forEach(([off, sub], k) => {
            if (found[k]) terms.push({ term: sub, start: start + off, end: start + off + sub.length });
          });
        }
      }
      return { query: q, terms, length };
    }

    async function search(query) {
      const { manifest, tx } = await open();
      const p = await plan(query);
      const postings = new Map();
      await Promise.all(p.terms.map(async (t) => {
        const kind = t.term.length === 1 && tx.isCjk(t.term) ? "u" : "t";
        const found = await entry(kind, t.term);
        if (found) postings.set(t.term, found);
      }));
      const { minCoverage, partialCoverage } = manifest.ranking;
      let partial = false, hits = rank(tx, p.terms, postings, p.length, manifest, minCoverage);
      if (!hits.length) {
        partial = true;
        hits = rank(tx, p.terms, postings, p.length, manifest, partialCoverage);
      }
      return { plan: p, hits, partial };
    }

    const runs = async (q) => (await open()).tx.runs(q);
    return { search, plan, runs };
  }

  globalThis.cppccSearchEngine = { create };
})();
