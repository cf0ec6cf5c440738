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

  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function localInput(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" +
      pad(date.getHours()) + ":" + pad(date.getMinutes());
  }

  function actions(d) {
    var id = d.id;
    var reasonId = "reason-" + id, whenId = "followup-" + id, noteId = "note-" + id;
    var err = K.el("p", { class: "form-error", role: "alert" });
    var reason = K.el("input", { id: reasonId, name: "reason", maxlength: 2000, required: true });
    var dismiss = K.el("form", { class: "dev-dismiss" }, [
      K.el("div", { class: "field" }, [K.el("label", { for: reasonId, text: S.reason }), reason]),
      K.el("button", { type: "submit", text: S.dismiss })]);
    dismiss.addEventListener("submit", function (ev) {
      ev.preventDefault();
      K.showError(err, null);
      K.api("POST", "/deviations/" + id + "/assess", { action: "dismiss", reason: reason.value })
        .then(upsert).catch(function (e) { K.showError(err, e); reason.focus(); });
    });
    var when = K.el("input", { id: whenId, type: "datetime-local", required: true,
      value: localInput(new Date(Date.now() + 2 * 3600 * 1000)) });
    var note = K.el("input", { id: noteId, maxlength: 2000 });
    var monitor = K.el("form", { class: "dev-monitor" }, [
      K.el("div", { class: "field" }, [K.el("label", { for: whenId, text: S.follow_up_at }), when]),
      K.el("div", { class: "field" }, [K.el("label", { for: noteId, text: S.note }), note]),
      K.el("button", { type: "submit", text: S.monitor })]);
    monitor.addEventListener("submit", function (ev) {
      ev.preventDefault();
      K.showError(err, null);
      var at = when.value ? new Date(when.value) : null;
      if (!at || isNaN(at.getTime())) { when.focus(); return; }
      K.api("POST", "/deviations/" + id + "/assess", { action: "monitor", follow_up_at: at.toISOString(), note: note.value })
        .then(upsert).catch(function (e) { K.showError(err, e); });
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
      return K.el("li", { text: K.hhmm(s.at) + " " + ((S.actions || {})[s.action] || s.action) +
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
      render();
    }).catch(function (e) { K.showError(errNode, e); });
  }

  // Follow-up times pass while the page is open: re-group every minute.
  window.setInterval(render, 60 * 1000);

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
