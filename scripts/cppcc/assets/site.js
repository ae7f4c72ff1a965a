/* Citing: copy an item's permanent link; highlight the item a link points to. */
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

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-cppcc-copy]") : null;
    if (!button) { return; }
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
      window.setTimeout(function () { button.textContent = label; }, 2000);
    });
  });

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
    item.scrollIntoView({ block: "start" });
  }

  function start() {
    liveRegion();
    highlightTarget();
  }

  window.addEventListener("hashchange", highlightTarget);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
