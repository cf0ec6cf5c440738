/* Krisrum service worker (served at /sw.js, scope "/"; crisis/web/offline.py).
 *
 * Keeps what a staff member needs through a network drop, nothing more:
 * - the app shell: /static/ files (CSS, JS, vendor libraries, images),
 *   network first, the kept copy when the server cannot be reached;
 * - the pages the server marked "X-Krisrum-Offline: keep" (an incident's
 *   workspace, for a user who writes the log; never an observer's page, the
 *   wall or another shared screen), network first, the kept copy offline.
 * The API is never cached here: the page keeps the incident's last known
 * state itself (static/js/offline.js), without confidential entries.
 * Logout clears everything (Clear-Site-Data, and the page's script). */
"use strict";

var CACHE = "krisrum-offline-v1";
var KEEP_HEADER = "X-Krisrum-Offline";

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("krisrum-offline-") === 0 && n !== CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function pageKey(url) {
  var u = new URL(url);
  return u.origin + u.pathname;
}

function offlinePage() {
  var html = "<!doctype html><html lang=\"sv\"><meta charset=\"utf-8\"><title>Krisrum</title>" +
    "<p lang=\"sv\">Ingen anslutning till Krisrum, och sidan finns inte sparad på den här enheten.</p>" +
    "<p lang=\"en\">No connection to Krisrum, and this page is not kept on this device.</p>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;

  if (req.mode === "navigate") {
    event.respondWith(fetch(req).then(function (resp) {
      if (resp.ok && !resp.redirected && resp.headers.get(KEEP_HEADER) === "keep") {
        var copy = resp.clone();
        caches.open(CACHE).then(function (c) { return c.put(pageKey(req.url), copy); });
      }
      return resp;
    }, function () {
      return caches.open(CACHE).then(function (c) { return c.match(pageKey(req.url)); })
        .then(function (hit) { return hit || offlinePage(); });
    }));
    return;
  }

  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(fetch(req).then(function (resp) {
      if (resp.ok) {
        var copy = resp.clone();
        caches.open(CACHE).then(function (c) { return c.put(url.origin + url.pathname, copy); });
      }
      return resp;
    }, function () {
      return caches.open(CACHE).then(function (c) { return c.match(url.origin + url.pathname); })
        .then(function (hit) { return hit || Response.error(); });
    }));
  }
});
