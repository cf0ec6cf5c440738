/* The incident timeline: the page holds the latest hour; "Tidigare" loads earlier
   hours from /api/v1/incidents/{id}/timeline; new log entries appear live in their hour. */
(function () {
  "use strict";
  var K = window.Krisrum;
  var root = document.getElementById("timeline");
  if (!root) return;
  var ds = root.dataset;
  var incident = parseInt(ds.incident, 10);
  var decisionsOnly = ds.decisionsOnly === "true";
  var kinds = {};
  try { kinds = JSON.parse(ds.kinds || "{}"); } catch (e) { kinds = {}; }
  var hours = document.getElementById("timeline-hours");

  function hourKey(iso) { return K.dateTime(iso).slice(0, 13); }

  function section(key) {
    var all = hours.querySelectorAll("section[data-hour]");
    for (var i = 0; i < all.length; i++) {
      if (all[i].dataset.hour === key) return all[i];
    }
    var sec = K.el("section", { class: "timeline-hour", "data-hour": key, "aria-label": key + ":00" },
                   [K.el("h2", { text: key + ":00" }), K.el("ol", { class: "timeline-list" })]);
    var before = null;
    for (var j = 0; j < all.length; j++) {
      if (all[j].dataset.hour > key) { before = all[j]; break; }
    }
    hours.insertBefore(sec, before);
    return sec;
  }

  function add(e) {
    if (decisionsOnly && e.kind !== "decision") return;
    if (root.querySelector('li[data-number="' + e.number + '"]')) return;
    var li = K.el("li", { class: "tl-" + e.kind, "data-number": String(e.number), "data-at": e.occurred_at }, [
      K.el("span", { class: "tl-time", text: K.hhmm(e.occurred_at) }), " ",
      K.el("span", { class: "tl-kind", text: kinds[e.kind] || e.kind }), " ",
      K.el("span", { class: "tl-text", text: e.text }), " ",
      e.kind === "decision" && e.decided_by ?
        K.el("span", { class: "meta", text: ds.decidedByLabel + " " + e.decided_by + (e.mandate ? " (" + e.mandate + ")" : "") }) : null,
      e.classification === "confidential" ? K.el("span", { class: "tl-kind", text: ds.confidentialLabel }) : null,
      e.corrects ? K.el("span", { class: "meta", text: " " + ds.correctsLabel + " " + e.corrects }) : null,
      e.corrected_by ? K.el("span", { class: "meta", text: " " + K.fmt(ds.correctedByLabel, { n: e.corrected_by }) }) : null,
      K.el("span", { class: "meta", text: " #" + e.number + " · " + e.author })
    ]);
    var list = section(hourKey(e.occurred_at)).querySelector("ol");
    var t = new Date(e.occurred_at).getTime(), before = null;
    var items = list.children;
    for (var i = 0; i < items.length; i++) {
      var other = new Date(items[i].dataset.at).getTime();
      if (other > t || (other === t && parseInt(items[i].dataset.number, 10) > e.number)) { before = items[i]; break; }
    }
    list.insertBefore(li, before);
    var empty = document.getElementById("timeline-empty");
    if (empty) empty.hidden = true;
  }

  // ---- earlier hours, on request
  var earlier = document.getElementById("timeline-earlier");
  var status = document.getElementById("timeline-status");
  var cursor = ds.before ? { before: ds.before, number: ds.beforeNumber } : null;
  var loading = false;

  function loadEarlier() {
    if (!cursor || loading) return;
    loading = true;
    earlier.disabled = true;
    status.textContent = ds.loadingLabel;
    var q = "?before=" + encodeURIComponent(cursor.before) + "&before_number=" + encodeURIComponent(cursor.number) +
      (decisionsOnly ? "&decisions=true" : "");
    K.api("GET", "/incidents/" + incident + "/timeline" + q).then(function (page) {
      page.items.forEach(add);
      cursor = page.next ? { before: page.next.before, number: page.next.before_number } : null;
      earlier.hidden = !cursor;
      status.textContent = page.hour ? K.fmt(ds.loadedLabel, { hour: page.hour }) : "";
      if (!cursor && document.activeElement === earlier) hours.focus();
    }).catch(function (e) {
      status.textContent = e.message;
    }).then(function () {
      loading = false;
      earlier.disabled = false;
    });
  }
  if (earlier) earlier.addEventListener("click", loadEarlier);

  K.live({
    incident: incident,
    since: parseInt(ds.seq, 10) || 0,
    onEvent: function (ev) {
      if (ev.type === "log.appended" && ev.data) add(ev.data);
    }
  });
})();
