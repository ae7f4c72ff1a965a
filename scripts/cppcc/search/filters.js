/*
 * The filters of the search dialog: facets with counts (facets.js), between Material's result
 * count and the results, and in the page's URL.
 *
 * A "筛选" toggle (a <summary>, so that Material's arrow keys stop on it, as on its own "more"
 * rows) opens one group per facet; each value is a link with the checkbox role, whose address is
 * the search with that value chosen or not: Enter, Space or a click chooses it here. Several
 * values of a facet are any of them, several facets all of them. The counts are those of the
 * results the value would give (facets.js); when a value is chosen, the total is said in a live
 * region. The URL holds the filters as `?q=<query>&<facet>=<value>` (a facet repeated for several
 * values, the values as the pages show them), so that it can be shared; an address with filters
 * opens the dialog, and without a query lists the chosen proposals, newest meeting first.
 *
 * search.js calls `attach` once (with its own helpers: `load`, `renderGroup`, `el`) and then,
 * for every query, `search(query)`: the engine's results or, with filters, those that pass (and,
 * for a browse, the order and a `draw` of its groups).
 * The counts are computed only while the toggle is open or a value is chosen, by facets.js,
 * itself loaded then (the page's config names it): a reader who never filters fetches nothing
 * for them. Text from the index goes in by textContent.
 */
(() => {
  "use strict";

  const SHOWN = 8;  // values of a facet shown before its "显示全部"

  /* facets.js (at `src`), loaded once, when first needed */
  let loaded = null;
  const facetsScript = (src) => loaded || (loaded = new Promise((resolve, reject) => {
    if (globalThis.cppccSearchFacets) {
      resolve();
      return;
    }
    const script = document.createElement("script");
    script.src = src;
    script.addEventListener("load", resolve);
    script.addEventListener("error", () => reject(new Error(`search: ${src} did not load`)));
    document.head.append(script);
  }));

  function attach({ engine, load, config, result, input, renderGroup, el, rerun }) {
    let created = null;
    const facets = () => created || (created = facetsScript(
      new URL(config.cppcc.facets, location.href).href).then(() =>
      globalThis.cppccSearchFacets.create(load, engine)));
    const panel = el("details", "cppcc-filters");
    const summary = el("summary", "cppcc-filters__toggle");
    const body = el("div", "cppcc-filters__body");
    const status = el("p", "cppcc-visually-hidden");
    status.setAttribute("role", "status");
    panel.append(summary, body);
    panel.hidden = true;
    result.querySelector(".md-search-result__list").before(panel, status);

    let chosen = {};  // facet -> value ids
    const names = new Map();  // facet -> Map(id -> [value, label])
    const all = new Set();  // facets whose every value is shown
    // The facets' names and labels come with the page (plugin.with_our_search): an address
    // without filters fetches nothing before its first query
    const order = (config.cppcc.filters || []).map(([f]) => f);
    const labelOf = new Map(config.cppcc.filters || []);
    let ticket = 0, said = null, query = "";
    let wrote = false;  // whether the address is ours
    let unfiltered = null;  // the last query's results, before the filters
    let counted = -1;  // the ticket of the query whose counts are drawn (or being counted)
    const toggle = document.getElementById("__search");  // Material's: the dialog is open

    const active = () => Object.keys(chosen).length > 0;
    const known = (f) => names.get(f) || names.set(f, new Map()).get(f);
    async function learn(f, ids) {
      const missing = ids.filter((v) => !known(f).has(v));
      if (!missing.length) return;
      for (const [v, l] of await (await facets()).labels(f, missing)) known(f).set(v, l);
    }

    const params = new URLSearchParams(location.search);
    const ready = !order.some((f) => params.has(f)) ? Promise.resolve() : (async () => {
      chosen = await (await facets()).selection(params);
      for (const [f, ids] of Object.entries(chosen)) await learn(f, ids);
      if (!active()) return;
      if (toggle && !toggle.checked) toggle.click();  // as Material opens a ?q= address
      if (!input.value && params.get("q")) input.value = params.get("q");
      input.focus();
      rerun();
    })();
    ready.catch((error) => console.error(error));

    /* The search's address with `selection` (the values as the pages show them) */
    function address(selection, q) {
      const url = new URL(location.href);
      url.hash = "";
      for (const f of ["q", ...order]) url.searchParams.delete(f);
      if (q.trim()) url.searchParams.set("q", q);
      for (const f of order) {
        for (const v of selection[f] || []) url.searchParams.append(f, known(f).get(v)[0]);
      }
      return url;
    }

    function toggled(f, v) {
      const ids = new Set(chosen[f] || []);
      if (ids.has(v)) ids.delete(v); else ids.add(v);
      const out = { ...chosen, [f]: [...ids].sort((a, b) => a - b) };
      if (!ids.size) delete out[f];
      return out;
    }

    function choose(selection) {
      chosen = selection;
      said = "choice";
      rerun();
    }

    panel.addEventListener("click", (e) => {
      const a = e.target.closest("a[data-facet]");
      if (!a) return;
      e.preventDefault();
      e.stopPropagation();  // Material closes the dialog when one of its links is clicked
      const f = a.dataset.facet;
      if (a.dataset.action === "all") {
        all.add(f);
        rerun();
      } else if (a.dataset.action === "clear") {
        choose({});
      } else {
        choose(toggled(f, Number(a.dataset.value)));
      }
    });
    // Material sends every other key to the search box, Space too: here Space chooses a value
    // and opens or closes the toggle
    panel.addEventListener("keydown", (e) => {
      if (e.key !== " ") return;
      e.stopPropagation();
      const a = e.target.closest("a[data-facet]");
      if (a) {
        e.preventDefault();
        a.click();
      }
    });
    if (toggle) {
      toggle.addEventListener("change", () => {  // closed: the page's own address again
        if (toggle.checked || !wrote) return;
        wrote = false;
        history.replaceState(history.state, "", address({}, ""));
      });
    }

    /* The toggle, naming the values chosen */
    function summarize() {
      const picked = order.flatMap((f) => (chosen[f] || []).map((v) => known(f).get(v)[1]));
      summary.textContent = picked.length ? `筛选：${picked.join("、")}` : "筛选";
      panel.hidden = false;
      return picked;
    }

    function count(mine) {
      if (!unfiltered || counted === mine) return;
      counted = mine;
      facets().then((f) => f.filter(unfiltered, chosen)).then((found) => draw(found, mine))
        .catch(console.error);
    }
    panel.addEventListener("toggle", () => { if (panel.open) count(ticket); });

    /* The facets' groups for `found` (facets.js's counts) */
    async function draw(found, mine) {
      counted = mine;
      const { m } = await (await facets()).open();
      const groups = [];
      for (const f of order) {
        const counts = found.counts[f] || {};
        const ids = Object.keys(counts).map(Number);
        for (const v of chosen[f] || []) if (!(v in counts)) ids.push(v);
        const byCount = m.stored.includes(f);
        ids.sort((a, b) => (byCount ? (counts[b] || 0) - (counts[a] || 0) : 0) || a - b);
        const shown = all.has(f) ? ids : ids.slice(0, SHOWN);
        for (const v of chosen[f] || []) if (!shown.includes(v)) shown.push(v);
        groups.push([f, ids.length, shown, counts]);
      }
      await Promise.all(groups.map(([f, , shown]) => learn(f, shown)));
      if (mine !== ticket) return;
      const focused = body.contains(document.activeElement) ? document.activeElement.dataset : null;
      const url = address(chosen, query);
      const parts = [];
      for (const [f, size, shown, counts] of groups) {
        if (!size) continue;
        const set = el("fieldset", "cppcc-filters__facet");
        set.append(el("legend", null, labelOf.get(f)));
        const ul = el("ul", "cppcc-filters__values");
        for (const v of shown) {
          const on = (chosen[f] || []).includes(v);
          const a = el("a", "cppcc-filters__value");
          a.href = address(toggled(f, v), query).href;
          a.setAttribute("role", "checkbox");
          a.setAttribute("aria-checked", String(on));
          a.dataset.facet = f;
          a.dataset.value = String(v);
          a.append(el("span", null, known(f).get(v)[1]), " ",
                   el("span", "cppcc-filters__count", String(counts[v] || 0)),
                   el("span", "cppcc-visually-hidden", " 条结果"));
          const li = el("li");
          li.append(a);
          ul.append(li);
        }
        if (shown.length < size) {
          const more = el("a", "cppcc-filters__all", `显示全部 ${size} 项`);
          more.href = url.href;
          more.setAttribute("role", "button");
          more.dataset.facet = f;
          more.dataset.action = "all";
          const li = el("li");
          li.append(more);
          ul.append(li);
        }
        set.append(ul);
        parts.push(set);
      }
      if (active()) {
        const clear = el("a", "cppcc-filters__clear", "清除筛选");
        clear.href = address({}, query).href;
        clear.setAttribute("role", "button");
        clear.dataset.facet = "";
        clear.dataset.action = "clear";
        parts.push(clear);
      }
      if (mine !== ticket) return;
      const picked = summarize();
      body.replaceChildren(...parts);
      panel.dataset.query = query;
      if (focused) {
        const selector = focused.action
          ? `[data-action="${focused.action}"][data-facet="${focused.facet}"]`
          : `[data-facet="${focused.facet}"][data-value="${focused.value}"]`;
        (body.querySelector(selector) || summary).focus();
      }
      const params = new URLSearchParams(location.search);
      if (active() || order.some((f) => params.has(f))) {
        history.replaceState(history.state, "", url);
        wrote = true;
      }
      if (said) {
        status.textContent = `${picked.length ? `已筛选：${picked.join("、")}` : "已清除筛选"}，` +
          `找到 ${found.count} 条结果`;
        said = null;
      }
      result.dispatchEvent(new CustomEvent("cppcc:filters-drawn", { bubbles: true }));
    }

    /* A browse: its groups drawn a page at a time, as search.js draws a query's */
    function browsing(found) {
      const positions = [...Array(found.proposals).keys()];
      const draw = async (slice) => {
        const taken = await found.take(slice.length);
        const frags = await Promise.all(taken.map(([p]) => load(`p/${p}.json`)));
        return taken.map(([p, items], k) => renderGroup(frags[k], items.map((i) => [p, i]), [],
                                                        () => found.proposals - slice[k]));
      };
      return { plan: { query: "", terms: [], length: 0 }, hits: [], partial: false,
               count: found.count, order: positions, draw, filtered: true };
    }

    /* `options`: the engine's (search.js's `literal`) */
    async function search(q, options) {
      await ready;
      const mine = ++ticket;
      query = q;
      unfiltered = null;
      summarize();
      if (!q.trim()) {
        const found = await (await facets()).browse(chosen);
        draw(found, mine).catch(console.error);  // the results do not wait for the labels
        return browsing(found);
      }
      const found = await engine.search(q, options);
      unfiltered = found;
      if (!active()) {  // the results do not wait for their counts, if anyone looks at them
        if (panel.open) count(mine);
        return found;
      }
      const passed = await (await facets()).filter(found, chosen);
      draw(passed, mine).catch(console.error);
      return { ...found, hits: passed.hits, filtered: true };
    }

    /* No query and no filter: nothing to show */
    function clear() {
      ticket++;
      if (panel.contains(document.activeElement)) input.focus();
      panel.hidden = true;
      if (said) status.textContent = "已清除筛选";
      said = null;
      if (wrote) {
        wrote = false;
        history.replaceState(history.state, "", address({}, ""));
      }
    }

    return { search, clear, active };
  }

  globalThis.cppccSearchFilters = { attach };
})();
