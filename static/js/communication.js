/* /incidents/{id}/communication: compose, approve and publish messages to the public,
 * request VMA, and run the service points. Everything goes through the API; the lists
 * stay live through Krisrum.live (message.updated, point.updated). */
(function () {
  "use strict";
  var K = window.Krisrum;

  K.boot("communication-root", function (root, cfg, S) {
    var incidentId = cfg.incident;
    var L = S.labels || {};
    var messages = {};
    var vmas = {};
    var points = {};
    var compose = { supersedes: null, translation_of: null, kind: "alert", editing: null };
    (cfg.messages || []).forEach(function (m) { messages[m.id] = m; });
    (cfg.vmas || []).forEach(function (v) { vmas[v.id] = v; });
    (cfg.points || []).forEach(function (p) { points[p.id] = p; });

    function $(id) { return document.getElementById(id); }
    function lab(group, key) { return (L[group] || {})[key] || key; }
    function time(v) { return v ? K.dateTime(v) : ""; }
    function status(text) { var s = $("message-status"); if (s) s.textContent = text || ""; }

    // ---- messages ----
    function messageItem(m) {
      var head = [
        K.el("strong", { text: m.label + " " }),
        K.el("span", { class: "msg-status status-" + m.status, text: lab("statuses", m.status) }),
        " ",
        K.el("span", { class: "msg-kind", text: lab("kinds", m.kind) }),
        " · ",
        K.el("span", { class: "msg-lang", text: lab("languages", m.language) })
      ];
      if (m.superseded_by_label) head.push(" ", K.el("span", { class: "msg-superseded", text: K.fmt(S.superseded_by, { label: m.superseded_by_label }) }));
      var body = [
        K.el("p", { class: "msg-head" }, head),
        K.el("p", { class: "msg-headline", text: m.headline }),
        K.el("p", { class: "msg-body pre", text: m.body })
      ];
      if (m.instruction) body.push(K.el("p", { class: "msg-instruction pre", text: m.instruction }));
      var meta = [m.channels.map(function (c) { return lab("channels", c); }).join(", "), K.fmt(S.by, { name: m.author })];
      if (m.supersedes_label) meta.push(K.fmt(S.supersedes, { label: m.supersedes_label }));
      if (m.translation_of) meta.push(K.fmt(S.translation_of, { id: m.translation_of }));
      if (m.points && m.points.length) meta.push(K.fmt(S.names_points, { names: m.points.map(function (p) { return p.name; }).join(", ") }));
      if (m.approved_by) meta.push(K.fmt(S.approved_by, { name: m.approved_by, time: time(m.approved_at) }));
      body.push(K.el("p", { class: "meta", text: meta.join(" · ") }));
      if (m.publications && m.publications.length) {
        body.push(K.el("ul", { class: "msg-pubs" }, m.publications.map(function (p) {
          return K.el("li", { text: K.fmt(S.published_on, { channel: lab("channels", p.channel), time: time(p.at), name: p.by }) + (p.where ? " – " + p.where : "") });
        })));
      }
      body.push(actions(m));
      return K.el("li", { id: "message-" + m.number, class: "message status-" + m.status + (m.superseded_by ? " superseded" : "") }, body);
    }

    function actions(m) {
      var out = [];
      var current = !m.superseded_by;
      if (m.status === "draft" && cfg.canWrite) {
        out.push(K.el("button", { type: "button", text: S.edit, onclick: function () { startEdit(m); } }));
      }
      if (m.status === "draft" && cfg.canApprove) {
        if (m.author === cfg.me && !cfg.selfApproval) out.push(K.el("span", { class: "meta", text: S.own_message }));
        else out.push(K.el("button", { type: "button", class: "primary", "data-action": "approve", text: S.approve, onclick: function () { approve(m); } }));
      }
      if (m.status !== "draft") {
        out.push(K.el("a", { href: "/api/v1/messages/" + m.id + "/cap.xml", text: S.cap }));
      }
      if (m.status !== "draft" && current && cfg.canWrite) {
        out.push(publishForm(m));
        out.push(K.el("button", { type: "button", text: S.new_version, onclick: function () { startCompose(m, "update"); } }));
        out.push(K.el("button", { type: "button", text: S.all_clear, onclick: function () { startCompose(m, "all_clear"); } }));
        out.push(K.el("button", { type: "button", text: S.cancel_msg, onclick: function () { startCompose(m, "cancel"); } }));
      }
      if (cfg.canWrite) out.push(K.el("button", { type: "button", text: S.translate, onclick: function () { startCompose(m, "translation"); } }));
      return K.el("div", { class: "msg-actions" }, out);
    }

    function publishForm(m) {
      var boxes = m.channels.map(function (c) {
        var id = "pub-" + m.id + "-" + c;
        return K.el("label", { class: "check", for: id }, [K.el("input", { type: "checkbox", id: id, value: c, checked: true }), " " + lab("channels", c)]);
      });
      var whereId = "pub-where-" + m.id;
      var err = K.el("p", { class: "form-error", role: "alert" });
      var form = K.el("form", { class: "publish-form", novalidate: true }, [
        K.el("fieldset", {}, [K.el("legend", { text: S.publish_channels })].concat(boxes)),
        K.el("label", { for: whereId, text: S.where }),
        K.el("input", { id: whereId, maxlength: "300" }),
        err,
        K.el("button", { type: "submit", "data-action": "publish", text: S.publish })
      ]);
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var chans = [];
        form.querySelectorAll("input[type=checkbox]").forEach(function (b) { if (b.checked) chans.push(b.value); });
        K.api("POST", "/messages/" + m.id + "/publish", { channels: chans, where: $(whereId).value || null })
          .then(function (data) { apply(data); status(S.saved); }, function (er) { K.showError(err, er); });
      });
      return form;
    }

    function renderMessages() {
      var list = $("message-list");
      list.textContent = "";
      var rows = Object.keys(messages).map(function (k) { return messages[k]; }).sort(function (a, b) { return b.number - a.number; });
      if (!rows.length) list.appendChild(K.el("li", { class: "meta", text: S.none_messages }));
      rows.forEach(function (m) { list.appendChild(messageItem(m)); });
    }

    function approve(m) {
      K.api("POST", "/messages/" + m.id + "/approve", { version: m.version })
        .then(function (data) { apply(data); status(S.saved); }, function (er) { status(er.message); });
    }

    function apply(d) {
      if (!d) return;
      if (d.object === "vma") { vmas[d.id] = d; renderVma(); return; }
      messages[d.id] = d;
      renderMessages();
    }

    // ---- compose ----
    function setContext(text) {
      var c = $("compose-context");
      if (!c) return;
      c.textContent = text || "";
      c.hidden = !text;
    }

    function fill(m) {
      $("compose-headline").value = m.headline || "";
      $("compose-body").value = m.body || "";
      $("compose-instruction").value = m.instruction || "";
      $("compose-web").value = m.web || "";
      $("compose-contact").value = m.contact || "";
      $("compose-area").value = m.area_desc || "";
      $("compose-language").value = m.language || "sv";
      $("compose-expires").value = m.expires_at ? K.stockholmInput(m.expires_at) : "";
      root.querySelectorAll("input[name=channel]").forEach(function (b) { b.checked = (m.channels || []).indexOf(b.value) !== -1; });
      var ids = (m.points || []).map(function (p) { return p.id; });
      root.querySelectorAll("input[name=point]").forEach(function (b) { b.checked = ids.indexOf(Number(b.value)) !== -1; });
    }

    function resetCompose() {
      compose = { supersedes: null, translation_of: null, kind: "alert", editing: null };
      var f = $("compose-form");
      if (f) { f.reset(); $("compose-language").value = "sv"; }
      setContext("");
    }

    function startCompose(m, mode) {
      if (!$("compose-form")) return;
      resetCompose();
      fill(m);
      if (mode === "translation") {
        compose.translation_of = m.id;
        $("compose-language").value = "";
        setContext(K.fmt(S.composing_translation, { label: m.label }));
      } else {
        compose.supersedes = m.id;
        compose.kind = mode === "update" ? "alert" : mode;
        var key = mode === "update" ? "composing_new_version" : "composing_" + mode;
        setContext(K.fmt(S[key], { label: m.label }));
      }
      $("compose-headline").focus();
    }

    function startEdit(m) {
      if (!$("compose-form")) return;
      resetCompose();
      fill(m);
      compose.editing = m;
      setContext(m.label);
      $("compose-headline").focus();
    }

    function renderPointChoices() {
      var box = $("compose-points");
      if (!box) return;
      var checked = {};
      box.querySelectorAll("input[name=point]").forEach(function (b) { if (b.checked) checked[b.value] = true; });
      box.textContent = "";
      Object.keys(points).map(function (k) { return points[k]; }).filter(function (p) { return p.status === "open"; }).forEach(function (p) {
        var id = "compose-point-" + p.id;
        box.appendChild(K.el("label", { class: "check", for: id }, [
          K.el("input", { type: "checkbox", name: "point", id: id, value: String(p.id), checked: !!checked[p.id] }),
          " " + lab("point_kinds", p.kind) + ": " + p.name
        ]));
      });
      $("compose-points-box").hidden = !box.children.length;
    }

    var form = $("compose-form");
    if (form) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var chans = [], pts = [];
        root.querySelectorAll("input[name=channel]").forEach(function (b) { if (b.checked) chans.push(b.value); });
        root.querySelectorAll("input[name=point]").forEach(function (b) { if (b.checked) pts.push(Number(b.value)); });
        var expires = $("compose-expires").value;
        var body = {
          channels: chans,
          language: $("compose-language").value.trim() || "sv",
          headline: $("compose-headline").value,
          body: $("compose-body").value,
          instruction: $("compose-instruction").value || null,
          web: $("compose-web").value || null,
          contact: $("compose-contact").value || null,
          area_desc: $("compose-area").value || null,
          expires_at: expires ? K.fromStockholmInput(expires) : null,
          point_ids: pts
        };
        var req;
        if (compose.editing) {
          body.version = compose.editing.version;
          req = K.api("PATCH", "/messages/" + compose.editing.id, body);
        } else {
          body.kind = compose.kind;
          if (compose.supersedes) body.supersedes = compose.supersedes;
          if (compose.translation_of) body.translation_of = compose.translation_of;
          req = K.api("POST", "/incidents/" + incidentId + "/messages", body);
        }
        req.then(function (data) { apply(data); resetCompose(); K.showError($("compose-error"), null); status(S.saved); },
                 function (er) { K.showError($("compose-error"), er); });
      });
      $("compose-reset").addEventListener("click", resetCompose);
    }

    // ---- VMA ----
    function renderVma() {
      var list = $("vma-list");
      list.textContent = "";
      var rows = Object.keys(vmas).map(function (k) { return vmas[k]; }).sort(function (a, b) { return b.number - a.number; });
      if (!rows.length) list.appendChild(K.el("li", { class: "meta", text: S.none_vma }));
      rows.forEach(function (v) {
        var parts = [
          K.el("p", {}, [K.el("strong", { text: lab("authorities", v.authority) + " " }),
                         K.el("span", { class: "vma-status status-" + v.status, text: lab("vma_statuses", v.status) })]),
          K.el("p", { class: "pre", text: v.text }),
          K.el("p", { class: "meta", text: (v.area_desc ? v.area_desc + " · " : "") + K.fmt(S.vma_requested_at, { time: time(v.requested_at), name: v.requested_by }) })
        ];
        if (v.resolved_at) parts.push(K.el("p", { class: "meta", text: K.fmt(S.vma_resolved_at, { status: lab("vma_statuses", v.status), time: time(v.resolved_at), name: v.resolved_by }) + (v.note ? " – " + v.note : "") }));
        if (v.status === "requested" && cfg.canWrite) {
          parts.push(K.el("div", { class: "msg-actions" }, [
            K.el("button", { type: "button", text: S.vma_sent, onclick: function () { resolveVma(v, "sent"); } }),
            K.el("button", { type: "button", text: S.vma_declined, onclick: function () { resolveVma(v, "declined"); } })
          ]));
        }
        list.appendChild(K.el("li", { class: "vma" }, parts));
      });
    }

    function resolveVma(v, st) {
      K.api("PATCH", "/vma/" + v.id, { status: st, version: v.version })
        .then(apply, function (er) { status(er.message); });
    }

    var vform = $("vma-form");
    if (vform) {
      vform.addEventListener("submit", function (e) {
        e.preventDefault();
        K.api("POST", "/incidents/" + incidentId + "/vma", {
          authority: $("vma-authority").value, text: $("vma-text").value, area_desc: $("vma-area").value || null
        }).then(function (data) { apply(data); vform.reset(); K.showError($("vma-error"), null); },
                function (er) { K.showError($("vma-error"), er); });
      });
    }

    // ---- points ----
    function renderPoints() {
      var list = $("point-list");
      list.textContent = "";
      var rows = Object.keys(points).map(function (k) { return points[k]; });
      if (!rows.length) list.appendChild(K.el("li", { class: "meta", text: S.none_points }));
      rows.forEach(function (p) {
        var facts = [];
        if (p.address) facts.push(p.address);
        if (p.hours) facts.push(K.fmt(S.hours, { hours: p.hours }));
        if (p.staffing) facts.push(K.fmt(S.staffing, { staffing: p.staffing }));
        if (p.capacity !== null) facts.push(K.fmt(S.capacity, { n: p.capacity }));
        if (p.backup_power) facts.push(S.backup_power);
        if (p.rakel) facts.push(S.rakel);
        if (p.decision_label) facts.push(K.fmt(S.decision, { label: p.decision_label }));
        if (p.kind === "nodvatten") facts.push(K.fmt(S.litres, { n: p.water_litres }));
        var parts = [
          K.el("p", {}, [K.el("strong", { text: lab("point_kinds", p.kind) + ": " + p.name + " " }),
                         K.el("span", { class: "point-status status-" + p.status, text: lab("point_statuses", p.status) })]),
          K.el("p", { class: "meta", text: facts.join(" · ") })
        ];
        if (p.priority_count !== null || p.priority_note) parts.push(K.el("p", { class: "conf-tag", text: K.fmt(S.priority, { n: p.priority_count === null ? "–" : p.priority_count, note: p.priority_note || "" }) }));
        else if (p.priority_hidden) parts.push(K.el("p", { class: "conf-tag", text: S.priority_hidden }));
        if (cfg.canWrite) parts.push(pointActions(p));
        list.appendChild(K.el("li", { id: "point-" + p.id, class: "point" }, parts));
      });
      renderPointChoices();
    }

    function patchPoint(p, body, errNode) {
      body.version = p.version;
      K.api("PATCH", "/points/" + p.id, body).then(function (data) { points[data.id] = data; renderPoints(); },
        function (er) { if (errNode) K.showError(errNode, er); else status(er.message); });
    }

    function pointActions(p) {
      var out = [];
      if (p.status !== "open") out.push(K.el("button", { type: "button", text: S.open, onclick: function () { patchPoint(p, { status: "open" }); } }));
      else out.push(K.el("button", { type: "button", text: S.close, onclick: function () { patchPoint(p, { status: "closed" }); } }));
      if (p.kind === "nodvatten") {
        var id = "litres-" + p.id;
        var err = K.el("p", { class: "form-error", role: "alert" });
        var f = K.el("form", { class: "litres-form", novalidate: true }, [
          K.el("label", { for: id, text: S.litres_label }),
          K.el("input", { id: id, type: "number", min: "0", max: "100000000" }),
          K.el("button", { type: "submit", text: S.add_litres }), err
        ]);
        f.addEventListener("submit", function (e) {
          e.preventDefault();
          var n = parseInt($(id).value, 10);
          patchPoint(p, { add_litres: isNaN(n) ? -1 : n }, err);
        });
        out.push(f);
      }
      return K.el("div", { class: "msg-actions" }, out);
    }

    function num(id) {
      var el = $(id);
      if (!el || el.value.trim() === "") return null;
      var n = Number(el.value.replace(",", "."));
      return isNaN(n) ? el.value : n;
    }

    var pform = $("point-form");
    if (pform) {
      pform.addEventListener("submit", function (e) {
        e.preventDefault();
        var body = {
          kind: $("point-kind").value, name: $("point-name").value,
          status: $("point-open").checked ? "open" : "planned",
          address: $("point-address").value || null, lat: num("point-lat"), lon: num("point-lon"),
          hours: $("point-hours").value || null, staffing: $("point-staffing").value || null,
          capacity: num("point-capacity"), backup_power: $("point-backup").checked, rakel: $("point-rakel").checked
        };
        if ($("point-priority")) {
          body.priority_count = num("point-priority");
          body.priority_note = $("point-priority-note").value || null;
        }
        K.api("POST", "/incidents/" + incidentId + "/points", body)
          .then(function (data) { points[data.id] = data; renderPoints(); pform.reset(); K.showError($("point-error"), null); },
                function (er) { K.showError($("point-error"), er); });
      });
    }

    renderMessages();
    renderVma();
    renderPoints();

    K.live({ incident: incidentId, since: cfg.seq || 0,
      onSnapshot: function () { window.location.reload(); },
      onEvent: function (ev) {
        if (ev.type === "message.updated" && ev.data) apply(ev.data);
        if (ev.type === "point.updated" && ev.data) {
          // The event never carries the confidential priority customers: reload the point.
          K.api("GET", "/points/" + ev.data.id).then(function (p) { points[p.id] = p; renderPoints(); }, function () {});
        }
      } });
  }, { json: ["messages", "vmas", "points", "strings"] });
})();
