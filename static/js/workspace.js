/* The staff workspace of one incident: quick log entry, the live log (paged
 * from the server, filtered and searched there), corrections, the on-duty
 * panel with check-out handover notes, level decisions and closing. */
(function () {
  "use strict";
  var K = window.Krisrum;
  var PAGE = 50;

  K.boot("workspace", function (root, cfg) {
    // Page strings (data-strings on the root) on top of the shared ones.
    var t = {};
    Object.keys(K.t).forEach(function (k) { t[k] = K.t[k]; });
    try {
      var own = JSON.parse(root.dataset.strings || "{}");
      Object.keys(own).forEach(function (k) { t[k] = own[k]; });
    } catch (e) { /* shared strings only */ }
    var incidentId = cfg.incident;
    var me = root.dataset.user;
    var canWrite = cfg.canWrite === true;
    var canStaff = cfg.canStaff === true;
    var active = cfg.status !== "closed";
    var base = "/incidents/" + incidentId;
    // May this device keep the page and its last known state (never an observer's, never a shared screen)?
    var keepOffline = cfg.offlineCopy === true && !!K.offline;
    var offlineCopy = false; // showing the kept state: the server could not be reached

    var entries = {};      // number -> entry (the loaded pages of the current query, plus live ones)
    var correctedBy = {};  // number -> number of the correcting entry
    var tasksByEntry = {}; // log number -> {task id: task} made from it ("Gör till uppgift")
    var positions = {};    // position key -> label, seen in entries
    var nextBefore = null; // cursor for the next older page, null when none
    var loading = false;
    var queryGen = 0;      // bumps on each filter change; late answers of older queries are dropped
    var list = document.getElementById("log-list");
    var filterKind = document.getElementById("filter-kind");
    var filterPos = document.getElementById("filter-position");
    var filterText = document.getElementById("filter-text");
    var countNode = document.getElementById("log-count");
    var moreBtn = document.getElementById("log-more");
    var sentinel = document.getElementById("log-end");

    // ---- the log: one page at a time, the query runs on the server ----
    function query() {
      var params = ["limit=" + PAGE];
      if (filterKind.value) params.push("kind=" + encodeURIComponent(filterKind.value));
      if (filterPos.value) params.push("position=" + encodeURIComponent(filterPos.value));
      var q = filterText.value.trim();
      if (q) params.push("q=" + encodeURIComponent(q));
      return params;
    }

    // Live entries are shown only if they match the current query (same rule as the server).
    function matches(e) {
      if (filterKind.value && e.kind !== filterKind.value) return false;
      if (filterPos.value && e.position !== filterPos.value) return false;
      var q = filterText.value.trim().toLowerCase();
      if (q) {
        // The server matches Swedish word forms (crisis/search/text.py); for live
        // entries every query word's beginning must occur (elavbrottet ~ elavbrott).
        var hay = (e.text + " " + (e.counterpart || "") + " " + e.author).toLowerCase();
        var words = q.match(/[\p{L}\p{N}]+/gu) || [];
        if (!words.length) return false;
        return words.every(function (w) {
          return hay.indexOf(w.length > 5 ? w.slice(0, w.length - 3) : w) !== -1;
        });
      }
      return true;
    }

    // strict: a network failure rejects (the first load: the kept state is shown instead).
    function loadPage(reset, strict) {
      var gen = reset ? ++queryGen : queryGen;
      var params = query();
      if (!reset) {
        if (nextBefore === null || loading) return Promise.resolve();
        params.push("before=" + nextBefore);
      }
      loading = true;
      moreBtn.disabled = true;
      return K.api("GET", base + "/log?" + params.join("&")).then(function (page) {
        if (gen !== queryGen) return;
        if (reset) entries = {};
        page.items.forEach(addEntry);
        nextBefore = page.next_before;
        render();
      }).catch(function (e) {
        if (e && e.status === 0 && offlineCopy) { render(); return; } // the kept state stays on show
        K.showError(countNode, e);
        if (strict && e && e.status === 0) throw e;
      }).then(function () { loading = false; moreBtn.disabled = false; if (gen === queryGen) maybeLoadMore(); },
        function (e) { loading = false; moreBtn.disabled = false; throw e; });
    }

    function maybeLoadMore() {
      if (nextBefore === null || loading || !sentinel) return;
      var r = sentinel.getBoundingClientRect();
      if (r.top < window.innerHeight + 200) loadPage(false);
    }
    if (window.IntersectionObserver && sentinel) {
      new IntersectionObserver(function (items) {
        if (items.some(function (i) { return i.isIntersecting; })) maybeLoadMore();
      }, { rootMargin: "200px" }).observe(sentinel);
    }
    moreBtn.addEventListener("click", function () { loadPage(false); });

    function actionsFor(e, struck) {
      var out = [];
      if (offlineCopy) return out;
      if (canWrite && active && !struck && e.kind !== "system") {
        out.push(K.el("button", { type: "button", class: "linklike correct-btn", "data-number": e.number,
          "aria-label": t.correct + " " + e.number, text: t.correct, onclick: function () { openCorrection(e.number); } }));
      }
      var made = tasksByEntry[e.number] || {};
      Object.keys(made).forEach(function (id) {
        out.push(K.el("a", { class: "entry-task", href: base + "/tasks#task-" + id,
          text: K.fmt(t.task_link, { id: id, title: made[id].title }) }));
      });
      if (canWrite && active && e.kind !== "system") {
        out.push(K.el("button", { type: "button", class: "linklike make-task-btn",
          "aria-label": t.make_task + " " + e.number, text: t.make_task,
          onclick: function (ev) {
            var btn = ev.currentTarget;
            btn.disabled = true;
            K.api("POST", base + "/tasks", { origin_log_number: e.number })
              .then(function (task) { addTask(task); render(); })
              .catch(function (err) { K.showError(countNode, err); btn.disabled = false; });
          } }));
      }
      return out;
    }

    function render() {
      var focused = document.activeElement;
      var caret = focused && typeof focused.selectionStart === "number" ? focused.selectionStart : null;
      // An open correction form survives a re-render (live entries arrive while typing).
      var open = {};
      Array.prototype.forEach.call(list.querySelectorAll(".correction-form"), function (f) {
        open[f.getAttribute("data-number")] = f;
      });
      var numbers = Object.keys(entries).map(Number).sort(function (a, b) { return b - a; });
      var frag = document.createDocumentFragment();
      var shown = 0;
      queued().slice().reverse().forEach(function (q) { frag.appendChild(queuedEntry(q)); });
      numbers.forEach(function (n) {
        var e = entries[n];
        if (!matches(e)) return;
        var struck = correctedBy[n];
        var li = K.logEntry(e, { correctedBy: struck, actions: actionsFor(e, struck) });
        if (open[n] && !struck) li.appendChild(open[n]);
        frag.appendChild(li);
        shown++;
      });
      list.replaceChildren(frag);
      if (focused && focused !== document.activeElement && list.contains(focused)) {
        focused.focus();
        if (caret !== null) { try { focused.setSelectionRange(caret, caret); } catch (e) { /* not a text field */ } }
      }
      countNode.textContent = K.fmt(t.log_shown || "{n}", { n: shown }) + (nextBefore !== null ? " " + (t.log_more_exist || "") : "");
      moreBtn.hidden = nextBefore === null;
      var current = filterPos.value;
      var opts = [filterPos.options[0]];
      Object.keys(positions).sort().forEach(function (k) {
        opts.push(K.el("option", { value: k, text: positions[k], selected: k === current }));
      });
      filterPos.replaceChildren.apply(filterPos, opts);
      keepState();
    }

    function addEntry(e) {
      entries[e.number] = e;
      if (e.position) positions[e.position] = e.position_label || e.position;
      if (e.corrected_by) correctedBy[e.number] = e.corrected_by;
      if (e.corrects) correctedBy[e.corrects] = e.number;
    }

    function addTask(task) {
      if (!task.origin_log_number) return;
      (tasksByEntry[task.origin_log_number] = tasksByEntry[task.origin_log_number] || {})[task.id] = task;
    }

    var renderPending = false;
    function scheduleRender() {
      if (renderPending) return;
      renderPending = true;
      window.requestAnimationFrame(function () { renderPending = false; render(); });
    }

    var searchTimer = null;
    [filterKind, filterPos].forEach(function (n) { n.addEventListener("change", function () { loadPage(true); }); });
    filterText.addEventListener("input", function () {
      window.clearTimeout(searchTimer);
      searchTimer = window.setTimeout(function () { loadPage(true); }, 300);
    });
    document.getElementById("log-filter").addEventListener("submit", function (ev) {
      ev.preventDefault();
      window.clearTimeout(searchTimer);
      loadPage(true);
    });

    // Enter saves, Shift+Enter is a new line (the main box and the correction box alike).
    function enterSubmits(area, form) {
      area.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
          ev.preventDefault();
          form.requestSubmit();
        }
      });
    }

    // ---- corrections (inline form, empty: the original stays visible above it) ----
    function openCorrection(number) {
      var li = document.getElementById("entry-" + number);
      if (!li) return;
      var existing = li.querySelector(".correction-form");
      if (existing) { existing.querySelector("textarea").focus(); return; }
      var id = "corr-" + number;
      var area = K.el("textarea", { id: id, rows: 2, maxlength: 10000, required: true,
                                    "aria-describedby": id + "-hint " + id + "-err" });
      var err = K.el("span", { id: id + "-err", class: "form-error", role: "alert" });
      var form = K.el("form", { class: "correction-form", "data-number": number, novalidate: true }, [
        K.el("label", { for: id, text: K.fmt(t.correction_prompt, { n: number }) }), area,
        K.el("span", { id: id + "-hint", class: "hint", text: t.enter_saves || "" }),
        K.el("div", { class: "entry-actions" }, [
          K.el("button", { type: "submit", class: "primary", text: t.correct }),
          K.el("button", { type: "button", class: "linklike", text: t.dialog_cancel,
            onclick: function () { form.remove(); var b = document.querySelector('#entry-' + number + ' .correct-btn'); if (b) b.focus(); } }),
          err])]);
      enterSubmits(area, form);
      area.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { ev.preventDefault(); form.remove(); } });
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        if (!area.value.trim()) { err.textContent = t.correction_empty || ""; area.focus(); return; }
        var btn = form.querySelector("button[type=submit]");
        btn.disabled = true;
        K.api("POST", base + "/log/" + number + "/correction", { text: area.value })
          .then(function (entry) { form.remove(); addEntry(entry); render(); })
          .catch(function (e) { K.showError(err, e); btn.disabled = false; });
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
      var cp = document.getElementById("entry-counterpart");
      var osl = document.getElementById("entry-osl");
      var oslChoice = document.getElementById("entry-osl-choice");
      var level = document.getElementById("entry-level");
      var levelField = document.getElementById("level-field");
      var decidedBy = document.getElementById("entry-decided-by");
      var mandate = document.getElementById("entry-mandate");
      var errNode = document.getElementById("entry-error");
      var oslField = document.getElementById("osl-field");
      var decisionFields = document.getElementById("decision-fields");
      var summary = document.getElementById("entry-summary");
      var resetBtn = document.getElementById("entry-reset");
      var paper = document.getElementById("entry-paper");
      var paperTime = document.getElementById("entry-paper-time");
      var paperTimeField = document.getElementById("entry-paper-time-field");

      // Every field returns to its default after a save: a decision's kind,
      // decider and mandate, or "Sekretess", must never carry over unnoticed
      // into the next entry of the append-only log. (The author's position is
      // not a form field: the server takes the position the author holds.)
      var DEFAULTS = { kind: "info", classification: "internal" };
      function resetForm() {
        text.value = "";
        kind.value = DEFAULTS.kind;
        cls.value = DEFAULTS.classification;
        time.value = "";
        cp.value = "";
        osl.value = "";
        oslChoice.value = "";
        level.value = "K2";
        decidedBy.value = "";
        mandate.value = "";
        paper.checked = false;
        paperTime.value = "";
        syncFields();
      }

      // What the next entry will be, when it is not the default: shown in words.
      function syncFields() {
        oslField.hidden = cls.value !== "confidential";
        levelField.hidden = cls.value !== "confidential";
        decisionFields.hidden = kind.value !== "decision";
        paperTimeField.hidden = !paper.checked;
        time.disabled = paper.checked;  // a paper entry's time is the full date and time below
        var parts = [];
        if (kind.value !== DEFAULTS.kind) parts.push(K.fmt(t.entry_as_kind, { kind: (t.kinds || {})[kind.value] || kind.value }));
        if (cls.value !== DEFAULTS.classification) parts.push((t.classifications || {})[cls.value] || cls.value);
        if (cp.value.trim()) parts.push(K.fmt(t.entry_counterpart, { who: cp.value.trim() }));
        if (paper.checked) parts.push(K.fmt(t.entry_from_paper, { time: paperTime.value.replace("T", " ") || "?" }));
        else if (time.value) parts.push(K.fmt(t.entry_at_time, { time: time.value }));
        summary.replaceChildren();
        if (parts.length) {
          summary.appendChild(K.el("strong", { text: t.entry_not_default }));
          summary.appendChild(document.createTextNode(" " + parts.join(" · ")));
          summary.hidden = false;
          resetBtn.hidden = false;
          form.classList.add("not-default");
        } else {
          summary.hidden = true;
          resetBtn.hidden = true;
          form.classList.remove("not-default");
        }
      }
      [kind, cls, time, paper, paperTime].forEach(function (n) { n.addEventListener("change", syncFields); });
      [cp, time, paperTime].forEach(function (n) { n.addEventListener("input", syncFields); });
      resetBtn.addEventListener("click", function () { resetForm(); text.focus(); });

      enterSubmits(text, form);

      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        K.showError(errNode, null);
        var body = { text: text.value, kind: kind.value, classification: cls.value };
        if (cp.value.trim()) body.counterpart = cp.value.trim();
        var pos = document.getElementById("entry-position");
        if (pos && pos.value && !document.getElementById("entry-position-field").hidden) body.position = pos.value;
        if (paper.checked) {
          // Transcribed from the paper log: the server requires the real (past) time and says so if missing.
          body.source = "paper";
          var real = K.fromStockholmInput(paperTime.value);
          if (real) body.occurred_at = real;
        } else if (time.value) {
          body.occurred_at = K.timeOfDayISO(time.value);
        }
        if (cls.value === "confidential") {
          // The secrecy assessment: a paragraph from the list, or the free text when none is chosen.
          body.osl_ground = oslChoice.value || osl.value;
          body.confidentiality = level.value;
        }
        if (kind.value === "decision") {
          body.decided_by = decidedBy.value;
          body.mandate = mandate.value;
        }
        if (!body.text.trim()) { text.focus(); return; }
        var button = form.querySelector("button[type=submit]");
        // One key per entry, made now: a resend after a lost answer is recognised, never saved twice.
        var item = { key: K.offline ? K.offline.newKey() : null, body: body, written_at: new Date().toISOString(), state: "queued" };
        function queueIt() {
          if (!enqueue(item)) return;
          render();
          resetForm();
          text.focus();
          scheduleFlush();
        }
        // Offline, or entries already wait: this one goes after them, in order.
        if (keepOffline && (offlineCopy || navigator.onLine === false || queued().length)) { queueIt(); return; }
        button.disabled = true;
        K.api("POST", base + "/log", body, item.key ? { headers: { "Idempotency-Key": item.key } } : undefined).then(function (entry) {
          addEntry(entry);
          render();
          resetForm();
          K.refocus(form, text);
        }).catch(function (e) {
          if (e && e.status === 0 && keepOffline) queueIt();
          else K.showError(errNode, e);
        }).then(function () { button.disabled = false; });
      });
      syncFields();

      // One shortcut to the log box from anywhere on the page (announced next to the heading).
      document.addEventListener("keydown", function (ev) {
        if (ev.altKey && !ev.ctrlKey && !ev.metaKey && (ev.code === "KeyN" || ev.key === "n" || ev.key === "N")) {
          ev.preventDefault();
          text.focus();
        }
      });
    }
    // The "Skriv i dagboken" link at the top (phones: the side panels come first).
    var jump = document.getElementById("jump-to-entry");
    if (jump) {
      jump.addEventListener("click", function (ev) {
        var target = document.getElementById("entry-text");
        if (!target) return;
        ev.preventDefault();
        target.scrollIntoView({ block: "center" });
        target.focus();
      });
    }

    // ---- on duty now; check-out with a handover note written in the page ----
    var staffList = document.getElementById("staffing-list");
    var lastStaffing = null;
    function renderStaffing(data) {
      lastStaffing = data;
      showWritesAs(data);
      // Keep a half-written handover note when someone else's check-in re-renders the panel.
      var drafts = {};
      Array.prototype.forEach.call(staffList.querySelectorAll(".checkout-form"), function (f) {
        drafts[f.getAttribute("data-position")] = f;
      });
      var items = data.items.map(function (p) {
        var holders = p.holders.length ? p.holders.map(function (h) {
          return K.el("li", { class: "holder" }, [
            K.el("span", { class: "holder-name", text: h.name }),
            h.phone ? K.el("span", { class: "holder-phone", text: " " + h.phone }) : null,
            K.el("span", { class: "holder-since", text: " · " + K.hhmm(h.since) })]);
        }) : [K.el("li", { class: "vacant", text: t.nobody })];
        var mine = p.holders.some(function (h) { return h.user === me; });
        var actions = [];
        if (canStaff && active) {
          actions.push(K.el("button", { type: "button", class: "small",
            text: mine ? t.check_out : t.check_in,
            "aria-label": (mine ? t.check_out : t.check_in) + ": " + p.label,
            "aria-expanded": mine ? (drafts[p.key] ? "true" : "false") : null,
            onclick: function (ev) { if (mine) openCheckout(p, ev.currentTarget); else staff({ action: "check_in", position: p.key }); } }));
        }
        var note = p.handover ? handoverBox(p, mine)
          : p.handover_note ? K.el("p", { class: "handover", text: "↪ " + p.handover_note + " (" + p.handover_by + ")" }) : null;
        return K.el("li", { class: "position" + (p.holders.length ? "" : " unstaffed"), id: "pos-" + p.key }, [
          K.el("div", { class: "position-head" }, [K.el("span", { class: "position-label", text: p.label })].concat(actions)),
          K.el("ul", { class: "holders" }, holders), note, mine && drafts[p.key] ? drafts[p.key] : null]);
      });
      staffList.replaceChildren.apply(staffList, items);
    }

    // The position an entry is written as persists on purpose: it is who you are in
    // the staff, not a property of one entry. Held positions, latest check-in first
    // (the server's default too); a choice among several is kept until you check out.
    function showWritesAs(data) {
      var asNode = document.getElementById("entry-as");
      var field = document.getElementById("entry-position-field");
      var select = document.getElementById("entry-position");
      if (!asNode || !field) return;
      var held = [];
      data.items.forEach(function (p) {
        p.holders.forEach(function (h) { if (h.user === me) held.push({ key: p.key, label: p.label, since: h.since }); });
      });
      held.sort(function (a, b) { return a.since < b.since ? 1 : a.since > b.since ? -1 : 0; });
      // Only a choice the user made sticks; otherwise the latest check-in.
      var current = held.some(function (h) { return h.key === chosenPosition; }) ? chosenPosition : (held[0] || {}).key;
      select.replaceChildren.apply(select, held.map(function (h) {
        return K.el("option", { value: h.key, text: h.label, selected: h.key === current });
      }));
      if (current) select.value = current;
      field.hidden = held.length < 2;
      if (!held.length) asNode.textContent = t.writes_as_nobody || "";
      else {
        var chosen = held.filter(function (h) { return h.key === select.value; })[0] || held[0];
        asNode.textContent = K.fmt(t.writes_as, { position: chosen.label });
      }
    }
    var chosenPosition = null;
    var positionSelect = document.getElementById("entry-position");
    if (positionSelect) {
      positionSelect.addEventListener("change", function () {
        chosenPosition = positionSelect.value;
        if (lastStaffing) showWritesAs(lastStaffing);
      });
    }

    function staff(body, errNode) {
      return K.api("POST", base + "/staffing", body).then(renderStaffing)
        .catch(function (e) { K.showError(errNode || document.getElementById("staffing-error"), e); throw e; });
    }

    // The newest handover brief of a position: open (and acknowledgeable) for the one who took over.
    function handoverBox(p, mine) {
      var h = p.handover;
      var acked = !!h.acknowledged_at;
      var head = acked
        ? K.fmt(t.handover_acked, { from: h.from_name, by: h.acknowledged_by_name || "", time: K.hhmm(h.acknowledged_at) })
        : K.fmt(t.handover_from, { from: h.from_name, time: K.hhmm(h.signed_at) });
      var canAck = !acked && canStaff && active && mine && h.from_user !== me;
      var err = K.el("p", { class: "form-error", role: "alert" });
      var ack = canAck ? K.el("button", { type: "button", class: "primary small handover-ack", text: t.handover_ack,
        "aria-label": t.handover_ack + ": " + p.label,
        onclick: function (ev) {
          ev.currentTarget.disabled = true;
          K.api("POST", "/handovers/" + h.id + "/acknowledge").then(function () {
            return K.api("GET", base + "/staffing").then(renderStaffing);
          }).catch(function (e) { ev.target.disabled = false; K.showError(err, e); });
        } }) : null;
      return K.el("div", { class: "handover-box" + (acked ? " acked" : " pending"), id: "handover-" + h.id }, [
        K.el("details", { open: canAck ? true : null }, [
          K.el("summary", { text: head }),
          K.el("pre", { class: "handover-text", text: h.text })]),
        ack, err]);
    }

    // Check-out: the generated brief, edited here, signed (with a confirmation) and the check-out in one step.
    function openCheckout(p, button) {
      var li = document.getElementById("pos-" + p.key);
      var existing = li.querySelector(".checkout-form");
      if (existing) { existing.querySelector("textarea").focus(); return; }
      var id = "handover-text-" + p.key;
      var area = K.el("textarea", { id: id, rows: 14, maxlength: 20000, "aria-describedby": id + "-hint" });
      var err = K.el("p", { class: "form-error", role: "alert" });
      var generatedAt = null;
      var signBtn = K.el("button", { type: "submit", class: "primary", text: t.handover_sign, disabled: true });
      var form = K.el("form", { class: "checkout-form stack-form", "data-position": p.key, novalidate: true }, [
        K.el("div", { class: "field" }, [
          K.el("label", { for: id, text: K.fmt(t.handover_label, { position: p.label }) }),
          K.el("p", { id: id + "-hint", class: "hint", text: t.handover_hint }), area]),
        K.el("div", { class: "entry-actions" }, [
          signBtn,
          K.el("button", { type: "button", class: "linklike", text: t.dialog_cancel, onclick: function () {
            form.remove(); button.setAttribute("aria-expanded", "false"); button.focus(); } })]),
        K.el("details", { class: "plain-checkout" }, [
          K.el("summary", { text: t.checkout_plain }),
          K.el("button", { type: "button", class: "small", text: t.check_out_confirm, onclick: function () {
            form.remove();
            staff({ action: "check_out", position: p.key }).catch(function () {});
          } })]),
        err]);
      K.api("GET", base + "/staffing/" + encodeURIComponent(p.key) + "/handover").then(function (d) {
        if (!area.value) area.value = d.text;
        generatedAt = d.generated_at;
        signBtn.disabled = false;
      }).catch(function (e) { K.showError(err, e); });
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        K.showError(err, null);
        var text = area.value.trim();
        if (!text) { err.textContent = t.handover_empty; area.focus(); return; }
        K.confirmDialog({
          title: K.fmt(t.handover_confirm_title, { position: p.label }), text: t.handover_confirm_text,
          confirmLabel: t.handover_sign
        }).then(function (answer) {
          if (!answer) return;
          signBtn.disabled = true;
          var body = { text: text };
          if (generatedAt) body.generated_at = generatedAt;
          return K.api("POST", base + "/staffing/" + encodeURIComponent(p.key) + "/handover", body).then(function () {
            form.remove();
            return K.api("GET", base + "/staffing").then(renderStaffing);
          });
        }).catch(function (e) { signBtn.disabled = false; K.showError(err, e); });
      });
      li.appendChild(form);
      button.setAttribute("aria-expanded", "true");
      area.focus();
    }

    // ---- decisions: follow-ups marked overdue by the client clock, the level shortcut ----
    var currentLevel = (document.getElementById("incident-level").className.match(/level-(\w+)/) || [])[1] || "";
    function markFollowUps() {
      Array.prototype.forEach.call(document.querySelectorAll("#follow-up-list li[data-follow-up]"), function (li) {
        var overdue = new Date(li.getAttribute("data-follow-up")).getTime() <= Date.now();
        li.classList.toggle("is-overdue", overdue);
        var flag = li.querySelector(".overdue-flag");
        if (flag) flag.hidden = !overdue;
      });
    }
    markFollowUps();
    window.setInterval(markFollowUps, 30000);
    function refreshFollowUps() {
      return K.api("GET", base + "/decisions?status=in_force&limit=500").then(function (res) {
        var ul = document.getElementById("follow-up-list");
        var items = res.items.filter(function (d) { return d.follow_up_at; })
          .sort(function (a, b) { return new Date(a.follow_up_at) - new Date(b.follow_up_at); }).slice(0, 20);
        ul.textContent = "";
        items.forEach(function (d) {
          ul.appendChild(K.el("li", { "data-follow-up": d.follow_up_at }, [
            K.el("a", { href: "/incidents/" + incidentId + "/decisions#decision-" + d.id, text: d.label }),
            document.createTextNode(" " + d.title + " – " + K.dateTime(d.follow_up_at)),
            K.el("span", { class: "overdue-flag", text: " ⚠", hidden: true })
          ]));
        });
        markFollowUps();
      }).catch(function () { /* the list stays as it was; the register has the truth */ });
    }

    // ---- level decision ----
    var levelForm = document.getElementById("level-form");
    if (levelForm) {
      var levelErr = document.getElementById("level-error");
      levelForm.addEventListener("submit", function (ev) {
        ev.preventDefault();
        K.showError(levelErr, null);
        var wanted = document.getElementById("level-select").value;
        if (wanted === currentLevel) { levelErr.textContent = t.level_same; return; }
        var levels = t.levels || {};
        K.confirmDialog({
          title: t.level_confirm_title,
          text: K.fmt(t.level_confirm_text, { from: levels[currentLevel] || currentLevel, to: levels[wanted] || wanted }),
          confirmLabel: t.level_confirm_ok
        }).then(function (answer) {
          if (!answer) return;
          // A level is a decision: recorded in the register (B-n), the incident follows.
          return K.api("POST", base + "/decisions", {
            type: "level",
            level: wanted,
            text: "",
            decided_by: document.getElementById("level-decided-by").value,
            mandate: document.getElementById("level-mandate").value,
            reason: document.getElementById("level-reason").value
          }).then(function (d) {
            document.getElementById("level-reason").value = "";
            levelErr.textContent = K.fmt(t.level_recorded, { label: d.label });
          });
        }).catch(function (e) { K.showError(levelErr, e); });
      });
    }

    // ---- closing: its own form, far from the level form, confirmed in a dialog with its own reason ----
    var closeForm = document.getElementById("close-form");
    if (closeForm) {
      var closeErr = document.getElementById("close-error");
      closeForm.addEventListener("submit", function (ev) {
        ev.preventDefault();
        K.showError(closeErr, null);
        var decider = document.getElementById("close-decided-by").value.trim();
        var mandateValue = document.getElementById("close-mandate").value.trim();
        if (!decider || !mandateValue) {
          closeErr.textContent = t.close_needs;
          (decider ? document.getElementById("close-mandate") : document.getElementById("close-decided-by")).focus();
          return;
        }
        K.confirmDialog({
          title: t.close_title, text: t.close_text, confirmLabel: t.close_confirm, danger: true,
          reason: { label: t.close_reason, required: true }
        }).then(function (answer) {
          if (!answer) return;
          return K.api("PATCH", base, { status: "closed", decided_by: decider, mandate: mandateValue, reason: answer.reason })
            .then(updateIncident);
        }).catch(function (e) { K.showError(closeErr, e); });
      });
    }

    // ---- avveckling: the stand-down decision, asked first with its own reason (the close step comes after) ----
    var standdownForm = document.getElementById("standdown-form");
    if (standdownForm) {
      var sdErr = document.getElementById("standdown-error");
      standdownForm.addEventListener("submit", function (ev) {
        ev.preventDefault();
        K.showError(sdErr, null);
        var decider = document.getElementById("standdown-decided-by").value.trim();
        var mandateValue = document.getElementById("standdown-mandate").value.trim();
        if (!decider || !mandateValue) {
          sdErr.textContent = t.standdown_needs;
          (decider ? document.getElementById("standdown-mandate") : document.getElementById("standdown-decided-by")).focus();
          return;
        }
        K.confirmDialog({
          title: t.standdown_title, text: t.standdown_text, confirmLabel: t.standdown_confirm, danger: true,
          reason: { label: t.standdown_reason, required: true }
        }).then(function (answer) {
          if (!answer) return;
          return K.api("PATCH", base, { status: "standing_down", decided_by: decider, mandate: mandateValue, reason: answer.reason })
            .then(updateIncident);
        }).catch(function (e) { K.showError(sdErr, e); refreshOpenTasks(); });
      });
    }

    // The open tasks in the avveckling panel: each is done ("Klar") or handed over to the line organisation.
    var sdList = document.getElementById("standdown-task-list");
    var sdTaskErr = document.getElementById("standdown-task-error");
    function refreshOpenTasks() {
      if (!sdList) return Promise.resolve();
      return K.api("GET", base + "/tasks?status=todo,doing,blocked").then(function (res) {
        var drafts = {};
        Array.prototype.forEach.call(sdList.querySelectorAll(".handover-line-form"), function (f) {
          drafts[f.getAttribute("data-task")] = f;
        });
        sdList.replaceChildren.apply(sdList, res.items.map(function (task) {
          return K.el("li", { class: "standdown-task", id: "sd-task-" + task.id }, [
            K.el("span", { class: "title", text: task.title }),
            K.el("span", { class: "meta", text: " (" + ((t.task_statuses || {})[task.status] || task.status) + ")" }),
            K.el("div", { class: "standdown-task-actions" }, [
              K.el("button", { type: "button", class: "small", text: t.task_done,
                "aria-label": t.task_done + ": " + task.title,
                onclick: function () { taskDone(task); } }),
              K.el("button", { type: "button", class: "small", text: t.task_hand_over,
                "aria-label": t.task_hand_over + " " + task.title,
                onclick: function () { openHandOver(task); } })]),
            drafts[String(task.id)] || null]);
        }));
        document.getElementById("standdown-none").hidden = res.items.length > 0;
      }).catch(function (e) { K.showError(sdTaskErr, e); });
    }
    function taskDone(task) {
      K.showError(sdTaskErr, null);
      K.api("PATCH", "/tasks/" + task.id, { version: task.version, status: "done" })
        .then(refreshOpenTasks).catch(function (e) { K.showError(sdTaskErr, e); refreshOpenTasks(); });
    }
    function openHandOver(task) {
      var li = document.getElementById("sd-task-" + task.id);
      var existing = li.querySelector(".handover-line-form");
      if (existing) { existing.querySelector("input").focus(); return; }
      var id = "sd-to-" + task.id;
      var input = K.el("input", { id: id, maxlength: 200, required: true, autocomplete: "off" });
      var form = K.el("form", { class: "handover-line-form stack-form", "data-task": String(task.id), novalidate: true }, [
        K.el("div", { class: "field" }, [K.el("label", { for: id, text: t.task_hand_over_to }), input]),
        K.el("div", { class: "entry-actions" }, [
          K.el("button", { type: "submit", class: "primary small", text: t.task_hand_over_confirm }),
          K.el("button", { type: "button", class: "linklike", text: t.dialog_cancel, onclick: function () { form.remove(); } })])]);
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        K.showError(sdTaskErr, null);
        var to = input.value.trim();
        if (!to) { sdTaskErr.textContent = t.task_hand_over_empty; input.focus(); return; }
        K.api("POST", "/tasks/" + task.id + "/hand-over", { version: task.version, to: to })
          .then(function () { form.remove(); return refreshOpenTasks(); })
          .catch(function (e) { K.showError(sdTaskErr, e); });
      });
      li.appendChild(form);
      input.focus();
    }

    var openTasksTimer = null;
    function scheduleOpenTasks() {
      if (!sdList || openTasksTimer) return;
      openTasksTimer = window.setTimeout(function () { openTasksTimer = null; refreshOpenTasks(); }, 300);
    }

    function updateIncident(inc) {
      currentLevel = inc.level;
      var banner = document.getElementById("proposed-level-banner");
      if (banner && !inc.proposed_level) banner.hidden = true;
      document.getElementById("incident-title").textContent = inc.title;
      var lvl = document.getElementById("incident-level");
      lvl.textContent = (t.levels || {})[inc.level] || inc.level;
      lvl.className = "level-badge level-" + inc.level;
      var st = document.getElementById("incident-status");
      if (st) { st.textContent = (t.incident_statuses || {})[inc.status] || inc.status; st.className = "status-" + inc.status; }
      // Avveckling or closed: the page's forms change (the close step, no more writing), so it is rendered anew.
      if (inc.status !== cfg.status) window.location.reload();
    }

    // ---- offline: the kept state, and log entries written while the server cannot be reached ----
    var banner = document.getElementById("offline-banner");
    var tasksSeen = [];
    var stateTimer = null;
    var lastServerAt = null; // the last time the server's state reached this page
    function keepState() {
      if (!keepOffline || offlineCopy || stateTimer) return;
      // Only the unfiltered log is the incident's state.
      if (filterKind.value || filterPos.value || filterText.value.trim()) return;
      stateTimer = window.setTimeout(function () {
        stateTimer = null;
        var newest = Object.keys(entries).map(Number).sort(function (a, b) { return b - a; }).slice(0, 200);
        K.offline.saveState(me, incidentId, {
          entries: newest.map(function (n) { return entries[n]; }),
          tasks: tasksSeen, staffing: lastStaffing, next_before: nextBefore,
          saved_at: lastServerAt || new Date().toISOString()
        });
      }, 500);
    }

    function queued() { return keepOffline ? K.offline.queue(me, incidentId) : []; }
    function enqueue(item) {
      if (item.body.classification === "confidential") {
        // A confidential entry is never written to the device: it stays in the box, unsaved.
        errNode.textContent = t.queued_confidential || "";
        return false;
      }
      // The time the user wrote it, unless a time was given: the server keeps it as occurred_at.
      if (!item.body.occurred_at) item.body.occurred_at = item.written_at;
      var items = queued();
      items.push(item);
      if (!K.offline.setQueue(me, incidentId, items)) { errNode.textContent = t.queued_no_room || ""; return false; }
      return true;
    }
    function updateQueued(key, change) {
      var items = queued();
      var out = [];
      items.forEach(function (q) {
        if (q.key !== key) out.push(q);
        else if (change) { Object.keys(change).forEach(function (k) { q[k] = change[k]; }); out.push(q); }
      });
      K.offline.setQueue(me, incidentId, out);
    }

    function queuedEntry(q) {
      var failed = q.state === "failed";
      var meta = [
        K.el("span", { class: "queued-tag", text: failed ? t.send_failed : t.not_sent }),
        K.el("time", { class: "entry-time", datetime: q.body.occurred_at || q.written_at,
          text: K.hhmm(q.body.occurred_at || q.written_at), title: K.fmt(t.queued_written, { time: K.dateTime(q.written_at) }) }),
        K.el("span", { class: "kind kind-" + q.body.kind, text: (t.kinds || {})[q.body.kind] || q.body.kind })
      ];
      if (q.body.counterpart) meta.push(K.el("span", { class: "counterpart", text: q.body.counterpart }));
      var foot = [];
      if (failed) {
        foot.push(K.el("p", { class: "form-error", role: "alert", text: K.fmt(t.send_failed_text, { message: q.error || "" }) }));
        foot.push(K.el("button", { type: "button", class: "linklike queued-remove", text: t.queued_remove,
          onclick: function () {
            K.confirmDialog({ title: t.queued_remove_title, text: t.queued_remove_text, confirmLabel: t.queued_remove, danger: true })
              .then(function (answer) { if (answer) { updateQueued(q.key, null); render(); } });
          } }));
      }
      return K.el("li", { class: "entry queued" + (failed ? " failed" : ""), id: "queued-" + q.key, "data-queued": q.key }, [
        K.el("div", { class: "entry-meta" }, meta),
        K.el("p", { class: "entry-text", text: q.body.text }),
        K.el("div", { class: "entry-foot" }, foot)]);
    }

    // Send what waits, oldest first, each with its own Idempotency-Key; stop at the first network failure.
    var flushing = false;
    var flushTimer = null;
    function scheduleFlush(delay) {
      if (!keepOffline || flushTimer) return;
      flushTimer = window.setTimeout(function () { flushTimer = null; flush(); }, delay || 0);
    }
    function flush() {
      if (flushing || !keepOffline) return Promise.resolve();
      flushing = true;
      var run = function () { return sendNext(); };
      var done = navigator.locks ? navigator.locks.request("krisrum-queue-" + me + "-" + incidentId, run) : run();
      return done.then(function (again) {
        flushing = false;
        if (queued().some(function (q) { return q.state === "queued"; })) scheduleFlush(again ? 0 : 10000);
      }, function () { flushing = false; scheduleFlush(10000); });
    }
    function sendNext() {
      var next = queued().filter(function (q) { return q.state === "queued"; })[0];
      if (!next) return Promise.resolve(false);
      return K.api("POST", base + "/log", next.body, { headers: { "Idempotency-Key": next.key } }).then(function (entry) {
        updateQueued(next.key, null);
        addEntry(entry);
        render();
        return sendNext();
      }, function (e) {
        if (!e || e.status === 0 || e.status >= 500 || e.code === "idempotency_key_in_progress") return false; // later
        if (e.status === 401) { K.showError(document.getElementById("entry-error"), { message: t.queued_login }); return false; }
        if (e.code === "idempotency_key_answer_lost" || e.code === "idempotency_key_reused") {
          // The server saved it under this key, the answer was lost: the log shows it once.
          updateQueued(next.key, null);
          return loadPage(true, true).then(sendNext, sendNext);
        }
        updateQueued(next.key, { state: "failed", error: e.message || String(e.code) });
        render();
        return sendNext();
      });
    }

    function showOffline(on, savedAt) {
      offlineCopy = on;
      root.classList.toggle("offline-copy", on);
      banner.hidden = !on;
      if (on) {
        banner.textContent = savedAt ? K.fmt(t.offline_banner, { time: K.hhmm(savedAt) }) : t.offline_banner_none;
      }
      // Read-only: nothing but the log entry box (its entries wait on the device) while offline.
      Array.prototype.forEach.call(root.querySelectorAll(
        "#level-form button, #close-form button, #standdown-form button, .ws-side button"), function (b) {
        if (on && !b.disabled) { b.disabled = true; b.dataset.offlineDisabled = "true"; }
        else if (!on && b.dataset.offlineDisabled === "true") { b.disabled = false; delete b.dataset.offlineDisabled; }
      });
    }
    function useKeptState() {
      var state = keepOffline ? K.offline.loadState(me, incidentId) : null;
      if (state) {
        entries = {};
        (state.entries || []).forEach(addEntry);
        tasksSeen = state.tasks || [];
        tasksSeen.forEach(addTask);
        nextBefore = null;
        if (state.staffing) renderStaffing(state.staffing);
      }
      showOffline(true, state && state.saved_at);
      render();
    }

    // ---- load the latest page, then go live from the seq the page was rendered at ----
    function loadAll() {
      return Promise.all([loadPage(true, true), K.api("GET", base + "/staffing").then(renderStaffing), refreshOpenTasks(),
        K.api("GET", base + "/tasks").catch(function (e) { if (e && e.status === 0) throw e; return { items: [] }; })
          .then(function (res) { tasksSeen = res.items; res.items.forEach(addTask); render(); })]);
    }
    var live = false;
    var retryTimer = null;
    function start() {
      window.clearTimeout(retryTimer);
      return loadAll().then(function () {
        lastServerAt = new Date().toISOString();
        if (offlineCopy) showOffline(false);
        render();
        scheduleFlush();
        if (!live) { live = true; goLive(); }
      }, function (e) {
        if (!(e && e.status === 0) || !keepOffline) throw e;
        if (!offlineCopy) useKeptState();
        retryTimer = window.setTimeout(startShown, 10000);
      });
    }
    function startShown() {
      return start().catch(function (e) { K.showError(document.getElementById("entry-error") || countNode, e); });
    }
    window.addEventListener("online", function () { if (offlineCopy) startShown(); else scheduleFlush(); });
    // Another tab of this incident wrote or sent entries: show the queue as it is now.
    window.addEventListener("storage", function (ev) {
      if (keepOffline && ev.key === "krisrum:queue:" + me + ":" + incidentId) scheduleRender();
    });
    document.addEventListener("krisrum:socket", function (ev) {
      ev.detail.on("connect", function () { scheduleFlush(); });
    });
    startShown();

    function goLive() {
      K.live({
        incident: incidentId, since: cfg.seq || 0,
        onSnapshot: function () { loadAll(); },
        onEvent: function (ev) {
          lastServerAt = new Date().toISOString();
          if (ev.type === "log.appended") { addEntry(ev.data); scheduleRender(); }
          else if (ev.type === "staffing.changed") renderStaffing(ev.data);
          else if (ev.type === "incident.updated") updateIncident(ev.data);
          else if (ev.type === "decision.recorded" || ev.type === "decision.updated") refreshFollowUps();
          else if ((ev.type === "task.created" || ev.type === "task.updated") && ev.data.origin_log_number) {
            addTask(ev.data); scheduleRender();
          }
          if (ev.type === "task.created" || ev.type === "task.updated") scheduleOpenTasks();
        }
      });
    }
    // The first visit came before the service worker: keep this page and its files now.
    if (keepOffline && !(navigator.serviceWorker && navigator.serviceWorker.controller)) K.offline.keepPage();
  });
})();
