/* Presenter mode of a stabsorientering on the wall (1920x1080, read from 5 m).
 *
 * Shows the current agenda item big, with the live data that belongs to it:
 * läget -> the lägesbild summary; uppföljning -> open decisions with follow-up
 * and open tasks; behov av beslut / kommunikation -> those lägesbild sections;
 * närvaro and uthållighet -> who is on duty; nästa möte -> the rhythm. The one
 * running it (staff/leader) moves with arrow keys or a clicker (PageDown/PageUp);
 * every screen follows through meeting.updated. */
(function () {
  "use strict";
  var K = window.Krisrum;

  K.boot("present-root", function (root, cfg, S) {
    var incidentId = cfg.incident;
    var base = "/incidents/" + incidentId;
    var meeting = cfg.initial;
    var data = { situation: null, tasks: [], decisions: null, staffing: [], rhythm: null };
    var $ = function (id) { return document.getElementById(id); };
    function label(item) { return (S.agenda || {})[item.key] || item.label; }
    var busy = false;

    function li(text, cls) { return K.el("li", { class: cls || null, text: text }); }

    function list(items, empty) {
      var ul = K.el("ul", { class: "present-list" });
      if (!items.length) ul.appendChild(li(empty || S.none, "wall-empty"));
      items.forEach(function (n) { ul.appendChild(typeof n === "string" ? li(n) : n); });
      return ul;
    }

    function block(title, child) {
      return K.el("section", { class: "present-block" }, [K.el("h3", { text: title }), child]);
    }

    function sectionText(key) {
      var s = data.situation;
      if (!cfg.canReadSituation) return S.situation_hidden;
      if (!s || !s.version) return S.situation_none;
      if (key === "konsekvenser") {
        var k = s.sections.konsekvenser || {};
        return Object.keys(k).map(function (c) {
          return c === "general" ? k[c] : ((S.sectors || {})[c] || c) + ": " + k[c];
        }).join("\n") || "–";
      }
      return s.sections[key] || "–";
    }

    function situationBlocks(keys) {
      var nodes = [];
      if (cfg.canReadSituation && data.situation && data.situation.version) {
        nodes.push(K.el("p", { class: "meta", text: K.fmt(S.situation_version,
          { version: data.situation.version, time: K.hhmm(data.situation.created_at) }) }));
      }
      keys.forEach(function (key) {
        nodes.push(block((S.sections || {})[key] || key, K.el("p", { class: "pre", text: sectionText(key) })));
      });
      return nodes;
    }

    function dutyList() {
      var items = [];
      (data.staffing || []).forEach(function (p) {
        (p.holders || []).forEach(function (h) { items.push(p.label + ": " + h.name); });
      });
      return block(S.on_duty, list(items, S.nobody));
    }

    function followUp() {
      var nodes = [];
      if (data.decisions !== null) {
        nodes.push(block(S.open_decisions, list(data.decisions.map(function (d) {
          var t = (d.label || ("B-" + d.number)) + " " + (d.title || d.text || "");
          if (d.follow_up_at) t += " – " + K.fmt(S.follow_up, { time: K.dateTime(d.follow_up_at) });
          return t;
        }))));
      }
      var open = data.tasks.filter(function (t) { return t.status === "todo" || t.status === "doing" || t.status === "blocked"; });
      nodes.push(block(S.open_tasks, list(open.slice(0, 12).map(function (t) {
        var text = t.title + (t.due_at ? " (" + K.fmt(S.due, { time: K.hhmm(t.due_at) }) + ")" : "");
        return li((t.overdue ? S.overdue + " · " : "") + text, t.overdue ? "overdue" : null);
      }).concat(open.length > 12 ? [li(K.fmt(S.more, { n: open.length - 12 }), "wall-more")] : []))));
      return nodes;
    }

    function bodyFor(key) {
      switch (key) {
        case "attendance":
          return [block(S.attendees, list((meeting.attendees || []).slice())),
                  K.el("p", { text: K.fmt(S.chair, { name: meeting.chair || "–" }) }), dutyList()];
        case "situation": return situationBlocks(["handelse", "omfattning", "konsekvenser", "prognos"]);
        case "follow_up": return followUp();
        case "decisions_needed": return situationBlocks(["behov_av_beslut"]);
        case "communication": return situationBlocks(["kommunikation"]);
        case "liaison": return situationBlocks(["aktorer"]);
        case "functions": return situationBlocks(["resurser"]);
        case "endurance": return [dutyList()];
        case "next_meeting":
          var r = data.rhythm;
          var nodes = [K.el("p", { text: r && r.times.length
            ? K.fmt(S.next_times, { times: r.next.map(function (x) { return K.dateTime(x); }).join(", ") })
            : S.no_rhythm })];
          return nodes;
        default: return [];
      }
    }

    function render() {
      var m = meeting;
      var status = (S.statuses || {})[m.status] || m.status;
      $("present-status").textContent = status;
      var ol = $("present-agenda");
      ol.replaceChildren();
      m.agenda.forEach(function (item, i) {
        var node = K.el("li", { text: label(item) });
        if (m.status === "running" && i === m.current_item) { node.className = "current"; node.setAttribute("aria-current", "step"); }
        ol.appendChild(node);
      });
      var item = m.agenda[m.current_item];
      var body = $("present-body");
      body.replaceChildren();
      if (m.status === "planned") {
        $("present-counter").textContent = "";
        $("present-item").textContent = S.not_running;
        $("present-note").textContent = "";
        return;
      }
      if (m.status === "ended") {
        $("present-counter").textContent = "";
        $("present-item").textContent = K.fmt(S.ended_text, { n: m.record_log_number || "" });
        $("present-note").textContent = "";
        return;
      }
      $("present-counter").textContent = K.fmt(S.item_of, { n: m.current_item + 1, total: m.agenda.length });
      $("present-item").textContent = (m.current_item + 1) + ". " + label(item);
      var nodes = bodyFor(item.key);
      nodes.forEach(function (n) { body.appendChild(n); });
      // One block (e.g. "Behov av beslut"): the whole width, larger text.
      body.classList.toggle("single", nodes.filter(function (n) { return n.tagName === "SECTION"; }).length === 1);
      $("present-note").textContent = item.note || "";
    }

    function move(step) {
      if (!cfg.canDrive || busy || meeting.status !== "running") return;
      var target = meeting.current_item + step;
      if (target < 0 || target >= meeting.agenda.length) return;
      busy = true;
      K.api("POST", "/meetings/" + meeting.id + "/advance", { step: step }).then(function (m) {
        if (m.version >= meeting.version) { meeting = m; render(); }
      }).catch(function (e) {
        var status = $("conn-status");
        if (status) { status.hidden = false; status.textContent = e.message || String(e); }
      }).then(function () { busy = false; });
    }

    if (cfg.canDrive) {
      $("present-hint").textContent = S.keys_hint;
      document.addEventListener("keydown", function (ev) {
        if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
        if (ev.key === "ArrowRight" || ev.key === "PageDown" || ev.key === "ArrowDown" || ev.key === " ") { ev.preventDefault(); move(1); }
        else if (ev.key === "ArrowLeft" || ev.key === "PageUp" || ev.key === "ArrowUp") { ev.preventDefault(); move(-1); }
      });
    }

    var last = null;
    function tick() {
      var hhmm = K.hhmm(new Date());
      if (hhmm !== last) { last = hhmm; $("present-clock").textContent = hhmm; }
    }
    tick();
    window.setInterval(tick, 1000);

    function quiet(p) { return p.catch(function () { return null; }); }

    function loadAll() {
      return Promise.all([
        K.api("GET", "/meetings/" + meeting.id),
        cfg.canReadSituation ? quiet(K.api("GET", base + "/situation")) : Promise.resolve(null),
        quiet(K.api("GET", base + "/tasks?status=todo,doing,blocked")),
        quiet(K.api("GET", base + "/decisions?status=in_force")),
        quiet(K.api("GET", base + "/staffing")),
        quiet(K.api("GET", base + "/meetings/rhythm"))
      ]).then(function (res) {
        meeting = res[0];
        data.situation = res[1];
        data.tasks = res[2] ? res[2].items : [];
        data.decisions = res[3] ? res[3].items : null;
        data.staffing = res[4] ? res[4].items : [];
        data.rhythm = res[5];
        render();
      });
    }

    function onEvent(ev) {
      var d = ev.data || {};
      switch (ev.type) {
        case "meeting.updated": if (d.id === meeting.id && d.kind !== "samverkan") { meeting = d; render(); } break;
        case "situation.updated": data.situation = d; render(); break;
        case "task.created":
        case "task.updated":
          data.tasks = data.tasks.filter(function (t) { return t.id !== d.id; }).concat([d]);
          render();
          break;
        case "decision.recorded":
        case "decision.updated":
          quiet(K.api("GET", base + "/decisions?status=in_force")).then(function (r) {
            if (r) { data.decisions = r.items; render(); }
          });
          break;
        case "staffing.changed": data.staffing = d.items || []; render(); break;
        default: break;
      }
    }

    render();
    loadAll().then(function () {
      K.live({ incident: incidentId, since: cfg.seq || 0, onEvent: onEvent,
               onSnapshot: function () { loadAll(); } });
    }, function () { window.setTimeout(function () { window.location.reload(); }, 10000); });
  }, { json: ["initial"] });
})();
