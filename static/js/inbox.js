/* The TiB inbox: deviation reports arrive live (Socket.IO room "inbox");
 * each is assessed here: dismiss with a reason, monitor until a follow-up
 * time, or activate a playbook with the report attached. */
(function () {
  "use strict";
  var K = window.Krisrum;
  var root = document.getElementById("inbox");
  if (!K || !root) return;

  var S = {};
  try { S = JSON.parse(root.getAttribute("data-strings") || "{}"); } catch (e) { S = {}; }
  var activateUrl = root.getAttribute("data-activate-url");
  var incidentUrl = root.getAttribute("data-incident-url").replace(/0$/, "");
  var errNode = document.getElementById("inbox-error");
  var lists = {
    todo: document.getElementById("dev-todo"),
    monitoring: document.getElementById("dev-monitoring"),
    done: document.getElementById("dev-done")
  };
  var items = {};   // id -> deviation
  var loaded = false;   // the list has been fetched at least once
  var baseTitle = document.title;

  function isDue(d) {
    return d.status === "monitoring" && d.follow_up_at && new Date(d.follow_up_at).getTime() <= Date.now();
  }
  function group(d) {
    if (d.status === "new" || isDue(d)) return "todo";
    if (d.status === "monitoring") return "monitoring";
    return "done";
  }

  function fact(label, value) {
    if (!value) return [];
    return [K.el("dt", { text: label }), K.el("dd", { text: value })];
  }

  // Follow-up times are typed and shown in Swedish time, whatever zone the browser is in.
  function stockholmInput(date) { return K.dateTime(date).replace(" ", "T"); }
  function fromStockholmInput(value) {
    var m = String(value).match(/^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/);
    if (!m) return null;
    if (K.stockholmISO) return K.stockholmISO(m[1], m[2]);
    var d = m[1].split("-"), t = m[2].split(":");
    var asUtc = Date.UTC(+d[0], +d[1] - 1, +d[2], +t[0], +t[1]), guess = asUtc;
    for (var i = 0; i < 2; i++) {  // the zone's offset at the guess, then at the corrected instant
      var shown = K.dateTime(new Date(guess)).match(/^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})/);
      guess = asUtc - (Date.UTC(+shown[1], +shown[2] - 1, +shown[3], +shown[4], +shown[5]) - guess);
    }
    return new Date(guess).toISOString();
  }
  function when(iso) {  // today: HH:MM; another day: the date too
    return K.dateTime(iso).slice(0, 10) === K.dateTime(new Date()).slice(0, 10) ? K.hhmm(iso) : K.dateTime(iso);
  }
  // A readable Swedish reason: the API's own message, or what went wrong on the way.
  function errorText(e) {
    if (e && e.status === 0) return S.no_connection;
    if (e && e.code && String(e.code).indexOf("http_") !== 0 && e.message) return e.message;
    return K.fmt(S.server_error, { status: (e && e.status) || "?" });
  }

  function actions(d) {
    var id = d.id;
    var whenId = "followup-" + id, noteId = "note-" + id, hintId = "followup-hint-" + id;
    var err = K.el("p", { class: "form-error", role: "alert" });
    // Dismissing is final: it asks first, with its own reason field in the dialog.
    var dismiss = K.el("button", { type: "button", class: "dev-dismiss", text: S.dismiss_button });
    dismiss.addEventListener("click", function () {
      K.showError(err, null);
      K.confirmDialog({
        title: K.fmt(S.dismiss_title, { id: id, org: d.organisation }), text: S.dismiss_text,
        confirmLabel: S.dismiss_confirm, danger: true, reason: { label: S.reason, required: true }
      }).then(function (res) {
        if (!res) return;
        return K.api("POST", "/deviations/" + id + "/assess", { action: "dismiss", reason: res.reason })
          .then(upsert).catch(function (e) { K.showError(err, { message: errorText(e) }); dismiss.focus(); });
      });
    });
    var whenInput = K.el("input", { id: whenId, type: "datetime-local", required: true, "aria-describedby": hintId,
      value: stockholmInput(new Date(Date.now() + 2 * 3600 * 1000)) });
    var note = K.el("input", { id: noteId, maxlength: 2000 });
    var monitor = K.el("form", { class: "dev-monitor" }, [
      K.el("div", { class: "field" }, [K.el("label", { for: whenId, text: S.follow_up_at }), whenInput,
        K.el("span", { id: hintId, class: "hint", text: S.swedish_time })]),
      K.el("div", { class: "field" }, [K.el("label", { for: noteId, text: S.note }), note]),
      K.el("button", { type: "submit", text: S.monitor })]);
    monitor.addEventListener("submit", function (ev) {
      ev.preventDefault();
      K.showError(err, null);
      var at = whenInput.value ? fromStockholmInput(whenInput.value) : null;
      if (!at) { whenInput.focus(); return; }
      K.api("POST", "/deviations/" + id + "/assess", { action: "monitor", follow_up_at: at, note: note.value })
        .then(upsert).catch(function (e) { K.showError(err, { message: errorText(e) }); });
    });
    var activate = K.el("a", { class: "button primary dev-activate", href: activateUrl + "?deviation=" + id, text: S.activate });
    return K.el("div", { class: "dev-actions" }, [activate, monitor, dismiss, err]);
  }

  function node(d) {
    var due = isDue(d);
    var head = [
      K.el("span", { class: "dev-status", text: due ? S.due : (S.status || {})[d.status] || d.status }),
      K.el("strong", { text: d.organisation }),
      K.el("time", { datetime: d.reported_at, text: K.dateTime(d.reported_at) })
    ];
    if (d.status === "monitoring" && d.follow_up_at) {
      head.push(K.el("span", { class: "hint", text: K.fmt(S.follow_up, { time: K.dateTime(d.follow_up_at) }) }));
    }
    var facts = [].concat(
      fact(S.where, d.where), fact(S.since, d.since ? K.dateTime(d.since) : ""),
      fact(S.services, d.services), fact(S.contact, d.contact));
    var history = K.el("ol", { class: "dev-history" }, d.history.map(function (s) {
      return K.el("li", { text: when(s.at) + " " + ((S.actions || {})[s.action] || s.action) +
        (s.actor ? " (" + s.actor + ")" : "") + (s.text && s.action !== "reported" ? ": " + s.text : "") });
    }));
    var children = [K.el("div", { class: "dev-head" }, head), K.el("p", { class: "dev-what", text: d.what }),
      K.el("dl", { class: "dev-facts" }, facts), history];
    if (d.status === "new" || d.status === "monitoring") children.push(actions(d));
    if (d.status === "activated" && d.incident) {
      children.push(K.el("a", { href: incidentUrl + d.incident, text: S.incident }));
    }
    return K.el("li", { class: "panel dev status-" + d.status + (due ? " due" : ""), id: "dev-" + d.id, "data-id": d.id }, children);
  }

  function render() {
    var groups = { todo: [], monitoring: [], done: [] };
    Object.keys(items).map(Number).sort(function (a, b) { return b - a; }).forEach(function (id) {
      groups[group(items[id])].push(items[id]);
    });
    var doneTotal = groups.done.length;
    groups.done = groups.done.slice(0, 30);
    Object.keys(lists).forEach(function (k) {
      // Keep an open form (text being typed) when a live update arrives for another report.
      var active = document.activeElement;
      var keep = active && lists[k].contains(active) ? active.closest("li.dev") : null;
      var nodes = groups[k].map(function (d) {
        return keep && keep.getAttribute("data-id") === String(d.id) && keep.__version === d.updated_at ? keep : withVersion(node(d), d);
      });
      if (!nodes.length) nodes = [K.el("li", { class: "hint", text: k === "todo" ? S.empty : S.none })];
      lists[k].replaceChildren.apply(lists[k], nodes);
    });
    document.getElementById("count-todo").textContent = groups.todo.length ? "(" + groups.todo.length + ")" : "";
    // Only the latest 30 handled reports are listed: say so rather than look complete.
    var doneNote = document.getElementById("done-note");
    if (doneNote) doneNote.textContent = doneTotal > 30 ? K.fmt(S.done_shown, { n: 30, total: doneTotal }) : "";
    document.title = (groups.todo.length ? "(" + groups.todo.length + ") " : "") + baseTitle;
  }
  function withVersion(li, d) { li.__version = d.updated_at; return li; }

  function upsert(d) {
    items[d.id] = d;
    render();
  }

  function load() {
    return K.api("GET", "/deviations").then(function (data) {
      items = {};
      data.items.forEach(function (d) { items[d.id] = d; });
      loaded = true;
      K.showError(errNode, null);
      render();
    }).catch(function (e) {
      // A failed load is an error, never an empty inbox ("Inget att bedöma") or an old list passed off as current.
      K.showError(errNode, { message: K.fmt(loaded ? S.reload_failed : S.load_failed,
                                            { why: errorText(e), time: K.hhmm(new Date()) }) });
      if (!loaded) {
        Object.keys(lists).forEach(function (k) { lists[k].replaceChildren(); });
        document.getElementById("count-todo").textContent = "(?)";
      }
    });
  }

  // Follow-up times pass while the page is open: re-group every minute.
  window.setInterval(function () { if (loaded) render(); }, 60 * 1000);

  // The shared connection helper (realtime.js): offline banner and reconnect.
  var conn = K.connect({
    onConnect: function (socket) {
      socket.emit("join_inbox", {}, function (ack) {
        if (!ack || !ack.ok) { K.showError(errNode, { message: K.t.live_failed || (ack && ack.error) || "join_inbox" }); return; }
        conn.online();
        load();  // (re)load after joining: nothing that happened while away is missed
      });
    }
  });
  var socket = conn.socket;
  socket.on("deviation", upsert);
})();
