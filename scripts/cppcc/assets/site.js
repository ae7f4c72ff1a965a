/* Citing: copy an item's permanent link; highlight the item a link points to; print; share a
   search. */
(function () {
  "use strict";

  function permalink(id) {
    var url = new URL(window.location.href);
    url.search = "";
    url.hash = id;
    return url.href;
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy refused")); }
    });
  }

  // The status region exists before anything is said in it, so screen readers pick it up.
  function liveRegion() {
    var region = document.getElementById("cppcc-live");
    if (!region) {
      region = document.createElement("div");
      region.id = "cppcc-live";
      region.className = "cppcc-visually-hidden";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    return region;
  }

  function announce(text) {
    liveRegion().textContent = text;
  }

  function copyLink(button) {
    var url = permalink(button.getAttribute("data-cppcc-copy"));
    var label = button.textContent;
    copyText(url).then(function () {
      button.textContent = "已复制";
      button.setAttribute("data-cppcc-copied", url);
      announce("已复制链接：" + url);
    }, function () {
      button.textContent = "复制失败";
      announce("无法复制，请手动复制链接：" + url);
    }).then(function () {
      button.classList.add("cppcc-done");
      window.setTimeout(function () {
        button.textContent = label;
        button.classList.remove("cppcc-done");
      }, 2000);
    });
  }

  document.addEventListener("click", function (event) {
    if (!event.target.closest) { return; }
    var copy = event.target.closest("[data-cppcc-copy]");
    if (copy) { copyLink(copy); }
    if (event.target.closest("[data-cppcc-print]")) { window.print(); }
  });

  // Material's "share" button copies the address its previous query had (it stores the old
  // href before setting the new one, and learns the query only on keyup): before its copier
  // reads the button (a click listener on the body), give it the address of the query now in
  // the box, as Material spells one: this page, `?q=` with spaces as `+`.
  function searchAddress(query) {
    var url = new URL(window.location.href);
    url.hash = "";
    url.search = "q=" + query.replace(/\s+/g, "+").replace(/&/g, "%26").replace(/=/g, "%3D");
    return url.href;
  }

  document.addEventListener("click", function (event) {
    var share = event.target.closest ? event.target.closest("[data-md-component=search-share]") : null;
    var input = document.querySelector("[data-md-component=search-query]");
    if (!share || !input) { return; }
    share.href = searchAddress(input.value);
    share.setAttribute("data-clipboard-text", share.href);
  }, true);

  // Each item's address, short (no scheme), for the printout to show after the item.
  function printAddresses() {
    var links = document.querySelectorAll(".cppcc-permalink");
    for (var i = 0; i < links.length; i++) {
      var url = permalink(fragment(links[i].getAttribute("href").slice(1)));
      links[i].setAttribute("data-cppcc-print", url.replace(/^[a-z]+:\/\//, ""));
    }
  }

  // Material's back-to-top pill (shown at the top while the reader scrolls up) steps aside
  // while it would cover the item a link pointed at.
  var pillPending = false;

  function pillAside() {
    pillPending = false;
    var pill = document.querySelector(".md-top");
    var target = document.querySelector(".cppcc-target");
    var covers = false;
    if (pill && target) {  // the pill's place without its slide-in transform (it is fixed)
      var top = pill.offsetTop, box = target.getBoundingClientRect();
      covers = top + pill.offsetHeight > box.top && top < box.bottom;
    }
    document.body.classList.toggle("cppcc-pill-aside", covers);
  }

  function schedulePillAside() {
    if (!pillPending) {
      pillPending = true;
      window.requestAnimationFrame(pillAside);
    }
  }

  // The id a fragment names; a malformed escape (`#%`, `#%E0%A4%A`) names the fragment as it is.
  function fragment(hash) {
    try {
      return decodeURIComponent(hash);
    } catch (error) {
      return hash;
    }
  }

  function highlightTarget() {
    var previous = document.querySelectorAll(".cppcc-target");
    for (var i = 0; i < previous.length; i++) { previous[i].classList.remove("cppcc-target"); }
    var id = fragment(window.location.hash.slice(1));
    if (!id) { return; }
    var target = document.getElementById(id);
    if (!target) { return; }
    var item = target.closest(".cppcc-item") || target;
    item.classList.add("cppcc-target");
    makeRoomBelow(item);
    item.scrollIntoView({ block: "start" });
    schedulePillAside();
  }

  // Room after the text for the window to bring an item near the page's end to its top, as it
  // does any other: there, and only there, Material's table of contents marks the item.
  function makeRoomBelow(item) {
    var room = document.getElementById("cppcc-room");
    var article = document.querySelector("article");
    if (!room && article) {
      room = document.createElement("div");
      room.id = "cppcc-room";
      room.setAttribute("aria-hidden", "true");
      article.appendChild(room);
    }
    if (!room) { return; }
    room.style.height = "0";
    var top = item.getBoundingClientRect().top + window.scrollY;
    var margin = parseFloat(window.getComputedStyle(item).scrollMarginTop) || 0;
    var below = document.documentElement.scrollHeight - top;
    room.style.height = Math.max(0, Math.ceil(window.innerHeight - margin - below) + 1) + "px";
  }

  function start() {
    liveRegion();
    printAddresses();
    highlightTarget();
  }

  window.addEventListener("hashchange", highlightTarget);
  window.addEventListener("scroll", schedulePillAside, { passive: true });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
