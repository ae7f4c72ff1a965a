/*
 * Citations of a proposal, or of one of its items, made from the facts its page carries
 * (#cppcc-cite-data, made by scripts/cppcc/citing.py): GB/T 7714—2025 for an online resource,
 * BibTeX (biblatex's @online), RIS and CSL-JSON. The site's one formatter: cite.js shows and
 * copies what it makes, tests/test_cite.py runs it under Node against the strings it must make.
 *
 * GB/T 7714—2025: 责任者. 题名[EB/OL]//来源. （发布日期）[引用日期]. 获取和访问路径.
 * with "." and "[ ]" half-width and the other marks full-width (the 2015 edition wrote the
 * parentheses half-width); the publication date is left out where the source gives none. The
 * standard names a person alone: the body they spoke for follows in full-width parentheses,
 * as it qualifies a corporate author's name.
 *
 * No DOM: cppccCitation.cite(data, itemId, accessed, pageHref), with itemId "" for the whole
 * proposal, accessed the reader's date (YYYY-MM-DD) and pageHref the page's address, whose
 * path is the proposal's URL where the build did not know the site's (data.url "").
 */
(() => {
  "use strict";

  const EOL = "\r\n"; // RIS lines end so (its specification); BibTeX and JSON do not mind

  // The proposal's address: the site's, where the build knew it, else the page's own
  function address(data, pageHref) {
    if (data.url) return data.url;
    const url = new URL(pageHref);
    url.search = "";
    url.hash = "";
    return url.href;
  }

  // Every text of a citation on one line: a field of RIS or BibTeX cannot break
  const line = (text) => String(text).replace(/[\r\n\u2028\u2029]+/g, " ");

  // What a citation of the proposal, or of its item `itemId`, says
  function facts(data, itemId, accessed, pageHref) {
    if (itemId && !Object.prototype.hasOwnProperty.call(data.items, itemId)) {
      throw new Error(`no item ${itemId} in ${data.key}`);
    }
    const label = itemId ? data.items[itemId] : "";
    return {
      key: itemId ? `${data.key}:${itemId}` : data.key,
      file: itemId ? `${data.key}-${itemId}` : data.key,
      title: line(itemId ? `${data.title}：${label}` : data.title),
      author: line(data.author),
      body: line(data.body),
      container: line(data.container),
      publisher: line(data.publisher),
      note: line(`${itemId ? `${data.reference} · ${label}` : data.reference}；${data.container}`
        + `；${data.body}${data.role}`),
      date: data.date || "",
      accessed,
      url: address(data, pageHref) + (itemId ? `#${itemId}` : ""),
    };
  }

  function gbt(f) {
    const published = f.date ? `（${f.date}）` : "";
    return `${f.author}（${f.body}）. ${f.title}[EB/OL]//${f.container}. `
      + `${published}[${f.accessed}]. ${f.url}.`;
  }

  const TEX = { "\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "%": "\\%", "&": "\\&",
    "#": "\\#", "$": "\\$", "_": "\\_", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}" };
  const tex = (text) => text.replace(/[\\{}%&#$_~^]/g, (c) => TEX[c]);

  function bibtex(f) {
    const fields = [
      ["author", `{${tex(f.author)}}`], // one name as written: BibTeX splits no Chinese name
      ["title", tex(f.title)],
      ["organization", tex(f.publisher)],
      ...(f.date ? [["date", f.date], ["year", f.date.slice(0, 4)]] : []),
      ["url", f.url.replace(/[{}\\]/g, encodeURIComponent)], // read verbatim: only braces matter
      ["urldate", f.accessed],
      ["langid", "chinese"],
      ["note", tex(f.note)],
    ];
    const body = fields.map(([name, value]) => `  ${name} = {${value}},`).join("\n");
    return `@online{${f.key},\n${body}\n}\n`;
  }

  const risDate = (iso) => iso.replace(/-/g, "/");

  function ris(f) {
    const tags = [
      ["TY", "ELEC"],
      ["AU", f.author],
      ["AD", f.body],
      ["TI", f.title],
      ["T2", f.container],
      ["PB", f.publisher],
      ...(f.date ? [["PY", f.date.slice(0, 4)], ["DA", risDate(f.date)]] : []),
      ["Y2", risDate(f.accessed)],
      ["UR", f.url],
      ["LA", "zh-CN"],
      ["N1", f.note],
      ["ER", ""],
    ];
    return tags.map(([tag, value]) => `${tag}  - ${value}`).join(EOL) + EOL;
  }

  const parts = (iso) => ({ "date-parts": [iso.split("-").map(Number)] });

  function csl(f) {
    const item = {
      id: f.key,
      type: "webpage",
      title: f.title,
      author: [{ literal: f.author }],
      "container-title": f.container,
      publisher: f.publisher,
      ...(f.date ? { issued: parts(f.date) } : {}),
      accessed: parts(f.accessed),
      URL: f.url,
      language: "zh-CN",
      note: f.note,
    };
    return JSON.stringify([item], null, 2) + "\n";
  }

  // The citation in every format, and the files to download
  function cite(data, itemId, accessed, pageHref) {
    const f = facts(data, itemId, accessed, pageHref);
    const formats = { gbt: gbt(f), bibtex: bibtex(f), ris: ris(f), csl: csl(f) };
    return {
      key: f.key,
      url: f.url,
      ...formats,
      files: [
        { label: "BibTeX", name: `${f.file}.bib`, type: "application/x-bibtex",
          text: formats.bibtex },
        { label: "RIS", name: `${f.file}.ris`, type: "application/x-research-info-systems",
          text: formats.ris },
        { label: "CSL-JSON", name: `${f.file}.csl.json`,
          type: "application/vnd.citationstyles.csl+json", text: formats.csl },
      ],
    };
  }

  globalThis.cppccCitation = { cite };
})();
