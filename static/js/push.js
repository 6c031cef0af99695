// Browser notifications (Web Push) for notifications/_push_controls.html.
// Progressive enhancement: without JavaScript or Push API support the page explains and works on.
(function () {
  "use strict";

  var box = document.querySelector("[data-push-controls]");
  if (!box) { return; }
  var statusLine = box.querySelector("[data-push-status]");
  var onWrap = box.querySelector("[data-push-on-wrap]");
  var offWrap = box.querySelector("[data-push-off-wrap]");
  var onButton = box.querySelector("[data-push-on]");
  var offButton = box.querySelector("[data-push-off]");
  var publicKey = null;

  box.querySelector("[data-push-nojs]").hidden = true;

  function say(name, detail) {
    statusLine.textContent = detail || box.getAttribute("data-text-" + name) || "";
  }

  function show(state) {
    // state: "on", "off" or "none" (no button: unsupported, denied, unavailable, working)
    onWrap.hidden = state !== "off";
    offWrap.hidden = state !== "on";
    if (state === "on" || state === "off") { say(state); }
  }

  function supported() {
    return "serviceWorker" in navigator && "PushManager" in window && "Notification" in window &&
      window.isSecureContext !== false;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw new Error(data.detail || response.statusText); }
        return data;
      });
    });
  }

  function keyBytes(base64url) {
    var padded = (base64url + "===".slice((base64url.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  function sameKey(subscription) {
    var current = subscription.options && subscription.options.applicationServerKey;
    if (!current) { return true; }  // older browsers do not say; the server will tell (403) if not
    var a = new Uint8Array(current), b = keyBytes(publicKey);
    if (a.length !== b.length) { return false; }
    for (var i = 0; i < a.length; i += 1) { if (a[i] !== b[i]) { return false; } }
    return true;
  }

  function askPermission() {
    // Safari before 15 only takes a callback.
    return new Promise(function (resolve) {
      var result = Notification.requestPermission(resolve);
      if (result && result.then) { result.then(resolve); }
    });
  }

  function withinSeconds(seconds, promise) {
    // A browser that cannot reach its push service may never answer: give the button back.
    return Promise.race([promise, new Promise(function (resolve, reject) {
      window.setTimeout(function () { reject(new Error("timeout")); }, seconds * 1000);
    })]);
  }

  function registration() {
    return navigator.serviceWorker.register(box.getAttribute("data-worker-url"), { scope: "/" })
      .then(function () { return navigator.serviceWorker.ready; });
  }

  function turnOn() {
    show("none");
    say("working");
    askPermission().then(function (permission) {
      if (permission !== "granted") {
        say(permission === "denied" ? "denied" : "off");
        show(permission === "denied" ? "none" : "off");
        return null;
      }
      return registration().then(function (reg) {
        return withinSeconds(20, reg.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: keyBytes(publicKey)
        }));
      }).then(function (subscription) {
        return post(box.getAttribute("data-subscribe-url"), subscription.toJSON());
      }).then(function () {
        show("on");
        offButton.focus();
      });
    }).catch(function (error) {
      show("off");
      say("failed", error && error.message ? box.getAttribute("data-text-failed") + " (" + error.message + ")" : "");
      onButton.focus();
    });
  }

  function turnOff() {
    show("none");
    say("working");
    registration().then(function (reg) {
      return reg.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) { return null; }
      return post(box.getAttribute("data-unsubscribe-url"), { endpoint: subscription.endpoint })
        .then(function () { return subscription.unsubscribe(); });
    }).then(function () {
      show("off");
      onButton.focus();
    }).catch(function () {
      show("on");
      say("failed");
    });
  }

  function start() {
    if (!supported()) { say("unsupported"); return; }
    fetch(box.getAttribute("data-key-url"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        publicKey = data.publicKey;
        if (!publicKey) { say("unavailable"); return null; }
        if (Notification.permission === "denied") { say("denied"); return null; }
        return registration().then(function (reg) { return reg.pushManager.getSubscription(); })
          .then(function (subscription) {
            if (!subscription) { show("off"); return null; }
            if (!sameKey(subscription)) {
              // The site's key changed: this subscription can no longer receive anything.
              return subscription.unsubscribe().then(function () { show("off"); });
            }
            // Tell the server again: it may have dropped the row, or the browser renewed it.
            return post(box.getAttribute("data-subscribe-url"), subscription.toJSON())
              .then(function () { show("on"); });
          });
      })
      .catch(function () { say("failed"); show("off"); });
  }

  onButton.addEventListener("click", turnOn);
  offButton.addEventListener("click", turnOff);
  start();
})();
