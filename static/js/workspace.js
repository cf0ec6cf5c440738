/* The staff workspace of one incident: quick log entry, the live log with
 * filters and corrections, the on-duty panel, level decisions. */
(function () {
  "use strict";
  var K = window.Krisrum;
  var root = document.getElementById("workspace");
  if (!root) return;

  var incidentId = parseInt(root.getAttribute("data-incident"), 10);
  var me = root.getAttribute("data-user");
  var canWrite = root.getAttribute("data-can-write") === "true";
  var canStaff = root.getAttribute("data-can-staff") === "true";
  var canRegister = root.getAttribute("data-can-register") === "true";
  var active = root.getAttribute("data-status") === "active";
  var base = "/incidents/" + incidentId;

  var entries = {};      // number -> entry
  var correctedBy = {};  // number -> number of the correcting entry
  var tasksByEntry = {}; // log number -> {task id: task} made from it ("Gör till uppgift")
  var list = document.getElementById("log-list");
  var filterKind = document.getElementById("filter-kind");
  var filterPos = document.getElementById("filter-position");
  var filterText = document.getElementById("filter-text");
  var countNode = document.getElementById("log-count");

  // ---- log rendering ----
  function matches(e) {
    if (filterKind.value && e.kind !== filterKind.value) return false;
    if (filterPos.value && e.position !== filterPos.value) return false;
    var q = filterText.value.trim().toLowerCase();
    if (q) {
      var hay = (e.text + " " + (e.counterpart || "") + " " + e.author).toLowerCase();
      if (hay.indexOf(q) === -1) return false;
    }
    return true;
  }

  function entryNode(e) {
    var struck = correctedBy[e.number];
    var meta = [
      K.el("span", { class: "entry-no", text: String(e.number) }),
      K.el("time", { class: "entry-time", datetime: e.occurred_at, text: K.hhmm(e.occurred_at),
                      title: K.dateTime(e.occurred_at) }),
      K.el("span", { class: "kind kind-" + e.kind, text: (K.t.kinds || {})[e.kind] || e.kind }),
    ];
    if (e.counterpart) meta.push(K.el("span", { class: "counterpart", text: e.counterpart }));
    if (e.classification === "confidential") {
      meta.push(K.el("span", { class: "conf-tag", text: (K.t.classifications || {}).confidential + (e.osl_ground ? " · " + e.osl_ground : "") }));
    }
    var textNode = K.el(struck ? "del" : "p", { class: "entry-text", text: e.text });
    var body = [K.el("div", { class: "entry-meta" }, meta), textNode];
    if (e.decided_by) body.push(K.el("p", { class: "entry-decision", text: e.decided_by + " · " + (e.mandate || "") }));
    var footer = [K.el("span", { class: "author", text: e.author + (e.position_label ? " (" + e.position_label + ")" : "") })];
    if (e.corrects) footer.push(K.el("span", { class: "corr-ref", text: K.fmt(K.t.corrects, { n: e.corrects }) }));
    if (struck) footer.push(K.el("span", { class: "corr-ref", text: K.fmt(K.t.corrected_by, { n: struck }) }));
    if (canWrite && active && !struck) {
      footer.push(K.el("button", { type: "button", class: "linklike correct-btn", "data-number": e.number,
        "aria-label": K.t.correct + " " + e.number, text: K.t.correct, onclick: function () { openCorrection(e.number); } }));
    }
    var made = tasksByEntry[e.number] || {};
    Object.keys(made).forEach(function (id) {
      footer.push(K.el("a", { class: "entry-task", href: base + "/tasks#task-" + id,
        text: K.fmt(K.t.task_link, { id: id, title: made[id].title }) }));
    });
    if (canWrite && active && e.kind !== "system") {
      footer.push(K.el("button", { type: "button", class: "linklike make-task-btn",
        "aria-label": K.t.make_task + " " + e.number, text: K.t.make_task,
        onclick: function (ev) {
          var btn = ev.currentTarget;
          btn.disabled = true;
          K.api("POST", base + "/tasks", { origin_log_number: e.number })
            .then(function (task) { addTask(task); render(); })
            .catch(function (err) { window.alert(err.message); btn.disabled = false; });
        } }));
    }
    body.push(K.el("div", { class: "entry-foot" }, footer));
    return K.el("li", { id: "entry-" + e.number, class: "entry" + (struck ? " struck" : "") + (e.kind === "system" ? " system" : ""),
                        "data-number": e.number }, body);
  }

  function render() {
    var numbers = Object.keys(entries).map(Number).sort(function (a, b) { return b - a; });
    var frag = document.createDocumentFragment();
    var shown = 0;
    numbers.forEach(function (n) {
      var e = entries[n];
      if (!matches(e)) return;
      frag.appendChild(entryNode(e));
      shown++;
    });
    list.replaceChildren(frag);
    countNode.textContent = shown + " / " + numbers.length;
    var positions = {};
    numbers.forEach(function (n) { var e = entries[n]; if (e.position) positions[e.position] = e.position_label || e.position; });
    var current = filterPos.value;
    var opts = [filterPos.options[0]];
    Object.keys(positions).sort().forEach(function (k) {
      opts.push(K.el("option", { value: k, text: positions[k], selected: k === current }));
    });
    filterPos.replaceChildren.apply(filterPos, opts);
  }

  function addEntry(e) {
    entries[e.number] = e;
    if (e.corrected_by) correctedBy[e.number] = e.corrected_by;
    if (e.corrects) correctedBy[e.corrects] = e.number;
  }

  function addTask(t) {
    if (!t.origin_log_number) return;
    (tasksByEntry[t.origin_log_number] = tasksByEntry[t.origin_log_number] || {})[t.id] = t;
  }

  var renderPending = false;
  function scheduleRender() {
    if (renderPending) return;
    renderPending = true;
    window.requestAnimationFrame(function () { renderPending = false; render(); });
  }

  [filterKind, filterPos].forEach(function (n) { n.addEventListener("change", render); });
  filterText.addEventListener("input", render);
  document.getElementById("log-filter").addEventListener("submit", function (ev) { ev.preventDefault(); });

  // ---- corrections (inline form) ----
  function openCorrection(number) {
    var li = document.getElementById("entry-" + number);
    if (!li || li.querySelector(".correction-form")) return;
    var id = "corr-" + number;
    var area = K.el("textarea", { id: id, rows: 2, maxlength: 10000, required: true });
    area.value = entries[number].text;
    var err = K.el("span", { class: "form-error", role: "alert" });
    var form = K.el("form", { class: "correction-form" }, [
      K.el("label", { for: id, text: K.fmt(K.t.correction_prompt, { n: number }) }), area,
      K.el("button", { type: "submit", class: "primary", text: K.t.correct }),
      K.el("button", { type: "button", class: "linklike", text: "×", "aria-label": "Avbryt",
        onclick: function () { form.remove(); } }), err]);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      K.api("POST", base + "/log/" + number + "/correction", { text: area.value })
        .then(function (entry) { addEntry(entry); render(); })
        .catch(function (e) { K.showError(err, e); });
    });
    li.appendChild(form);
    area.focus();
  }

  // ---- quick entry ----
  var form = document.getElementById("entry-form");
  if (form) {
    var text = document.getElementById("entry-text");
    var kind = document.getElementById("entry-kind");
    var cls = document.getElementById("entry-class");
    var time = document.getElementById("entry-time");
    var errNode = document.getElementById("entry-error");
    var oslField = document.getElementById("osl-field");
    var decisionFields = document.getElementById("decision-fields");

    function syncFields() {
      oslField.hidden = cls.value !== "confidential";
      decisionFields.hidden = kind.value !== "decision";
    }
    kind.addEventListener("change", syncFields);
    cls.addEventListener("change", syncFields);

    text.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
        ev.preventDefault();
        form.requestSubmit();
      }
    });

    function occurredAt() {
      if (!time.value) return null;
      var hm = time.value.split(":");
      var d = new Date();
      d.setHours(parseInt(hm[0], 10), parseInt(hm[1], 10), 0, 0);
      // A time later than now means the same time yesterday (entries are written backwards).
      if (d.getTime() > Date.now() + 60000) d.setDate(d.getDate() - 1);
      return d.toISOString();
    }

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      K.showError(errNode, null);
      var body = { text: text.value, kind: kind.value, classification: cls.value };
      var cp = document.getElementById("entry-counterpart").value.trim();
      if (cp) body.counterpart = cp;
      var at = occurredAt();
      if (at) body.occurred_at = at;
      if (cls.value === "confidential") body.osl_ground = document.getElementById("entry-osl").value;
      if (kind.value === "decision") {
        body.decided_by = document.getElementById("entry-decided-by").value;
        body.mandate = document.getElementById("entry-mandate").value;
      }
      if (!body.text.trim()) { text.focus(); return; }
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      K.api("POST", base + "/log", body).then(function (entry) {
        addEntry(entry);
        render();
        text.value = "";
        time.value = "";
        document.getElementById("entry-counterpart").value = "";
        text.focus();
      }).catch(function (e) {
        K.showError(errNode, e);
      }).then(function () { button.disabled = false; });
    });
    syncFields();
  }

  // ---- on duty now ----
  var staffList = document.getElementById("staffing-list");
  function renderStaffing(data) {
    var items = data.items.map(function (p) {
      var holders = p.holders.length ? p.holders.map(function (h) {
        return K.el("li", { class: "holder" }, [
          K.el("span", { class: "holder-name", text: h.name }),
          h.phone ? K.el("span", { class: "holder-phone", text: " " + h.phone }) : null,
          K.el("span", { class: "holder-since", text: " · " + K.hhmm(h.since) })]);
      }) : [K.el("li", { class: "vacant", text: K.t.nobody })];
      var mine = p.holders.some(function (h) { return h.user === me; });
      var actions = [];
      if (canStaff && active) {
        actions.push(K.el("button", { type: "button", class: "small",
          text: mine ? K.t.check_out : K.t.check_in,
          "aria-label": (mine ? K.t.check_out : K.t.check_in) + ": " + p.label,
          onclick: function () { toggleStaff(p.key, mine); } }));
      }
      var note = p.handover_note ? K.el("p", { class: "handover", text: "↪ " + p.handover_note + " (" + p.handover_by + ")" }) : null;
      return K.el("li", { class: "position" + (p.holders.length ? "" : " unstaffed") }, [
        K.el("div", { class: "position-head" }, [K.el("span", { class: "position-label", text: p.label })].concat(actions)),
        K.el("ul", { class: "holders" }, holders), note]);
    });
    staffList.replaceChildren.apply(staffList, items);
  }

  function toggleStaff(position, mine) {
    var body = { action: mine ? "check_out" : "check_in", position: position };
    if (mine) {
      var note = window.prompt(K.t.handover_prompt, "");
      if (note === null) return;
      if (note) body.handover_note = note;
    }
    K.api("POST", base + "/staffing", body).then(renderStaffing).catch(function (e) { window.alert(e.message); });
  }

  // ---- level decision / close ----
  var levelForm = document.getElementById("level-form");
  if (levelForm) {
    var levelErr = document.getElementById("level-error");
    function decisionBody(extra) {
      var body = {
        decided_by: document.getElementById("level-decided-by").value,
        mandate: document.getElementById("level-mandate").value,
        reason: document.getElementById("level-reason").value,
      };
      Object.keys(extra).forEach(function (k) { body[k] = extra[k]; });
      return body;
    }
    levelForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      K.showError(levelErr, null);
      K.api("PATCH", base, decisionBody({ level: document.getElementById("level-select").value }))
        .then(function (inc) { updateIncident(inc); document.getElementById("level-reason").value = ""; })
        .catch(function (e) { K.showError(levelErr, e); });
    });
    document.getElementById("close-incident").addEventListener("click", function () {
      K.showError(levelErr, null);
      K.api("PATCH", base, decisionBody({ status: "closed" }))
        .then(updateIncident).catch(function (e) { K.showError(levelErr, e); });
    });
  }

  function updateIncident(inc) {
    document.getElementById("incident-title").textContent = inc.title;
    var lvl = document.getElementById("incident-level");
    lvl.textContent = (K.t.levels || {})[inc.level] || inc.level;
    lvl.className = "level-badge level-" + inc.level;
    if (inc.status === "closed" && active) window.location.reload();
  }

  // ---- load, then go live from the sequence number the page was rendered at ----
  var since = parseInt(root.getAttribute("data-seq"), 10) || 0;
  Promise.all([K.api("GET", base + "/log"), K.api("GET", base + "/staffing"),
               K.api("GET", base + "/tasks").catch(function () { return { items: [] }; })]).then(function (res) {
    res[2].items.forEach(addTask);
    res[0].items.forEach(addEntry);
    render();
    renderStaffing(res[1]);
    K.live({
      incident: incidentId, since: since,
      onEvent: function (ev) {
        if (ev.type === "log.appended") { addEntry(ev.data); scheduleRender(); }
        else if (ev.type === "staffing.changed") renderStaffing(ev.data);
        else if (ev.type === "incident.updated") updateIncident(ev.data);
        else if ((ev.type === "task.created" || ev.type === "task.updated") && ev.data.origin_log_number) {
          addTask(ev.data); scheduleRender();
        }
      }
    });
  }).catch(function (e) { K.showError(document.getElementById("entry-error") || countNode, e); });
})();
