/* The task board of one incident: five status columns, create form,
 * filters, move by drag and drop or keyboard, overdue marking, history,
 * live updates from every other open board. All user text via textContent. */
(function () {
  "use strict";
  var K = window.Krisrum;
  K.boot("task-board-root", function (root, cfg, S) {
    var incidentId = cfg.incident;
    var me = root.dataset.user;  // a username is text even when it looks like a number
    var canWrite = cfg.canWrite === true;
    var myPositions = Array.isArray(cfg.myPositions) ? cfg.myPositions : [];
    var positionLabels = cfg.positionLabels || {};
    var assignees = Array.isArray(cfg.assignees) ? cfg.assignees : [];
    var workspaceUrl = cfg.workspace;
    // Usernames are keys: people are shown by name (history, live notices).
    var names = {};
    assignees.forEach(function (u) { names[u.username] = u.name; });
    function person(username) { return username ? (names[username] || username) : ""; }
    var loaded = false;   // until the first load succeeds, no count is shown as if it were known

    var STATUSES = ["todo", "doing", "blocked", "done", "cancelled"];
    var OPEN = { todo: true, doing: true, blocked: true };
    var PRIO = { high: 0, normal: 1, low: 2 };
    var tasks = {};       // id -> task as the API returns it
    var messages = {};    // id -> a message shown on the card (conflicts, errors)
    var liveNode = document.getElementById("task-live");
    var countNode = document.getElementById("task-count");
    var filterMine = document.getElementById("filter-mine");
    var filterPos = document.getElementById("filter-my-position");
    var filterOverdue = document.getElementById("filter-overdue");

    function statusLabel(s) { return (S.statuses || {})[s] || s; }

    function announce(text) {
      liveNode.textContent = "";
      window.setTimeout(function () { liveNode.textContent = text; }, 50);
    }

    // ---- times: shown and entered in Europe/Stockholm ----
    // An unreadable value goes to the server as typed, so it says what is wrong with it.
    function fromLocalInput(value) { return value ? (K.fromStockholmInput(value) || value) : null; }
    function dueText(iso) {
      var today = K.dateTime(new Date()).slice(0, 10);
      var full = K.dateTime(iso);
      return full.slice(0, 10) === today ? full.slice(11) : full;
    }

    function isOverdue(t) {
      return !!(t.due_at && OPEN[t.status] && new Date(t.due_at).getTime() <= Date.now());
    }

    function visible(t) {
      if (filterMine.checked && t.assignee !== me) return false;
      if (filterPos.checked && (!t.position || myPositions.indexOf(t.position) === -1)) return false;
      if (filterOverdue.checked && !isOverdue(t)) return false;
      return true;
    }

    function compare(a, b) {
      if (PRIO[a.priority] !== PRIO[b.priority]) return PRIO[a.priority] - PRIO[b.priority];
      var da = a.due_at ? new Date(a.due_at).getTime() : Infinity;
      var db = b.due_at ? new Date(b.due_at).getTime() : Infinity;
      if (da !== db) return da < db ? -1 : 1;
      return a.id - b.id;
    }

    // ---- one card ----
    function option(value, text, selected) {
      return K.el("option", { value: value, text: text, selected: selected });
    }

    function editForm(t) {
      var p = "edit-" + t.id + "-";
      var err = K.el("span", { class: "form-error", role: "alert" });
      var title = K.el("input", { id: p + "title", maxlength: 200, required: true, autocomplete: "off" });
      title.value = t.title;
      var desc = K.el("textarea", { id: p + "desc", rows: 2, maxlength: 5000 });
      desc.value = t.description || "";
      var prio = K.el("select", { id: p + "prio" }, ["high", "normal", "low"].map(function (k) {
        return option(k, (S.priorities || {})[k] || k, k === t.priority);
      }));
      var pos = K.el("select", { id: p + "pos" }, [option("", S.no_position, !t.position)].concat(
        Object.keys(positionLabels).map(function (k) { return option(k, positionLabels[k], k === t.position); })));
      var who = K.el("select", { id: p + "who" }, [option("", S.nobody, !t.assignee)].concat(
        assignees.map(function (u) { return option(u.username, u.name, u.username === t.assignee); })));
      var due = K.el("input", { id: p + "due", type: "datetime-local" });
      due.value = K.stockholmInput(t.due_at);
      function field(id, label, input) {
        return K.el("div", { class: "field" }, [K.el("label", { for: id, text: label }), input]);
      }
      var form = K.el("form", { class: "task-edit-form", novalidate: true, "data-version": t.version }, [
        field(p + "title", S.title, title), field(p + "desc", S.description, desc),
        field(p + "prio", S.priority, prio), field(p + "pos", S.position, pos),
        field(p + "who", S.assignee, who), field(p + "due", S.due, due),
        K.el("div", { class: "entry-actions" }, [K.el("button", { type: "submit", class: "primary", text: S.save }), err])]);
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        K.showError(err, null);
        var body = {
          version: parseInt(form.getAttribute("data-version"), 10), incident: incidentId,
          title: title.value, description: desc.value, priority: prio.value,
          position: pos.value || null, assignee: who.value || null, due_at: fromLocalInput(due.value)
        };
        K.api("PATCH", "/tasks/" + t.id, body).then(function (task) {
          delete messages[t.id];
          upsert(task, { closeEdit: true, focusCard: true });
        }).catch(function (e) { failed(t.id, e, err); });
      });
      return form;
    }

    function historyList(items) {
      if (!items.length) return K.el("p", { class: "hint", text: S.no_history });
      return K.el("ol", { class: "task-history-list" }, items.map(function (c) {
        var text = (S.fields || {})[c.field] || c.field;
        if (c.field === "status") text += ": " + statusLabel(c.old) + " → " + statusLabel(c.new);
        else if (c.field === "priority") text += ": " + ((S.priorities || {})[c.old] || c.old) + " → " + ((S.priorities || {})[c.new] || c.new);
        else if (c.field === "due_at") text += ": " + (c.old ? K.dateTime(c.old) : "–") + " → " + (c.new ? K.dateTime(c.new) : "–");
        else if (c.field === "position") text += ": " + (positionLabels[c.old] || c.old || "–") + " → " + (positionLabels[c.new] || c.new || "–");
        else if (c.field === "assignee") text += ": " + (person(c.old) || "–") + " → " + (person(c.new) || "–");
        else if (c.field === "created") text += ": " + c.new;
        else text += ": " + (c.old || "–") + " → " + (c.new || "–");
        return K.el("li", {}, [K.el("time", { datetime: c.at, text: K.dateTime(c.at) }), " " + (person(c.actor) || "Krisrum") + " · " + text]);
      }));
    }

    function loadHistory(id, details) {
      var box = details.querySelector(".task-history-body");
      K.api("GET", "/tasks/" + id + "/history").then(function (res) {
        box.replaceChildren(historyList(res.items));
      }).catch(function (e) { box.replaceChildren(K.el("p", { class: "form-error", text: errorText(e) })); });
    }

    function cardNode(t) {
      var overdue = isOverdue(t);
      var head = K.el("div", { class: "task-head" }, [
        K.el("span", { class: "task-no", text: "#" + t.id }),
        K.el("h3", { class: "task-title", id: "task-title-" + t.id, text: t.title })]);
      var badges = [];
      if (overdue) {
        badges.push(K.el("span", { class: "overdue-badge" }, [
          K.el("span", { class: "overdue-icon", "aria-hidden": "true", text: "⚠" }), " " + S.overdue]));
      }
      if (t.priority !== "normal") {
        badges.push(K.el("span", { class: "prio prio-" + t.priority,
          text: K.fmt(S.priority_label, { p: (S.priorities || {})[t.priority] || t.priority }) }));
      }
      var meta = [];
      function row(label, value, cls) {
        meta.push(K.el("dt", { text: label }));
        meta.push(K.el("dd", { class: cls || null, text: value }));
      }
      row(S.position, t.position ? (positionLabels[t.position] || t.position) : "–");
      row(S.assignee, t.assignee_name || t.assignee || "–");
      if (t.due_at) row(S.due, dueText(t.due_at), overdue ? "due overdue" : "due");
      var body = [head, K.el("div", { class: "task-badges" }, badges), K.el("dl", { class: "task-meta" }, meta)];
      if (t.description) body.push(K.el("p", { class: "task-desc", text: t.description }));
      if (t.origin_log_number) {
        body.push(K.el("p", { class: "task-origin" }, [K.el("a", {
          href: workspaceUrl + "#entry-" + t.origin_log_number, text: K.fmt(S.from_log, { n: t.origin_log_number }) })]));
      } else if (t.origin && t.origin !== "manual") {
        body.push(K.el("p", { class: "task-origin", text: S.origin + ": " + t.origin }));
      }
      if (canWrite) {
        var selId = "move-" + t.id;
        var sel = K.el("select", { id: selId, class: "move-select" }, STATUSES.map(function (s) {
          return option(s, statusLabel(s), s === t.status);
        }));
        body.push(K.el("div", { class: "task-move" }, [
          K.el("label", { for: selId, text: S.move_to }), sel,
          K.el("button", { type: "button", class: "small move-btn", text: S.move,
            onclick: function () { if (sel.value !== tasks[t.id].status) move(t.id, sel.value); } })]));
        var edit = K.el("details", { class: "task-edit" }, [K.el("summary", { text: S.edit }), editForm(t)]);
        body.push(edit);
      }
      var hist = K.el("details", { class: "task-history" }, [
        K.el("summary", { text: S.history }), K.el("div", { class: "task-history-body" })]);
      hist.addEventListener("toggle", function () { if (hist.open) loadHistory(t.id, hist); });
      body.push(hist);
      body.push(K.el("p", { class: "task-msg form-error", role: "alert", text: messages[t.id] || "" }));
      var node = K.el("li", {
        id: "task-" + t.id, class: "task-card" + (overdue ? " is-overdue" : "") + " prio-card-" + t.priority,
        tabindex: "0", "data-id": t.id, "data-status": t.status, "data-overdue": overdue ? "true" : "false",
        "data-version": t.version, draggable: canWrite ? "true" : null, "aria-labelledby": "task-title-" + t.id,
        "aria-describedby": canWrite ? "task-kb-hint" : null
      }, body);
      if (canWrite) {
        node.addEventListener("dragstart", function (ev) {
          ev.dataTransfer.setData("text/plain", String(t.id));
          ev.dataTransfer.effectAllowed = "move";
          node.classList.add("dragging");
        });
        node.addEventListener("dragend", function () { node.classList.remove("dragging"); });
        node.addEventListener("keydown", function (ev) {
          // Shift + arrow: every move is written to the log, so a plain arrow key (scrolling,
          // a screen reader's reading keys) must never move a card by accident.
          if (ev.target !== node || !ev.shiftKey || ev.altKey || ev.ctrlKey || ev.metaKey) return;
          var i = STATUSES.indexOf(tasks[t.id].status);
          if (ev.key === "ArrowRight" && i < STATUSES.length - 1) { ev.preventDefault(); move(t.id, STATUSES[i + 1]); }
          else if (ev.key === "ArrowLeft" && i > 0) { ev.preventDefault(); move(t.id, STATUSES[i - 1]); }
        });
      }
      return node;
    }

    // ---- placing cards ----
    function place(t, opts) {
      opts = opts || {};
      var old = document.getElementById("task-" + t.id);
      var active = document.activeElement;
      var hadFocus = old && old.contains(active);
      var node = cardNode(t);
      if (old) {
        // Keep an edit the user has open (with the version they started from:
        // saving it after someone else's change gives a clear conflict).
        var oldEdit = old.querySelector(".task-edit");
        var newEdit = node.querySelector(".task-edit");
        if (oldEdit && oldEdit.open && newEdit && !opts.closeEdit) newEdit.replaceWith(oldEdit);
        var oldHist = old.querySelector(".task-history");
        if (oldHist && oldHist.open) {
          var newHist = node.querySelector(".task-history");
          newHist.open = true;
        }
        old.remove();
      }
      var list = document.getElementById("tasks-" + t.status);
      var before = null;
      for (var i = 0; i < list.children.length; i++) {
        var other = tasks[list.children[i].getAttribute("data-id")];
        if (other && compare(t, other) < 0) { before = list.children[i]; break; }
      }
      list.insertBefore(node, before);
      node.hidden = !visible(t);
      if (opts.focusCard || (hadFocus && (active === old || !node.contains(active)))) node.focus();
      else if (hadFocus && node.contains(active)) active.focus();
    }

    function updateCounts() {
      if (!loaded) return;  // "(0)" before the list has arrived (or after it failed) would reassure falsely
      var shown = 0, total = 0;
      STATUSES.forEach(function (s) {
        var list = document.getElementById("tasks-" + s);
        var n = 0;
        Array.prototype.forEach.call(list.children, function (c) { if (!c.hidden) n++; });
        shown += n;
        total += list.children.length;
        var c = root.querySelector('[data-count-for="' + s + '"]');
        if (c) c.textContent = "(" + n + ")";
      });
      countNode.textContent = K.fmt(S.count, { shown: shown, total: total });
    }

    function upsert(t, opts) {
      var prev = tasks[t.id];
      if (prev && prev.version > t.version) return prev;  // an older state arriving late
      tasks[t.id] = t;
      place(t, opts);
      updateCounts();
      return prev;
    }

    function applyFilters() {
      Object.keys(tasks).forEach(function (id) {
        var node = document.getElementById("task-" + id);
        if (node) node.hidden = !visible(tasks[id]);
      });
      updateCounts();
    }

    // A readable Swedish reason: the API's own message, or what went wrong on the way.
    function errorText(e) {
      if (e && e.status === 0) return S.no_connection;
      if (e && e.code && e.code.indexOf("http_") !== 0 && e.message) return e.message;
      return K.fmt(S.server_error, { status: (e && e.status) || "?" });
    }

    function failed(id, err, node) {
      if (err.status === 409 && err.code === "version_conflict") {
        messages[id] = S.conflict + " (" + err.message + ")";
        var fresh = err.details && err.details.task;
        var reload = fresh ? Promise.resolve(fresh) : K.api("GET", "/tasks/" + id);
        reload.then(function (task) {
          tasks[id] = task;  // the server's state wins, whatever version we had
          place(task, { closeEdit: true, focusCard: true });
          updateCounts();
          announce(messages[id]);
        }).catch(function (e2) { failed(id, e2, node); });
        return;
      }
      messages[id] = errorText(err);
      if (node) K.showError(node, { message: messages[id] });
      else {
        var card = document.getElementById("task-" + id);
        var msg = card && card.querySelector(".task-msg");
        if (msg) msg.textContent = messages[id];
        announce(messages[id]);
      }
    }

    function move(id, status) {
      var t = tasks[id];
      if (!t || t.status === status) return;
      K.api("PATCH", "/tasks/" + id, { version: t.version, incident: incidentId, status: status }).then(function (task) {
        delete messages[id];
        upsert(task, { focusCard: document.activeElement && document.activeElement.closest &&
                       !!document.activeElement.closest("#task-" + id) });
        announce(K.fmt(S.moved, { id: id, status: statusLabel(status) }));
      }).catch(function (e) { failed(id, e); });
    }

    // ---- drag and drop onto a column ----
    Array.prototype.forEach.call(root.querySelectorAll(".task-column"), function (col) {
      if (!canWrite) return;
      var status = col.getAttribute("data-status");
      col.addEventListener("dragover", function (ev) { ev.preventDefault(); ev.dataTransfer.dropEffect = "move"; col.classList.add("drop-target"); });
      col.addEventListener("dragleave", function (ev) { if (!col.contains(ev.relatedTarget)) col.classList.remove("drop-target"); });
      col.addEventListener("drop", function (ev) {
        ev.preventDefault();
        col.classList.remove("drop-target");
        var id = parseInt(ev.dataTransfer.getData("text/plain"), 10);
        if (tasks[id]) move(id, status);
      });
    });

    // ---- filters ----
    [filterMine, filterPos, filterOverdue].forEach(function (f) { f.addEventListener("change", applyFilters); });

    // ---- create ----
    var form = document.getElementById("task-form");
    if (form) {
      var err = document.getElementById("task-error");
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        K.showError(err, null);
        var title = document.getElementById("task-title");
        if (!title.value.trim()) { title.focus(); return; }
        var body = {
          title: title.value,
          description: document.getElementById("task-description").value,
          position: document.getElementById("task-position").value || null,
          assignee: document.getElementById("task-assignee").value || null,
          due_at: fromLocalInput(document.getElementById("task-due").value),
          priority: document.getElementById("task-priority").value
        };
        var button = form.querySelector("button[type=submit]");
        button.disabled = true;
        K.api("POST", "/incidents/" + incidentId + "/tasks", body).then(function (task) {
          upsert(task);
          announce(K.fmt(S.created, { id: task.id, title: task.title }));
          form.reset();
          K.refocus(form, title);  // the live event may have shown the card first, and the user gone to it
        }).catch(function (e) { K.showError(err, { message: errorText(e) }); }).then(function () { button.disabled = false; });
      });
    }

    // ---- overdue without waiting for the reminder: re-check every 15 s ----
    window.setInterval(function () {
      Object.keys(tasks).forEach(function (id) {
        var node = document.getElementById("task-" + id);
        if (node && (node.getAttribute("data-overdue") === "true") !== isOverdue(tasks[id])) place(tasks[id]);
      });
      updateCounts();
    }, 15000);

    // keyboard hint for screen readers (referenced by aria-describedby on cards)
    if (canWrite) root.appendChild(K.el("p", { id: "task-kb-hint", class: "visually-hidden", text: S.keyboard_hint }));

    // ---- load, then live from the sequence the page was rendered at ----
    var since = cfg.seq || 0;
    function loadTasks() {
      return K.api("GET", "/incidents/" + incidentId + "/tasks").then(function (res) {
        loaded = true;
        res.items.forEach(function (t) { upsert(t); });
        updateCounts();
      });
    }
    loadTasks().then(function () {
      document.getElementById("task-board").removeAttribute("aria-busy");
      var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
      if (target && target.classList.contains("task-card")) { target.hidden = false; target.focus(); target.scrollIntoView({ block: "center" }); }
      K.live({
        incident: incidentId, since: since,
        // Too far behind to replay: fetch the board again instead of reloading the page (open forms survive).
        onSnapshot: function () { loadTasks().catch(function () { window.location.reload(); }); },
        onEvent: function (ev) {
          if (ev.type === "task.created") {
            var existed = tasks[ev.data.id];
            upsert(ev.data);
            if (!existed && ev.actor !== me) announce(K.fmt(S.created, { id: ev.data.id, title: ev.data.title }));
          } else if (ev.type === "task.updated") {
            var prev = upsert(ev.data);
            if (ev.data.reminded_at && (!prev || !prev.reminded_at)) {
              announce(K.fmt(S.now_overdue, { id: ev.data.id, title: ev.data.title }));
            } else if (ev.actor && ev.actor !== me && prev && prev.version < ev.data.version) {
              announce(K.fmt(S.updated_by, { id: ev.data.id, who: person(ev.actor) }));
            }
          } else if (ev.type === "staffing.changed") {
            myPositions = [];
            (ev.data.items || []).forEach(function (p) {
              positionLabels[p.key] = p.label;
              if (p.holders.some(function (h) { return h.user === me; })) myPositions.push(p.key);
            });
            applyFilters();
          } else if (ev.type === "incident.updated" && ev.data.status === "closed" && canWrite) {
            window.location.reload();
          }
        }
      });
    }).catch(function (e) {
      // Never an empty board that looks like "no tasks": say that the list is missing, in Swedish.
      K.showError(document.getElementById("task-load-error"), { message: K.fmt(S.load_failed, { why: errorText(e) }) });
      countNode.textContent = S.count_unknown;
      document.getElementById("task-board").removeAttribute("aria-busy");
      Array.prototype.forEach.call(root.querySelectorAll("[data-count-for]"), function (c) { c.textContent = "(?)"; });
    });
  }, { json: ["myPositions", "positionLabels", "assignees"] });
})();
