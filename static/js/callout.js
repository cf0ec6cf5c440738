/* Call-out list (larmning), checklist and reminders of an incident started
 * from a playbook. One tap marks a person reached / not reached / declined
 * (tap the same button again to undo); phone numbers are tel: links. Kept live
 * through the workspace's connection (the "krisrum:event" DOM event) or, on
 * its own page, through a connection of its own. */
(function () {
  "use strict";
  var K = window.Krisrum;

  K.boot("pb-panels", function (root, cfg) {
    var incidentId = cfg.incident;
    var canWrite = cfg.canWrite === true;
    var canCallout = cfg.canCallout === true;
    var canNotify = cfg.canNotify === true;
    var active = cfg.active === true;
    var S = cfg.strings;
    var base = "/incidents/" + incidentId;

    var calloutPanel = document.getElementById("callout-panel");
    var calloutList = document.getElementById("callout-list");
    var calloutCounts = document.getElementById("callout-counts");
    var calloutError = document.getElementById("callout-error");
    var notifyBtn = document.getElementById("callout-notify");
    var smsNote = document.getElementById("callout-sms-off");
    var checklistPanel = document.getElementById("checklist-panel");
    var checklistList = document.getElementById("checklist-list");
    var checklistProgress = document.getElementById("checklist-progress");
    var checklistError = document.getElementById("checklist-error");
    var reminderPanel = document.getElementById("reminder-panel");
    var reminderText = document.getElementById("reminder-text");
    var emptyNote = document.getElementById("pb-empty");
    var lastCallout = null;
    var lastChecklist = null;
    var hasCallout = false;
    var hasChecklist = false;

    function syncEmpty() {
      if (emptyNote) emptyNote.hidden = hasCallout || hasChecklist;
    }

    function telHref(phone) {
      return "tel:" + String(phone).replace(/[^\d+]/g, "");
    }

    // ---- call-out ----
    function mark(entry, state) {
      K.showError(calloutError, null);
      var next = entry.state === state ? "pending" : state;
      K.api("POST", base + "/callout", { action: "mark", entry: entry.id, state: next })
        .then(renderCallout)
        .catch(function (e) { K.showError(calloutError, e); });
    }

    function entryNode(entry) {
      var who = [K.el("strong", { class: "callout-name", text: entry.name })];
      if (entry.role) who.push(K.el("span", { class: "callout-role", text: entry.role }));
      var contact = [];
      if (entry.phone) {
        contact.push(K.el("a", { class: "callout-phone", href: telHref(entry.phone), text: entry.phone,
          "aria-label": K.fmt(S.call || "{name}", { name: entry.name }) + " " + entry.phone }));
      }
      var stateText = (S.states || {})[entry.state] || entry.state;
      if (entry.updated_by && entry.state !== "pending") {
        stateText += " · " + K.fmt(S.done_by || "{who} {time}", { who: entry.updated_by, time: K.hhmm(entry.updated_at) });
      }
      contact.push(K.el("span", { class: "callout-state state-" + entry.state, text: stateText }));
      var children = [K.el("div", { class: "callout-who" }, who), K.el("div", { class: "callout-contact" }, contact)];
      if (entry.note) children.push(K.el("p", { class: "callout-note", text: entry.note }));
      var ackNode = ackStatus(entry);
      if (ackNode) children.push(ackNode);
      if (entry.sms && entry.sms.state === "failed") {
        children.push(K.el("p", { class: "callout-sms-failed form-error", role: "alert",
          text: K.fmt(S.sms_failed || "{error}", { attempts: entry.sms.attempts, error: entry.sms.error || "" }) }));
      }
      var subNode = substituteNode(entry);
      if (subNode) children.push(subNode);
      if (canWrite && active) {
        var buttons = ["reached", "not_reached", "declined"].map(function (state) {
          return K.el("button", {
            type: "button", class: "small mark-" + state, "data-state": state,
            "aria-pressed": entry.state === state ? "true" : "false",
            "aria-label": (S.mark || {})[state] + ": " + entry.name,
            text: (S.mark || {})[state] || state,
            onclick: function () { mark(entry, state); }
          });
        });
        children.push(K.el("div", { class: "callout-actions" }, buttons));
      }
      return K.el("li", { class: "callout-entry state-" + entry.state + (entry.overdue ? " overdue" : ""),
                          "data-entry": entry.id }, children);
    }

    // Acknowledgement: acknowledged (when, how), waiting since, or not acknowledged in time.
    function ackStatus(entry) {
      if (entry.ack_at) {
        return K.el("p", { class: "callout-ack acked", text: K.fmt(S.acked || "{time}", {
          time: K.hhmm(entry.ack_at), via: (S.via || {})[entry.ack_via] || entry.ack_via }) });
      }
      if (entry.overdue) {
        return K.el("p", { class: "callout-ack overdue", text: K.fmt(S.overdue || "{minutes}", {
          minutes: lastCallout ? lastCallout.ack_minutes : "", time: K.hhmm(entry.sent_at) }) });
      }
      if (entry.sent_at) {
        return K.el("p", { class: "callout-ack waiting", text: K.fmt(S.waiting || "{time}", { time: K.hhmm(entry.sent_at) }) });
      }
      return null;
    }

    // The ersättare: proposed once someone has not acknowledged in time; one click (confirmed) calls them out.
    function substituteNode(entry) {
      if (!entry.substitute || entry.ack_at) return null;
      if (entry.substitute_called_at) {
        return K.el("p", { class: "callout-substitute called", text: K.fmt(S.substitute_called || "{name}", {
          name: entry.substitute.name, time: K.hhmm(entry.substitute_called_at) }) });
      }
      if (!entry.overdue) return null;
      var parts = [K.el("span", { class: "callout-substitute-name", text: K.fmt(S.substitute || "{name}", { name: entry.substitute.name }) })];
      if (entry.substitute.phone) {
        parts.push(K.el("a", { class: "callout-phone", href: telHref(entry.substitute.phone), text: entry.substitute.phone }));
      }
      if (canNotify && active) {
        parts.push(K.el("button", { type: "button", class: "small callout-call-substitute",
          text: K.fmt(S.call_substitute || "{name}", { name: entry.substitute.name }),
          onclick: function () { callSubstitute(entry); } }));
      }
      return K.el("div", { class: "callout-substitute proposed", role: "status" }, parts);
    }

    function callSubstitute(entry) {
      K.showError(calloutError, null);
      var ask = K.confirmDialog ? K.confirmDialog({
        title: K.fmt(S.confirm_title || "{name}", { name: entry.substitute.name }),
        text: K.fmt(S.confirm_text || "{name}", { name: entry.substitute.name, who: entry.name }),
        confirmLabel: S.confirm_label || "OK"
      }) : Promise.resolve({});
      ask.then(function (res) {
        if (!res) return;
        return K.api("POST", base + "/callout", { action: "substitute", entry: entry.id })
          .then(renderCallout)
          .catch(function (e) { K.showError(calloutError, e); });
      }, function () { /* cancelled */ });
    }

    function renderCallout(data) {
      if (!calloutList || !data) return;
      lastCallout = data;
      hasCallout = data.items.length > 0;
      calloutPanel.hidden = !hasCallout;
      calloutList.replaceChildren.apply(calloutList, data.items.map(entryNode));
      var counts = data.counts || {};
      var countText = K.fmt(S.counts || "{reached}/{total}", { reached: counts.reached || 0, total: data.items.length });
      if (data.items.some(function (e) { return e.sent_at; })) {
        countText += " · " + K.fmt(S.acked_count || "{n}", { n: data.acknowledged || 0 });
      }
      calloutCounts.textContent = countText;
      if (notifyBtn) notifyBtn.hidden = !data.items.some(function (e) { return e.email || (data.sms_enabled && e.phone); });
      if (smsNote) smsNote.hidden = data.sms_enabled === true || !hasCallout;
      syncEmpty();
    }

    if (notifyBtn) {
      notifyBtn.addEventListener("click", function () {
        K.showError(calloutError, null);
        notifyBtn.disabled = true;
        K.api("POST", base + "/callout", { action: "notify" })
          .then(function (data) { renderCallout(data); calloutError.textContent = S.notify_sent || ""; })
          .catch(function (e) { K.showError(calloutError, e); })
          .then(function () { notifyBtn.disabled = false; });
      });
    }

    // ---- checklist ----
    function itemNode(item) {
      var id = "chk-" + item.id;
      var box = K.el("input", { type: "checkbox", id: id, checked: item.done, disabled: !(canWrite && active) });
      box.addEventListener("change", function () {
        K.showError(checklistError, null);
        box.disabled = true;
        K.api("POST", base + "/checklist", { item: item.id, done: box.checked })
          .then(renderChecklist)
          .catch(function (e) { box.checked = item.done; box.disabled = false; K.showError(checklistError, e); });
      });
      var label = K.el("label", { for: id, text: item.text });
      var meta = item.done && item.done_by
        ? K.el("span", { class: "hint checklist-who", text: K.fmt(S.done_by || "{who} {time}", { who: item.done_by, time: K.hhmm(item.done_at) }) })
        : null;
      return K.el("li", { class: "checklist-item" + (item.done ? " done" : "") }, [box, label, meta]);
    }

    function renderChecklist(data) {
      if (!checklistList || !data) return;
      lastChecklist = data;
      hasChecklist = data.items.length > 0;
      checklistPanel.hidden = !hasChecklist;
      checklistList.replaceChildren.apply(checklistList, data.items.map(itemNode));
      var done = data.items.filter(function (i) { return i.done; }).length;
      checklistProgress.textContent = K.fmt(S.progress || "{done}/{total}", { done: done, total: data.items.length });
      syncEmpty();
    }

    // ---- reminders ----
    function showReminder(data) {
      if (!reminderPanel || !data) return;
      reminderText.textContent = (S.reminder || "") + " " + K.hhmm(data.due_at) + " – " + (data.label || "") + ": " + data.text;
      reminderPanel.hidden = false;
    }

    // ---- live ----
    function onEvent(ev) {
      if (!ev || ev.incident !== incidentId) return;
      if (ev.type === "callout.updated") renderCallout(ev.data);
      else if (ev.type === "checklist.updated") renderChecklist(ev.data);
      else if (ev.type === "reminder.due") showReminder(ev.data);
      else if (ev.type === "incident.updated" && ev.data && ev.data.status === "closed" && active) {
        active = false;
        if (lastCallout) renderCallout(lastCallout);
        if (lastChecklist) renderChecklist(lastChecklist);
        if (notifyBtn) notifyBtn.remove();
      }
    }

    function loadAll() {
      var loads = [K.api("GET", base + "/checklist").then(renderChecklist)];
      if (canCallout && calloutList) loads.push(K.api("GET", base + "/callout").then(renderCallout));
      return Promise.all(loads).catch(function (e) { K.showError(checklistError, e); });
    }
    loadAll();

    if (document.getElementById("workspace")) {
      // The workspace already holds the live connection.
      document.addEventListener("krisrum:event", function (e) { onEvent(e.detail); });
    } else if (K.live) {
      // Too much missed to replay: the lists again over HTTP (no reload).
      K.live({ incident: incidentId, since: cfg.seq || 0, onEvent: onEvent, onSnapshot: loadAll });
    }
  }, { json: ["strings"] });
})();
