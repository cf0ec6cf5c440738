/* The resource requests panel of the workspace: the incident's requests (open
 * ones first, most urgent first), a form for a new begäran or erbjudande, and
 * buttons for the allowed next steps of each (requested -> confirmed ->
 * delivered -> returned, or declined). Live: request.updated, through the
 * page's one connection (the "krisrum:event" document event). */
(function () {
  "use strict";
  var K = window.Krisrum;

  K.boot("requests-panel", function (root, cfg, S) {
    var incidentId = cfg.incident;
    var items = {};
    var PRIO = { urgent: 0, high: 1, normal: 2 };
    var $ = function (id) { return document.getElementById(id); };

    function side(a) { return a ? a.name : S.self; }

    function sorted() {
      return Object.keys(items).map(function (id) { return items[id]; }).sort(function (a, b) {
        if (a.open !== b.open) return a.open ? -1 : 1;
        if (PRIO[a.priority] !== PRIO[b.priority]) return PRIO[a.priority] - PRIO[b.priority];
        return a.number - b.number;
      });
    }

    function move(req, status) {
      K.showError($("requests-error"), null);
      K.api("PATCH", "/requests/" + req.id, { version: req.version, status: status }).then(function (r) {
        items[r.id] = r; render();
      }).catch(function (e) { K.showError($("requests-error"), e); });
    }

    function render() {
      var list = $("requests-list");
      list.replaceChildren();
      var rows = sorted();
      if (!rows.length) { list.appendChild(K.el("li", { class: "hint", text: S.none })); return; }
      rows.forEach(function (r) {
        var head = [
          K.el("strong", { text: r.label + " " }),
          K.el("span", { class: "req-prio req-prio-" + r.priority, text: (S.priorities || {})[r.priority] || r.priority }),
          " ",
          K.el("span", { class: "req-status req-status-" + r.status, text: (S.statuses || {})[r.status] || r.status })
        ];
        var body = [
          K.el("span", { class: "req-what", text: K.fmt(S.line, { quantity: r.quantity, unit: r.unit, what: r.what }) }),
          K.el("span", { class: "req-sides hint", text: " · " + ((S.kinds || {})[r.kind] || r.kind) + ": " +
            K.fmt(S.from_to, { from: side(r.from_actor), to: side(r.to_actor) }) })
        ];
        var buttons = [];
        if (cfg.canWrite) {
          ((S.transitions || {})[r.status] || []).forEach(function (to) {
            buttons.push(K.el("button", { type: "button", class: "small" + (to === "declined" ? " danger-link linklike" : ""),
              "data-to": to, text: S["to_" + to] || to, onclick: function () { move(r, to); } }));
          });
        }
        list.appendChild(K.el("li", { class: "request-item" + (r.open ? " open" : ""), "data-request": r.id }, [
          K.el("p", { class: "req-head" }, head),
          K.el("p", { class: "req-body" }, body),
          r.purpose ? K.el("p", { class: "req-purpose hint", text: r.purpose }) : null,
          buttons.length ? K.el("p", { class: "req-actions" }, buttons) : null
        ]));
      });
    }

    var form = $("request-form");
    if (form) {
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var err = $("request-form-error");
        K.showError(err, null);
        $("request-form-notice").textContent = "";
        var actor = parseInt(form.elements.actor.value, 10);
        var quantity = parseInt(form.elements.quantity.value, 10);
        var what = form.elements.what.value.trim();
        if (!actor || !quantity || !what) { err.textContent = S.what_missing; return; }
        var body = { kind: form.elements.kind.value, what: what, quantity: quantity,
                     unit: form.elements.unit.value.trim() || "st", priority: form.elements.priority.value,
                     purpose: form.elements.purpose.value };
        if (form.elements.direction.value === "in") body.from_actor = actor; else body.to_actor = actor;
        K.api("POST", "/incidents/" + incidentId + "/requests", body).then(function (r) {
          items[r.id] = r; render();
          form.elements.what.value = ""; form.elements.purpose.value = ""; form.elements.quantity.value = "1";
          $("request-form-notice").textContent = K.fmt(S.saved, { label: r.label });
        }).catch(function (e) { K.showError(err, e); });
      });
    }

    document.addEventListener("krisrum:event", function (e) {
      var ev = e.detail || {};
      if (ev.type !== "request.updated" || !ev.data || ev.incident !== incidentId) return;
      var old = items[ev.data.id];
      if (old && old.version > ev.data.version) return;
      items[ev.data.id] = ev.data;
      render();
    });

    K.api("GET", "/incidents/" + incidentId + "/requests").then(function (d) {
      (d.items || []).forEach(function (r) {
        var old = items[r.id];
        if (!old || old.version <= r.version) items[r.id] = r;
      });
      render();
    }).catch(function (e) { K.showError($("requests-error"), e); });
  });
})();
