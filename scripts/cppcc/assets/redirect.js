/* An old address of a proposal: go to its new one, keeping the #fragment (an item's id). */
(function () {
  "use strict";
  var canonical = document.querySelector('link[rel="canonical"]');
  if (canonical) { window.location.replace(canonical.href + window.location.hash); }
})();
