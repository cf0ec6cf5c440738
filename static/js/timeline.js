/* The incident timeline: the page brings the latest hour (data-items); "Tidigare"
   loads earlier hours from /api/v1/incidents/{id}/timeline; new log entries appear
   live in their hour, and a correction strikes its original through. Every entry
   is drawn by the shared K.logEntry, as in the workspace and on the wall. */
(function () {
  "use strict";
  var K = window.Krisrum;

  K.boot("timeline", function (root, cfg) {
    var incident = cfg.incident;
    var decisionsOnly = cfg.decisionsOnly === true;
    var hours = document.getElementById("timeline-hours");
    var entries = {};      // number -> entry shown
    var correctedBy = {};  // number -> number of the correcting entry

    function hourKey(iso) { return K.dateTime(iso).slice(0, 13); }

    function section(key) {
      var all = hours.querySelectorAll("section[data-hour]");
      for (var i = 0; i < all.length; i++) {
        if (all[i].dataset.hour === key) return all[i];
      }
      var sec = K.el("section", { class: "timeline-hour", "data-hour": key, "aria-label": key + ":00" },
                     [K.el("h2", { text: key + ":00" }), K.el("ol", { class: "timeline-list log-list" })]);
      var before = null;
      for (var j = 0; j < all.length; j++) {
        if (all[j].dataset.hour > key) { before = all[j]; break; }
      }
      hours.insertBefore(sec, before);
      return sec;
    }

    function node(e) {
      var li = K.logEntry(e, { correctedBy: correctedBy[e.number], className: "tl-" + e.kind });
      li.setAttribute("data-at", e.occurred_at);
      return li;
    }

    // A correction arriving later strikes its original through, where it is shown.
    function restrike(number) {
      var old = document.getElementById("entry-" + number);
      if (old && entries[number]) old.replaceWith(node(entries[number]));
    }

    function add(e) {
      if (e.corrected_by) correctedBy[e.number] = e.corrected_by;
      if (e.corrects && correctedBy[e.corrects] !== e.number) {
        correctedBy[e.corrects] = e.number;
        restrike(e.corrects);
      }
      if (decisionsOnly && e.kind !== "decision") return;
      entries[e.number] = e;
      var existing = document.getElementById("entry-" + e.number);
      if (existing) { existing.replaceWith(node(e)); return; }
      var list = section(hourKey(e.occurred_at)).querySelector("ol");
      var t = new Date(e.occurred_at).getTime(), before = null;
      var items = list.children;
      for (var i = 0; i < items.length; i++) {
        var other = new Date(items[i].dataset.at).getTime();
        if (other > t || (other === t && parseInt(items[i].dataset.number, 10) > e.number)) { before = items[i]; break; }
      }
      list.insertBefore(node(e), before);
      var empty = document.getElementById("timeline-empty");
      if (empty) empty.hidden = true;
    }

    // ---- earlier hours, on request
    var earlier = document.getElementById("timeline-earlier");
    var status = document.getElementById("timeline-status");
    var cursor = cfg.before ? { before: cfg.before, number: cfg.beforeNumber } : null;
    var loading = false;

    function feed(c) {
      var q = [];
      if (c) q.push("before=" + encodeURIComponent(c.before), "before_number=" + encodeURIComponent(c.number));
      if (decisionsOnly) q.push("decisions=true");
      return K.api("GET", "/incidents/" + incident + "/timeline" + (q.length ? "?" + q.join("&") : ""));
    }
    function setCursor(page) {
      cursor = page.next ? { before: page.next.before, number: page.next.before_number } : null;
      earlier.hidden = !cursor;
    }

    function loadEarlier() {
      if (!cursor || loading) return;
      loading = true;
      earlier.disabled = true;
      status.textContent = cfg.loadingLabel;
      feed(cursor).then(function (page) {
        page.items.forEach(add);
        setCursor(page);
        status.textContent = page.hour ? K.fmt(cfg.loadedLabel, { hour: page.hour }) : "";
        if (!cursor && document.activeElement === earlier) hours.focus();
      }).catch(function (e) {
        status.textContent = e.message;
      }).then(function () {
        loading = false;
        earlier.disabled = false;
      });
    }
    earlier.addEventListener("click", loadEarlier);

    // Too much missed to replay: start again from the latest hour over HTTP (no reload).
    function reloadLatest() {
      return feed(null).then(function (page) {
        entries = {};
        correctedBy = {};
        hours.replaceChildren();
        document.getElementById("timeline-empty").hidden = page.items.length > 0;
        page.items.forEach(add);
        setCursor(page);
      }).catch(function (e) { status.textContent = e.message; });
    }

    K.parseJSON(root.dataset.items, []).forEach(add);

    K.live({
      incident: incident,
      since: cfg.seq || 0,
      onSnapshot: reloadLatest,
      onEvent: function (ev) {
        if (ev.type === "log.appended" && ev.data) add(ev.data);
      }
    });
  });
})();
