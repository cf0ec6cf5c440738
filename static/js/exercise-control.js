/* The exercise control page: the inject timeline (delivered and, for
 * exercise control, upcoming) with the responses linked to each inject,
 * the run buttons, ÖVNINGSSTOPP, ad-hoc injects and observations.
 * What a participant may see is decided by the server (the API never sends
 * upcoming injects to them); this script only renders what it gets. */
(function () {
  "use strict";
  var K = window.Krisrum;

  K.boot("exercise", function (root, cfg) {
    var exerciseId = cfg.exercise;
    var incidentId = cfg.incident || null;  // none until the exercise has started
    var mayObserve = cfg.mayObserve === true;
    var S = cfg.strings;
    var base = "/exercises/" + exerciseId;
    var state = null;
    var timeline = document.getElementById("inject-timeline");
    var statusNode = document.getElementById("ex-status");
    var clockNode = document.getElementById("ex-clock");
    var speedNode = document.getElementById("ex-speed");
    var actionError = document.getElementById("action-error");
    var refreshTimer = null;
    var POLL_MS = 3000;

    function label(table, key) { return (S[table] || {})[key] || key; }

    function responseNode(r) {
      var what = r.kind === "log" ? K.fmt(S.log_entry, { n: r.ref }) : K.fmt(S.task, { n: r.ref });
      return K.el("li", {}, [what + " · " + formatSeconds(r.seconds) + " · " + label("how", r.how)]);
    }

    function formatSeconds(s) {
      if (s === null || s === undefined) return "–";
      s = Math.round(s);
      if (s < 60) return s + " s";
      var m = Math.floor(s / 60), rest = s % 60;
      if (m < 60) return m + " min " + (rest < 10 ? "0" : "") + rest + " s";
      return Math.floor(m / 60) + " h " + (m % 60 < 10 ? "0" : "") + (m % 60) + " min";
    }

    function injectNode(i) {
      var delivered = i.state === "delivered";
      var target = (state.positions || {})[i.target_position] || i.target_position;
      var head = [
        K.el("span", { class: "inject-id", text: i.id }),
        K.el("span", { class: "inject-state", text: delivered ? S.delivered : S.upcoming }),
        K.el("span", { class: "meta", text: "+" + i.offset_minutes + " min" }),
      ];
      if (delivered) {
        head.push(K.el("time", { datetime: i.delivered_at, text: K.hhmm(i.delivered_at), title: K.dateTime(i.delivered_at) }));
        head.push(K.el("span", { class: "meta", text: K.fmt(S.log_entry, { n: i.log_number }) }));
      } else if (i.due_at) {
        head.push(K.el("span", { class: "meta", text: S.due + " " + K.hhmm(i.due_at) }));
      }
      if (i.late) head.push(K.el("span", { class: "inject-late", text: S.late }));
      if (i.adhoc) head.push(K.el("span", { class: "meta", text: S.adhoc }));
      var body = [
        K.el("div", { class: "inject-head" }, head),
        K.el("p", { class: "meta", text: S.from + ": " + i.sender + " (" + label("channels", i.channel) + ") · " + S.to + ": " + target }),
        K.el("p", { class: "inject-text", text: i.text }),
      ];
      if (i.expected_action) body.push(K.el("p", { class: "inject-expected", text: S.expected + ": " + i.expected_action }));
      if (delivered) {
        if (i.responses && i.responses.length) {
          body.push(K.el("p", { class: "meta", text: K.fmt(S.first_response, { time: formatSeconds(i.response_seconds) }) }));
          body.push(K.el("ul", { class: "inject-responses", "aria-label": S.responses }, i.responses.slice(0, 10).map(responseNode)));
        } else {
          body.push(K.el("p", { class: "inject-noresp", text: S.no_response }));
        }
      }
      return K.el("li", { class: "inject " + (delivered ? "delivered" : "upcoming"), id: "inject-" + i.id }, body);
    }

    function render() {
      if (!state) return;
      root.setAttribute("data-status", state.status);
      if (statusNode) {
        statusNode.textContent = label("statuses", state.status);
        statusNode.className = "ex-status ex-status-" + state.status;
      }
      if (speedNode) speedNode.textContent = String(state.speed);
      if (clockNode) clockNode.textContent = state.status === "scheduled" ? "" : K.fmt(S.scenario_time, { min: Math.floor(state.scenario_minutes) });
      var items = state.injects || [];
      if (!items.length) {
        timeline.replaceChildren(K.el("li", { class: "hint", text: S.none_delivered }));
      } else {
        timeline.replaceChildren.apply(timeline, items.map(injectNode));
      }
      document.querySelectorAll("[data-when]").forEach(function (node) {
        var when = node.getAttribute("data-when").split(" ");
        node.hidden = when.indexOf(state.status) === -1;
      });
      // The exercise incident's positions are known once it has started (the page may predate that).
      var target = document.getElementById("adhoc-target");
      if (target && !target.options.length && state.positions) {
        Object.keys(state.positions).forEach(function (k) {
          target.appendChild(K.el("option", { value: k, text: state.positions[k] }));
        });
      }
      var select = document.getElementById("obs-inject");
      if (select) {
        var current = select.value;
        var opts = [K.el("option", { value: "", text: S.general })];
        items.forEach(function (i) {
          if (i.state !== "delivered" && !state.control) return;
          opts.push(K.el("option", { value: i.id, text: i.id + " – " + i.sender }));
        });
        // A seminar's discussion questions are rendered by the server and kept.
        Array.prototype.forEach.call(select.querySelectorAll("option[data-question]"), function (o) { opts.push(o); });
        select.replaceChildren.apply(select, opts);
        select.value = current;
      }
    }

    function load() {
      return K.api("GET", base).then(function (data) {
        state = data;
        render();
        if (state.incident) follow(state.incident);
      }, function (err) { K.showError(actionError, err); });
    }

    function loadObservations() {
      var list = document.getElementById("obs-list");
      if (!list || !mayObserve) return;
      K.api("GET", base + "/observations").then(function (data) {
        list.replaceChildren.apply(list, data.items.slice().reverse().map(function (o) {
          var head = K.hhmm(o.created_at) + " · " + o.author + (o.inject ? " · " + o.inject : "");
          return K.el("li", {}, [K.el("span", { class: "meta", text: head }), K.el("br", {}), o.text]);
        }));
      }, function () {});
    }

    function scheduleRefresh() {
      if (refreshTimer) return;
      refreshTimer = window.setTimeout(function () { refreshTimer = null; load(); }, 300);
    }

    function act(action, body) {
      K.showError(actionError, null);
      var buttons = root.querySelectorAll("[data-action]");
      buttons.forEach(function (b) { b.disabled = true; });
      return K.api("POST", base + "/" + action, body).then(function () {
        return load();
      }, function (err) { K.showError(actionError, err); }).then(function () {
        buttons.forEach(function (b) { b.disabled = false; });
      });
    }

    root.querySelectorAll("[data-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        var action = button.getAttribute("data-action");
        var title = button.textContent.trim();
        // Irreversible steps ask first, in a dialog (static/js/dialog.js).
        if (action === "end") {
          K.confirmDialog({ title: title, text: S.confirm_end, confirmLabel: title, danger: true })
            .then(function (answer) { if (answer) act("end"); });
          return;
        }
        if (action === "stop") {
          K.confirmDialog({ title: title, text: S.confirm_stop, confirmLabel: title, danger: true,
                            reason: { label: String(S.stop_reason || "").replace(/:\s*$/, ""), required: false } })
            .then(function (answer) { if (answer) act("stop", answer.reason ? { reason: answer.reason } : {}); });
          return;
        }
        act(action);
      });
    });

    var speedForm = document.getElementById("speed-form");
    if (speedForm) {
      speedForm.addEventListener("submit", function (e) {
        e.preventDefault();
        var value = parseFloat(String(speedForm.speed.value).replace(",", "."));
        act("speed", { speed: isNaN(value) ? speedForm.speed.value : value });
      });
    }

    var adhoc = document.getElementById("adhoc-form");
    if (adhoc) {
      adhoc.addEventListener("submit", function (e) {
        e.preventDefault();
        var err = document.getElementById("adhoc-error");
        K.showError(err, null);
        var body = { sender: adhoc.sender.value, channel: adhoc.channel.value, text: adhoc.text.value,
                     target_position: adhoc.target_position.value };
        if (adhoc.expected_action.value.trim()) body.expected_action = adhoc.expected_action.value;
        K.api("POST", base + "/injects", body).then(function () {
          adhoc.text.value = ""; adhoc.expected_action.value = "";
          err.textContent = S.inject_sent;
          load();
        }, function (error) { K.showError(err, error); });
      });
    }

    var obs = document.getElementById("obs-form");
    if (obs) {
      obs.addEventListener("submit", function (e) {
        e.preventDefault();
        var err = document.getElementById("obs-error");
        K.showError(err, null);
        var body = { text: obs.text.value };
        if (obs.inject.value) body.inject = obs.inject.value;
        K.api("POST", base + "/observations", body).then(function () {
          obs.text.value = "";
          err.textContent = S.observation_saved;
          loadObservations();
        }, function (error) { K.showError(err, error); });
      });
    }

    // Follow the exercise live: once it has an incident (at the start, by hand or on
    // schedule), join that incident's events; until then ask the API every few seconds.
    var live = null;
    var pollTimer = null;
    function follow(id) {
      var link = document.getElementById("ex-log-link");
      if (link && link.hidden) {
        link.setAttribute("href", "/incidents/" + id);
        link.hidden = false;
        var sep = document.getElementById("ex-log-sep");
        if (sep) sep.hidden = false;
      }
      if (live || !K.live) return;
      if (pollTimer) { window.clearInterval(pollTimer); pollTimer = null; }
      var since = id === incidentId ? (cfg.seq || 0) : 0;
      incidentId = id;
      live = K.live({
        incident: id,
        since: since,
        onSnapshot: function () { load(); },
        onEvent: function (ev) {
          if (ev.type === "inject.delivered" || ev.type === "exercise.updated" || ev.type === "log.appended" ||
              ev.type === "incident.updated" || ev.type.indexOf("task.") === 0 || ev.type === "staffing.changed") {
            scheduleRefresh();
          }
        },
      });
    }

    load().then(function () {
      if (!live) {
        pollTimer = window.setInterval(function () {
          if (live) { window.clearInterval(pollTimer); pollTimer = null; return; }
          load();
        }, POLL_MS);
      }
    });
    loadObservations();
    window.setInterval(function () {
      if (state && state.status === "running" && clockNode) {
        load();
      }
    }, 15000);
  }, { json: ["strings"] });
})();
