/* Material for MkDocs' inline script (templates/partials/javascripts/content.html), moved to a
   file for a strict Content-Security-Policy: a deep link to a content tab selects it. */
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
