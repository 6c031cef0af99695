// Live page of a safety check: an opt-in automatic refresh of the answers (the page works
// without it: the "Refresh" link reloads). Only the answers region is replaced; counts are
// announced politely to screen readers.
(function () {
  "use strict";
  var box = document.getElementById("auto-refresh");
  var label = document.getElementById("auto-refresh-label");
  var region = document.getElementById("live-region");
  if (!box || !label || !region || !window.fetch || !window.DOMParser) return;
  box.hidden = false;
  label.hidden = false;
  var timer = null;
  function refresh() {
    fetch(window.location.pathname, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("live-region");
        if (fresh) region.replaceWith(fresh), region = fresh;
      })
      .catch(function () { /* keep the last list; the Refresh link still works */ });
  }
  box.addEventListener("change", function () {
    if (timer) { clearInterval(timer); timer = null; }
    if (box.checked) { timer = setInterval(refresh, 30000); refresh(); }
  });
})();
