/* The start page keeps its picture of the kommun current: the active real
 * incidents, the exercises and the kommun's level are fetched again every
 * 15 s and whenever the tab comes back into view. The page always says when
 * its picture is from; when a refresh fails it says so, and that what is
 * shown is the picture from the last good refresh, never passing it off as
 * current. All user text via textContent. */
(function () {
  "use strict";
  var K = window.Krisrum;
  var root = document.getElementById("start-live");
  if (!K || !root) return;

  function data(name, fallback) {
    try { return JSON.parse(root.getAttribute("data-" + name)); } catch (e) { return fallback; }
  }
  var S = data("strings", {});
  var levels = data("levels", {});          // key -> label
  var order = data("level-order", []);      // keys, lowest level first
  var incidentUrl = root.getAttribute("data-incident-url").replace(/0$/, "");
  var POLL_MS = 15000;
  var known = null;                         // ids of the active incidents last shown
  var lastGood = new Date();                // the server rendered the page just now
  var busy = false;

  var stamp = document.getElementById("start-updated");
  var alertBox = document.getElementById("start-error");
  var levelBox = document.getElementById("kommun-level");
  var levelName = levelBox.querySelector("strong");
  var realBox = document.getElementById("active-real");
  var exBox = document.getElementById("active-exercises");
  var closedList = document.getElementById("closed-list");

  function levelBadge(level) {
    return K.el("span", { class: "level-badge level-" + level, text: levels[level] || level });
  }

  function realItem(i) {
    return K.el("li", {}, [
      K.el("a", { href: incidentUrl + i.id }, [levelBadge(i.level), " ", K.el("span", { class: "title", text: i.title })]),
      " ", K.el("span", { class: "meta", text: i.kind + " · " + S.since + " " + K.dateTime(i.created_at) })]);
  }

  function exerciseItem(i) {
    return K.el("li", {}, [
      K.el("a", { href: incidentUrl + i.id }, [K.el("span", { class: "exercise-tag", text: S.exercise }), " ",
        K.el("span", { class: "title", text: i.title })]),
      " ", K.el("span", { class: "meta", text: (levels[i.level] || i.level) + " · " + K.dateTime(i.created_at) })]);
  }

  function fill(box, items, make, emptyText) {
    if (!items.length) { box.replaceChildren(K.el("p", { text: emptyText })); return; }
    box.replaceChildren(K.el("ul", { class: "incident-list" }, items.map(make)));
  }

  function showLevel(real) {
    var top = "normal";
    real.forEach(function (i) { if (order.indexOf(i.level) > order.indexOf(top)) top = i.level; });
    levelBox.className = "kommun-level level-" + top;
    levelBox.setAttribute("data-level", top);
    levelName.textContent = levels[top] || top;
  }

  function errorText(e) {
    if (e && e.status === 0) return S.no_connection;
    if (e && e.code && String(e.code).indexOf("http_") !== 0 && e.message) return e.message;
    return K.fmt(S.server_error, { status: (e && e.status) || "?" });
  }

  function addClosed(ids) {
    if (!closedList || !ids.length) return;
    K.api("GET", "/incidents?status=closed").then(function (res) {
      res.items.filter(function (i) { return ids.indexOf(i.id) !== -1; }).forEach(function (i) {
        var li = K.el("li", {}, [
          K.el("a", { href: incidentUrl + i.id }, (i.mode === "exercise" ? [K.el("span", { class: "exercise-tag", text: S.exercise }), " "] : [])
            .concat([i.title])),
          " ", K.el("span", { class: "meta", text: K.dateTime(i.created_at) + " – " + (i.closed_at ? K.dateTime(i.closed_at) : "") })]);
        closedList.insertBefore(li, closedList.firstChild);
        document.getElementById("closed-section").hidden = false;
      });
    }).catch(function () { /* the active lists are right; the closed list is only history */ });
  }

  // The TiB's inbox counters (new reports, follow-ups due) follow too.
  var inboxUrl = root.getAttribute("data-inbox-url");
  function inboxCounts() {
    if (!inboxUrl) return Promise.resolve();
    return Promise.all([K.api("GET", "/deviations?status=new"), K.api("GET", "/deviations?status=monitoring")])
      .then(function (res) {
        var n = res[0].items.length;
        var d = res[1].items.filter(function (x) { return x.follow_up_due; }).length;
        var box = document.querySelector(".pb-start");
        if (!box) return;
        var alert = box.querySelector(".pb-inbox-alert");
        if (!n && !d) { if (alert) alert.remove(); return; }
        if (!alert) {
          alert = K.el("p", { class: "pb-inbox-alert" }, [K.el("a", { href: inboxUrl })]);
          var head = box.querySelector("h2");
          box.insertBefore(alert, head ? head.nextSibling : box.firstChild);
        }
        alert.querySelector("a").textContent = K.fmt(n === 1 ? S.inbox_one : S.inbox_many, { n: n, d: d });
      });
  }

  // Coming exercises: one that has started leaves this list (it is then a running exercise above).
  var comingBox = document.getElementById("coming-box");
  function comingExercises() {
    if (!comingBox) return Promise.resolve();
    return K.api("GET", "/exercises?status=scheduled").then(function (res) {
      var url = comingBox.getAttribute("data-control-url").replace(/0$/, "");
      var items = (res.items || []).slice().sort(function (a, b) {
        return a.start_at < b.start_at ? -1 : a.start_at > b.start_at ? 1 : a.id - b.id;
      });
      document.getElementById("coming-exercises").replaceChildren.apply(
        document.getElementById("coming-exercises"), items.map(function (ex) {
          return K.el("li", {}, [
            K.el("a", { href: url + ex.id }, [K.el("span", { class: "exercise-tag", text: S.exercise }), " " + ex.title]),
            " ", K.el("span", { class: "meta",
              text: comingBox.getAttribute("data-scheduled") + " · " + S.start + " " + K.dateTime(ex.start_at) })]);
        }));
      comingBox.hidden = !items.length;
    });
  }

  function refresh() {
    if (busy) return;
    busy = true;
    Promise.all([inboxCounts(), comingExercises()]).then(function () {
      return K.api("GET", "/incidents?status=active");
    }).then(function (res) {
      var items = res.items || [];
      var real = items.filter(function (i) { return i.mode === "real"; });
      var exercises = items.filter(function (i) { return i.mode === "exercise"; });
      fill(realBox, real, realItem, S.no_real);
      fill(exBox, exercises, exerciseItem, S.no_exercises);
      showLevel(real);
      var ids = items.map(function (i) { return i.id; });
      if (known) addClosed(known.filter(function (id) { return ids.indexOf(id) === -1; }));
      known = ids;
      lastGood = new Date();
      root.classList.remove("stale");
      stamp.textContent = K.fmt(S.updated, { time: K.hhmm(lastGood) });
      alertBox.textContent = "";
    }).catch(function (e) {
      root.classList.add("stale");
      stamp.textContent = "";
      alertBox.textContent = K.fmt(S.stale, { why: errorText(e), time: K.hhmm(lastGood) });
    }).then(function () { busy = false; });
  }

  known = data("active-ids", null);
  stamp.textContent = K.fmt(S.updated, { time: K.hhmm(lastGood) });
  window.setInterval(function () { if (document.visibilityState !== "hidden") refresh(); }, POLL_MS);
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") refresh(); });
})();
