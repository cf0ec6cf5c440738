/* Krisrum offline support, on every page (crisis/web/offline.py explains the rules).
 *
 * - Registers the service worker (/sw.js) that keeps the app shell and the
 *   workspace pages a staff member opened.
 * - K.offline: what the device keeps in localStorage, per user and incident:
 *   the incident's last known state (never a confidential entry) and the log
 *   entries written while the server could not be reached (the queue).
 * - Logout (and "log out everywhere") first warns about entries not yet sent,
 *   then clears Cache Storage and Krisrum's localStorage; the server's answer
 *   carries Clear-Site-Data as well. */
(function () {
  "use strict";
  var K = window.Krisrum;
  var PREFIX = "krisrum:";
  var CACHE = "krisrum-offline-v1";  // the same name as in static/js/sw.js

  function read(key, fallback) {
    try { return K.parseJSON(window.localStorage.getItem(key), fallback); } catch (e) { return fallback; }
  }
  // Set once logout has cleared the device: until the page is gone, nothing is written again
  // (a state saved by a timer or a queue a failed send rewrites would outlive the logout).
  var cleared = false;
  function write(key, value) {
    if (cleared) return false;
    try { window.localStorage.setItem(key, JSON.stringify(value)); return true; } catch (e) { return false; }
  }

  function stateKey(user, incident) { return PREFIX + "state:" + user + ":" + incident; }
  function queueKey(user, incident) { return PREFIX + "queue:" + user + ":" + incident; }

  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var a = new Uint8Array(16);
    window.crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  K.offline = {
    newKey: newKey,
    /* The last known state of an incident, without confidential entries. */
    saveState: function (user, incident, state) {
      var safe = {};
      Object.keys(state).forEach(function (k) { safe[k] = state[k]; });
      safe.entries = (state.entries || []).filter(function (e) { return e.classification !== "confidential"; });
      safe.saved_at = state.saved_at || new Date().toISOString();
      return write(stateKey(user, incident), safe);
    },
    loadState: function (user, incident) { return read(stateKey(user, incident), null); },
    /* The entries written offline, oldest first: {key, body, written_at, state: "queued"|"failed", error}. */
    queue: function (user, incident) { return read(queueKey(user, incident), []); },
    setQueue: function (user, incident, items) {
      if (!items.length) { try { window.localStorage.removeItem(queueKey(user, incident)); } catch (e) { /* none */ } return true; }
      return write(queueKey(user, incident), items);
    },
    /* How many entries of any incident wait on this device. */
    unsentCount: function () {
      var n = 0;
      try {
        for (var i = 0; i < window.localStorage.length; i++) {
          var k = window.localStorage.key(i);
          if (k && k.indexOf(PREFIX + "queue:") === 0) n += read(k, []).length;
        }
      } catch (e) { return n; }
      return n;
    },
    /* Everything Krisrum kept on this device: Cache Storage and its localStorage keys. */
    clearAll: function () {
      cleared = true;
      try {
        var keys = [];
        for (var i = 0; i < window.localStorage.length; i++) {
          var k = window.localStorage.key(i);
          if (k && k.indexOf(PREFIX) === 0) keys.push(k);
        }
        keys.forEach(function (k) { window.localStorage.removeItem(k); });
      } catch (e) { /* storage unavailable: nothing kept */ }
      if (!window.caches) return Promise.resolve();
      return window.caches.keys().then(function (names) {
        return Promise.all(names.map(function (n) { return window.caches.delete(n); }));
      }).catch(function () { /* nothing to clear */ });
    },
    /* Keep this page and the files it loaded (the first visit, before the service worker controlled it). */
    keepPage: function () {
      if (!window.caches) return Promise.resolve(false);
      var files = [];
      Array.prototype.forEach.call(document.querySelectorAll("script[src], link[rel=stylesheet][href]"), function (n) {
        var u = new URL(n.src || n.href, window.location.href);
        if (u.origin === window.location.origin && u.pathname.indexOf("/static/") === 0) files.push(u.origin + u.pathname);
      });
      return window.caches.open(CACHE).then(function (c) {
        var page = window.location.origin + window.location.pathname;
        return window.fetch(page, { credentials: "same-origin", cache: "no-store" }).then(function (resp) {
          if (!resp.ok || resp.redirected || resp.headers.get("X-Krisrum-Offline") !== "keep") return false;
          return c.put(page, resp).then(function () {
            return Promise.all(files.map(function (f) {
              return c.match(f).then(function (hit) { return hit || c.add(f); }).catch(function () { /* next time */ });
            }));
          }).then(function () { return true; });
        });
      }).catch(function () { return false; });
    }
  };

  // Another user on this browser (the last one's session ended without a logout here): the pages
  // and states kept for that user go; entries they wrote and did not send stay (logout warns of them).
  (function () {
    var user = document.body.getAttribute("data-user");
    if (!user) return;
    var last = read(PREFIX + "user", null);
    if (last && last !== user) {
      try {
        var stale = [];
        for (var i = 0; i < window.localStorage.length; i++) {
          var k = window.localStorage.key(i);
          if (k && k.indexOf(PREFIX + "state:") === 0) stale.push(k);
        }
        stale.forEach(function (k) { window.localStorage.removeItem(k); });
      } catch (e) { /* nothing kept */ }
      if (window.caches) window.caches.delete(CACHE).catch(function () { /* none */ });
    }
    write(PREFIX + "user", user);
  })();

  if ("serviceWorker" in navigator && window.isSecureContext) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () { /* works without */ });
    });
  }

  // Logout: warn about entries not yet sent, then clear what the device kept.
  function isLogout(form) {
    var action = form.getAttribute("action") || "";
    return /\/logout$|\/account\/logout-everywhere$/.test(action);
  }
  // Capture phase: before the form's own handlers (e.g. "Logga ut överallt?" in admin.js).
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement) || !isLogout(form) || form.dataset.offlineChecked === "true") return;
    var unsent = K.offline.unsentCount();
    var ownConfirm = form.hasAttribute("data-confirm-title");
    // A form that asks its own question: the server's Clear-Site-Data empties the device if it goes ahead.
    if (!unsent && ownConfirm) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    var ask = unsent && K.confirmDialog ? K.confirmDialog({
      title: K.t.unsent_logout_title || "",
      text: K.fmt(K.t.unsent_logout_text || "{n}", { n: unsent }),
      confirmLabel: K.t.unsent_logout_confirm || "OK",
      danger: true
    }) : Promise.resolve(true);
    ask.then(function (answer) {
      if (!answer) return;
      return (ownConfirm ? Promise.resolve() : K.offline.clearAll()).then(function () {
        form.dataset.offlineChecked = "true";
        if (form.requestSubmit) form.requestSubmit(); else form.submit();
      });
    });
  }, true);
})();
