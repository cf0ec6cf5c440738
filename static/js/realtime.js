/* Krisrum live connection: join an incident's room, replay what was missed,
 * then stream. Shows "Ingen anslutning sedan HH:MM" while disconnected and
 * catches up by itself on reconnect (also across a server restart). */
(function () {
  "use strict";
  var K = window.Krisrum;

  K.live = function (opts) {
    var incident = opts.incident;
    var confirmed = opts.since || 0;   // every event up to here has been applied
    var maxSeen = confirmed;
    var joined = false;
    var seen = {};
    var status = document.getElementById("conn-status");
    var offlineSince = null;

    function setOnline() {
      offlineSince = null;
      document.body.classList.remove("offline");
      if (status) { status.hidden = true; status.textContent = ""; }
      if (opts.onStatus) opts.onStatus("online");
    }
    function setOffline() {
      if (!offlineSince) offlineSince = new Date();
      joined = false;
      document.body.classList.add("offline");
      if (status) {
        status.hidden = false;
        status.textContent = K.fmt(K.t.offline_since || "Offline {time}", { time: K.hhmm(offlineSince) });
      }
      if (opts.onStatus) opts.onStatus("offline", offlineSince);
    }

    var stopped = null;
    try { stopped = JSON.parse(window.sessionStorage.getItem("krisrum-exercise-stop-" + incident) || "null"); } catch (e) { stopped = null; }
    if (stopped) K.exerciseStop(stopped);

    var socket = window.io({ transports: ["websocket"], reconnectionDelay: 500, reconnectionDelayMax: 5000 });

    socket.on("connect", function () {
      socket.emit("join", { incident: incident, since: confirmed }, function (ack) {
        if (!ack || !ack.ok) {
          setOffline();
          return;
        }
        if (ack.truncated) {
          if (status) { status.hidden = false; status.textContent = K.t.reload_needed || "Reloading"; }
          window.location.reload();
          return;
        }
        joined = true;
        confirmed = Math.max(confirmed, maxSeen, ack.head || 0);
        setOnline();
      });
    });
    socket.on("disconnect", setOffline);
    socket.on("connect_error", function (err) {
      setOffline();
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

    socket.on("event", function (ev) {
      if (!ev || ev.incident !== incident || seen[ev.seq]) return;
      seen[ev.seq] = true;
      if (ev.seq > maxSeen) maxSeen = ev.seq;
      if (joined && ev.seq > confirmed) confirmed = ev.seq;
      if (ev.type === "exercise.updated" && ev.data && ev.data.stop) K.exerciseStop(ev);
      try { opts.onEvent(ev); } catch (e) { if (window.console) console.error(e); }
      // Other panels on the page (call-out, checklist, …) listen for this.
      document.dispatchEvent(new CustomEvent("krisrum:event", { detail: ev }));
    });

    return socket;
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
