/*
 * Chinese search for the proposals, drawn in Material's own search dialog.
 *
 * Material keeps its search box, its keyboard handling (`/` focuses, arrows move, Enter opens the
 * link whose article has the highest data-md-score, Esc closes), its `?q=` deep link and its
 * `?h=` highlighting of the target page. Its worker is replaced by worker.js, which answers
 * SETUP with READY and never sends a RESULT, so Material never draws into the result list: this
 * script does, with Material's markup and classes, one <li> per proposal whose links are items.
 *
 * The engine follows scripts/cppcc/search/engine.py step for step (the tests compare them):
 * normalise, traditional -> simplified, pinyin -> words, terms with their query spans, BM25F
 * impacts from the shards, coverage, ties by reading order. Every file is fetched when a query
 * first needs it. Text from the index is put into the page with textContent only.
 */
(() => {
  "use strict";

  const configEl = document.getElementById("__config");
  const input = document.querySelector("[data-md-component=search-query]");
  const result = document.querySelector("[data-md-component=search-result]");
  if (!configEl || !input || !result) return;
  const config = JSON.parse(configEl.textContent);
  const base = new URL(config.base || ".", location.href);
  const root = new URL("search/cppcc/", base);
  const meta = result.querySelector(".md-search-result__meta");
  const dialog = input.closest("[role=dialog]");
  if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "搜索建议");
  const list = result.querySelector(".md-search-result__list");

  const CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  const RUN = new RegExp(`[${CJK}]+|[a-z0-9]+`, "g");
  const CJK_ONLY = new RegExp(`^[${CJK}]+$`);
  const MAX_WORD = 8;
  const MAX_KEY = 6 * MAX_WORD;
  const META = -1;
  const PAGE_GROUPS = 5;  // groups drawn at a time: each costs one fetch of p/<n>.json
  const SHOWN_ITEMS = 3;   // items of a group shown before "more"
  const SNIPPET = 110;     // characters of a snippet

  const has = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
  const translate = (key, n) => ((config.translations || {})[key] || "").replace("#", String(n));

  /* Files, each fetched once */
  const files = new Map();
  function load(path) {
    if (!files.has(path)) {
      files.set(path, fetch(new URL(path, root)).then((r) => {
        if (!r.ok) throw new Error(`search index: ${path}: ${r.status}`);
        return r.json();
      }));
    }
    return files.get(path);
  }

  /* Text: as in text.py */
  const normalize = (s) => s.normalize("NFKC").toLowerCase();
  const isCjk = (run) => CJK_ONLY.test(run);
  function shardOf(term, n) {
    let h = 0;
    for (const ch of [...term].slice(0, 2)) h = (Math.imul(h, 31) + ch.codePointAt(0)) >>> 0;
    return h % n;
  }
  function runs(q) {
    return [...q.matchAll(RUN)].map((m) => [m.index, m[0]]);
  }
  function* substrings(run) {
    for (let i = 0; i < run.length - 1; i++)
      for (let j = i + 2; j <= Math.min(run.length, i + MAX_WORD); j++) yield [i, run.slice(i, j)];
  }

  /* Engine: as in engine.py */
  async function entry(kind, term) {
    const manifest = await load("manifest.json");
    const shard = await load(`${kind}/${shardOf(term, manifest.shards[kind])}.json`);
    return has(shard, term) ? shard[term] : undefined;
  }

  async function pinyin(letters) {
    const n = letters.length;
    const best = new Map([[n, [0, []]]]);
    const starts = new Set();  // fetch every shard the loop below reads, at once
    for (let i = 0; i < n - 1; i++) starts.add(letters.slice(i, i + 2));
    await Promise.all([...starts].map((key) => entry("py", key)));
    for (let i = n - 2; i >= 0; i--) {
      for (let end = Math.min(n, i + MAX_KEY); end > i + 1; end--) {
        const words = await entry("py", letters.slice(i, end));
        if (words && best.has(end)) {
          const [count, rest] = best.get(end);
          if (!best.has(i) || count + 1 < best.get(i)[0]) best.set(i, [count + 1, [words[0], ...rest]]);
        }
      }
    }
    return best.has(0) ? best.get(0)[1].join("") : null;
  }

  function latinGroups(q) {
    const groups = [];
    for (const [start, run] of runs(q)) {
      if (isCjk(run)) continue;
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
    const t2s = await load("t2s.json");
    let q = "";
    for (const ch of normalize(query)) q += has(t2s, ch) ? t2s[ch] : ch;
    let out = "", pos = 0;
    for (const [start, end, parts] of latinGroups(q)) {
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
    const q = await rewrite(query);
    const terms = [];
    let length = 0;
    for (const [start, run] of runs(q)) {
      length += run.length;
      if (!isCjk(run) || run.length === 1) {
        terms.push({ term: run, start, end: start + run.length });
      } else {
        const subs = [...substrings(run)];
        const found = await Promise.all(subs.map(([, sub]) => entry("t", sub)));
        subs.forEach(([off, sub], k) => {
          if (found[k]) terms.push({ term: sub, start: start + off, end: start + off + sub.length });
        });
      }
    }
    return { query: q, terms, length };
  }

  const idf = (df, n) => Math.log(1 + (n - df + 0.5) / (df + 0.5));

  /* Postings: varint.py's decoding of indexing.encode's string */
  const DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const DIGIT = new Int8Array(128);
  for (let v = 0; v < DIGITS.length; v++) DIGIT[DIGITS.charCodeAt(v)] = v;
  function numbers(code) {
    const out = [];
    let n = 0;
    for (let k = 0; k < code.length; k++) {
      const v = DIGIT[code.charCodeAt(k)];
      n = n * 32 + (v & 31);
      if (v < 32) {
        out.push(n);
        n = 0;
      }
    }
    return out;
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
  function rank(terms, postings, length, manifest, minCoverage) {
    const { metaWeight, scale } = manifest.ranking;
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
      const triples = numbers(found[2]);
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
        out.push([p, i, Math.round((a.score + m.score) * coverage * 1e6) / 1e6]);
    }
    return out.sort((x, y) => y[2] - x[2] || x[0] - y[0] || x[1] - y[1]);
  }

  async function search(query) {
    const manifest = await load("manifest.json");
    const p = await plan(query);
    const postings = new Map();
    await Promise.all(p.terms.map(async (t) => {
      const kind = t.term.length === 1 && isCjk(t.term) ? "u" : "t";
      const found = await entry(kind, t.term);
      if (found) postings.set(t.term, found);
    }));
    let partial = false, hits = rank(p.terms, postings, p.length, manifest, manifest.ranking.minCoverage);
    if (!hits.length) {
      partial = true;
      hits = rank(p.terms, postings, p.length, manifest, manifest.ranking.partialCoverage);
    }
    return { plan: p, hits, partial };
  }

  /* Highlighting: every occurrence of a matched term, merged into runs */
  function marks(text, terms) {
    const lower = text.toLowerCase();
    const hay = lower.length === text.length ? lower : text;
    const on = new Uint8Array(text.length);
    for (const term of terms) {
      for (let at = hay.indexOf(term); at >= 0; at = hay.indexOf(term, at + 1))
        on.fill(1, at, at + term.length);
    }
    const spans = [];
    for (let i = 0; i < on.length; i++) {
      if (on[i] && (i === 0 || !on[i - 1])) spans.push([i, i + 1]);
      else if (on[i]) spans[spans.length - 1][1] = i + 1;
    }
    return spans;
  }

  function marked(el, text, spans, from = 0, to = text.length) {
    let pos = from;
    for (const [s, e] of spans) {
      if (e <= from || s >= to) continue;
      const a = Math.max(s, from), b = Math.min(e, to);
      el.append(text.slice(pos, a));
      const mark = document.createElement("mark");
      mark.textContent = text.slice(a, b);
      el.append(mark);
      pos = b;
    }
    el.append(text.slice(pos, to));
    return el;
  }

  function snippet(text, spans) {
    const p = document.createElement("p");
    if (text.length <= SNIPPET) return marked(p, text, spans);
    const first = spans.length ? spans[0][0] : 0;
    const from = Math.max(0, Math.min(first - 20, text.length - SNIPPET));
    const to = Math.min(text.length, from + SNIPPET);
    if (from > 0) p.append("…");
    marked(p, text, spans, from, to);
    if (to < text.length) p.append("…");
    return p;
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  /* One result: a link to the item, its label, headline and snippet */
  function renderItem(frag, item, score, terms) {
    const [id, label, head, body] = item;
    const headSpans = marks(head, terms), bodySpans = marks(body, terms);
    const words = new Set([...headSpans.map(([s, e]) => head.slice(s, e)),
                           ...bodySpans.map(([s, e]) => body.slice(s, e))]);
    const url = new URL(frag.u, base);
    if (words.size) url.searchParams.set("h", [...words].join(" "));
    url.hash = id;
    const a = el("a", "md-search-result__link");
    a.href = url.href;
    a.tabIndex = -1;
    const article = el("article", "md-search-result__article md-typeset");
    article.dataset.mdScore = score.toFixed(2);
    const h2 = el("h2");
    h2.append(el("span", "cppcc-search-label", label));
    if (head) marked(h2, head, headSpans).insertBefore(document.createTextNode(" · "),
                                                        h2.childNodes[1]);
    article.append(h2);
    if (body) article.append(snippet(body, bodySpans));
    a.append(article);
    return a;
  }

  function renderGroup(frag, hits, terms, rankOf) {
    const li = el("li", "md-search-result__item");
    const header = el("div", "md-search-result__article md-typeset cppcc-search-group");
    header.append(el("div", "md-search-result__icon md-icon"), el("h1", null, frag.t),
                  el("p", "cppcc-search-speaker", frag.s));
    li.append(header);
    const links = hits.map(([, i]) => renderItem(frag, frag.i[i], rankOf(i), terms));
    li.append(...links.slice(0, SHOWN_ITEMS));
    if (links.length > SHOWN_ITEMS) {
      const more = el("details", "md-search-result__more");
      const summary = el("summary");
      summary.tabIndex = -1;
      const n = links.length - SHOWN_ITEMS;
      summary.append(el("div", null, translate(n === 1 ? "search.result.more.one"
                                                     : "search.result.more.other", n)));
      more.append(summary, ...links.slice(SHOWN_ITEMS));
      li.append(more);
    }
    return li;
  }

  function suggestionLink(text) {
    const url = new URL(location.href);
    url.search = "";
    url.hash = "";
    url.searchParams.set("q", text);
    const a = el("a", "md-tag cppcc-search-suggestion", text);
    a.href = url.href;
    return a;
  }

  async function renderEmpty(query, q, manifest) {
    const parts = runs(q).map(([, run]) => run);
    const alone = [];
    if (parts.length > 1) {
      for (const part of parts) if ((await search(part)).hits.length) alone.push(part);
    }
    const li = el("li", "md-search-result__item cppcc-search-empty");
    const article = el("div", "md-search-result__article md-typeset");
    const p = el("p", null, `没有找到与“${query.trim()}”相关的建议。`);
    const tips = el("p", null, alone.length ? "试试只搜:" : "试试这些主题:");
    for (const s of alone.length ? alone : manifest.suggest) tips.append(suggestionLink(s), " ");
    article.append(p, tips);
    li.append(article);
    return li;
  }

  /* Drawing: the latest query wins. A common query matches thousands of proposals, each a fetch:
   * draw a page of groups, and the next only when the reader reaches the end of the list, by
   * scrolling (the sentinel comes into view) or with its button (for readers who do not scroll). */
  let latest = 0;
  let pager = null;  // the observer of the current list's sentinel
  const scroller = result.closest(".md-search__scrollwrap");
  const STOPS = ":not(details) > [href], summary, details[open] [href]";  // Material's arrow stops

  function paging(rest, draw, ticket) {
    const li = el("li", "cppcc-search-more");
    const button = el("button", "cppcc-search-more__button");
    button.type = "button";
    li.append(button);
    const label = () => { button.textContent = `显示更多结果(还有 ${rest.length} 条建议)`; };
    label();
    let busy = false;
    const next = async () => {
      if (busy || ticket !== latest) return;  // one page at a time; nothing for an old query
      busy = true;
      const groups = await draw(rest.splice(0, PAGE_GROUPS));
      busy = false;
      if (ticket !== latest) return;
      li.before(...groups);
      if (document.activeElement === button) groups[0].querySelector("[href]").focus();
      if (!rest.length) {
        observer.disconnect();
        li.remove();
        return;
      }
      label();
      // The sentinel may still be in view (a tall screen): observing it again reports it anew
      observer.unobserve(li);
      observer.observe(li);
    };
    const more = () => next().catch(fail);
    // A reader moving over the results with the keys reads in order: the list grows under them
    // only by the button, which takes them on to the first result of the new page
    const observer = new IntersectionObserver((entries) => {
      if (entries[entries.length - 1].isIntersecting && !list.contains(document.activeElement))
        more();
    }, { root: scroller });
    observer.observe(li);
    button.addEventListener("click", more);
    // Material sends every other key to the search box, Space too: let Space press the button
    button.addEventListener("keydown", (e) => { if (e.key === " ") e.stopPropagation(); });
    pager = observer;
    return li;
  }

  // Material's arrow keys move over links and summaries only: from the last, on to the button
  list.addEventListener("keydown", (e) => {
    const button = list.querySelector(".cppcc-search-more__button");
    const stops = result.querySelectorAll(STOPS);
    if (e.key !== "ArrowDown" || !button || e.target !== stops[stops.length - 1]) return;
    e.preventDefault();
    e.stopPropagation();
    button.focus();
  });

  async function run() {
    const ticket = ++latest;
    if (pager) pager.disconnect();
    pager = null;
    const query = input.value;
    if (!query.trim()) {
      list.replaceChildren();
      meta.textContent = translate("search.result.placeholder");
      return;
    }
    const manifest = await load("manifest.json");
    const { plan: p, hits, partial } = await search(query);
    if (ticket !== latest) return;
    const groups = new Map();
    for (const hit of hits) (groups.get(hit[0]) || groups.set(hit[0], []).get(hit[0])).push(hit);
    const order = [...groups.keys()];
    const terms = [...new Set(p.terms.filter((t) => t.term.length > 1 || p.length === 1)
                                     .map((t) => t.term))];
    const rankOf = new Map(hits.map(([pr, i], k) => [`${pr}:${i}`, hits.length - k]));
    const draw = async (slice) => {
      const frags = await Promise.all(slice.map((pr) => load(`p/${pr}.json`)));
      return slice.map((pr, k) =>
        renderGroup(frags[k], groups.get(pr), terms, (i) => rankOf.get(`${pr}:${i}`)));
    };
    const first = await draw(order.slice(0, PAGE_GROUPS));
    if (ticket !== latest) return;
    const scrolled = scroller && scroller.scrollTop;  // read before the writes below: no layout
    meta.textContent = hits.length === 0 ? translate("search.result.none")
      : hits.length === 1 ? translate("search.result.one")
      : translate("search.result.other", hits.length);
    if (partial && hits.length) meta.textContent = `没有完全匹配的结果,以下 ${hits.length} 条部分匹配`;
    list.replaceChildren(...first);
    if (scrolled) scroller.scrollTop = 0;  // a new list starts at its top, not at its sentinel
    if (!hits.length) list.replaceChildren(await renderEmpty(query, p.query, manifest));
    if (order.length > PAGE_GROUPS) list.append(paging(order.slice(PAGE_GROUPS), draw, ticket));
    result.dispatchEvent(new CustomEvent("cppcc:search-drawn", { bubbles: true }));
  }

  function fail(error) {
    meta.textContent = "搜索暂不可用";
    console.error(error);
  }

  function schedule() {
    run().catch(fail);
  }

  input.addEventListener("input", schedule);
  input.addEventListener("focus", () => { load("manifest.json"); load("t2s.json"); }, { once: true });
  if (input.form) input.form.addEventListener("reset", () => setTimeout(schedule));
  const q = new URLSearchParams(location.search).get("q");
  if (q && !input.value) input.value = q;
  if (input.value) schedule();

  window.cppccSearch = { search, plan };
})();
