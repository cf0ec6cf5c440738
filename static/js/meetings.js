/* The stabsorientering page: the list of meetings, the rhythm, planning, and
 * running one meeting (agenda with a note per item, current item, decisions
 * and tasks captured, end with the protocol). Live: meeting.updated. */
(function () {
  "use strict";
  var K = window.Krisrum;

  K.boot("meetings-root", function (root, cfg, S) {
    var incidentId = cfg.incident;
    var meetings = {};
    (cfg.meetings || []).forEach(function (m) { meetings[m.id] = m; });
    var selected = null;
    var dirty = {};  // agenda key -> true while the user has unsaved text
    var $ = function (id) { return document.getElementById(id); };
    function label(item) { return (S.agenda || {})[item.key] || item.label; }

    function sorted() {
      return Object.keys(meetings).map(function (k) { return meetings[k]; })
        .sort(function (a, b) { return b.number - a.number; });
    }

    function pickDefault() {
      var all = sorted();
      var running = all.filter(function (m) { return m.status === "running"; })[0];
      var planned = all.filter(function (m) { return m.status === "planned"; })
        .sort(function (a, b) { return a.scheduled_at < b.scheduled_at ? -1 : 1; })[0];
      var m = running || planned || all[0];
      return m ? m.id : null;
    }

    function renderList() {
      var list = $("meeting-list");
      list.replaceChildren();
      var all = sorted();
      if (!all.length) { list.appendChild(K.el("li", { text: S.none })); return; }
      all.forEach(function (m) {
        var when = m.status === "ended" ? K.fmt(S.ended, { time: K.dateTime(m.ended_at) })
          : m.status === "running" ? K.fmt(S.started, { time: K.dateTime(m.started_at) })
          : K.fmt(S.scheduled, { time: K.dateTime(m.scheduled_at) });
        var btn = K.el("button", { type: "button", class: "link", "aria-current": m.id === selected ? "true" : null,
                                   text: K.fmt(S.meeting_title, { number: m.number }),
                                   onclick: function () { select(m.id); } });
        list.appendChild(K.el("li", { class: "meeting-" + m.status }, [
          btn, " ", K.el("span", { class: "status-tag status-" + m.status, text: (S.statuses || {})[m.status] || m.status }),
          " ", K.el("span", { class: "meta", text: when })
        ]));
      });
    }

    function select(id) {
      selected = id;
      dirty = {};
      renderList();
      renderRun(true);
    }

    function renderRun(full) {
      var m = meetings[selected];
      var panel = $("meeting-run");
      if (!m) { panel.hidden = true; return; }
      panel.hidden = false;
      $("h-run").textContent = K.fmt(S.meeting_title, { number: m.number }) + " – " + ((S.statuses || {})[m.status] || m.status);
      var meta = [K.fmt(S.scheduled, { time: K.dateTime(m.scheduled_at) })];
      if (m.started_at) meta.push(K.fmt(S.started, { time: K.dateTime(m.started_at) }));
      if (m.ended_at) meta.push(K.fmt(S.ended, { time: K.dateTime(m.ended_at) }));
      $("run-meta").textContent = meta.join(" · ");
      $("run-present").href = "/meetings/" + m.id + "/present";
      $("run-protocol").href = "/meetings/" + m.id + "/protocol";
      var writable = cfg.canWrite && m.status !== "ended";
      var running = m.status === "running";
      if ($("run-start")) {
        $("run-start").hidden = m.status !== "planned";
        $("run-prev").hidden = !running;
        $("run-next").hidden = !running;
        $("run-prev").disabled = !running || m.current_item === 0;
        $("run-next").disabled = !running || m.current_item >= m.agenda.length - 1;
        $("run-end").parentNode.hidden = !running;
        $("run-capture").hidden = !running;
        $("run-save").hidden = !writable;
      }
      if (full || !dirty.chair) $("run-chair").value = m.chair || "";
      if (full || !dirty.attendees) $("run-attendees").value = (m.attendees || []).join("\n");
      $("run-chair").readOnly = !writable;
      $("run-attendees").readOnly = !writable;

      var ol = $("run-agenda");
      if (full || ol.children.length !== m.agenda.length) {
        ol.replaceChildren();
        m.agenda.forEach(function (item, i) {
          var id = "note-" + item.key;
          var ta = K.el("textarea", { id: id, rows: 2, maxlength: 5000, "data-key": item.key });
          ta.readOnly = !writable;
          ta.value = item.note || "";
          ta.addEventListener("input", function () { dirty[item.key] = true; });
          ol.appendChild(K.el("li", { "data-index": i }, [
            K.el("label", { for: id, class: "agenda-label", text: label(item) }),
            K.el("span", { class: "agenda-current-tag", text: S.current }),
            ta
          ]));
        });
      } else {
        m.agenda.forEach(function (item) {
          var ta = $("note-" + item.key);
          if (ta && !dirty[item.key]) ta.value = item.note || "";
          if (ta) ta.readOnly = !writable;
        });
      }
      Array.prototype.forEach.call(ol.children, function (li, i) {
        var current = running && i === m.current_item;
        li.classList.toggle("current", current);
        if (current) li.setAttribute("aria-current", "step"); else li.removeAttribute("aria-current");
      });

      var decs = $("run-decisions");
      decs.replaceChildren();
      (m.decisions || []).forEach(function (d) { decs.appendChild(K.el("li", { text: d.label + ": " + d.text })); });
      var tasks = $("run-tasks");
      tasks.replaceChildren();
      (m.tasks || []).forEach(function (t) { tasks.appendChild(K.el("li", { text: t.id + " " + t.title })); });
    }

    function apply(m) {
      meetings[m.id] = m;
      if (selected === null) selected = m.id;
      renderList();
      if (m.id === selected) renderRun(false);
    }

    function act(path, body, errId) {
      var err = $(errId || "run-error");
      if (err) err.textContent = "";
      return K.api("POST", "/meetings/" + selected + "/" + path, body).then(function (m) {
        if (m && m.agenda) apply(m);
        return m;
      }).catch(function (e) { K.showError(err, e); throw e; });
    }

    function swallow() {}

    if (cfg.canWrite) {
      $("run-start").addEventListener("click", function () { act("start").catch(swallow); });
      $("run-prev").addEventListener("click", function () { act("advance", { step: -1 }).catch(swallow); });
      $("run-next").addEventListener("click", function () { act("advance", { step: 1 }).catch(swallow); });
      $("run-chair").addEventListener("input", function () { dirty.chair = true; });
      $("run-attendees").addEventListener("input", function () { dirty.attendees = true; });

      $("run-save").addEventListener("click", function () {
        var notes = {};
        document.querySelectorAll("#run-agenda textarea").forEach(function (ta) { notes[ta.getAttribute("data-key")] = ta.value; });
        var attendees = $("run-attendees").value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
        $("run-error").textContent = "";
        K.api("PATCH", "/meetings/" + selected, { notes: notes, chair: $("run-chair").value, attendees: attendees })
          .then(function (m) {
            dirty = {};
            apply(m);
            $("run-notice").textContent = S.notes_saved;
          }).catch(function (e) { K.showError($("run-error"), e); });
      });

      $("run-end").addEventListener("click", function () {
        var m = meetings[selected];
        var nextIso = K.fromStockholmInput($("run-next-at").value);
        // Unsaved notes are part of the protocol: save them first.
        K.confirmDialog({
          title: K.fmt(S.end_title, { number: m.number }),
          text: K.fmt(S.end_text, { next: nextIso ? K.dateTime(nextIso) : S.next_rhythm }),
          confirmLabel: S.end_confirm,
          danger: true
        }).then(function (ok) {
          if (!ok) return;
          var notes = {};
          document.querySelectorAll("#run-agenda textarea").forEach(function (ta) { notes[ta.getAttribute("data-key")] = ta.value; });
          var attendees = $("run-attendees").value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
          K.api("PATCH", "/meetings/" + selected, { notes: notes, chair: $("run-chair").value, attendees: attendees })
            .then(function () { dirty = {}; return act("end", { next_at: nextIso }); })
            .catch(function (e) { K.showError($("run-error"), e); });
        });
      });

      var decForm = $("decision-form");
      if (decForm) {
        decForm.addEventListener("submit", function (ev) {
          ev.preventDefault();
          var err = $("dec-error");
          err.textContent = "";
          var body = {
            type: $("dec-type").value,
            text: $("dec-text").value.trim(),
            decided_by: $("dec-by").value.trim(),
            mandate: $("dec-mandate").value.trim(),
            reason: $("dec-reason").value.trim(),
            follow_up_at: K.fromStockholmInput($("dec-follow").value)
          };
          var missing = ["dec-text", "dec-by", "dec-mandate", "dec-reason"].filter(function (id) { return !$(id).value.trim(); });
          if (missing.length) {
            $(missing[0]).setAttribute("aria-invalid", "true");
            $(missing[0]).focus();
            err.textContent = S.decision_missing;
            return;
          }
          K.confirmDialog({ title: S.decision_title, text: S.decision_text + "\n\n" + body.text, confirmLabel: S.decision_confirm })
            .then(function (ok) {
              if (!ok) return;
              K.api("POST", "/meetings/" + selected + "/decisions", body).then(function (d) {
                decForm.reset();
                $("run-notice").textContent = K.fmt(S.decision_saved, { label: d.label || ("B-" + d.number) });
                return K.api("GET", "/meetings/" + selected).then(apply);
              }).catch(function (e) { K.showError(err, e); });
            });
        });
      }

      $("mtask-form").addEventListener("submit", function (ev) {
        ev.preventDefault();
        var err = $("mtask-error");
        err.textContent = "";
        var body = { title: $("mtask-title").value, position: $("mtask-position").value || null,
                     due_at: K.fromStockholmInput($("mtask-due").value) };
        K.api("POST", "/meetings/" + selected + "/tasks", body).then(function (t) {
          $("mtask-form").reset();
          $("run-notice").textContent = K.fmt(S.task_saved, { id: t.id });
          return K.api("GET", "/meetings/" + selected).then(apply);
        }).catch(function (e) { K.showError(err, e); });
      });

      var planForm = $("plan-form");
      planForm.addEventListener("submit", function (ev) {
        ev.preventDefault();
        $("plan-error").textContent = "";
        var attendees = $("plan-attendees").value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
        K.api("POST", "/incidents/" + incidentId + "/meetings", {
          scheduled_at: K.fromStockholmInput($("plan-at").value) || "", chair: $("plan-chair").value, attendees: attendees
        }).then(function (m) { planForm.reset(); apply(m); select(m.id); })
          .catch(function (e) { K.showError($("plan-error"), e); });
      });

      $("rhythm-form").addEventListener("submit", function (ev) {
        ev.preventDefault();
        $("rhythm-error").textContent = "";
        var times = $("rhythm-times").value.split(/[,\s]+/).filter(Boolean);
        K.api("PUT", "/incidents/" + incidentId + "/meetings/rhythm", { times: times }).then(function (r) {
          $("rhythm-now").textContent = r.times.join(", ");
          return K.api("GET", "/incidents/" + incidentId + "/meetings").then(function (res) {
            res.items.forEach(function (m) { meetings[m.id] = m; });
            if (selected === null) selected = pickDefault();
            renderList(); renderRun(true);
          });
        }).catch(function (e) { K.showError($("rhythm-error"), e); });
      });
    }

    selected = pickDefault();
    renderList();
    renderRun(true);

    K.live({ incident: incidentId, since: cfg.seq || 0,
      onSnapshot: function () { window.location.reload(); },
      onEvent: function (ev) {
        if (ev.type === "meeting.updated" && ev.data && ev.data.kind !== "samverkan") apply(ev.data);
      } });
  }, { json: ["meetings"] });
})();
