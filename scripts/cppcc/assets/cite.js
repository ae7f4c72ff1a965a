/*
 * The 引用 buttons of a proposal's page: a dialog with the citation of the proposal or of one
 * item (GB/T 7714—2025), a button that copies it and says so, and the same citation as BibTeX,
 * RIS and CSL-JSON to download; and the citation line a printout shows under the title. The
 * access date is the reader's own, today. citation.js (loaded before) formats everything.
 */
(function () {
  "use strict";

  var dialog = null;
  var opener = null;
  var downloads = []; // the object URLs of the open dialog's files

  function facts() {
    var block = document.getElementById("cppcc-cite-data");
    return block ? JSON.parse(block.textContent) : null;
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }

  function cite(data, target) {
    return window.cppccCitation.cite(data, target, today(), window.location.href);
  }

  var DIALOG = [
    '<div class="cppcc-cite-body">',
    '<h2 id="cppcc-cite-heading" class="cppcc-cite-heading"></h2>',
    '<p class="cppcc-cite-format">GB/T 7714—2025 格式</p>',
    '<p class="cppcc-cite-text" id="cppcc-cite-text"></p>',
    '<p class="cppcc-cite-row"><button type="button" class="md-button md-button--primary ',
    'cppcc-cite-copy" autofocus>复制引文</button> <span class="cppcc-cite-status" ',
    'role="status"></span></p>',
    '<p class="cppcc-cite-hint">引用日期为今天（按您设备上的日期）。</p>',
    '<p class="cppcc-cite-files">下载：</p>',
    '<p class="cppcc-cite-row"><button type="button" class="md-button cppcc-cite-close">',
    '关闭</button></p>',
    "</div>"
  ].join("");

  function build() {
    dialog = document.createElement("dialog");
    dialog.id = "cppcc-cite-dialog";
    dialog.className = "cppcc-cite-dialog md-typeset";
    dialog.setAttribute("aria-labelledby", "cppcc-cite-heading");
    dialog.innerHTML = DIALOG;
    document.body.appendChild(dialog);
    dialog.querySelector(".cppcc-cite-close").addEventListener("click", function () {
      dialog.close();
    });
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) { dialog.close(); } // the backdrop
    });
    dialog.querySelector(".cppcc-cite-copy").addEventListener("click", copy);
    dialog.addEventListener("close", function () {
      downloads.forEach(function (url) { URL.revokeObjectURL(url); });
      downloads = [];
      if (opener) { opener.focus(); }
    });
  }

  function fileLink(file) {
    var url = URL.createObjectURL(new Blob([file.text], { type: file.type + ";charset=utf-8" }));
    downloads.push(url);
    var link = document.createElement("a");
    link.href = url;
    link.download = file.name;
    link.type = file.type;
    link.className = "cppcc-cite-file";
    link.textContent = file.label;
    return link;
  }

  function open(button) {
    var data = facts();
    if (!data) { return; }
    var target = button.getAttribute("data-cppcc-cite");
    var citation = cite(data, target);
    if (!dialog) { build(); }
    opener = button;
    dialog.setAttribute("data-cppcc-key", citation.key);
    dialog.querySelector(".cppcc-cite-heading").textContent =
      target ? "引用 · " + data.items[target] : "引用本篇";
    dialog.querySelector(".cppcc-cite-text").textContent = citation.gbt;
    dialog.querySelector(".cppcc-cite-status").textContent = "";
    var files = dialog.querySelector(".cppcc-cite-files");
    while (files.childNodes.length > 1) { files.removeChild(files.lastChild); }
    citation.files.forEach(function (file, i) {
      files.appendChild(document.createTextNode(i ? "、" : ""));
      files.appendChild(fileLink(file));
    });
    dialog.showModal();
  }

  // Copy the citation; where the clipboard cannot be written, select it for the reader to copy
  function copy() {
    var text = dialog.querySelector(".cppcc-cite-text");
    var status = dialog.querySelector(".cppcc-cite-status");
    var done = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(text.textContent)
      : Promise.reject(new Error("no clipboard"));
    done.then(function () {
      status.textContent = "已复制到剪贴板";
    }, function () {
      var range = document.createRange();
      range.selectNodeContents(text);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      status.textContent = document.execCommand("copy")
        ? "已复制到剪贴板" : "无法自动复制：引文已选中，请按 Ctrl+C 复制";
    });
  }

  // The citation line a printout shows under the title, dated the day it is printed
  function fillLine() {
    var data = facts();
    var line = document.querySelector(".cppcc-citation-text");
    if (data && line) { line.textContent = cite(data, "").gbt; }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-cppcc-cite]") : null;
    if (button) { open(button); }
  });
  window.addEventListener("beforeprint", fillLine);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fillLine);
  } else {
    fillLine();
  }
})();
