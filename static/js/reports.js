/* Lägesrapporter of one incident: the list, the draft editor beside the
 * snapshot of the lägesbild, approve/send/acknowledge by role, the history
 * diff and the export links. Live: another person's approval or new draft
 * appears without reloading; an unsaved edit is never overwritten. */
(function () {
  "use strict";
  var K = window.Krisrum;

  K.boot("reports-root", function (root, cfg) {
    var L = cfg.labels;
    var S = L.strings || {};
    var incidentId = cfg.incident;
    var canWrite = cfg.canWrite === true;
    var canLead = cfg.canLead === true;
    var NARRATIVE = ["handelse", "konsekvenser", "vidtagna_atgarder", "beslut", "behov", "prognos", "kommunikation"];
    var CAP_FIELDS = ["cap_headline", "cap_description", "cap_instruction", "cap_area_desc",
                      "cap_category", "cap_urgency", "cap_severity", "cap_certainty"];
    // What Länsstyrelsen asks for beyond the narrative (issue 15).
    var LST_TEXT = ["kontaktperson", "kontakt_telefon", "omfattning", "sarbara_grupper", "samverkan",
                    "trygghetspunkter", "osakerheter", "klassning", "osl_grund"];
    var LST_BOOL = ["krisledning_aktiverad", "kln_aktiverad"];
    var LST_TIME = ["period_fran", "period_till", "vma_begard_at"];
    var EDITABLE = NARRATIVE.concat(CAP_FIELDS, LST_TEXT);

    var $ = function (id) { return document.getElementById(id); };
    var list = $("report-list");
    var main = $("report-main");
    var form = $("report-form");
    var view = $("report-view");
    var formState = $("form-state");
    var formError = $("form-error");

    var reports = [];
    var current = null;     // the selected report, as GET /reports/{id} returns it
    var dirty = false;

    function fmt(key, values) { return K.fmt(S[key] || key, values || {}); }
    function label(table, key) { return ((L[table] || {})[key]) || key; }
    function dt(iso) { return iso ? K.dateTime(iso) : ""; }

    // ---- the list ----
    function renderList() {
      var items = reports.map(function (r) {
        var when = r.approved_at || r.created_at;
        var parts = [K.el("span", { class: "rl-no", text: fmt("report_n", { n: r.number }) }), " ",
                     K.el("span", { class: "report-status status-" + r.status, text: label("statuses", r.status) })];
        if (r.superseded_by) parts.push(K.el("span", { class: "rl-note", text: " · " + fmt("superseded_by", { n: r.superseded_by }).split(".")[0] }));
        parts.push(K.el("span", { class: "rl-time", text: " · " + dt(when) }));
        var btn = K.el("button", { type: "button", class: "linklike rl-open", "data-number": r.number,
                                   "aria-current": current && current.id === r.id ? "true" : null,
                                   onclick: function () { select(r.id, true); } }, parts);
        return K.el("li", { class: "rl-item" + (r.superseded_by ? " superseded" : "") }, [btn]);
      });
      list.replaceChildren.apply(list, items);
      $("report-list-empty").hidden = reports.length > 0;
      var newBtn = $("new-report");
      if (newBtn) newBtn.disabled = reports.some(function (r) { return r.status === "draft"; });
    }

    function loadList() {
      return K.api("GET", "/incidents/" + incidentId + "/reports").then(function (d) {
        reports = d.items;
        renderList();
      });
    }

    // Leaving a draft with unsaved changes asks first, in the shared dialog.
    function mayLeave(reportId) {
      if (!(dirty && current && current.id !== reportId)) return Promise.resolve(true);
      return K.confirmDialog({ title: S.discard_title, text: S.discard, confirmLabel: S.discard_button, danger: true })
        .then(function (answer) { return !!answer; });
    }

    function select(reportId, focus) {
      return mayLeave(reportId).then(function (leave) {
        if (!leave) return null;
        return K.api("GET", "/reports/" + reportId).then(show);
      });
      function show(r) {
        current = r;
        dirty = false;
        history.replaceState(null, "", "#r" + r.number);
        render();
        renderList();
        if (focus) $("h-report").focus();
      }
    }

    // ---- one report ----
    function metaLines(r) {
      var lines = [fmt("created", { time: dt(r.created_at), who: r.created_by })];
      if (r.approved_at) lines.push(fmt("approved", { time: dt(r.approved_at), who: r.approved_by }));
      if (r.sent_at) lines.push(fmt("sent", { time: dt(r.sent_at), who: r.sent_by, to: r.sent_recipient, channel: r.sent_channel }));
      if (r.acknowledged_at) lines.push(fmt("acknowledged", { time: dt(r.acknowledged_at), who: r.acknowledged_by }));
      return lines;
    }

    function render() {
      var r = current;
      main.hidden = false;
      $("report-title").textContent = (r.exercise ? "ÖVNING – " : "") + fmt("report_n", { n: r.number });
      var st = $("report-status");
      st.textContent = label("statuses", r.status);
      st.className = "report-status status-" + r.status;
      var meta = $("report-meta");
      meta.replaceChildren.apply(meta, metaLines(r).map(function (t, i) { return K.el("span", { class: "meta-line", text: (i ? " · " : "") + t }); }));
      var notice = $("report-notice");
      var notes = [];
      if (r.supersedes) notes.push(fmt("supersedes", { n: r.supersedes }));
      if (r.superseded_by) notes.push(fmt("superseded_by", { n: r.superseded_by }));
      notice.textContent = notes.join(" ");
      notice.hidden = !notes.length;

      var editable = r.status === "draft" && canWrite && cfg.status !== "closed";
      form.hidden = !editable;
      view.hidden = editable;
      if (editable) fillForm(r); else renderView(r);

      if ($("send-form")) $("send-form").hidden = !(r.status === "approved");
      if ($("ack-form")) $("ack-form").hidden = !(r.status === "sent");
      if ($("correct-wrap")) $("correct-wrap").hidden = r.status === "draft" || !!r.superseded_by;

      $("x-print").href = "/reports/" + r.id + "/print";
      $("x-wis").href = "/reports/" + r.id + "/wis.txt";
      $("x-wis-dl").href = "/reports/" + r.id + "/wis.txt?download=1";
      $("x-json").href = "/reports/" + r.id + "/report.json";
      // The CAP link: only for an approved report, and to the page route, which
      // answers with a readable page (never raw JSON) if CAP cannot be made.
      $("x-cap").href = "/reports/" + r.id + "/cap.xml";
      $("x-cap").parentNode.hidden = r.status === "draft";

      renderSnapshot(r.snapshot || {});
      renderHistory(r);
    }

    function fillForm(r) {
      EDITABLE.forEach(function (f) { var n = $("f-" + f); if (n) n.value = r[f] || ""; });
      $("f-nasta_rapport").value = K.stockholmInput(r.nasta_rapport);
      LST_BOOL.forEach(function (f) { $("f-" + f).value = r[f] === true ? "true" : (r[f] === false ? "false" : ""); });
      LST_TIME.forEach(function (f) { $("f-" + f).value = K.stockholmInput(r[f]); });
      $("f-vma_begard").checked = !!r.vma_begard;
      $("area-note").textContent = r.area ? S.area_drawn : S.area_kommun;
      $("clear-area").hidden = !r.area;
      formState.textContent = "";
      K.showError(formError, null);
    }

    function renderView(r) {
      var nodes = [];
      NARRATIVE.forEach(function (f, i) {
        nodes.push(K.el("h3", { text: (i + 1) + ". " + label("fields", f) }));
        nodes.push(K.el("p", { class: "narrative", text: r[f] || S.none }));
      });
      nodes.push(K.el("h3", { text: (NARRATIVE.length + 1) + ". " + label("fields", "nasta_rapport") }));
      nodes.push(K.el("p", { class: "narrative", text: dt(r.nasta_rapport) || S.none }));
      nodes.push(K.el("h3", { text: S.lst_heading }));
      function yn(v) { return v === true ? S.yes : (v === false ? S.no : S.none); }
      var facts = [
        [label("fields", "kontaktperson"), [r.kontaktperson, r.kontakt_telefon].filter(Boolean).join(", ") || S.none],
        [label("fields", "period_fran"), (dt(r.period_fran) || S.none) + " – " + (dt(r.period_till) || S.none)],
        [label("fields", "krisledning_aktiverad"), yn(r.krisledning_aktiverad)],
        [label("fields", "kln_aktiverad"), yn(r.kln_aktiverad)],
        [label("fields", "vma_begard"), yn(!!r.vma_begard) + (r.vma_begard && r.vma_begard_at ? " (" + dt(r.vma_begard_at) + ")" : "")],
        [label("fields", "klassning"), (r.klassning || "K1") + (r.osl_grund ? " · " + r.osl_grund : "")]
      ];
      ["omfattning", "sarbara_grupper", "samverkan", "trygghetspunkter", "osakerheter"].forEach(function (f) {
        facts.push([label("fields", f), r[f] || S.none]);
      });
      nodes.push(K.el("dl", { class: "lst-facts" }, facts.reduce(function (acc, kv) {
        return acc.concat([K.el("dt", { text: kv[0] }), K.el("dd", { class: "narrative", text: kv[1] })]);
      }, [])));
      if (r.cap_headline || r.cap_description) {
        nodes.push(K.el("h3", { text: label("fields", "cap_description") }));
        nodes.push(K.el("p", { class: "narrative" }, [K.el("strong", { text: r.cap_headline || "" }), "\n" + (r.cap_description || ""),
          r.cap_instruction ? "\n" + r.cap_instruction : ""]));
      }
      view.replaceChildren.apply(view, nodes);
    }

    // ---- the snapshot beside the narrative ----
    function section(title, children) {
      return K.el("section", { class: "snap-section" }, [K.el("h4", { text: title })].concat(children));
    }
    function ul(items, cls) {
      if (!items.length) return K.el("p", { class: "hint", text: S.nothing });
      return K.el("ul", { class: "snap-list " + (cls || "") }, items.map(function (t) {
        return typeof t === "string" ? K.el("li", { text: t }) : K.el("li", {}, [t]);
      }));
    }

    function renderSnapshot(s) {
      $("snap-taken").textContent = s.taken_at ? fmt("taken_at", { time: dt(s.taken_at) }) : "";
      var out = [];
      if (s.level) out.push(section(S.level, [K.el("p", {}, [K.el("span", { class: "level-badge level-" + s.level, text: (K.t.levels || {})[s.level] || s.level })])]));

      var sites = s.sites || {};
      if (!sites.available) {
        out.push(section(S.sites, [K.el("p", { class: "hint", text: S.sites_unavailable })]));
      } else {
        var states = ["operational", "degraded", "down", "unknown", "at_risk"];
        var head = K.el("tr", {}, [K.el("th", { scope: "col", text: S.category })].concat(states.map(function (st) {
          return K.el("th", { scope: "col", text: label("site_states", st) });
        })));
        var rows = Object.keys(sites.categories || {}).map(function (cat) {
          var c = sites.categories[cat];
          return K.el("tr", {}, [K.el("th", { scope: "row", text: label("categories", cat) })].concat(states.map(function (st) {
            return K.el("td", { class: c[st] && st !== "operational" ? "bad" : "", text: String(c[st] || 0) });
          })));
        });
        var table = K.el("table", { class: "table snap-table" }, [K.el("thead", {}, [head]), K.el("tbody", {}, rows)]);
        var attention = [], atRisk = {};
        (sites.problems || []).forEach(function (p) {
          if (p.status === "down" || p.status === "degraded") {
            attention.push(p.name + " – " + label("site_states", p.status) + (p.note ? " (" + p.note + ")" : ""));
          } else if (p.at_risk) {
            (atRisk[p.category] = atRisk[p.category] || []).push(p.name);
          }
        });
        Object.keys(atRisk).forEach(function (cat) {
          attention.push(label("site_states", "at_risk") + ", " + label("categories", cat) + ": " + atRisk[cat].join(", "));
        });
        var backup = (sites.on_backup_power || []).map(function (b) {
          return b.name + (b.fuel_left_hours !== null && b.fuel_left_hours !== undefined ? " – " + fmt("fuel_left", { h: b.fuel_left_hours }) : "");
        });
        var children = [table, K.el("h5", { text: S.attention }), ul(attention, "bad")];
        if (backup.length) children.push(K.el("h5", { text: S.backup }), ul(backup));
        out.push(section(S.sites, children));
      }

      // Decisions and actions since the last report, drawn as in the log (masked when confidential).
      function entries(items) {
        if (!items.length) return K.el("p", { class: "hint", text: S.nothing });
        return K.el("ol", { class: "snap-list log-list" }, items.map(function (e) { return K.logEntry(e, { id: null }); }));
      }
      var since = s.since_log ? " · " + fmt("since_report", { n: s.since_log + 1 }) : "";
      out.push(section(S.decisions + since, [entries(s.decisions || [])]));
      out.push(section(S.actions, [entries(s.actions || [])]));

      var tasks = s.tasks || {};
      out.push(section(fmt("open_tasks", { n: tasks.open_count || 0, m: tasks.overdue_count || 0 }), [ul((tasks.open || []).map(function (t) {
        var bits = [t.title];
        if (t.position) bits.push(t.position);
        if (t.due_at) bits.push(fmt("due", { time: K.hhmm(t.due_at) }));
        var li = K.el("span", { class: t.overdue ? "overdue" : "" }, [t.overdue ? K.el("strong", { text: S.overdue + ": " }) : null, bits.join(" · ")]);
        return li;
      }))]));

      out.push(section(S.staffing, [ul((s.staffing || []).map(function (p) {
        return p.label + ": " + (p.holders && p.holders.length ? p.holders.join(", ") : S.nobody);
      }))]));
      $("snapshot").replaceChildren.apply($("snapshot"), out);
    }

    // ---- history ----
    function changeValue(c, which) {
      var v = c[which];
      if (c.field === "sites" && v && typeof v === "object") {
        return Object.keys(v).map(function (k) { return v[k] + " " + label("site_states", k); }).join(", ");
      }
      if (c.field === "site" && v) return label("site_states", v);
      if (c.field === "level" && v) return (K.t.levels || {})[v] || v;
      if (c.field === "nasta_rapport" && v) return dt(v);
      return v === null || v === undefined ? "" : String(v);
    }

    function renderHistory(r) {
      var box = $("history");
      if (!r.previous) { box.replaceChildren(K.el("p", { class: "hint", text: S.first_report })); return; }
      var nodes = [K.el("p", { class: "hint", text: fmt("compared_with", { n: r.previous }) })];
      if (!r.changes || !r.changes.length) nodes.push(K.el("p", { text: S.no_changes }));
      (r.changes || []).forEach(function (c) {
        var name = label("fields", c.field);
        if (c.name) name += ": " + (c.field === "sites" ? label("categories", c.name) : c.name);
        var head = K.el("h4", { class: "chg-head" }, [name + " ", K.el("span", { class: "chg-kind chg-" + c.kind, text: "(" + (S[c.kind] || c.kind) + ")" })]);
        var body;
        if (c.lines) {
          body = K.el("div", { class: "chg-lines" }, c.lines.map(function (l) {
            var tag = l.op === "+" ? "ins" : (l.op === "-" ? "del" : "span");
            return K.el(tag, { class: "chg-line", text: (l.op === " " ? "  " : l.op + " ") + l.text });
          }));
        } else {
          body = K.el("p", { class: "chg-values" }, [
            c.before !== "" && c.before !== null ? K.el("del", { text: changeValue(c, "before") }) : null,
            c.before && c.after ? " → " : null,
            c.after !== "" && c.after !== null ? K.el("ins", { text: changeValue(c, "after") }) : null]);
        }
        nodes.push(K.el("div", { class: "chg" }, [head, body]));
      });
      box.replaceChildren.apply(box, nodes);
    }

    // ---- editing ----
    function formBody() {
      var body = { version: current.version };
      EDITABLE.forEach(function (f) { var n = $("f-" + f); if (n) body[f] = n.value; });
      body.nasta_rapport = K.fromStockholmInput($("f-nasta_rapport").value);
      LST_BOOL.forEach(function (f) { var v = $("f-" + f).value; body[f] = v === "" ? null : v === "true"; });
      LST_TIME.forEach(function (f) { body[f] = K.fromStockholmInput($("f-" + f).value); });
      body.vma_begard = $("f-vma_begard").checked;
      if (!body.osl_grund) body.osl_grund = null;
      return body;
    }

    function save() {
      formState.textContent = S.saving;
      K.showError(formError, null);
      return K.api("PATCH", "/reports/" + current.id, formBody()).then(function (r) {
        current = r;
        dirty = false;
        formState.textContent = fmt("saved", { time: K.hhmm(new Date()) });
        renderSnapshot(r.snapshot || {});
        renderHistory(r);
        return r;
      }, function (e) {
        formState.textContent = S.unsaved;
        K.showError(formError, e);
        throw e;
      });
    }

    if (form) {
      form.addEventListener("input", function () { dirty = true; formState.textContent = S.unsaved; });
      form.addEventListener("submit", function (ev) { ev.preventDefault(); save().catch(function () {}); });
      $("refresh-snapshot").addEventListener("click", function () {
        var body = dirty ? formBody() : { version: current.version };
        body.refresh_snapshot = true;
        K.api("PATCH", "/reports/" + current.id, body).then(function (r) {
          current = r; dirty = false; render();
          formState.textContent = fmt("saved", { time: K.hhmm(new Date()) });
        }).catch(function (e) { K.showError(formError, e); });
      });
      $("clear-area").addEventListener("click", function () {
        K.api("PATCH", "/reports/" + current.id, { area: null, version: current.version }).then(function (r) {
          current = r; render();
        }).catch(function (e) { K.showError(formError, e); });
      });
      var approveBtn = $("approve-report");
      if (approveBtn && canLead) {
        // Approving freezes the report for good: ask first, in a proper dialog.
        // A missing CAP field comes back as a 422 in Swedish and opens the CAP fields.
        approveBtn.addEventListener("click", function () {
          K.showError(formError, null);
          K.confirmDialog({
            title: fmt("approve_title", { n: current.number }),
            text: fmt("confirm_approve", { n: current.number }),
            confirmLabel: fmt("approve_button", {})
          }).then(function (ok) {
            if (!ok) return;
            var step = dirty ? save() : Promise.resolve(current);
            return step.then(function (r) {
              return K.api("POST", "/reports/" + r.id + "/approve", { version: r.version });
            }).then(function (r) {
              current = r; dirty = false; render(); loadList();
            }).catch(function (e) {
              K.showError(formError, e);
              if (e && e.code === "cap_incomplete") {
                var capFields = document.querySelector(".cap-fields");
                if (capFields) capFields.open = true;
                var first = e.details && e.details.missing && $("f-" + e.details.missing[0]);
                if (first) first.focus();
              }
            });
          });
        });
      }
    }

    window.addEventListener("beforeunload", function (ev) {
      if (dirty) { ev.preventDefault(); ev.returnValue = ""; }
    });

    var newBtn = $("new-report");
    if (newBtn) {
      newBtn.addEventListener("click", function () {
        K.showError($("new-report-error"), null);
        newBtn.disabled = true;
        K.api("POST", "/incidents/" + incidentId + "/reports", {}).then(function (r) {
          return loadList().then(function () { return select(r.id, true); });
        }).catch(function (e) { K.showError($("new-report-error"), e); newBtn.disabled = false; });
      });
    }

    var correctBtn = $("correct-report");
    if (correctBtn) {
      correctBtn.addEventListener("click", function () {
        K.showError($("correct-error"), null);
        K.api("POST", "/incidents/" + incidentId + "/reports", { supersedes: current.number }).then(function (r) {
          return loadList().then(function () { return select(r.id, true); });
        }).catch(function (e) { K.showError($("correct-error"), e); });
      });
    }

    var sendForm = $("send-form");
    if (sendForm) {
      sendForm.addEventListener("submit", function (ev) {
        ev.preventDefault();
        K.showError($("send-error"), null);
        K.api("POST", "/reports/" + current.id + "/send", {
          channel: $("send-channel").value, recipient: $("send-recipient").value
        }).then(function (r) { current = r; render(); loadList(); })
          .catch(function (e) { K.showError($("send-error"), e); });
      });
    }
    var ackForm = $("ack-form");
    if (ackForm) {
      ackForm.addEventListener("submit", function (ev) {
        ev.preventDefault();
        K.showError($("ack-error"), null);
        K.api("POST", "/reports/" + current.id + "/acknowledge", { acknowledged_by: $("ack-by").value })
          .then(function (r) { current = r; render(); loadList(); })
          .catch(function (e) { K.showError($("ack-error"), e); });
      });
    }

    // ---- live ----
    var refreshTimer = null;
    function refreshSoon() {
      if (refreshTimer) return;
      refreshTimer = window.setTimeout(function () {
        refreshTimer = null;
        loadList().then(function () {
          if (!current) {
            if (reports.length) select(reports[0].id);
            return;
          }
          return K.api("GET", "/reports/" + current.id).then(function (r) {
            if (r.version === current.version && r.status === current.status && r.superseded_by === current.superseded_by) return;
            if (dirty && current.status === "draft" && r.status === "draft") {
              var notice = $("report-notice");
              notice.textContent = fmt("changed_elsewhere", { who: r.updated_by || "" });
              notice.hidden = false;
              return;  // keep the unsaved text; saving it then gets a clear 409 (stale version)
            }
            current = r;
            dirty = false;
            render();
          });
        }).catch(function () {});
      }, 400);
    }

    function initial() {
      var m = /^#r(\d+)$/.exec(window.location.hash);
      var wanted = m ? parseInt(m[1], 10) : null;
      var pick = reports.filter(function (r) { return r.number === wanted; })[0] || reports[0];
      return pick ? select(pick.id) : null;
    }

    window.addEventListener("hashchange", function () {
      var m = /^#r(\d+)$/.exec(window.location.hash);
      var r = m && reports.filter(function (x) { return x.number === parseInt(m[1], 10); })[0];
      if (r && (!current || current.id !== r.id)) select(r.id, true);
    });

    // ---- the report rhythm: fixed clock times set by Länsstyrelsen ----
    var rhythmForm = $("rhythm-form");
    if (rhythmForm && canWrite && rhythmForm.querySelector("button")) {
      rhythmForm.addEventListener("submit", function (ev) {
        ev.preventDefault();
        K.showError($("rhythm-error"), null);
        var times = $("rhythm-times").value.split(/[,\s]+/).filter(Boolean);
        K.api("PUT", "/incidents/" + incidentId + "/report-rhythm", { times: times }).then(function (r) {
          $("rhythm-times").value = r.times.join(", ");
          $("rhythm-state").textContent = fmt("saved", { time: K.hhmm(new Date()) }) + " · " +
            label("fields", "nasta_rapport") + ": " + dt(r.next_at);
        }).catch(function (e) { K.showError($("rhythm-error"), e); });
      });
    }

    loadList().then(initial).then(function () {
      K.live({
        incident: incidentId, since: cfg.seq || 0,
        onSnapshot: refreshSoon,  // the list and the open report again over HTTP (no reload)
        onEvent: function (ev) {
          if (ev.type === "report.issued" || ev.type === "log.appended" || ev.type === "incident.updated") refreshSoon();
        }
      });
    }).catch(function (e) { K.showError($("new-report-error") || formError, e); });
  }, { json: ["labels"] });
})();
