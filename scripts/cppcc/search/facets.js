/*
 * The facets of the search without a page: it follows scripts/cppcc/search/facets.py step for
 * step (tests/test_search_facets.py runs both, this one under Node): a URL's filters as a
 * selection, a query's results that pass it with every facet's counts, and browsing without a
 * query. `cppccSearchFacets.create(load, engine)` takes the engine's `load` (a promise of an
 * index file's JSON) and the engine itself (cppccSearchEngine.create, loaded before this file);
 * every constant comes from the manifest's `facets` and `format`: none is spelt here.
 *
 * A facet's counts are those of the results that pass every other facet's filter (what choosing
 * a value would bring); see facets.py for what is read, and when.
 */
(() => {
  "use strict";

  const has = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
  const keyOf = (value) => value.normalize("NFKC").toLowerCase().trim();
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);

  function chunks(numbers, n) {
    const out = [];
    for (let k = 0; k < numbers.length; k += n) out.push(numbers.slice(k, k + n));
    return out;
  }

  /* Value id -> count, for a facet */
  class Counts extends Map {
    add(v, n) { this.set(v, (this.get(v) || 0) + n); }
    plain() {
      return Object.fromEntries([...this].filter(([, n]) => n).sort((a, b) => a[0] - b[0]));
    }
  }

  function create(load, engine) {
    const P = "facets/";
    let opened = null;
    const open = () => opened || (opened = Promise.all(
      [load("manifest.json"), load(`${P}manifest.json`)]).then(([manifest, m]) => {
      return { manifest, m, tx: globalThis.cppccSearchEngine.textOf(manifest.format),
               kinds: m.kinds.length, width: m.stored.length + m.kinds.length,
               levels: m.names.filter((f) => f !== "kind") };
    }));

    /* -- values ------------------------------------------------------------------------------ */

    async function match(facet, value) {
      const { m, tx } = await open();
      const key = keyOf(value);
      if (!has(m.keys, facet) || !key) return null;
      const shard = await load(`${P}k/${facet}.${tx.shardOf(key, m.keys[facet])}.json`);
      return has(shard, key) ? shard[key] : null;
    }

    /* `params`: URLSearchParams, or an object of arrays */
    async function selection(params) {
      const { m } = await open();
      const out = {};
      for (const facet of m.names) {
        const given = typeof params.getAll === "function" ? params.getAll(facet)
          : params[facet] || [];
        const ids = new Set(await Promise.all(given.map((v) => match(facet, v))));
        ids.delete(null);
        if (ids.size) out[facet] = [...ids].sort((a, b) => a - b);
      }
      return out;
    }

    async function labels(facet, ids) {
      const { m } = await open();
      const block = m.vocabBlock, out = new Map();
      const sorted = [...new Set(ids)].sort((a, b) => a - b);
      const blocks = await Promise.all(sorted.map((v) =>
        load(`${P}v/${facet}.${Math.floor(v / block)}.json`)));
      sorted.forEach((v, k) => {  // a value written alone is its own label
        const entry = blocks[k][v % block];
        out.set(v, typeof entry === "string" ? [entry, entry] : entry);
      });
      return out;
    }

    async function totals(facet) {
      const { tx, kinds } = await open();
      return chunks(tx.numbers(await load(`${P}n/${facet}.json`)), kinds);
    }

    const summary = (facet, v) => load(`${P}s/${facet}.${v}.json`);

    async function held(facet, v, other) {
      const { tx, kinds } = await open();
      const out = new Map();
      let w = 0;
      for (const chunk of chunks(tx.numbers((await summary(facet, v)).f[other]), 1 + kinds)) {
        w += chunk[0];
        out.set(w, chunk.slice(1));
      }
      return out;
    }

    /* -- proposals --------------------------------------------------------------------------- */

    let runsLoaded = null;
    const runs = () => runsLoaded || (runsLoaded = open().then(({ m }) => {
      let rank = 0;
      const list = m.runs.map(([meeting, year, first, count, ...kinds]) => {
        const run = { meeting, year, first, count, kinds, rank };
        rank += count;
        return run;
      });
      return { list, byFirst: [...list].sort((a, b) => a.first - b.first) };
    }));
    const last = (sorted, x, key) => {  // the last element whose key is <= x
      let lo = 0, hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid][key] <= x) lo = mid + 1; else hi = mid;
      }
      return sorted[lo - 1];
    };
    const runOf = async (p) => last((await runs()).byFirst, p, "first");
    const runAt = async (rank) => last((await runs()).list, rank, "rank");

    const blocks = new Map();
    function block(b) {
      if (!blocks.has(b)) {
        blocks.set(b, open().then(async ({ tx, width }) =>
          chunks(tx.numbers(await load(`${P}r/${b}.json`)), width)));
      }
      return blocks.get(b);
    }

    async function records(proposals) {
      const { m } = await open();
      const out = new Map(), size = m.recordBlock;
      const sorted = [...new Set(proposals)].sort((a, b) => a - b);
      const found = await Promise.all(sorted.map((p) => block(Math.floor(p / size))));
      sorted.forEach((p, k) => out.set(p, found[k][p % size]));
      return out;
    }

    /* A proposal's value id of every proposal-level facet (-1: none), its meeting's run given */
    function valuesOf(m, run, record) {
      const out = { meeting: run.meeting, year: run.year };
      for (let k = 0; k < m.stored.length; k++) out[m.stored[k]] = record[k];
      return out;
    }
    const values = async (p, record) => valuesOf((await open()).m, await runOf(p), record);

    /* The kind of item i (-1 for one before the citable items: the speaker line) */
    function kindOf(m, record, i) {
      if (i < m.lead) return -1;
      let edge = m.lead;
      for (let k = m.stored.length; k < record.length; k++) {
        edge += record[k];
        if (i < edge) return k - m.stored.length;
      }
      return m.kinds.length - 1;
    }

    function items(m, record, kinds) {
      const out = [];
      let start = m.lead;
      for (let k = m.stored.length; k < record.length; k++) {
        const n = record[k];
        if (kinds.has(k - m.stored.length)) for (let i = start; i < start + n; i++) out.push(i);
        start += n;
      }
      return out;
    }

    /* -- a query ----------------------------------------------------------------------------- */

    /* A term's facets entry, from its shard or from the file of its own (e/) whose number
     * the shard holds */
    async function termRecords(table, term) {
      const { m, tx } = await open();
      const k = tx.shardOf(term, m.shards[table]);
      const found = (await load(`${P}${table}/${k}.json`))[term];
      return typeof found === "number" ? load(`${P}e/${table}.${k}.${found}.json`) : found;
    }

    /* The hit records of `proposals`, results of the query of `plan`: terms taken greedily
     * (the one whose facets entry covers most of those still needed for its bytes), as many as
     * make their cost and that of the blocks of records of the rest least (the engine's
     * entries say what each covers: no read to choose); the rest from their blocks */
    const named = new Map();  // table:term -> the proposals its entry names, decoded once
    async function hitRecords(plan, proposals) {
      const { m, tx, width } = await open();
      const needed = new Set(proposals), got = new Map();
      const covers = new Map();  // table:term -> [table, term, proposals named, cost]
      await Promise.all(plan.terms.map(async (t) => {
        const table = t.term.length === 1 && tx.isCjk(t.term) ? "u" : "t", key = `${table}:${t.term}`;
        if (!named.has(key)) {
          const found = await engine.postingsEntry(table, t.term);
          let ps = null;
          if (found && has(m.shards, table)) {
            ps = [];
            const triples = tx.numbers(found[2]);
            for (let k = 0, p = 0; k < triples.length; k += 3) {
              p += triples[k];
              if (ps[ps.length - 1] !== p) ps.push(p);
            }
          }
          named.set(key, ps);
        }
        const ps = named.get(key);
        if (ps) covers.set(key, [table, t.term, ps, m.shardBytes[table] + m.recordBytes * ps.length]);
      }));
      const size = m.recordBlock, hit = width - 1;
      const blocks = (ps) => new Set([...ps].map((p) => Math.floor(p / size))).size * m.blockBytes;
      // Greedily, the term that covers most of those still needed for its cost, then the
      // next...; of these, the first terms whose cost and the blocks of the rest cost least
      const order = [], left = new Set(needed);
      while (left.size) {
        let best = null, gain = 0;
        const sorted = [...covers.values()].filter((c) => !order.includes(c)).sort((a, b) =>
          a[3] - b[3] || cmp(a[0], b[0]) || cmp(a[1], b[1]));
        for (const c of sorted) {
          const n = c[2].filter((p) => left.has(p)).length;
          if (n && (best === null || n * best[3] > gain * c[3])) {
            best = c;
            gain = n;
          }
        }
        if (best === null) break;
        order.push(best);
        for (const p of best[2]) left.delete(p);
      }
      let take = 0, least = blocks(needed), spent = 0;
      const rest = new Set(needed);
      order.forEach((c, k) => {
        spent += c[3];
        for (const p of c[2]) rest.delete(p);
        if (spent + blocks(rest) < least) {
          take = k + 1;
          least = spent + blocks(rest);
        }
      });
      const taken = order.slice(0, take);
      const entries = await Promise.all(taken.map(([table, term]) => termRecords(table, term)));
      taken.forEach(([, , ps], j) => {
        const found = chunks(tx.numbers(entries[j]), hit);
        ps.forEach((p, k) => {
          if (needed.has(p)) {
            got.set(p, found[k]);
            needed.delete(p);
          }
        });
      });
      for (const [p, r] of await records(needed)) got.set(p, r.slice(0, hit));
      return got;
    }

    async function search(query, chosenIds) {
      return query.trim() ? filter(await engine.search(query), chosenIds) : browse(chosenIds);
    }

    /* The engine's results (`engine.search`) that pass the selection, and the counts */
    async function filter(found, chosenIds) {
      const { m } = await open();
      const proposals = new Set(found.hits.map((h) => h[0]));
      const [recs, { byFirst }] = await Promise.all([hitRecords(found.plan, proposals), runs()]);
      const chosen = Object.entries(chosenIds).filter(([, ids]) => ids.length)
        .map(([f, ids]) => [f, new Set(ids)]);
      const counts = Object.fromEntries(m.names.map((f) => [f, new Counts()]));
      const kept = [];
      for (const hit of found.hits) {
        const [p, i] = hit, record = recs.get(p);
        const have = valuesOf(m, last(byFirst, p, "first"), record);
        have.kind = kindOf(m, record, i);
        let missed = null, misses = 0;
        for (const [f, ids] of chosen) {
          if (!ids.has(have[f])) {
            missed = f;
            misses++;
          }
        }
        if (misses > 1) continue;
        if (!misses) kept.push(hit);
        for (const f of misses ? [missed] : m.names) {  // one that misses counts for that one
          if (have[f] >= 0) counts[f].add(have[f], 1);
        }
      }
      return { ...found, hits: kept, count: kept.length, counts: plain(counts),
               proposals: new Set(kept.map((h) => h[0])).size, unfiltered: found.hits.length };
    }

    const plain = (counts) => Object.fromEntries(Object.entries(counts).map(([f, c]) =>
      [f, c.plain()]));

    /* -- browsing ---------------------------------------------------------------------------- */

    async function browse(chosenIds) {
      const { m, kinds: nKinds, levels } = await open();
      const chosen = new Map(Object.entries(chosenIds).filter(([, ids]) => ids.length)
        .map(([f, ids]) => [f, new Set(ids)]));
      const kinds = chosen.get("kind") || new Set(m.kinds.map((_, k) => k));
      chosen.delete("kind");
      const weight = (c) => sum([...kinds].map((k) => c[k]));
      const counts = Object.fromEntries(m.names.map((f) => [f, new Counts()]));
      const { list: allRuns } = await runs();
      let count, proposals, source;
      if (chosen.size <= 1) {
        const facet = chosen.size ? [...chosen.keys()][0] : null;
        const ids = facet ? [...chosen.get(facet)].sort((a, b) => a - b) : [];
        const all = facet ? await totals(facet) : allRuns.map((r) => r.kinds);
        const mine = facet ? ids.map((v) => all[v]) : all;
        for (const f of levels) {
          if (f === facet || !facet) {
            (await totals(f)).forEach((t, v) => counts[f].add(v, weight(t)));
          } else {
            for (const v of ids) {
              for (const [w, t] of await held(facet, v, f)) counts[f].add(w, weight(t));
            }
          }
        }
        for (let k = 0; k < nKinds; k++) counts.kind.set(k, sum(mine.map((t) => t[k])));
        if (!facet) {
          proposals = sum(allRuns.map((r) => r.count));
          source = fromRuns(allRuns);
        } else if (m.ranges.includes(facet)) {
          const picked = allRuns.filter((r) => chosen.get(facet).has(r[facet]));
          proposals = sum(picked.map((r) => r.count));
          source = fromRuns(picked);
        } else {
          proposals = sum(await Promise.all(ids.map(async (v) => (await summary(facet, v)).n)));
          source = fromLists(facet, ids);
        }
        count = sum(mine.map(weight));
      } else {
        const found = await members(chosen);
        for (const [, p, record] of found) {
          const have = await values(p, record);
          const own = record.slice(-nKinds);
          for (const f of levels) {
            if (!chosen.has(f) && have[f] >= 0) counts[f].add(have[f], weight(own));
          }
          for (let k = 0; k < nKinds; k++) counts.kind.add(k, own[k]);
        }
        for (const f of chosen.keys()) {
          const others = new Map([...chosen].filter(([g]) => g !== f));
          if (others.size === 1) {
            const [[g, ids]] = [...others];
            for (const v of ids) {
              for (const [w, t] of await held(g, v, f)) counts[f].add(w, weight(t));
            }
          } else {
            for (const [, p, record] of await members(others)) {
              const v = (await values(p, record))[f];
              if (v >= 0) counts[f].add(v, weight(record.slice(-nKinds)));
            }
          }
        }
        count = sum(found.map(([, , record]) => weight(record.slice(-nKinds))));
        proposals = found.length;
        source = (async function* () {
          for (const [, p, record] of found) yield [p, record];
        })();
      }
      /* The next `n` proposals, each with the items shown: [proposal, [item, ...]] */
      async function take(n) {
        const out = [];
        while (out.length < n) {
          const next = await source.next();
          if (next.done) break;
          const [p, record] = next.value;
          out.push([p, items(m, record, kinds)]);
        }
        return out;
      }
      return { count, counts: plain(counts), proposals, take };
    }

    async function* fromRuns(picked) {
      const { m } = await open();
      const size = m.recordBlock;
      for (const run of picked) {
        for (let p = run.first; p < run.first + run.count; p++)
          yield [p, (await block(Math.floor(p / size)))[p % size]];
      }
    }

    /* The lists of values `ids` of a stored facet, merged in rank order, a page when reached */
    async function* fromLists(facet, ids) {
      const heads = ids.map((v) => fromList(facet, v, null));
      const current = await Promise.all(heads.map((h) => h.next()));
      for (;;) {
        let k = -1;
        current.forEach((c, j) => {
          if (!c.done && (k < 0 || c.value[0] < current[k].value[0])) k = j;
        });
        if (k < 0) return;
        const [rank, record] = current[k].value;
        const run = await runAt(rank);
        yield [run.first + rank - run.rank, record];
        current[k] = await heads[k].next();
      }
    }

    async function* fromList(facet, v, pages) {
      const { tx, width } = await open();
      const count = (await summary(facet, v)).pages.length;
      for (const k of pages || [...Array(count).keys()]) {
        let rank = 0;
        for (const chunk of chunks(tx.numbers(await load(`${P}l/${facet}.${v}.${k}.json`)),
                                   1 + width)) {
          rank += chunk[0];
          yield [rank, chunk.slice(1)];
        }
      }
    }

    /* [rank, proposal, record] of every proposal that passes `chosen`, in rank order, read from
     * the cheapest: the runs the range facets allow, or a stored facet's lists (their pages) */
    async function members(chosen) {
      const { m } = await open();
      const { list: allRuns } = await runs();
      const ranges = m.ranges.filter((f) => chosen.has(f));
      const picked = allRuns.filter((r) => ranges.every((f) => chosen.get(f).has(r[f])));
      let best = null, cost = ranges.length ? sum(picked.map((r) => r.count)) : null;
      for (const f of m.stored) {
        if (!chosen.has(f)) continue;
        const n = sum(await Promise.all([...chosen.get(f)].map(
          async (v) => (await summary(f, v)).n)));
        if (cost === null || n < cost) {
          best = f;
          cost = n;
        }
      }
      const found = [];
      if (best === null) {
        for (const r of picked) {
          for await (const [p, record] of fromRuns([r]))
            found.push([r.rank + p - r.first, p, record]);
        }
      } else {
        for (const v of [...chosen.get(best)].sort((a, b) => a - b)) {
          const starts = (await summary(best, v)).pages;
          const pages = [...starts.keys()].filter((k) => !ranges.length || picked.some((r) =>
            r.rank < (k + 1 < starts.length ? starts[k + 1] : Infinity) &&
            starts[k] < r.rank + r.count));
          for await (const [rank, record] of fromList(best, v, pages)) {
            const run = await runAt(rank);
            found.push([rank, run.first + rank - run.rank, record]);
          }
        }
      }
      const out = [];
      for (const entry of found) {
        const have = await values(entry[1], entry[2]);
        if ([...chosen].every(([f, ids]) => ids.has(have[f]))) out.push(entry);
      }
      return out.sort((a, b) => a[0] - b[0]);
    }

    return { match, selection, labels, search, filter, browse, open };
  }

  globalThis.cppccSearchFacets = { create };
})();
