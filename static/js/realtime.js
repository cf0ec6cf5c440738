/* Krisrum live connection.
 *
 * K.connect: the one Socket.IO connection helper (offline banner
 * "Ingen anslutning sedan HH:MM", reconnect with back-off). The inbox and the
 * incident pages both use it.
 *
 * K.live: join an incident's room and apply its events strictly in seq order.
 * Server contract:
 *   event {incident, seq, type, at, actor, data}
 *   skip  {incident, seq}           a seq this screen may not see: applied, no effect
 *   events {incident, items}       a batched replay (join with batch: true): the
 *                                  payloads above in seq order, a skip without type
 *   join  {incident, since} -> ack {ok, incident, head, snapshot}; unless
 *         snapshot is true, the replay of seq > since follows the ack.
 *         snapshot: no replay; opts.onSnapshot(head) re-fetches the state by
 *         HTTP (default: reload the page) and the stream continues from head.
 *   Older servers: replay is sent BEFORE an ack without "snapshot" (it may say
 *   "truncated"), and no skips: seqs <= head that did not come are not ours.
 * Client rule: `confirmed` is the highest seq such that every seq <= it was
 * applied. Later seqs wait in a buffer; contiguous runs are applied in order;
 * a gap that lasts longer than GAP_MS re-sends join with since=confirmed (the
 * server replays; duplicates are dropped by seq). */
(function () {
  "use strict";
  var K = window.Krisrum;
  var GAP_MS = 2000;

  K.connect = function (opts) {
    opts = opts || {};
    var status = document.getElementById("conn-status");
    var offlineSince = null;
    // WebSocket only: one long request that stays on the process that accepted it,
    // so a load balancer needs no sticky sessions (README, Deployment).
    var socket = window.io({ transports: ["websocket"], reconnectionDelay: 500, reconnectionDelayMax: 5000 });

    function online() {
      offlineSince = null;
      document.body.classList.remove("offline");
      if (status) { status.hidden = true; status.textContent = ""; }
      if (opts.onStatus) opts.onStatus("online");
    }
    function offline() {
      if (!offlineSince) offlineSince = new Date();
      document.body.classList.add("offline");
      if (status) {
        status.hidden = false;
        status.textContent = K.fmt(K.t.offline_since || "Offline {time}", { time: K.hhmm(offlineSince) });
      }
      if (opts.onStatus) opts.onStatus("offline", offlineSince);
    }
    function notice(text) {
      if (status) { status.hidden = false; status.textContent = text; }
    }

    socket.on("connect", function () { if (opts.onConnect) opts.onConnect(socket); else online(); });
    socket.on("disconnect", function () { offline(); if (opts.onDisconnect) opts.onDisconnect(); });
    socket.on("connect_error", function (err) {
      offline();
      // A full server refuses with a readable message and data.retry; socket.io does not retry that itself.
      if (!socket.active && err && err.data && err.data.retry) {
        if (status) status.textContent = err.message;
        window.setTimeout(function () { socket.connect(); }, 5000 + Math.random() * 10000);
      }
    });
    socket.io.on("reconnect_attempt", function () {
      if (status && offlineSince) {
        status.textContent = K.fmt(K.t.offline_since, { time: K.hhmm(offlineSince) }) + " – " + (K.t.reconnecting || "");
      }
    });
    // Page-wide listeners (readiness.js: the höjd beredskap banner) hook onto the one connection.
    document.dispatchEvent(new CustomEvent("krisrum:socket", { detail: socket }));
    return { socket: socket, online: online, offline: offline, notice: notice };
  };

  K.live = function (opts) {
    var incident = opts.incident;
    var confirmed = opts.since || 0;   // every seq up to here has been applied
    var expected = confirmed;          // the server said everything up to here exists
    var buffer = {};                   // seq -> event, or SKIP
    var SKIP = {};
    var gapTimer = null;
    var conn;

    var stopped = null;
    try { stopped = JSON.parse(window.sessionStorage.getItem("krisrum-exercise-stop-" + incident) || "null"); } catch (e) { stopped = null; }
    if (stopped) K.exerciseStop(stopped);

    function apply(ev) {
      if (ev === SKIP) return;
      if (ev.type === "exercise.updated" && ev.data && ev.data.stop) K.exerciseStop(ev);
      try { opts.onEvent(ev); } catch (e) { if (window.console) console.error(e); }
      // Other panels on the page (call-out, checklist, …) listen for this.
      document.dispatchEvent(new CustomEvent("krisrum:event", { detail: ev }));
    }

    function pending() {
      for (var k in buffer) { if (Object.prototype.hasOwnProperty.call(buffer, k)) return true; }
      return expected > confirmed;
    }

    function drain() {
      while (Object.prototype.hasOwnProperty.call(buffer, confirmed + 1)) {
        var ev = buffer[confirmed + 1];
        delete buffer[confirmed + 1];
        confirmed += 1;
        apply(ev);
      }
      if (confirmed > expected) expected = confirmed;
      if (!pending()) {
        if (gapTimer) { window.clearTimeout(gapTimer); gapTimer = null; }
      } else if (!gapTimer) {
        gapTimer = window.setTimeout(function () {
          gapTimer = null;
          if (pending() && conn.socket.connected) join();
        }, GAP_MS);
      }
    }

    function receive(seq, ev) {
      if (typeof seq !== "number" || seq <= confirmed || Object.prototype.hasOwnProperty.call(buffer, seq)) return;
      buffer[seq] = ev;
      if (seq > expected) expected = seq;
      drain();
    }

    // Everything up to `head` is known to be applied or not for us: skip the rest.
    function settleUpTo(head) {
      Object.keys(buffer).map(Number).sort(function (a, b) { return a - b; }).forEach(function (seq) {
        if (seq <= head) { var ev = buffer[seq]; delete buffer[seq]; if (seq > confirmed) { confirmed = seq; apply(ev); } }
      });
      if (head > confirmed) confirmed = head;
      drain();
    }

    function onAck(ack) {
      if (!ack || !ack.ok) { conn.offline(); return; }
      var head = ack.head || 0;
      if (ack.snapshot || ack.truncated) {
        conn.notice(K.t.reload_needed || "");
        // The page re-fetches its state over HTTP, then continues from head.
        Object.keys(buffer).forEach(function (seq) { if (Number(seq) <= head) delete buffer[seq]; });
        if (head > confirmed) confirmed = head;
        if (expected < confirmed) expected = confirmed;
        if (opts.onSnapshot) opts.onSnapshot(head); else { window.location.reload(); return; }
        conn.online();
        drain();
        return;
      }
      conn.online();
      if (Object.prototype.hasOwnProperty.call(ack, "snapshot")) {
        // The replay of everything up to head follows this ack.
        if (head > expected) expected = head;
        drain();
      } else {
        // An older server sent its replay before the ack and no skips.
        settleUpTo(head);
      }
    }

    function join() {
      // batch: the replay comes as `events {incident, items}` (a few messages, not one per seq).
      conn.socket.emit("join", { incident: incident, since: confirmed, batch: true }, onAck);
    }

    conn = K.connect({ onStatus: opts.onStatus, onConnect: join });
    conn.socket.on("event", function (ev) {
      if (!ev || ev.incident !== incident) return;
      receive(ev.seq, ev);
    });
    conn.socket.on("skip", function (msg) {
      if (!msg || msg.incident !== incident) return;
      receive(msg.seq, SKIP);
    });
    // A batched replay: the same payloads in seq order; an item without `type` is a skip.
    conn.socket.on("events", function (msg) {
      if (!msg || msg.incident !== incident || !msg.items) return;
      msg.items.forEach(function (item) { receive(item.seq, item.type ? item : SKIP); });
    });
    return conn.socket;
  };

  /* ÖVNINGSSTOPP: a full-screen notice on every open page of the exercise incident. */
  K.exerciseStop = function (ev) {
    if (document.getElementById("exercise-stop")) return;
    var key = "krisrum-exercise-stop-" + ev.incident, t = K.t, box;
    // Kept until dismissed, so a page that reloads (e.g. on the incident closing) shows it again.
    try { window.sessionStorage.setItem(key, JSON.stringify(ev)); } catch (e) { /* private mode */ }
    var close = K.el("button", { type: "button", text: t.exercise_stop_close || "OK", onclick: function () {
      box.remove();
      try { window.sessionStorage.removeItem(key); } catch (e) { /* ignore */ }
    } });
    box = K.el("div", { id: "exercise-stop", class: "exercise-stop", role: "alertdialog", "aria-modal": "true",
                        "aria-labelledby": "exercise-stop-title", "aria-describedby": "exercise-stop-text" }, [
      K.el("p", { id: "exercise-stop-title", class: "exercise-stop-title", text: t.exercise_stop || "ÖVNINGSSTOPP" }),
      K.el("p", { id: "exercise-stop-text", text: (t.exercise_stop_text || "") + (ev.data.stop_reason ? " " + ev.data.stop_reason : "") }),
      K.el("p", { text: K.hhmm(ev.at) + (ev.data.ended_by ? " · " + ev.data.ended_by : "") }),
      close]);
    document.body.appendChild(box);
    close.focus();
  };
})();
