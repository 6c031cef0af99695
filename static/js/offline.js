// Registers the site's service worker so /disaster and the shelter list stay readable
// offline. The pages work without it; this only adds the offline copy.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) { return; }
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(script.getAttribute("data-worker-url"), { scope: "/" }).catch(function () {
      return undefined;
    });
  });
}());
