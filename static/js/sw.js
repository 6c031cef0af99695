// civicportal service worker: shows the city's browser notifications and opens them when tapped.
// Served from /notifications/sw.js with "Service-Worker-Allowed: /" so it may control the site.
"use strict";

var ICON = "/static/img/favicon.svg";

function safeUrl(value) {
  // Only web addresses: never javascript: or data: from a payload.
  try {
    var url = new URL(value, self.location.origin);
    if (url.protocol === "https:" || url.protocol === "http:") { return url.href; }
  } catch (error) { /* fall through */ }
  return new URL("/notifications/", self.location.origin).href;
}

self.addEventListener("install", function () {
  // A new version takes over at once: it holds no caches that could go stale.
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("push", function (event) {
  var data = {};
  if (event.data) {
    try { data = event.data.json(); } catch (error) { data = { body: event.data.text() }; }
  }
  var options = {
    body: data.body || "",
    icon: ICON,
    data: { url: safeUrl(data.url || "/notifications/") }
  };
  if (data.tag) {
    // The same message again (a retry, another channel's copy) replaces the earlier one.
    options.tag = data.tag;
  }
  event.waitUntil(self.registration.showNotification(data.title || "civicportal", options));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = safeUrl(event.notification.data && event.notification.data.url);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
      for (var i = 0; i < windows.length; i += 1) {
        if (windows[i].url === url && "focus" in windows[i]) { return windows[i].focus(); }
      }
      if (self.clients.openWindow) { return self.clients.openWindow(url); }
      return undefined;
    })
  );
});
