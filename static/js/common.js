/* Krisrum: shared browser helpers. No inline scripts anywhere (strict CSP):
 * page scripts read their data from data- attributes. All user text is put
 * into the page with textContent, never innerHTML. */
(function () {
  "use strict";
  var K = (window.Krisrum = window.Krisrum || {});

  K.t = (function () {
    var raw = document.body.getAttribute("data-i18n") || "{}";
    try { return JSON.parse(raw); } catch (e) { return {}; }
  })();

  K.fmt = function (template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (_m, k) {
      return values && values[k] !== undefined ? values[k] : "";
    });
  };

  K.csrfToken = function () {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  };

  /* A fresh CSRF token (the server restarted, or the session's token changed):
   * read from this page's HTML, fetched anew past every cache. */
  K.refreshCsrf = function () {
    return fetch(window.location.pathname, { credentials: "same-origin", cache: "no-store",
                                             headers: { Accept: "text/html" } }).then(function (resp) {
      if (!resp.ok || resp.redirected) throw new Error("no page");
      return resp.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var fresh = doc.querySelector('meta[name="csrf-token"]');
      var mine = document.querySelector('meta[name="csrf-token"]');
      if (!fresh || !mine) throw new Error("no token");
      mine.setAttribute("content", fresh.getAttribute("content"));
      return true;
    });
  };

  /* fetch JSON from the API; rejects with {status, code, message}.
   * opts.headers: further request headers (e.g. Idempotency-Key). A write
   * refused with csrf_failed is sent once more with a fresh token. */
  K.api = function (method, path, body, opts) {
    function send() {
      var init = { method: method, headers: { Accept: "application/json" }, credentials: "same-origin" };
      if (body !== undefined) {
        init.headers["Content-Type"] = "application/json";
        init.body = JSON.stringify(body);
      }
      if (method !== "GET") init.headers["X-CSRFToken"] = K.csrfToken();
      var extra = (opts && opts.headers) || {};
      Object.keys(extra).forEach(function (k) { init.headers[k] = extra[k]; });
      return fetch("/api/v1" + path, init).then(function (resp) {
        return resp.text().then(function (text) {
          var data = null;
          try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
          if (!resp.ok) {
            var err = (data && data.error) || { code: "http_" + resp.status,
              message: K.t.http_error ? K.fmt(K.t.http_error, { status: resp.status }) : resp.statusText };
            err.status = resp.status;
            throw err;
          }
          return data;
        });
      }, function () {
        throw { status: 0, code: "network", message: K.t.offline_since ? K.fmt(K.t.offline_since, { time: K.hhmm(new Date()) }) : "offline" };
      });
    }
    return send().catch(function (err) {
      if (method === "GET" || !err || err.code !== "csrf_failed") throw err;
      return K.refreshCsrf().then(send, function () { throw err; });
    });
  };

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  /* Times are shown in Europe/Stockholm, 24-hour. */
  var tzFormatter = null;
  try {
    tzFormatter = new Intl.DateTimeFormat("sv-SE", {
      timeZone: "Europe/Stockholm", year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hour12: false
    });
  } catch (e) { tzFormatter = null; }

  function parts(d) {
    if (!tzFormatter) {
      return { y: d.getFullYear(), mo: pad(d.getMonth() + 1), d: pad(d.getDate()), h: pad(d.getHours()), mi: pad(d.getMinutes()) };
    }
    var out = {};
    tzFormatter.formatToParts(d).forEach(function (p) { out[p.type] = p.value; });
    return { y: out.year, mo: out.month, d: out.day, h: out.hour === "24" ? "00" : out.hour, mi: out.minute };
  }

  K.hhmm = function (value) {
    var d = value instanceof Date ? value : new Date(value);
    var p = parts(d);
    return p.h + ":" + p.mi;
  };
  K.dateTime = function (value) {
    var d = value instanceof Date ? value : new Date(value);
    var p = parts(d);
    return p.y + "-" + p.mo + "-" + p.d + " " + p.h + ":" + p.mi;
  };

  /* Time input in Europe/Stockholm, whatever zone the browser is in.
   * K.stockholmISO("2026-11-27", "14:05") -> the UTC ISO string of that wall-clock time in Stockholm. */
  K.stockholmISO = function (date, time) {
    var d = String(date).match(/^(\d{4})-(\d{2})-(\d{2})$/), t = String(time).match(/^(\d{1,2}):(\d{2})/);
    if (!d || !t) return null;
    var asUtc = Date.UTC(+d[1], +d[2] - 1, +d[3], +t[1], +t[2]);
    var guess = asUtc;
    // Two rounds: the offset at the guessed instant, then at the corrected one (DST edges).
    for (var i = 0; i < 2; i++) {
      var p = parts(new Date(guess));
      var shownAsUtc = Date.UTC(+p.y, +p.mo - 1, +p.d, +p.h, +p.mi);
      guess = asUtc - (shownAsUtc - guess);
    }
    return new Date(guess).toISOString();
  };
  /* "YYYY-MM-DD" of an instant in Stockholm. */
  K.stockholmDate = function (value) {
    var p = parts(value instanceof Date ? value : new Date(value === undefined ? Date.now() : value));
    return p.y + "-" + p.mo + "-" + p.d;
  };
  /* A time of day typed as "HH:MM" (Stockholm) -> ISO: today, or yesterday when
   * that is later than now (entries are written after the fact). */
  K.timeOfDayISO = function (hhmm, now) {
    now = now || new Date();
    var iso = K.stockholmISO(K.stockholmDate(now), hhmm);
    if (!iso) return null;
    if (new Date(iso).getTime() > now.getTime() + 60000) {
      iso = K.stockholmISO(K.stockholmDate(new Date(now.getTime() - 24 * 3600 * 1000)), hhmm);
    }
    return iso;
  };

  /* A <input type="datetime-local"> value in Stockholm time, whatever zone the
   * browser is in: K.stockholmInput(iso) -> "YYYY-MM-DDTHH:MM" ("" for none);
   * K.fromStockholmInput("YYYY-MM-DDTHH:MM") -> UTC ISO (null when empty or unreadable). */
  K.stockholmInput = function (value) {
    if (!value) return "";
    var d = value instanceof Date ? value : new Date(value);
    if (isNaN(d.getTime())) return "";
    var p = parts(d);
    return p.y + "-" + p.mo + "-" + p.d + "T" + p.h + ":" + p.mi;
  };
  K.fromStockholmInput = function (value) {
    var m = String(value || "").match(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/);
    return m ? K.stockholmISO(m[1], m[2]) : null;
  };

  /* One page bootstrap: K.boot("workspace", function (root, cfg, t) {…}) runs only
   * when the page has that root element; cfg holds its data- attributes with
   * "true"/"false" as booleans and integers as numbers; t is the shared K.t
   * strings with the page's own data-strings (JSON) on top.
   * opts.json: names of further data- attributes (camelCase) that hold JSON;
   * cfg has them parsed ({} when missing or unreadable). */
  K.boot = function (id, init, opts) {
    var root = document.getElementById(id);
    if (!root) return null;
    var cfg = {};
    var json = (opts && opts.json) || [];
    Object.keys(root.dataset).forEach(function (k) {
      var v = root.dataset[k];
      if (json.indexOf(k) !== -1) return;
      if (v === "true") cfg[k] = true;
      else if (v === "false") cfg[k] = false;
      else if (/^-?\d{1,15}$/.test(v)) cfg[k] = parseInt(v, 10);
      else cfg[k] = v;
    });
    json.forEach(function (k) { cfg[k] = K.parseJSON(root.dataset[k], {}); });
    var t = {};
    Object.keys(K.t).forEach(function (k) { t[k] = K.t[k]; });
    var own = K.parseJSON(root.dataset.strings, {});
    Object.keys(own).forEach(function (k) { t[k] = own[k]; });
    return init(root, cfg, t);
  };

  /* JSON.parse that answers `fallback` for a missing or unreadable text. */
  K.parseJSON = function (text, fallback) {
    if (!text) return fallback;
    try { return JSON.parse(text); } catch (e) { return fallback; }
  };

  /* Element builder: el("li", {class: "x", text: userText}, [children]). */
  K.el = function (tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") node.textContent = v;
      else if (k === "class") node.className = v;
      else if (k.indexOf("on") === 0) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  };

  /* One log-entry renderer, the same on every page (workspace, wall, timeline,
   * map panel, reports): an <li class="entry"> with number, time, kind,
   * counterpart, classification, text (struck through when corrected),
   * decision (decided_by · mandate), author, and correction references.
   * opts: {correctedBy: number|null, actions: [nodes for the footer],
   *        maskConfidential: text shown instead of a confidential entry's
   *          content (its text, counterpart and decision); the marking stays,
   *        className: extra classes on the <li>, id: the <li>'s id
   *          (default "entry-N"; null for none)} */
  K.logEntry = function (e, opts) {
    opts = opts || {};
    var t = K.t || {};
    var struck = opts.correctedBy || e.corrected_by || null;
    var conf = e.classification === "confidential";
    var masked = conf && !!opts.maskConfidential;
    var meta = [
      K.el("span", { class: "entry-no", text: String(e.number) }),
      K.el("time", { class: "entry-time", datetime: e.occurred_at, text: K.hhmm(e.occurred_at),
                      title: K.dateTime(e.occurred_at) }),
      K.el("span", { class: "kind kind-" + e.kind, text: (t.kinds || {})[e.kind] || e.kind })
    ];
    if (e.counterpart && !masked) meta.push(K.el("span", { class: "counterpart", text: e.counterpart }));
    if (e.source === "paper") {
      // Written on paper during an outage and entered afterwards: the real time, then when it was entered.
      meta.push(K.el("span", { class: "paper-tag",
        text: K.fmt(t.from_paper || "{time}", { time: K.dateTime(e.occurred_at), recorded: K.dateTime(e.recorded_at) }) }));
    }
    if (conf) {
      meta.push(K.el("span", { class: "conf-tag",
        text: ((t.classifications || {}).confidential || "") + (e.confidentiality ? " " + e.confidentiality : "") +
              (e.osl_ground ? " · " + e.osl_ground : "") }));
    }
    var body = [K.el("div", { class: "entry-meta" }, meta),
                K.el(struck ? "del" : "p", { class: "entry-text" + (masked ? " entry-masked" : ""),
                                             text: masked ? opts.maskConfidential : e.text })];
    if (e.decided_by && !masked) body.push(K.el("p", { class: "entry-decision", text: e.decided_by + (e.mandate ? " · " + e.mandate : "") }));
    var footer = [];
    if (e.author) footer.push(K.el("span", { class: "author", text: e.author + (e.position_label ? " (" + e.position_label + ")" : "") }));
    if (e.corrects) footer.push(K.el("span", { class: "corr-ref", text: K.fmt(t.corrects, { n: e.corrects }) }));
    if (struck) footer.push(K.el("span", { class: "corr-ref", text: K.fmt(t.corrected_by, { n: struck }) }));
    body.push(K.el("div", { class: "entry-foot" }, footer.concat(opts.actions || [])));
    return K.el("li", { id: opts.id === undefined ? "entry-" + e.number : opts.id,
                        class: "entry" + (struck ? " struck" : "") + (e.kind === "system" ? " system" : "") +
                               (opts.className ? " " + opts.className : ""),
                        "data-number": e.number, "data-kind": e.kind }, body);
  };

  /* A site's map marker, the same on the map page and the wall: status by
   * colour AND shape AND symbol, a ring and "!" when at risk, "⚡" on backup
   * power (opts.backup). opts.className: extra classes. */
  K.SITE_SYMBOL = { operational: "✓", degraded: "–", down: "✕", unknown: "?" };
  K.siteMarker = function (p, opts) {
    opts = opts || {};
    var parts = [];
    if (p.at_risk) parts.push(K.el("span", { class: "ring" }));
    parts.push(K.el("span", { class: "shape" }));
    parts.push(K.el("span", { class: "symbol", text: K.SITE_SYMBOL[p.status] || "?" }));
    if (p.at_risk) parts.push(K.el("span", { class: "risk-badge", text: "!" }));
    if (opts.backup && p.on_backup_power) parts.push(K.el("span", { class: "backup-badge", text: "⚡" }));
    return K.el("span", {
      class: "site-marker status-" + p.status + (p.at_risk ? " at-risk" : "") + (opts.className ? " " + opts.className : ""),
      "data-site-key": p.key, "data-status": p.status, "data-at-risk": p.at_risk ? "true" : "false"
    }, parts);
  };

  // After a form's answer arrives: back to its first field, unless the user has gone on elsewhere
  // meanwhile (a live event can show the result before the answer): never pull focus away.
  K.refocus = function (form, field) {
    var active = document.activeElement;
    if (!active || active === document.body || form.contains(active)) field.focus();
  };

  K.showError = function (node, err) {
    if (!node) return;
    node.textContent = err ? (err.message || String(err)) : "";
  };
})();
