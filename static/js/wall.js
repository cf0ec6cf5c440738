/* The shared screen (storbild) of one incident, read from 5 metres.
 *
 * Loads the picture through the API, then stays live through Krisrum.live:
 * log.appended, task.*, staffing.changed, site.status, incident.updated,
 * report.issued, reminder.due. No scrolling and no clicks: each list shows as
 * many items as fit and says how many more there are. When the connection
 * drops, realtime.js shows "Ingen anslutning sedan HH:MM" (huge here, see
 * wall.css) and on reconnect replays every missed event in order; socket.io
 * keeps reconnecting by itself, also across a server restart. */
(function () {
  "use strict";
  var K = window.Krisrum;

  K.boot("wall", function (root, cfg, S) {
    var incidentId = cfg.incident;
    var base = "/incidents/" + incidentId;
    var OPEN = { todo: true, doing: true, blocked: true };
    var SYMBOL = K.SITE_SYMBOL;
    var MAX_LOG = 200;

    var $ = function (id) { return document.getElementById(id); };
    function t(key, values) { return K.fmt(S[key] || key, values || {}); }

    var state = {
      log: {},          // number -> entry
      correctedBy: {},  // number -> number of the correcting entry
      tasks: {},        // id -> task
      staffing: [],     // positions
      sites: {},        // id -> Feature
      requests: {},     // id -> resource request
      report: null,     // the latest issued report
      reminder: null
    };

    // ---- rendering helpers: fill a list with as many items as fit ----
    function fitList(container, nodes, moreText) {
      container.replaceChildren();
      if (!nodes.length) return 0;
      var shown = 0;
      for (var i = 0; i < nodes.length; i++) {
        container.appendChild(nodes[i]);
        if (container.scrollHeight > container.clientHeight + 1 && shown > 0) {
          container.removeChild(nodes[i]);
          break;
        }
        shown++;
      }
      var rest = nodes.length - shown;
      if (rest > 0 && moreText) {
        var more = K.el(container.tagName === "DIV" ? "p" : "li", { class: "wall-more", text: moreText(rest) });
        container.appendChild(more);
        // make room for the "+N" line
        while (container.scrollHeight > container.clientHeight + 1 && shown > 1) {
          container.removeChild(more.previousSibling);
          shown--;
          rest++;
          more.textContent = moreText(rest);
        }
      }
      return shown;
    }

    var pending = {};
    function schedule(name, fn) {
      if (pending[name]) return;
      pending[name] = true;
      window.requestAnimationFrame(function () { pending[name] = false; fn(); });
    }

    // ---- header: title, level, clock, latest report ----
    function setIncident(inc) {
      $("wall-incident-title").textContent = inc.title;
      var lvl = $("wall-level");
      lvl.textContent = (K.t.levels || {})[inc.level] || inc.level;
      lvl.className = "level-badge wall-level level-" + inc.level;
      $("wall-closed").hidden = inc.status !== "closed";
      $("wall-standing-down").hidden = inc.status !== "standing_down";
      var banner = $("wall-proposed-level");
      if (banner && !inc.proposed_level) banner.hidden = true;
    }

    var dateFmt = null;
    try {
      dateFmt = new Intl.DateTimeFormat(document.body.getAttribute("data-locale") === "en" ? "en-GB" : "sv-SE",
        { timeZone: "Europe/Stockholm", weekday: "short", day: "numeric", month: "short" });
    } catch (e) { dateFmt = null; }
    var lastMinute = null;
    function tick() {
      var now = new Date();
      var hhmm = K.hhmm(now);
      if (hhmm !== lastMinute) {
        lastMinute = hhmm;
        $("wall-clock").textContent = hhmm;
        $("wall-clock").setAttribute("datetime", now.toISOString());
        if (dateFmt) $("wall-date").textContent = dateFmt.format(now);
        renderReport();
        schedule("tasks", renderTasks);  // overdue is a matter of time
      }
    }

    function renderReport() {
      var node = $("wall-report");
      var r = state.report;
      if (!r) { node.textContent = S.report_none || ""; node.className = "wall-report"; return; }
      var status = (S.report_statuses || {})[r.status] || r.status;
      var text = t("report", { n: r.number, status: String(status).toLowerCase(), time: K.hhmm(r.approved_at || r.created_at) });
      var cls = "wall-report";
      if (r.nasta_rapport) {
        var due = new Date(r.nasta_rapport).getTime();
        var soon = due - Date.now() <= 15 * 60000;
        text += " · " + t(soon ? "next_report_due" : "next_report", { time: K.hhmm(r.nasta_rapport) });
        if (soon) cls += " due";
      }
      node.textContent = (cls.indexOf("due") !== -1 ? "⚠ " : "") + text;
      node.className = cls;
    }

    // ---- the log, newest first. Krisrum's own `system` entries (task and
    // report bookkeeping) are left out: the panels beside show those facts, and
    // the room needs the entries people wrote. Confidential text is never shown
    // on a shared screen. ----
    function addEntry(e) {
      state.log[e.number] = e;
      if (e.corrected_by) state.correctedBy[e.number] = e.corrected_by;
      if (e.corrects) state.correctedBy[e.corrects] = e.number;
      var numbers = Object.keys(state.log).map(Number);
      if (numbers.length > MAX_LOG) {
        numbers.sort(function (a, b) { return a - b; });
        numbers.slice(0, numbers.length - MAX_LOG).forEach(function (n) { delete state.log[n]; });
      }
    }

    // The shared renderer; confidential text is replaced by a large placeholder (wall.css).
    function logNode(e) {
      return K.logEntry(e, { correctedBy: state.correctedBy[e.number], maskConfidential: S.confidential,
                             id: null });
    }

    function renderLog() {
      var numbers = Object.keys(state.log).map(Number).sort(function (a, b) { return b - a; });
      fitList($("wall-log"), numbers.map(function (n) { return logNode(state.log[n]); }), null);
    }

    // ---- open and overdue tasks, by position ----
    function positionLabel(key) {
      if (!key) return S.no_position;
      for (var i = 0; i < state.staffing.length; i++) if (state.staffing[i].key === key) return state.staffing[i].label;
      return key;
    }
    function isOverdue(task) {
      return !!task.due_at && OPEN[task.status] && new Date(task.due_at).getTime() <= Date.now();
    }

    function renderTasks() {
      var open = Object.keys(state.tasks).map(function (id) { return state.tasks[id]; })
        .filter(function (task) { return OPEN[task.status]; });
      var overdue = open.filter(isOverdue).length;
      $("wall-task-counts").textContent = open.length ? "(" + open.length + (overdue ? ", " + t("overdue_count", { n: overdue }) : "") + ")" : "";
      var groups = {};
      open.forEach(function (task) { (groups[task.position || ""] = groups[task.position || ""] || []).push(task); });
      var keys = Object.keys(groups).sort(function (a, b) {
        var oa = groups[a].filter(isOverdue).length, ob = groups[b].filter(isOverdue).length;
        if (oa !== ob) return ob - oa;
        if (!a) return 1;
        if (!b) return -1;
        return positionLabel(a).localeCompare(positionLabel(b), "sv");
      });
      var nodes = [];
      keys.forEach(function (key) {
        var tasks = groups[key].sort(function (a, b) {
          var oa = isOverdue(a) ? 0 : 1, ob = isOverdue(b) ? 0 : 1;
          if (oa !== ob) return oa - ob;
          var pa = a.priority === "high" ? 0 : 1, pb = b.priority === "high" ? 0 : 1;
          if (pa !== pb) return pa - pb;
          return (a.due_at || "9999").localeCompare(b.due_at || "9999");
        });
        nodes.push(K.el("h3", { class: "wt-pos", text: positionLabel(key) }));
        tasks.forEach(function (task) {
          var late = isOverdue(task);
          var bits = [];
          if (late) bits.push(K.el("span", { class: "wt-late", text: "⚠ " + S.overdue }));
          bits.push(K.el("span", { class: "wt-title", text: task.title }));
          if (task.due_at) bits.push(K.el("span", { class: "wt-due", text: t("due", { time: K.hhmm(task.due_at) }) }));
          nodes.push(K.el("p", { class: "wt-task" + (late ? " late" : "") + (task.priority === "high" ? " high" : ""),
                                 "data-task": task.id }, bits));
        });
      });
      if (!nodes.length) nodes.push(K.el("p", { class: "wall-empty", text: S.none }));
      fitList($("wall-tasks"), nodes, function (n) { return t("more", { n: n }); });
    }

    // ---- open resource requests, most urgent first ----
    var PRIO = { urgent: 0, high: 1, normal: 2 };
    function renderRequests() {
      var open = Object.keys(state.requests).map(function (id) { return state.requests[id]; })
        .filter(function (r) { return r.open; })
        .sort(function (a, b) { return (PRIO[a.priority] - PRIO[b.priority]) || (a.number - b.number); });
      $("wall-request-counts").textContent = open.length ? "(" + open.length + ")" : "";
      // Only while something is open: the room's space goes to the tasks otherwise.
      var panel = $("wall-requests").parentNode;
      if (panel.hidden !== !open.length) {
        panel.hidden = !open.length;
        schedule("tasks", renderTasks); schedule("duty", renderDuty);
      }
      var nodes = open.map(function (r) {
        var side = function (a) { return a ? a.name : S.self; };
        return K.el("li", { class: "wr-request wr-" + r.priority, "data-request": r.id }, [
          K.el("span", { class: "wr-prio", text: (S.request_priorities || {})[r.priority] || r.priority }),
          K.el("span", { class: "wr-what", text: " " + r.label + " " +
            t("request_line", { quantity: r.quantity, unit: r.unit, what: r.what }) }),
          K.el("span", { class: "wr-sides", text: " – " + t("request_from_to", { from: side(r.from_actor), to: side(r.to_actor) }) +
            ", " + ((S.request_statuses || {})[r.status] || r.status) })]);
      });
      fitList($("wall-requests"), nodes, function (n) { return t("more", { n: n }); });
    }

    // ---- who is on duty ----
    function renderDuty() {
      var staffed = state.staffing.filter(function (p) { return p.holders && p.holders.length; });
      var nodes = staffed.map(function (p) {
        return K.el("li", { class: "wd-pos" }, [K.el("span", { class: "wd-label", text: p.label + ": " }),
          K.el("span", { class: "wd-names", text: p.holders.map(function (h) { return h.name; }).join(", ") })]);
      });
      if (!nodes.length) nodes.push(K.el("li", { class: "wall-empty", text: S.nobody }));
      fitList($("wall-duty"), nodes, function (n) { return t("more", { n: n }); });
    }

    // ---- sites: the map and the list of those down or at risk ----
    var map = null, markers = {}, siteLayer = null;

    function siteState(p) {
      if (p.status === "down" || p.status === "degraded") return p.status;
      return p.at_risk ? "at_risk" : p.status;
    }

    function anchor(f) {
      var g = f.geometry, c = null;
      if (!g) return null;
      if (g.type === "Point") c = g.coordinates;
      else if (g.type === "LineString") c = g.coordinates[Math.floor(g.coordinates.length / 2)];
      else if (g.type === "MultiLineString") c = g.coordinates[0][Math.floor(g.coordinates[0].length / 2)];
      else if (g.type === "Polygon") c = g.coordinates[0][0];
      else if (g.type === "MultiPolygon") c = g.coordinates[0][0][0];
      return c ? L.latLng(c[1], c[0]) : null;
    }

    function drawSite(f) {
      if (!map) return;
      var p = f.properties;
      var icon = L.divIcon({ html: K.siteMarker(p), className: "site-icon wall-icon", iconSize: [48, 48], iconAnchor: [24, 24] });
      var m = markers[f.id];
      // Problems on top: a failing site is never hidden under a working one.
      var z = p.status === "down" ? 3000 : p.status === "degraded" ? 2000 : p.at_risk ? 1000 : 0;
      if (m) { m.setIcon(icon); m.setZIndexOffset(z); return; }
      var at = anchor(f);
      if (!at) return;
      markers[f.id] = L.marker(at, { icon: icon, interactive: false, keyboard: false, zIndexOffset: z }).addTo(siteLayer);
    }

    function initMap() {
      if (!window.L) return;
      map = L.map("wall-map", { zoomControl: false, dragging: false, scrollWheelZoom: false, doubleClickZoom: false,
                                boxZoom: false, keyboard: false, touchZoom: false, attributionControl: true, zoomSnap: 0.25 });
      map.setView([57.49, 12.68], 10);
      var tileUrl = cfg.tileUrl;
      if (tileUrl) {
        var attribution = (cfg.tileAttribution || "")
          .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
        var tiles = L.tileLayer(tileUrl, { attribution: attribution, maxZoom: 18 });
        tiles.on("tileerror", function () { map.getContainer().classList.add("no-tiles"); });
        tiles.addTo(map);
      }
      siteLayer = L.layerGroup().addTo(map);
      var boundaryUrl = cfg.boundaryUrl;
      if (boundaryUrl) {
        fetch(boundaryUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (gj) {
          var boundary = L.geoJSON(gj, { interactive: false,
            style: { color: "#12263a", weight: 4, opacity: 0.9, fillColor: "#12263a", fillOpacity: 0.04 } }).addTo(map);
          boundary.bringToBack();
          map.fitBounds(boundary.getBounds(), { padding: [8, 8] });
        }).catch(function () { /* the sites still show */ });
      }
      window.addEventListener("resize", function () { map.invalidateSize(); });
    }

    /* Sites whose status nobody has reported are "unknown": they are counted
     * and shown as such (never as working), and they stay out of the list of
     * problems so that they do not flood it. "All verksamhet i drift" only when
     * every site has been reported operational. */
    function renderSites() {
      Object.keys(state.sites).forEach(function (id) { drawSite(state.sites[id]); });
      var rank = { down: 0, degraded: 1, at_risk: 2 };
      var all = Object.keys(state.sites).map(function (id) { return state.sites[id].properties; });
      var unknown = all.filter(function (p) { return p.status === "unknown"; });
      var bad = all.filter(function (p) { return p.status !== "unknown" && rank[siteState(p)] !== undefined; })
        .sort(function (a, b) {
          var ra = rank[siteState(a)], rb = rank[siteState(b)];
          if (ra !== rb) return ra - rb;
          var sa = a.styrel_priority || 99, sb = b.styrel_priority || 99;
          if (sa !== sb) return sa - sb;
          return a.name.localeCompare(b.name, "sv");
        });
      var nodes = bad.map(function (p) {
        var st = siteState(p);
        return K.el("li", { class: "ws-site ws-" + st, "data-site-key": p.key }, [
          K.el("span", { class: "ws-sym", "aria-hidden": "true", text: st === "at_risk" ? "!" : SYMBOL[p.status] }),
          K.el("span", { class: "ws-name", text: p.name }),
          K.el("span", { class: "ws-state", text: " – " + ((S.states || {})[st] || st) })]);
      });
      var note = $("wall-sites-unknown");
      if (unknown.length) {
        var atRisk = unknown.filter(function (p) { return p.at_risk; }).length;
        var text = unknown.length === all.length ? t("unknown_all", { total: all.length })
          : t("unknown_count", { n: unknown.length, total: all.length });
        if (atRisk) text += ", " + t("unknown_at_risk", { n: atRisk });
        note.replaceChildren(K.el("span", { class: "ws-sym", "aria-hidden": "true", text: "?" }), K.el("span", { text: text }));
        note.setAttribute("data-unknown", String(unknown.length));
        note.hidden = false;
      } else {
        note.replaceChildren();
        note.setAttribute("data-unknown", "0");
        note.hidden = true;
      }
      if (!nodes.length) {
        var empty = !all.length ? S.none : unknown.length ? S.none_reported : S.all_operational;
        nodes.push(K.el("li", { class: "wall-empty", text: empty }));
      }
      fitList($("wall-sites"), nodes, function (n) { return t("more", { n: n }); });
    }

    function loadSites() {
      return K.api("GET", "/sites?incident=" + incidentId).then(function (fc) {
        var next = {};
        (fc.features || []).forEach(function (f) { next[f.id] = f; });
        Object.keys(markers).forEach(function (id) {
          if (!next[id] && siteLayer) { siteLayer.removeLayer(markers[id]); delete markers[id]; }
        });
        state.sites = next;
        schedule("sites", renderSites);
      });
    }

    function applySiteStatus(data) {
      if (!data || !data.properties) return;
      var had = state.sites[data.id];
      if (data.properties.sensitive_hidden && had && !had.properties.sensitive_hidden) {
        // Events never carry Styrel class or fuel (crisis.sites.sensitive); this screen may show them: fetch the site.
        K.api("GET", "/sites/" + data.id + "?incident=" + incidentId).then(function (f) {
          f.at_risk_changed = data.at_risk_changed;
          applySiteStatus(f);
        });
        return;
      }
      state.sites[data.id] = data;
      (data.at_risk_changed || []).forEach(function (c) {
        var f = state.sites[c.id];
        if (f) { f.properties.at_risk = c.at_risk; f.properties.at_risk_causes = c.at_risk_causes; }
      });
      schedule("sites", renderSites);
    }

    // ---- reports ----
    function loadReport() {
      return K.api("GET", base + "/reports").then(function (d) {
        state.report = (d.items || []).filter(function (r) { return r.status !== "draft"; })[0] || null;
        renderReport();
      });
    }

    // ---- live ----
    function onEvent(ev) {
      var d = ev.data || {};
      switch (ev.type) {
        case "log.appended": if (d.kind !== "system") { addEntry(d); schedule("log", renderLog); } break;
        case "task.created":
        case "task.updated": state.tasks[d.id] = d; schedule("tasks", renderTasks); break;
        case "staffing.changed": state.staffing = d.items || []; schedule("duty", renderDuty); schedule("tasks", renderTasks); break;
        case "site.status": applySiteStatus(d); break;
        case "request.updated": state.requests[d.id] = d; schedule("requests", renderRequests); break;
        case "incident.updated": setIncident(d); break;
        case "report.issued":
          if (!state.report || d.number >= state.report.number) state.report = d;
          renderReport();
          break;
        case "reminder.due": renderReport(); break;
        default: break;
      }
    }

    // The whole picture changes size with the window (and the font with it).
    window.addEventListener("resize", function () {
      schedule("log", renderLog); schedule("tasks", renderTasks); schedule("duty", renderDuty); schedule("sites", renderSites);
      schedule("requests", renderRequests);
    });

    // Full screen: the screen needs no clicks, but a browser only enters full
    // screen on a gesture (or in kiosk mode); F or the button does it.
    var fsButton = $("wall-fullscreen");
    function toggleFullscreen() {
      if (!document.fullscreenElement && document.documentElement.requestFullscreen) {
        document.documentElement.requestFullscreen().catch(function () {});
      } else if (document.exitFullscreen && document.fullscreenElement) {
        document.exitFullscreen().catch(function () {});
      }
    }
    if (fsButton) {
      fsButton.addEventListener("click", toggleFullscreen);
      document.addEventListener("fullscreenchange", function () { fsButton.hidden = !!document.fullscreenElement; });
    }
    document.addEventListener("keydown", function (ev) {
      if ((ev.key === "f" || ev.key === "F") && !ev.ctrlKey && !ev.metaKey && !ev.altKey) toggleFullscreen();
    });

    tick();
    window.setInterval(tick, 1000);
    initMap();

    // The whole picture over HTTP: at start, and again when the server says
    // too much was missed to replay (a snapshot): no reload, the screen stays up.
    function loadAll() {
      return Promise.all([
        K.api("GET", base + "/log?limit=150"),
        K.api("GET", base + "/tasks"),
        K.api("GET", base + "/staffing"),
        loadSites(),
        loadReport(),
        K.api("GET", base),
        K.api("GET", base + "/requests?open=true")
      ]).then(function (res) {
        state.log = {};
        state.correctedBy = {};
        state.tasks = {};
        res[0].items.forEach(function (e) { if (e.kind !== "system") addEntry(e); });
        (res[1].items || []).forEach(function (task) { state.tasks[task.id] = task; });
        state.staffing = res[2].items || [];
        state.requests = {};
        (res[6].items || []).forEach(function (r) { state.requests[r.id] = r; });
        setIncident(res[5]);
        renderLog(); renderTasks(); renderDuty(); renderRequests();
      });
    }

    function failed(e) {
      var status = $("conn-status");
      if (status) { status.hidden = false; status.textContent = e && e.message ? e.message : String(e); }
      // Try again: the screen must come back by itself.
      window.setTimeout(function () { window.location.reload(); }, 10000);
    }

    loadAll().then(function () {
      K.live({ incident: incidentId, since: cfg.seq || 0, onEvent: onEvent,
               onSnapshot: function () { loadAll().catch(failed); } });
    }).catch(failed);
  });
})();
