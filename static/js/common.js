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

  /* fetch JSON from the API; rejects with {status, code, message}. */
  K.api = function (method, path, body) {
    var opts = { method: method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (body !== undefined) {
      opts.headers["Content-Type"] = "application/json";
      opts.body = JSON.stringify(body);
    }
    if (method !== "GET") opts.headers["X-CSRFToken"] = K.csrfToken();
    return fetch("/api/v1" + path, opts).then(function (resp) {
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

  K.showError = function (node, err) {
    if (!node) return;
    node.textContent = err ? (err.message || String(err)) : "";
  };
})();
