/*
 * The search engine without a page: it follows scripts/cppcc/search/engine.py step for step
 * (tests/test_search_parity.py runs both, this one under Node): normalise, traditional ->
 * simplified, pinyin and initials -> words, terms with their query spans, function words, other
 * names, corrections of a wrong character, BM25F impacts from the shards, coverage, ties by
 * reading order.
 *
 * Every constant of the index format (format.py) comes from the manifest's `format`, `ranking`
 * and `query`: none is spelt here. `cppccSearchEngine.create(load)` takes `load(path)`, a promise
 * of the parsed JSON of an index file (path under search/cppcc/), and returns
 * { search, plan, runs }; `search(query, { literal })` searches without the conversions when
 * `literal`. It touches no DOM: the page loads it before search.js, Node with require().
 */
(() => {
  "use strict";

  const has = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
  const idf = (df, n) => Math.log(1 + (n - df + 0.5) / (df + 0.5));
  const held = (entry) => entry && entry[0] + entry[1] > 0;
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

  /* Text and postings, from the format's constants: as in text.py and varint.py */
  function textOf(format) {
    const RUN = new RegExp(`[${format.cjk}]+|[${format.latin}]+`, "g");
    const CJK_ONLY = new RegExp(`^[${format.cjk}]+$`);
    const MARKED = new RegExp(`[${format.marked}]`, "g");
    const MARK = new RegExp(`[${format.marks}]`, "g");
    const more = 1 << format.groupBits, low = more - 1;
    const digit = new Int8Array(128);
    for (let v = 0; v < format.digits.length; v++) digit[format.digits.charCodeAt(v)] = v;
    return {
      normalize: (s) => s.normalize("NFKC").toLowerCase().replace(MARKED, (letter) =>
        letter.normalize("NFD").replace(/u\u0308/g, "v").replace(MARK, "")),
      isCjk: (run) => CJK_ONLY.test(run),
      runs: (q) => [...q.matchAll(RUN)].map((m) => [m.index, m[0]]),
      shardOf(term, n) {
        let h = 0;
        for (const ch of [...term].slice(0, format.hashPrefix))
          h = (Math.imul(h, format.hashMultiplier) + ch.codePointAt(0)) >>> 0;
        return h % n;
      },
      *substrings(run, longest) {
        for (let i = 0; i < run.length - 1; i++)
          for (let j = i + 2; j <= Math.min(run.length, i + longest); j++)
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
  function longest(mask) {  // the most characters in a row that matched terms join
    let best = 0, run = 0;
    for (let c = 0; c < mask.length * BITS; c++) {
      run = mask[(c / BITS) | 0] & (1 << (c % BITS)) ? run + 1 : 0;
      if (run > best) best = run;
    }
    return best + 1;
  }

  /* The ranking function of ranking.py. An item is keyed p * (items + 1) + i + 1: a number. */
  function rank(tx, terms, postings, length, manifest, minCoverage) {
    const { metaWeight, scale, digits } = manifest.ranking;
    const META = manifest.format.meta;
    const places = 10 ** digits;
    const stride = manifest.items + 1;
    const words = Math.ceil(Math.max(1, ...terms.map((t) => t.end)) / BITS);  // query positions
    const items = new Map(), metas = new Map();
    const blank = () => new Array(words).fill(0);
    const acc = (map, key) => {
      let a = map.get(key);
      if (!a) map.set(key, a = { score: 0, covered: blank(), exact: blank(), joined: blank() });
      return a;
    };
    const sorted = [...terms].sort((a, b) => a.start - b.start || a.end - b.end ||
      cmp(a.term, b.term) || a.fuzzy - b.fuzzy || a.weak - b.weak || cmp(a.of, b.of));
    for (const qt of sorted) {
      const found = postings.get(qt.term);
      if (!found) continue;
      let wItem = idf(found[0], manifest.items), wMeta = idf(found[1], manifest.proposals);
      const typed = postings.get(qt.of);
      if (typed) {
        wItem = Math.min(wItem, idf(typed[0], manifest.items));
        wMeta = Math.min(wMeta, idf(typed[1], manifest.proposals));
      }
      const [s, e] = qt.weak ? [0, 0] : [qt.start, qt.end];
      const mask = spanMask(s, e, words), join = spanMask(s, e - 1, words);
      const triples = tx.numbers(found[2]);
      let p = 0;  // (proposal minus the one before, item + 1, impact), as indexing.encode writes
      for (let k = 0; k < triples.length; k += 3) {
        p += triples[k];
        const i = triples[k + 1] - 1, w = triples[k + 2];
        const a = i === META ? acc(metas, p) : acc(items, p * stride + i + 1);
        a.score += (i === META ? wMeta * metaWeight : wItem) * w / scale;
        for (let x = 0; x < words; x++) {
          a.covered[x] |= mask[x];
          a.joined[x] |= join[x];
          if (!qt.fuzzy) a.exact[x] |= mask[x];
        }
      }
    }
    for (const p of metas.keys()) acc(items, p * stride + 1);
    const none = { score: 0, covered: blank(), exact: blank() };
    const n = Math.max(length, 1);
    const out = [];
    for (const [key, a] of items) {
      const p = Math.floor(key / stride), i = key % stride - 1;
      const m = metas.get(p) || none;
      let covered = 0, exact = 0, mine = 0, theirs = 0;
      for (let x = 0; x < words; x++) {
        covered += popcount(a.covered[x] | m.covered[x]);
        exact += popcount(a.exact[x] | m.exact[x]);
        mine += popcount(a.covered[x]);
        theirs += popcount(m.covered[x] & ~a.covered[x]);
      }
      if (covered / n < minCoverage) continue;
      const own = (mine + metaWeight * theirs) / n;
      const whole = mine ? longest(a.joined) / n : 0;
      const score = (a.score + m.score) * own * (1 + whole) / 2;
      out.push([exact / n < minCoverage, p, i, Math.round(score * places) / places]);
    }
    return out.sort((x, y) => x[0] - y[0] || y[3] - x[3] || x[1] - y[1] || x[2] - y[2])
      .map(([, p, i, score]) => [p, i, score]);
  }

  function create(load) {
    let opened = null;
    const open = () => opened || (opened = load("manifest.json").then((manifest) => {
      const q = manifest.query;
      return {
        manifest, tx: textOf(manifest.format),
        functionWords: [...q.functionWords].sort((a, b) => b.length - a.length || cmp(a, b)),
        longest: Math.max(manifest.format.maxWord, q.maxAlias),
        separators: new Set(q.separators),
      };
    }));

    async function shard(kind, term) {
      const { manifest, tx } = await open();
      return load(`${kind}/${tx.shardOf(term, manifest.shards[kind])}.json`);
    }

    async function entry(kind, term) {
      const found = await shard(kind, term);
      return has(found, term) ? found[term] : undefined;
    }

    /* A term's entry with its postings, read from their own file (e/) where its shard holds
     * their number: only the terms a query ranks by */
    async function postingsEntry(kind, term) {
      const found = await entry(kind, term);
      if (!found || typeof found[2] !== "number") return found;
      const { manifest, tx } = await open();
      const k = tx.shardOf(term, manifest.shards[kind]);
      return [found[0], found[1], await load(`e/${kind}.${k}.${found[2]}.json`), ...found.slice(3)];
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

    async function reading(parts) {
      const joined = parts.join("");
      if (!/^[a-z]+$/.test(joined) || (parts.length === 1 && await entry("t", joined)))
        return null;
      return pinyin(joined);
    }

    function latinGroups(tx, q, separators) {
      const groups = [];
      for (const [start, run] of tx.runs(q)) {
        if (tx.isCjk(run)) continue;
        const last = groups[groups.length - 1];
        const between = last ? q.slice(last[1], start) : "";
        if (last && between && [...between].every((c) => separators.has(c))) {
          last[1] = start + run.length;
          last[2].push([start, run]);
        } else {
          groups.push([start, start + run.length, [[start, run]]]);
        }
      }
      return groups;
    }

    async function rewrite(query, literal) {
      const { tx, separators } = await open();
      if (literal) return tx.normalize(query);
      const t2s = await load("t2s.json");
      let q = "";
      for (const ch of tx.normalize(query)) q += has(t2s, ch) ? t2s[ch] : ch;
      let out = "", pos = 0;
      for (const [start, end, runs] of latinGroups(tx, q, separators)) {
        const chinese = await reading(runs.map(([, run]) => run));
        if (chinese) {
          out += q.slice(pos, start) + chinese;
          pos = end;
        } else if (runs.length > 1) {  // each run alone
          for (const [at, run] of runs) {
            const alone = await reading([run]);
            if (alone) {
              out += q.slice(pos, at) + alone;
              pos = at + run.length;
            }
          }
        }
      }
      return out + q.slice(pos);
    }

    /* Function words that count for nothing (engine.py, step 4) */
    function neutral(cjk, terms, functionWords, length) {
      const long = terms.filter((t) => t.term.length >= 3);
      const out = new Set();
      for (const [start, run] of cjk) {
        const found = [];
        for (let i = 0; i < run.length;) {
          const word = functionWords.find((w) => run.startsWith(w, i));
          if (word) found.push([i, i + word.length]);
          i += word ? word.length : 1;
        }
        found.forEach(([a, b], k) => {
          const left = a - (k ? found[k - 1][1] : 0);
          const right = (k + 1 < found.length ? found[k + 1][0] : run.length) - b;
          const inside = long.some((t) => t.start < start + b && t.end > start + a &&
                                          (t.start < start + a || t.end > start + b));
          if (left !== 1 && right !== 1 && !inside)
            for (let c = start + a; c < start + b; c++) out.add(c);
        });
      }
      return out.size === length ? new Set() : out;
    }

    /* The query's terms with a name written as another form (step 5) */
    async function renamed(tx, longestWord, cjk, s, e, name, form, typed) {
      const [start, run] = cjk.find(([a, r]) => a <= s && s < a + r.length);
      const at = s - start, end = at + form.length, grown = form.length - (e - s);
      const variant = run.slice(0, at) + form + run.slice(e - start);
      const out = [];
      for (const [off, sub] of tx.substrings(variant, longestWord)) {
        const inside = at <= off && off + sub.length <= end;
        if (off >= end || off + sub.length <= at || (inside && sub !== form) || typed.has(sub))
          continue;
        if (held(await entry("t", sub))) {
          const a = off < at ? start + off : s;
          const b = off + sub.length <= end ? e : start + off + sub.length - grown;
          out.push({ term: sub, start: a, end: b, fuzzy: false, weak: false, of: name });
        }
      }
      return out;
    }

    /* Corrections of a wrong character (step 6) */
    async function homophones(a, b) {
      const [x, y] = await Promise.all([a, b].map(async (c) => (await entry("c", c)) || ""));
      const mine = new Set(x.split(" ").filter(Boolean));
      return y.split(" ").some((r) => r && mine.has(r));
    }

    async function neighbours(tx, window, j) {
      let found = [];
      if (j >= 2) {
        const terms = await shard("t", window.slice(0, 2));
        for (const t of Object.keys(terms)) {
          if (t.length === window.length && t.slice(0, j) === window.slice(0, j) &&
              t.slice(j + 1) === window.slice(j + 1) && t !== window) found.push([t, terms[t]]);
        }
      } else {
        const rest = window.slice(2);  // its bigrams are the query's: none held, no term holds it
        for (let m = 0; m < rest.length - 1; m++)
          if (!await entry("t", rest.slice(m, m + 2))) return [];
        for (const h of (await entry("n", rest)) || []) {
          if (h[1 - j] === window[1 - j] && h[j] !== window[j])
            found.push([h + rest, await entry("t", h + rest)]);
        }
      }
      return found.filter(([t, e]) => held(e) && tx.isCjk(t)).map(([t, e]) => [t, e[0] + e[1]]);
    }

    async function correction(tx, maxWord, run, k, taken) {
      for (let size = Math.min(maxWord, run.length); size > 2; size--) {
        let best = null;
        for (let i = Math.max(0, k - size + 1); i <= Math.min(k, run.length - size); i++) {
          let free = true;
          for (let c = i; c < i + size; c++) if (taken.has(c)) free = false;
          if (!free) continue;
          const window = run.slice(i, i + size), j = k - i;
          for (const [term, df] of await neighbours(tx, window, j)) {
            const alike = await homophones(window[j], term[j]);
            if (size === 3 && !alike) continue;
            const key = [-alike, -df, i, term];
            const better = !best || key[0] - best[0][0] || key[1] - best[0][1] ||
                           key[2] - best[0][2] || cmp(key[3], best[0][3]);
            if (!best || better < 0) best = [key, i, term];
          }
        }
        if (best) return [best[1], best[2]];
      }
      return null;
    }

    async function corrections(tx, maxWord, cjk, terms, neutralAt) {
      const covered = new Set(neutralAt);
      for (const t of terms)
        if (t.term.length >= 2) for (let c = t.start; c < t.end; c++) covered.add(c);
      const out = [];
      for (const [start, run] of cjk) {
        const done = new Set();
        for (let k = 0; k < run.length; k++) {
          if (covered.has(start + k) || done.has(k)) continue;
          const taken = new Set([...neutralAt].map((c) => c - start));
          for (const c of done) taken.add(c);
          const fix = await correction(tx, maxWord, run, k, taken);
          if (fix) {
            const [i, term] = fix;
            for (let c = i; c < i + term.length; c++) done.add(c);
            out.push([start + i, start + i + term.length, term]);
          }
        }
      }
      return out;
    }

    /* Characters no longer term covers, as unigrams that count for the score alone (step 7) */
    function alone(cjk, terms, neutralAt) {
      const covered = new Set(neutralAt);
      for (const t of terms)
        if (t.end - t.start >= 2) for (let c = t.start; c < t.end; c++) covered.add(c);
      const out = [];
      for (const [start, run] of cjk) {
        if (run.length < 2) continue;
        for (let k = 0; k < run.length; k++)
          if (!covered.has(start + k))
            out.push({ term: run[k], start: start + k, end: start + k + 1, fuzzy: false,
                       weak: true, of: "" });
      }
      return out;
    }

    function replaced(q, spans) {
      let out = "", pos = 0;
      const sorted = [...spans].sort((x, y) => x[0] - y[0] || (y[1] - y[0]) - (x[1] - x[0]) ||
                                               cmp(x[2], y[2]));
      for (const [s, e, text] of sorted) {
        if (s >= pos) {
          out += q.slice(pos, s) + text;
          pos = e;
        }
      }
      return out + q.slice(pos);
    }

    async function plan(query, literal = false) {
      const { manifest, tx, functionWords, longest: longestWord } = await open();
      const q = await rewrite(query, literal);
      const term = (t, start, end, more) =>
        ({ term: t, start, end, fuzzy: false, weak: false, of: "", ...more });
      let terms = [], names = [];
      const cjk = [];
      for (const [start, run] of tx.runs(q)) {
        if (!tx.isCjk(run) || run.length === 1) {
          terms.push(term(run, start, start + run.length));
          if (tx.isCjk(run)) cjk.push([start, run]);
          continue;
        }
        cjk.push([start, run]);
        const subs = [...tx.substrings(run, longestWord)];
        const found = await Promise.all(subs.map(([, sub]) => entry("t", sub)));
        subs.forEach(([off, sub], k) => {
          const e = found[k];
          if (!e) return;
          const [s, end] = [start + off, start + off + sub.length];
          if (held(e)) terms.push(term(sub, s, end));
          if (e.length > 3 && !literal) names.push([s, end, sub, e[3], held(e)]);
        });
      }
      const total = tx.runs(q).reduce((n, [, run]) => n + run.length, 0);
      const neutralAt = neutral(cjk, terms, functionWords, total);
      const touches = (s, e) => { for (let c = s; c < e; c++) if (neutralAt.has(c)) return true; };
      terms = terms.filter((t) => !touches(t.start, t.end));
      names = names.filter(([s, e]) => !touches(s, e));
      const typed = new Set(terms.map((t) => t.term));
      for (const [s, e, name, forms] of names)
        for (const form of forms)
          for (const t of await renamed(tx, longestWord, cjk, s, e, name, form, typed))
            if (!touches(t.start, t.end)) terms.push(t);
      const fixes = literal ? [] : await corrections(tx, manifest.format.maxWord, cjk, terms,
                                                     neutralAt);
      for (const [s, e, t] of fixes) terms.push(term(t, s, e, { fuzzy: true }));
      terms.push(...alone(cjk, terms, neutralAt));
      const length = total - neutralAt.size;
      const shown = replaced(q, [...names.filter((n) => !n[4]).map(([s, e, , forms]) =>
                                   [s, e, forms[0]]), ...fixes]);
      return { query: q, terms, length, shown, converted: shown !== tx.normalize(query) };
    }

    async function search(query, { literal = false } = {}) {
      const { manifest, tx } = await open();
      const p = await plan(query, literal);
      const postings = new Map();
      await Promise.all(p.terms.map(async (t) => {
        const kind = t.term.length === 1 && tx.isCjk(t.term) ? "u" : "t";
        const found = await postingsEntry(kind, t.term);
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
    return { search, plan, runs, postingsEntry };
  }

  globalThis.cppccSearchEngine = { create, textOf };
})();
