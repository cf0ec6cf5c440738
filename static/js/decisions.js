/* The decision register of one incident: the list (filters, pages, overdue
 * follow-ups by the client clock), the form with a confirm dialog that shows
 * the exact log text, follow-up actions (done, revoke, supersede, reported),
 * and live updates from every other screen. All user text via textContent. */
(function () {
  "use strict";
  var K = window.Krisrum;

  K.boot("decisions-root", function (root, cfg, S) {
    var incidentId = cfg.incident;
    var pageSize = cfg.pageSize || 25;
    var mandates = K.parseJSON(root.getAttribute("data-mandates"), []);
    var mandateByKey = {};
    mandates.forEach(function (m) { mandateByKey[m.key] = m; });
    var list = document.getElementById("decision-list");
    var reportList = document.getElementById("report-list");
    var liveNode = document.getElementById("decision-live");
    var loadError = document.getElementById("decision-load-error");
    var filterStatus = document.getElementById("filter-status");
    var filterType = document.getElementById("filter-type");
    var prevBtn = document.getElementById("decision-prev");
    var nextBtn = document.getElementById("decision-next");
    var pageNode = document.getElementById("decision-page");
    var page = 0;
    var shown = [];      // the decisions on this page, as the API returns them
    var supersedes = null;

    function typeLabel(code) { return (S.types || {})[code] || code; }
    function statusLabel(code) { return (S.statuses || {})[code] || code; }
    function announce(text) { liveNode.textContent = ""; window.setTimeout(function () { liveNode.textContent = text; }, 50); }
    function isOverdue(d) { return d.status === "in_force" && d.follow_up_at && new Date(d.follow_up_at).getTime() <= Date.now(); }

    // ---- list ----
    function row(label, value) {
      return value ? K.el("div", { class: "decision-field" }, [K.el("dt", { text: label }), K.el("dd", { text: value })]) : null;
    }

    function actions(d) {
      if (!cfg.canDecide || d.status !== "in_force") return null;
      var box = K.el("div", { class: "decision-actions" });
      box.appendChild(K.el("button", { type: "button", "data-op": "done", "data-id": d.id, text: S.mark_done }));
      box.appendChild(K.el("button", { type: "button", "data-op": "supersede", "data-id": d.id, text: S.supersede }));
      box.appendChild(K.el("button", { type: "button", class: "danger", "data-op": "revoke", "data-id": d.id, text: S.revoke }));
      return box;
    }

    function card(d) {
      var overdue = isOverdue(d);
      var li = K.el("li", { class: "decision status-" + d.status + (overdue ? " is-overdue" : ""), id: "decision-" + d.id,
                            "data-id": d.id, "data-follow-up": d.follow_up_at || "" });
      var head = K.el("div", { class: "decision-head" }, [
        K.el("span", { class: "decision-no", text: d.label }),
        K.el("span", { class: "decision-type", text: typeLabel(d.type) }),
        K.el("span", { class: "decision-status", text: statusLabel(d.status) })
      ]);
      if (overdue) head.appendChild(K.el("span", { class: "overdue-badge", text: "⚠ " + S.overdue }));
      li.appendChild(head);
      li.appendChild(K.el("h3", { class: "decision-title", text: d.title }));
      li.appendChild(K.el("p", { class: "decision-text", text: d.text }));
      var dl = K.el("dl", { class: "decision-fields" });
      [
        row(S.decided_by, d.decided_by),
        row(S.mandate, d.mandate),
        row(S.reason, d.reason),
        row(S.executed_by, d.executed_by),
        row(S.follow_up, d.follow_up_at ? K.dateTime(d.follow_up_at) : ""),
        row(S.valid_until, d.valid_until ? K.dateTime(d.valid_until) : ""),
        row(S.report_to, d.report_to ? d.report_to + " – " + (d.reported_at ? S.reported + " " + K.dateTime(d.reported_at) : S.not_reported) : "")
      ].forEach(function (n) { if (n) dl.appendChild(n); });
      li.appendChild(dl);
      var meta = [K.fmt(S.log_entry, { n: d.log_number })];
      if (d.supersedes) {
        var old = shown.filter(function (x) { return x.id === d.supersedes; })[0];
        if (old) meta.push(K.fmt(S.supersedes, { label: old.label }));
      }
      li.appendChild(K.el("p", { class: "hint", text: meta.join(" · ") }));
      var act = actions(d);
      if (act) li.appendChild(act);
      return li;
    }

    function query(extra) {
      var q = [];
      if (filterStatus.value) q.push("status=" + encodeURIComponent(filterStatus.value));
      if (filterType.value) q.push("type=" + encodeURIComponent(filterType.value));
      Object.keys(extra || {}).forEach(function (k) { q.push(k + "=" + encodeURIComponent(extra[k])); });
      return q.length ? "?" + q.join("&") : "";
    }

    function errorText(e) { return (e && e.message) || String(e); }

    function load() {
      list.setAttribute("aria-busy", "true");
      return K.api("GET", "/incidents/" + incidentId + "/decisions" + query({ limit: pageSize + 1, offset: page * pageSize }))
        .then(function (res) {
          K.showError(loadError, null);
          var items = res.items || [];
          var more = items.length > pageSize;
          shown = items.slice(0, pageSize);
          list.textContent = "";
          if (!shown.length) list.appendChild(K.el("li", { class: "hint", text: S.none }));
          shown.forEach(function (d) { list.appendChild(card(d)); });
          prevBtn.disabled = page === 0;
          nextBtn.disabled = !more;
          pageNode.textContent = K.fmt(S.page, { n: page + 1 });
          list.removeAttribute("aria-busy");
        })
        .catch(function (e) {
          list.removeAttribute("aria-busy");
          K.showError(loadError, { message: K.fmt(S.load_failed, { why: errorText(e) }) });
        });
    }

    function loadReports() {
      return K.api("GET", "/incidents/" + incidentId + "/decisions?report=true&limit=500").then(function (res) {
        reportList.textContent = "";
        if (!res.items.length) reportList.appendChild(K.el("li", { class: "hint", text: S.none_report }));
        res.items.forEach(function (d) {
          var li = K.el("li", { class: d.reported_at ? "reported" : "not-reported" }, [
            K.el("strong", { text: d.label + " " }),
            K.el("span", { text: d.title + " – " + S.report_to + " " + d.report_to + ": " }),
            K.el("span", { class: "report-state", text: d.reported_at ? S.reported + " " + K.dateTime(d.reported_at) : S.not_reported })
          ]);
          if (!d.reported_at && cfg.canDecide) {
            li.appendChild(document.createTextNode(" "));
            li.appendChild(K.el("button", { type: "button", "data-op": "reported", "data-id": d.id, "data-version": d.version, text: S.mark_reported }));
          }
          reportList.appendChild(li);
        });
      }).catch(function (e) { K.showError(loadError, { message: K.fmt(S.load_failed, { why: errorText(e) }) }); });
    }

    filterStatus.addEventListener("change", function () { page = 0; load(); });
    filterType.addEventListener("change", function () { page = 0; load(); });
    prevBtn.addEventListener("click", function () { if (page > 0) { page -= 1; load(); } });
    nextBtn.addEventListener("click", function () { page += 1; load(); });

    // Follow-ups pass while the page is open: the client clock marks them.
    window.setInterval(function () {
      shown.forEach(function (d) {
        var node = document.getElementById("decision-" + d.id);
        if (node && isOverdue(d) && !node.classList.contains("is-overdue")) node.parentNode.replaceChild(card(d), node);
      });
    }, 30000);

    // ---- actions ----
    function byId(id) { return shown.filter(function (d) { return d.id === id; })[0]; }

    function patch(d, body, okText) {
      body.version = d.version;
      return K.api("PATCH", "/decisions/" + d.id, body).then(function (res) {
        announce(K.fmt(S.updated, { label: res.label }));
        return Promise.all([load(), loadReports()]);
      }).catch(function (e) { K.showError(loadError, e); });
    }

    root.addEventListener("click", function (ev) {
      var btn = ev.target.closest ? ev.target.closest("button[data-op]") : null;
      if (!btn) return;
      var id = parseInt(btn.getAttribute("data-id"), 10);
      var op = btn.getAttribute("data-op");
      if (op === "reported") {
        var version = parseInt(btn.getAttribute("data-version"), 10);
        K.confirmDialog({ title: S.report_title, confirmLabel: S.report_ok, cancelLabel: S.cancel }).then(function (r) {
          if (r) patch({ id: id, version: version }, { reported: true });
        });
        return;
      }
      var d = byId(id);
      if (!d) return;
      if (op === "done") {
        K.confirmDialog({ title: S.done_title, text: d.label + " " + d.title, confirmLabel: S.done_ok, cancelLabel: S.cancel })
          .then(function (r) { if (r) patch(d, { status: "done" }); });
      } else if (op === "revoke") {
        K.confirmDialog({ title: S.revoke_title, text: S.revoke_body, confirmLabel: S.revoke_ok, cancelLabel: S.cancel,
                          danger: true, reason: { label: S.reason, required: true } })
          .then(function (r) { if (r) patch(d, { status: "revoked", note: r.reason }); });
      } else if (op === "supersede") {
        startSupersede(d);
      }
    });

    // ---- the form ----
    var form = document.getElementById("decision-form");
    if (!form) { load(); loadReports(); return startLive(); }
    var typeSel = document.getElementById("decision-type");
    var levelSel = document.getElementById("decision-level");
    var levelField = document.getElementById("decision-level-field");
    var validField = document.getElementById("decision-valid-field");
    var textHint = document.getElementById("decision-text-hint");
    var mandateSel = document.getElementById("decision-mandate-key");
    var mandateField = document.getElementById("decision-mandate-field");
    var mandateInput = document.getElementById("decision-mandate");
    var formError = document.getElementById("decision-error");
    var supNote = document.getElementById("decision-supersedes-note");
    var supText = document.getElementById("decision-supersedes-text");

    var LEVEL_ORDER = ["normal", "monitoring", "reinforced", "staff"];
    function covers(m, type) {
      if (m.types.indexOf(type) === -1) return false;
      // A level decision only under a mandate that reaches the chosen level.
      return type !== "level" || !m.max_level || LEVEL_ORDER.indexOf(m.max_level) >= LEVEL_ORDER.indexOf(levelSel.value);
    }
    function fitMandates() {
      // Offer the mandates that cover the chosen type; "annat mandat" always.
      var type = typeSel.value;
      var first = null;
      Array.prototype.forEach.call(mandateSel.options, function (o) {
        var m = mandateByKey[o.value];
        var fits = !m || covers(m, type);
        o.hidden = !fits;
        o.disabled = !fits;
        if (fits && m && first === null) first = o.value;
      });
      var cur = mandateByKey[mandateSel.value];
      if (cur && !covers(cur, type)) mandateSel.value = first !== null ? first : "";
      mandateField.hidden = mandateSel.value !== "";
    }

    function fitType() {
      var type = typeSel.value;
      levelField.hidden = type !== "level";
      validField.hidden = type !== "direction";
      textHint.textContent = textHint.getAttribute("data-" + (type === "direction" ? "direction" : type === "level" ? "level" : "other"));
      fitMandates();
    }
    typeSel.addEventListener("change", fitType);
    levelSel.addEventListener("change", fitMandates);
    mandateSel.addEventListener("change", function () { mandateField.hidden = mandateSel.value !== ""; if (!mandateField.hidden) mandateInput.focus(); });
    fitType();

    function startSupersede(d) {
      supersedes = d;
      document.getElementById("decision-panel").open = true;
      typeSel.value = d.type;
      fitType();
      if (d.type === "level" && d.data && d.data.level) levelSel.value = d.data.level;
      document.getElementById("decision-title").value = d.title;
      document.getElementById("decision-text").value = d.text;
      document.getElementById("decision-executed-by").value = d.executed_by || "";
      supText.textContent = K.fmt(S.supersedes_note, { label: d.label, title: d.title });
      supNote.hidden = false;
      document.getElementById("decision-text").focus();
    }
    document.getElementById("decision-supersedes-clear").addEventListener("click", function () {
      supersedes = null;
      supNote.hidden = true;
    });

    function value(id) { return document.getElementById(id).value.trim(); }
    function sentence(text) { text = text.trim(); return /[.!?]$/.test(text) ? text : text + "."; }

    function collect() {
      var body = { type: typeSel.value, text: value("decision-text"), decided_by: value("decision-decided-by"), reason: value("decision-reason") };
      if (mandateSel.value) { body.mandate_key = mandateSel.value; body.mandate = ""; } else { body.mandate = value("decision-mandate"); }
      var title = value("decision-title"); if (title) body.title = title;
      var exec = value("decision-executed-by"); if (exec) body.executed_by = exec;
      var follow = K.fromStockholmInput(document.getElementById("decision-follow-up").value); if (follow) body.follow_up_at = follow;
      if (body.type === "direction") {
        var valid = K.fromStockholmInput(document.getElementById("decision-valid-until").value); if (valid) body.valid_until = valid;
      }
      var report = value("decision-report-to"); if (report) body.report_to = report;
      if (body.type === "level") body.level = levelSel.value;
      if (supersedes) body.supersedes = supersedes.id;
      return body;
    }

    // The log entry exactly as the server writes it (decisions/service.py _log_text).
    function preview(body, number) {
      var rt = S.record_types || {}, rl = S.record_levels || {};
      var text = body.text;
      if (body.type === "level" && !text) {
        text = K.fmt(S.level_text_sv || "Nivån ändras från {from} till {to}", { from: rl[cfg.level] || cfg.level, to: rl[body.level] || body.level });
      }
      var parts = ["Beslut B-" + number + " (" + (rt[body.type] || body.type) + "): " + sentence(text)];
      parts.push("Motivering: " + sentence(body.reason));
      if (body.executed_by) parts.push("Verkställs av: " + body.executed_by + ".");
      if (body.valid_until) parts.push("Gäller till: " + K.dateTime(body.valid_until) + ".");
      if (body.follow_up_at) parts.push("Följs upp: " + K.dateTime(body.follow_up_at) + ".");
      if (supersedes) parts.push("Ersätter " + supersedes.label + ".");
      var reportTo = body.report_to || (body.mandate_key && mandateByKey[body.mandate_key] ? mandateByKey[body.mandate_key].report_to : null);
      if (reportTo) parts.push("Anmäls till " + reportTo + ".");
      return parts.join(" ");
    }

    function nextNumber() {
      return K.api("GET", "/incidents/" + incidentId + "/decisions?limit=1").then(function (res) {
        return res.items.length ? res.items[0].number + 1 : 1;
      });
    }

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      K.showError(formError, null);
      var body = collect();
      if (!body.decided_by) { K.showError(formError, { message: S.decided_by }); document.getElementById("decision-decided-by").focus(); return; }
      if (!body.mandate_key && !body.mandate) { K.showError(formError, { message: S.mandate_required }); mandateInput.focus(); return; }
      if (!body.reason) { K.showError(formError, { message: S.reason }); document.getElementById("decision-reason").focus(); return; }
      if (body.type === "level" && body.level === cfg.level) { K.showError(formError, { message: S.level_same }); levelSel.focus(); return; }
      nextNumber().then(function (number) {
        return K.confirmDialog({ title: S.confirm_title, text: S.confirm_body + "\n\n" + preview(body, number),
                                 confirmLabel: S.confirm_ok, cancelLabel: S.cancel });
      }).then(function (r) {
        if (!r) return null;
        return K.api("POST", "/incidents/" + incidentId + "/decisions", body).then(function (d) {
          announce(K.fmt(S.recorded, { label: d.label }));
          form.reset();
          document.getElementById("decision-decided-by").value = document.getElementById("decision-decided-by").defaultValue;
          supersedes = null; supNote.hidden = true;
          fitType();
          if (d.type === "level" && d.data) { cfg.level = d.data.level; }
          page = 0;
          return Promise.all([load(), loadReports()]);
        });
      }).catch(function (e) { K.showError(formError, e); });
    });

    load(); loadReports();
    return startLive();

    function startLive() {
      K.live({
        incident: incidentId, since: cfg.seq || 0,
        onEvent: function (ev) {
          if (ev.type === "decision.recorded" || ev.type === "decision.updated") {
            if (ev.actor !== cfg.user) announce(K.fmt(ev.type === "decision.recorded" ? S.recorded : S.updated, { label: ev.data.label }));
            load(); loadReports();
          } else if (ev.type === "incident.updated") {
            cfg.level = ev.data.level;
            var lvl = document.getElementById("incident-level");
            if (lvl) { lvl.textContent = (S.levels || {})[ev.data.level] || ev.data.level; lvl.className = "level-badge level-" + ev.data.level; }
            var banner = document.getElementById("proposed-level-banner");
            if (banner && !ev.data.proposed_level) banner.hidden = true;
          }
        },
        onSnapshot: function () { load(); loadReports(); }
      });
    }
  });
})();
