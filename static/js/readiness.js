/* The kommun's readiness (höjd beredskap) banner of every page, kept live;
 * and an incident page's "krisledningsnämnden i funktion" badge ([data-kln-badge]),
 * kept live from the incident's own `incident.updated` events.
 *
 * Loaded by the base template before the page's own scripts. A page with a
 * live connection (realtime.js K.connect announces its socket with the
 * "krisrum:socket" event) hears `readiness.changed`, sent to every screen,
 * and the banner (and the wall's big tile, if any: [data-readiness-tile])
 * follows at once. Texts come from the banner's data attributes
 * (rendered in the page's language); user text is set with textContent. */
(function () {
  "use strict";
  var K = window.Krisrum;
  if (!K) return;

  document.addEventListener("krisrum:event", function (ev) {
    var e = ev.detail;
    if (!e || e.type !== "incident.updated" || !e.data || e.data.kln_active === undefined) return;
    Array.prototype.forEach.call(document.querySelectorAll("[data-kln-badge]"), function (badge) {
      var on = !!e.data.kln_active;
      badge.textContent = on ? K.fmt(badge.getAttribute("data-template") || "",
                                     { time: e.data.kln_since ? K.dateTime(e.data.kln_since) : "" }) : "";
      badge.hidden = !on;
    });
  });

  var banner = document.getElementById("readiness-banner");
  if (!banner) return;
  var names = K.parseJSON(banner.getAttribute("data-labels"), {});
  var template = banner.getAttribute("data-template") || "{label} {date} ({ref})";

  function lowerFirst(s) { return s ? s.charAt(0).toLowerCase() + s.slice(1) : ""; }

  K.readinessText = function (state) {
    if (!state || !state.heightened) return "";
    return K.fmt(template, { label: lowerFirst(names[state.readiness] || state.readiness),
                             date: state.decided_at || "", ref: state.reference || "" });
  };

  function apply(state) {
    var text = K.readinessText(state);
    banner.textContent = text;
    banner.hidden = !text;
    document.body.classList.toggle("readiness-heightened", !!text);
    Array.prototype.forEach.call(document.querySelectorAll("[data-readiness-tile]"), function (tile) {
      tile.textContent = text;
      tile.hidden = !text;
    });
  }

  document.body.classList.toggle("readiness-heightened", !banner.hidden);
  document.addEventListener("krisrum:socket", function (ev) {
    var socket = ev.detail;
    if (socket && socket.on) socket.on("readiness.changed", apply);
  });
})();
