/* The incident map's service point layer: trygghetspunkter, nödvatten, krisstöd and
 * evakuering (open and planned; closed ones are not drawn). Drawn on the map that
 * map.js made (K.incidentMap), kept live by its connection ("krisrum:event"). */
(function () {
  "use strict";
  var K = window.Krisrum;
  var LETTER = { trygghetspunkt: "T", nodvatten: "V", krisstod: "K", evakuering: "E" };

  K.boot("points-layer", function (root, cfg, S) {
    var L_ = S.labels || {};
    var layer = null;
    var toggle = document.getElementById("points-toggle");
    function lab(group, key) { return (L_[group] || {})[key] || key; }

    function draw(items) {
      if (!layer) return;
      layer.clearLayers();
      var shown = 0;
      items.forEach(function (p) {
        if (p.status === "closed" || p.lat === null || p.lon === null) return;
        shown += 1;
        var label = lab("point_kinds", p.kind) + ": " + p.name + " (" + lab("point_statuses", p.status) + ")";
        var node = K.el("span", { class: "point-marker point-" + p.kind + " point-status-" + p.status, text: LETTER[p.kind] || "?" });
        var marker = L.marker([p.lat, p.lon], {
          keyboard: true, title: label, alt: label,
          icon: L.divIcon({ html: node, className: "point-icon", iconSize: [30, 30], iconAnchor: [15, 15] })
        });
        var popup = [K.el("strong", { text: label })];
        if (p.address) popup.push(K.el("div", { text: p.address }));
        if (p.hours) popup.push(K.el("div", { text: p.hours }));
        marker.bindPopup(K.el("div", {}, popup));
        layer.addLayer(marker);
      });
      var count = document.getElementById("points-count");
      if (count) count.textContent = "(" + shown + ")";
    }

    function load() {
      K.api("GET", "/incidents/" + cfg.incident + "/points").then(function (d) { draw(d.items || []); }, function () {});
    }

    function start(map) {
      if (layer || !window.L || !map) return;
      layer = L.layerGroup();
      if (!toggle || toggle.checked) layer.addTo(map);
      if (toggle) toggle.addEventListener("change", function () {
        if (toggle.checked) layer.addTo(map); else map.removeLayer(layer);
      });
      load();
    }

    if (K.incidentMap) start(K.incidentMap);
    else document.addEventListener("krisrum:map-ready", function (e) { start(e.detail); });
    var pending = null;
    document.addEventListener("krisrum:event", function (e) {
      var ev = e.detail || {};
      if (ev.type === "point.updated" && !pending) pending = window.setTimeout(function () { pending = null; load(); }, 300);
    });
  });
})();
