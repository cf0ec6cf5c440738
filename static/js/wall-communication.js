/* The crisis communication panel of the wall and the workspace: per channel the latest published message
 * ("Senaste budskap") and the open service points. Loaded through the API and kept
 * live by the wall's own connection (wall.js), whose events every panel receives as
 * the document event "krisrum:event". */
(function () {
  "use strict";
  var K = window.Krisrum;

  function panel(root, cfg, S) {
    var L = S.labels || {};
    var base = "/incidents/" + cfg.incident;
    function lab(group, key) { return (L[group] || {})[key] || key; }

    function renderMessages(items) {
      var list = root.querySelector(".comm-messages");
      list.textContent = "";
      if (!items.length) list.appendChild(K.el("li", { class: "wall-none", text: S.none_msg }));
      items.forEach(function (x) {
        list.appendChild(K.el("li", { "data-channel": x.channel }, [
          K.el("span", { class: "wall-msg-channel", text: lab("channels", x.channel) + " " }),
          K.el("time", { datetime: x.at, text: K.hhmm(x.at) }), " ",
          K.el("span", { class: "wall-msg-headline", text: x.message.label + ": " + x.message.headline })
        ]));
      });
    }

    function renderPoints(items) {
      var list = root.querySelector(".comm-points");
      list.textContent = "";
      if (!items.length) list.appendChild(K.el("li", { class: "wall-none", text: S.none_points }));
      items.forEach(function (p) {
        list.appendChild(K.el("li", { "data-point": p.id }, [
          K.el("strong", { text: lab("point_kinds", p.kind) + ": " }), p.name + (p.hours ? " (" + p.hours + ")" : "")
        ]));
      });
    }

    var pending = null;
    function load() {
      pending = null;
      K.api("GET", base + "/messages/latest").then(function (d) { renderMessages(d.items || []); }, function () {});
      K.api("GET", base + "/points?status=open").then(function (d) { renderPoints(d.items || []); }, function () {});
    }
    load();
    document.addEventListener("krisrum:event", function (e) {
      var ev = e.detail || {};
      if ((ev.type === "message.updated" || ev.type === "point.updated") && !pending) {
        pending = window.setTimeout(load, 300);
      }
    });
  }

  // The wall and the staff workspace show the same panel.
  K.boot("wall-comm", panel);
  K.boot("workspace-comm", panel);
})();
