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

// Disaster mode stays readable offline: these pages are fetched from the network first and
// the last good copy is kept for when the network is gone.
var OFFLINE_CACHE = "civicportal-offline-v1";
var OFFLINE_PAGES = ["/disaster", "/map/shelters/"];

self.addEventListener("install", function (event) {
  self.skipWaiting();
  event.waitUntil(caches.open(OFFLINE_CACHE).then(function (cache) {
    return cache.addAll(OFFLINE_PAGES).catch(function () { return undefined; });
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("civicportal-offline-") === 0 && name !== OFFLINE_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || OFFLINE_PAGES.indexOf(url.pathname) === -1) { return; }
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(OFFLINE_CACHE).then(function (cache) { cache.put(url.pathname, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(url.pathname).then(function (cached) { return cached || Response.error(); });
  }));
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
