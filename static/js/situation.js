/* The lägesbild page: save a new version (409 on a stale one keeps the text and
 * says who saved in between), list and show earlier versions, and tell the user
 * when someone else saved (situation.updated). */
(function () {
  "use strict";
  var K = window.Krisrum;

  K.boot("situation-root", function (root, cfg, S) {
    var base = "/incidents/" + cfg.incident + "/situation";
    var version = cfg.version || 0;
    var form = document.getElementById("situation-form");
    var errorNode = document.getElementById("situation-error");
    var notice = document.getElementById("situation-notice");
    var versionLine = document.getElementById("situation-version");
    var list = document.getElementById("situation-versions");
    var old = document.getElementById("situation-old");
    var SECTIONS = ["handelse", "omfattning", "konsekvenser", "resurser", "aktorer", "kommunikation", "prognos", "behov_av_beslut"];

    function collect() {
      var out = {};
      SECTIONS.forEach(function (key) {
        if (key === "konsekvenser") {
          out.konsekvenser = {};
          form.querySelectorAll("textarea[data-sector]").forEach(function (ta) {
            if (ta.value.trim()) out.konsekvenser[ta.getAttribute("data-sector")] = ta.value;
          });
        } else {
          out[key] = document.getElementById("sit-" + key).value;
        }
      });
      return out;
    }

    function line(v) {
      return K.fmt(S.version_line, { version: v.version, author: v.author || "", time: K.dateTime(v.created_at) });
    }

    function showVersion(v) {
      old.replaceChildren(K.el("h3", { text: line(v) }));
      SECTIONS.forEach(function (key) {
        var label = document.querySelector("label[for='sit-" + key + "']");
        var text;
        if (key === "konsekvenser") {
          text = Object.keys(v.sections.konsekvenser || {}).map(function (k) {
            var l = document.querySelector("label[for='sit-k-" + k + "']");
            return (l ? l.textContent : k) + ": " + v.sections.konsekvenser[k];
          }).join("\n");
          label = form.querySelector(".situation-sectors legend");
        } else {
          text = v.sections[key];
        }
        old.appendChild(K.el("h4", { text: label ? label.textContent : key }));
        old.appendChild(K.el("p", { class: "pre", text: text || "–" }));
      });
      old.hidden = false;
      old.focus();
    }

    function loadVersions() {
      return K.api("GET", base + "/versions?limit=50").then(function (res) {
        list.replaceChildren();
        if (!res.items.length) { list.appendChild(K.el("li", { text: S.none_yet })); return; }
        res.items.forEach(function (v) {
          list.appendChild(K.el("li", {}, [
            K.el("span", { text: line(v) + " " }),
            K.el("button", { type: "button", class: "link", text: K.fmt(S.show, { version: v.version }),
                             onclick: function () { showVersion(v); } })
          ]));
        });
      }).catch(function (e) { K.showError(errorNode, e); });
    }

    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      if (!cfg.canWrite) return;
      errorNode.textContent = "";
      K.api("PUT", base, { version: version, sections: collect() }).then(function (v) {
        version = v.version;
        versionLine.textContent = line(v);
        notice.hidden = false;
        notice.textContent = K.fmt(S.saved, { version: v.version });
        loadVersions();
      }).catch(function (e) {
        // A stale version (409): the user's text stays in the form; the message says who saved.
        K.showError(errorNode, e);
      });
    });

    loadVersions();
    K.live({ incident: cfg.incident, since: cfg.seq || 0, onSnapshot: function () { loadVersions(); },
      onEvent: function (ev) {
        if (ev.type !== "situation.updated" || !ev.data || ev.data.version <= version) return;
        notice.hidden = false;
        notice.textContent = K.fmt(S.changed_by, { author: ev.data.author || "", version: ev.data.version });
        loadVersions();
      } });
  });
})();
