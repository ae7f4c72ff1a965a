/*
 * Chinese search for the proposals, drawn in Material's own search dialog.
 *
 * Material keeps its search box, its keyboard handling (`/` focuses, arrows move, Enter opens the
 * link whose article has the highest data-md-score, Esc closes), its `?q=` deep link and its
 * `?h=` highlighting of the target page. Its worker is replaced by worker.js, which answers
 * SETUP with READY and never sends a RESULT, so Material never draws into the result list: this
 * script does, with Material's markup and classes, one <li> per proposal whose links are items.
 *
 * The engine is engine.js (loaded before this file): it follows scripts/cppcc/search/engine.py
 * step for step and takes the index format's constants from the manifest. This file fetches
 * the index's files, each when a query first needs it, and draws. Text from the index is put
 * into the page with textContent only. A query the engine converted (traditional characters,
 * pinyin, another name, a wrong character) gets one line saying what was searched, with a link
 * to the query searched as typed (`?q=…&literal=1`).
 */
(() => {
  "use strict";

  const configEl = document.getElementById("__config");
  const input = document.querySelector("[data-md-component=search-query]");
  const result = document.querySelector("[data-md-component=search-result]");
  if (!configEl || !input || !result) return;
  const config = JSON.parse(configEl.textContent);
  const base = new URL(config.base || ".", location.href);
  if (!config.cppcc) return;  // the plugin names the index (urls.SEARCH_INDEX) in the config
  const root = new URL(config.cppcc.index, location.href);
  const meta = result.querySelector(".md-search-result__meta");
  const dialog = input.closest("[role=dialog]");
  if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "搜索发言、建议、问题");
  const list = result.querySelector(".md-search-result__list");
  const searched = el("p", "cppcc-search-converted");  // what a converted query was searched as
  searched.hidden = true;
  meta.after(searched);

  const PAGE_GROUPS = 5;  // groups drawn at a time: each costs one fetch of p/<n>.json
  const SHOWN_ITEMS = 3;   // items of a group shown before "more"
  const SNIPPET = 110;     // characters of a snippet

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

  const engine = globalThis.cppccSearchEngine.create(load);
  const { search, plan } = engine;
  // The filters (filters.js, loaded before this file) answer a query in the engine's stead
  const filters = globalThis.cppccSearchFilters && globalThis.cppccSearchFilters.attach(
    { engine, load, config, result, input, renderGroup, el, rerun: schedule });

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
    const parts = (await engine.runs(q)).map(([, run]) => run);
    const alone = [];
    if (parts.length > 1) {
      for (const part of parts) if ((await search(part)).hits.length) alone.push(part);
    }
    const li = el("li", "md-search-result__item cppcc-search-empty");
    const article = el("div", "md-search-result__article md-typeset");
    const p = el("p", null, `没有找到与“${query.trim()}”相关的结果。`);
    const tips = el("p", null, alone.length ? "试试只搜：" : "试试这些主题：");
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
    const label = () => { button.textContent = `显示更多结果（还有 ${rest.length} 篇）`; };
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

  function literalLink(query) {
    const url = new URL(location.href);
    url.search = "";
    url.hash = "";
    url.searchParams.set("q", query);
    url.searchParams.set("literal", "1");
    const a = el("a", "cppcc-search-literal", `仍按“${query}”搜索`);
    a.href = url.href;
    return a;
  }

  function sayConverted(query, p) {
    searched.hidden = !p.converted;
    searched.replaceChildren();
    if (p.converted) searched.append(`已按“${p.shown.trim()}”搜索 · `, literalLink(query.trim()));
  }

  async function run() {
    const ticket = ++latest;
    if (pager) pager.disconnect();
    pager = null;
    const query = input.value;
    if (!query.trim() && !(filters && filters.active())) {
      list.replaceChildren();
      searched.hidden = true;
      meta.textContent = translate("search.result.placeholder");
      if (filters) filters.clear();
      return;
    }
    const manifest = await load("manifest.json");
    const options = { literal: query === literal };
    const found = filters ? await filters.search(query, options) : await search(query, options);
    const { plan: p, hits, partial } = found;
    const count = found.count === undefined ? hits.length : found.count;
    if (ticket !== latest) return;
    const groups = new Map();
    for (const hit of hits) (groups.get(hit[0]) || groups.set(hit[0], []).get(hit[0])).push(hit);
    const order = found.order || [...groups.keys()];
    const terms = [...new Set(p.terms.filter((t) => t.term.length > 1 || p.length === 1)
                                     .map((t) => t.term))];
    const rankOf = new Map(hits.map(([pr, i], k) => [`${pr}:${i}`, hits.length - k]));
    const draw = found.draw || (async (slice) => {
      const frags = await Promise.all(slice.map((pr) => load(`p/${pr}.json`)));
      return slice.map((pr, k) =>
        renderGroup(frags[k], groups.get(pr), terms, (i) => rankOf.get(`${pr}:${i}`)));
    });
    const first = await draw(order.slice(0, PAGE_GROUPS));
    if (ticket !== latest) return;
    const scrolled = scroller && scroller.scrollTop;  // read before the writes below: no layout
    meta.textContent = count === 0 ? translate("search.result.none")
      : count === 1 ? translate("search.result.one")
      : translate("search.result.other", count);
    if (partial && count) meta.textContent = `没有完全匹配的结果；以下 ${count} 条结果部分匹配`;
    sayConverted(query, p);
    list.replaceChildren(...first);
    if (scrolled) scroller.scrollTop = 0;  // a new list starts at its top, not at its sentinel
    if (!count && !found.filtered) list.replaceChildren(await renderEmpty(query, p.query, manifest));
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
  const params = new URLSearchParams(location.search);
  const q = params.get("q");
  // `literal=1`: the query of the URL is searched as typed, until the reader changes it
  const literal = params.get("literal") === "1" ? q : null;
  if (q && !input.value) input.value = q;
  if (input.value) schedule();

  window.cppccSearch = { search, plan };
})();
