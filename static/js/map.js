/* The map of samhällsviktig verksamhet in one incident: a Leaflet map with a
 * layer per category, status shown by colour AND shape AND symbol (never
 * colour alone), at_risk as a dashed ring with "!", the kommun boundary, a
 * site panel (details, status history, linked log entries, the status form),
 * the summary per category, the list of sites down or at risk by Styrel
 * priority, and fuel left on backup power. Live: every `site.status` event
 * recolours the map, the lists and the panel without a reload.
 *
 * Everything works without the map too: the table under it lists the same
 * sites and opens the same panel. When the background tiles cannot load (no
 * internet), the boundary and the sites still show on a plain background. */
(function () {
  "use strict";
  var K = window.Krisrum;

  K.boot("site-map-root", function (root, cfg, S) {
    var incidentId = cfg.incident;
    var canWrite = cfg.canWrite === true;
    var CATEGORIES = Object.keys(S.categories || {});
    var STATES = ["operational", "degraded", "down", "unknown"];
    var SEVERITY = { down: 0, degraded: 1 };
    var LINE = {  // line and area styles per status: colour and dash pattern differ
      operational: { color: "#1b6e3a", dashArray: null, weight: 5 },
      degraded: { color: "#8a4b00", dashArray: "12 6", weight: 6 },
      down: { color: "#a4161a", dashArray: "3 7", weight: 7 },
      unknown: { color: "#4a525c", dashArray: "6 6", weight: 4 }
    };

    var features = {};  // id -> GeoJSON Feature (properties with status, at_risk, ...)
    var idByKey = {};   // key -> id
    var drawn = {};     // id -> {marker, shape}
    var layers = {};    // category -> L.LayerGroup (lines and areas)
    var cluster = null; // one L.MarkerClusterGroup for the markers of every visible category
    var visible = {};   // category -> bool
    var openId = null;
    var map = null;
    var boundaryFailed = false;

    function label(table, key) { return (S[table] || {})[key] || key; }
    function statusText(p) { return label("states", p.status); }

    // ---- CSS fallback for CRISIS_ASSETS=cdn: a stylesheet that did not load
    // (CDN unreachable, integrity mismatch) is replaced by the local copy. The
    // test: Leaflet's panes are absolutely positioned by leaflet.css.
    function cssFallback() {
      var links = document.querySelectorAll("link[data-fallback]");
      if (!links.length) return;
      var probe = K.el("div", { class: "leaflet-pane", "aria-hidden": "true" });
      document.body.appendChild(probe);
      var loaded = window.getComputedStyle(probe).position === "absolute";
      probe.remove();
      if (loaded) return;
      Array.prototype.forEach.call(links, function (link) {
        var local = K.el("link", { rel: "stylesheet", href: link.getAttribute("data-fallback") });
        link.parentNode.insertBefore(local, link.nextSibling);
      });
    }

    // ---- markers: shape + symbol + colour per status, ring + "!" when at risk
    function markerLabel(p) {
      var text = K.fmt(S.marker_label, { name: p.name, category: label("categories", p.category), status: statusText(p) });
      if (p.at_risk) text += ". " + S.at_risk;
      if (p.on_backup_power) text += ". " + K.fmt(S.on_backup, { time: K.hhmm(p.on_backup_power_since) });
      return text;
    }

    function icon(p) {
      return L.divIcon({ html: K.siteMarker(p, { backup: true, className: "cat-" + p.category }), className: "site-icon", iconSize: [34, 34], iconAnchor: [17, 17] });
    }

    function anchorOf(f, shape) {
      var g = f.geometry;
      if (g.type === "Point") return L.latLng(g.coordinates[1], g.coordinates[0]);
      var line = g.type === "LineString" ? g.coordinates : g.type === "MultiLineString" ? g.coordinates[0] : null;
      if (line) {
        var mid = line[Math.floor(line.length / 2)];
        return L.latLng(mid[1], mid[0]);
      }
      return shape.getBounds().getCenter();
    }

    function labelMarkerElement(marker, p) {
      var node = marker.getElement();
      if (!node) return;
      var text = markerLabel(p);
      node.setAttribute("aria-label", text);
      node.setAttribute("title", text);
    }

    function draw(id) {
      var f = features[id];
      if (!f || !map) return;
      var p = f.properties;
      var d = drawn[id];
      var group = layers[p.category];
      if (!group) return;
      if (!d) {
        d = drawn[id] = {};
        if (f.geometry.type !== "Point") {
          d.shape = L.geoJSON(f, { style: function () { return lineStyle(p); } });
          d.shape.on("click", function () { openPanel(id, true); });
          group.addLayer(d.shape);
        }
        d.marker = L.marker(anchorOf(f, d.shape), { icon: icon(p), keyboard: true, riseOnHover: true, siteId: id });
        d.marker.on("click", function () { openPanel(id, true); });
        d.marker.on("add", function () {
          labelMarkerElement(d.marker, features[id].properties);
          var node = d.marker.getElement();
          if (node.getAttribute("data-keys") === "1") return;  // added again after a cluster split
          node.setAttribute("data-keys", "1");
          node.addEventListener("keydown", function (ev) {
            if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); openPanel(id, true); }
          });
        });
        d.category = p.category;
        if (visible[p.category] !== false) markerLayer().addLayer(d.marker);
      } else {
        d.marker.setIcon(icon(p));
        labelMarkerElement(d.marker, p);
        if (d.shape) d.shape.setStyle(lineStyle(p));
        if (cluster && cluster.hasLayer(d.marker)) cluster.refreshClusters(d.marker);
      }
    }

    // ---- clusters: overlapping markers become one numbered marker that shows
    // the worst status inside it (shape, symbol and words as for one site).
    var WORST = ["down", "degraded", "unknown", "operational"];
    var ClusterIcon = window.L ? L.DivIcon.extend({
      createIcon: function (old) {
        var node = L.DivIcon.prototype.createIcon.call(this, old);
        var group = this.options.group;
        node.setAttribute("aria-label", this.options.label);
        node.setAttribute("title", this.options.label);
        node.addEventListener("keydown", function (ev) {
          if (ev.key !== "Enter" && ev.key !== " ") return;
          ev.preventDefault();
          if (map.getZoom() >= map.getMaxZoom()) group.spiderfy(); else group.zoomToBounds({ padding: [30, 30] });
        });
        return node;
      }
    }) : null;

    function clusterIcon(group) {
      var counts = {}, risk = 0;
      group.getAllChildMarkers().forEach(function (m) {
        var p = features[m.options.siteId] && features[m.options.siteId].properties;
        if (!p) return;
        counts[p.status] = (counts[p.status] || 0) + 1;
        if (p.at_risk) risk += 1;
      });
      var worst = "operational";
      for (var i = 0; i < WORST.length; i++) if (counts[WORST[i]]) { worst = WORST[i]; break; }
      var states = WORST.filter(function (s) { return counts[s]; }).map(function (s) {
        return counts[s] + " " + label("states", s).toLowerCase();
      });
      if (risk) states.push(risk + " " + String(S.at_risk).toLowerCase());
      var n = group.getChildCount();
      var text = K.fmt(cfg.clusterLabel, { n: n, states: states.join(", ") });
      var node = K.el("span", { class: "site-cluster status-" + worst + (risk ? " at-risk" : ""), "data-status": worst }, [
        K.el("span", { class: "shape" }), K.el("span", { class: "count", text: String(n) }),
        risk ? K.el("span", { class: "risk-badge", text: "!" }) : null
      ]);
      return new ClusterIcon({ html: node, className: "site-icon cluster-icon", iconSize: [44, 44], iconAnchor: [22, 22],
                               label: text, group: group });
    }

    function markerLayer() {
      if (!cluster) {
        cluster = window.L && L.markerClusterGroup ? L.markerClusterGroup({
          maxClusterRadius: 30, showCoverageOnHover: false, spiderfyOnMaxZoom: true, zoomToBoundsOnClick: true,
          iconCreateFunction: clusterIcon
        }) : L.layerGroup();
        if (map) cluster.addTo(map);
      }
      return cluster;
    }

    // ---- place names of the kommun's towns, from a local file (no internet needed)
    function loadPlaces() {
      var url = cfg.placesUrl;
      if (!url || !map) return;
      // Above the markers (a town's sites cluster on the town itself), never catching clicks;
      // the name sits just below the point, so the cluster icon stays readable.
      var pane = map.createPane("places");
      pane.style.zIndex = 640;
      pane.style.pointerEvents = "none";
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (gj) {
        (gj.features || []).forEach(function (f) {
          var c = f.geometry.coordinates;
          L.marker([c[1], c[0]], {
            pane: "places", interactive: false, keyboard: false,
            icon: L.divIcon({ className: "place-label", html: K.el("span", { text: f.properties.name }),
                              iconSize: null, iconAnchor: [0, 0] })
          }).addTo(map);
        });
      }).catch(function () { /* the map works without the names */ });
    }

    function lineStyle(p) {
      var s = LINE[p.status] || LINE.unknown;
      return { color: s.color, weight: s.weight, dashArray: s.dashArray, opacity: 0.9, fillOpacity: 0.15 };
    }

    // ---- the map itself
    function initMap() {
      if (!window.L) return;
      map = L.map("map", { zoomControl: true, keyboard: true, attributionControl: true });
      // Other layers of the incident map (service points: map-points.js) draw on the same map.
      K.incidentMap = map;
      document.dispatchEvent(new CustomEvent("krisrum:map-ready", { detail: map }));
      map.setView([57.49, 12.68], 10);
      var tileUrl = cfg.tileUrl;
      if (tileUrl) {
        var failures = 0;
        var notice = document.getElementById("tile-notice");
        var attribution = (cfg.tileAttribution || "")
          .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
        var tiles = L.tileLayer(tileUrl, { attribution: attribution, maxZoom: 18 });
        tiles.on("tileerror", function () {
          failures += 1;
          if (failures === 1 && notice) {
            notice.textContent = S.tiles_failed;
            notice.hidden = false;
            map.getContainer().classList.add("no-tiles");
          }
        });
        tiles.on("tileload", function () {
          if (notice && !notice.hidden && failures === 0) notice.hidden = true;
        });
        tiles.addTo(map);
      }
      CATEGORIES.forEach(function (c) {
        layers[c] = L.layerGroup();
        if (visible[c] !== false) layers[c].addTo(map);
      });
      markerLayer();
      loadPlaces();
      var boundaryUrl = cfg.boundaryUrl;
      if (boundaryUrl) {
        fetch(boundaryUrl, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (gj) {
          var boundary = L.geoJSON(gj, {
            interactive: false,
            style: { color: "#12263a", weight: 3, opacity: 0.9, fillColor: "#12263a", fillOpacity: 0.04 }
          }).addTo(map);
          boundary.bringToBack();
          map.fitBounds(boundary.getBounds(), { padding: [10, 10] });
        }).catch(function () {
          // The sites still show; frame them instead of the boundary.
          boundaryFailed = true;
          fitToSites();
        });
      }
    }

    function fitToSites() {
      if (!map) return;
      var bounds = L.latLngBounds([]);
      Object.keys(drawn).forEach(function (id) { bounds.extend(drawn[id].marker.getLatLng()); });
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 });
    }

    // ---- category toggles (the map layers and the table follow them)
    function initToggles() {
      Array.prototype.forEach.call(document.querySelectorAll(".cat-toggle"), function (box) {
        visible[box.value] = box.checked;
        box.addEventListener("change", function () {
          visible[box.value] = box.checked;
          if (map && layers[box.value]) {
            if (box.checked) layers[box.value].addTo(map); else map.removeLayer(layers[box.value]);
            var markers = Object.keys(drawn).filter(function (id) { return drawn[id].category === box.value; })
              .map(function (id) { return drawn[id].marker; });
            if (box.checked) markerLayer().addLayers(markers); else markerLayer().removeLayers(markers);
          }
          renderTable();
        });
      });
    }

    // ---- state
    function setFeature(f) {
      var clean = { type: "Feature", id: f.id, geometry: f.geometry, properties: f.properties };
      var known = features[f.id];
      if (known && known.properties.category !== f.properties.category) {
        // Moved to another category: draw it again in the right layer.
        var d = drawn[f.id];
        if (d) {
          markerLayer().removeLayer(d.marker);
          if (d.shape) layers[known.properties.category].removeLayer(d.shape);
          delete drawn[f.id];
        }
      }
      features[f.id] = clean;
      idByKey[f.properties.key] = f.id;
    }

    /* A site.status event or PUT answer: the site's Feature and the other sites
     * whose at_risk (or its causes) changed. */
    function applyStatus(data) {
      if (!data || !data.properties) return;
      var had = features[data.id];
      if (data.properties.sensitive_hidden && had && !had.properties.sensitive_hidden) {
        // Events never carry Styrel class or fuel (crisis.sites.sensitive); this user may see them: fetch the site.
        K.api("GET", "/sites/" + data.id + "?incident=" + incidentId).then(function (f) {
          f.at_risk_changed = data.at_risk_changed;
          applyStatus(f);
        });
        return;
      }
      setFeature(data);
      draw(data.id);
      var touched = [data.id];
      (data.at_risk_changed || []).forEach(function (c) {
        var f = features[c.id];
        if (!f) return;
        f.properties.at_risk = c.at_risk;
        f.properties.at_risk_causes = c.at_risk_causes;
        draw(c.id);
        touched.push(c.id);
      });
      scheduleRender();
      if (openId !== null && touched.indexOf(openId) !== -1) refreshPanel(false);
    }

    var renderPending = false;
    function scheduleRender() {
      if (renderPending) return;
      renderPending = true;
      window.requestAnimationFrame(function () { renderPending = false; renderLists(); });
    }

    function sortedFeatures() {
      return Object.keys(features).map(function (id) { return features[id]; })
        .sort(function (a, b) { return a.properties.name.localeCompare(b.properties.name, "sv"); });
    }

    // ---- fuel: counted down from when the site switched to backup power
    function fuelText(p) {
      if (!p.on_backup_power) return "";
      if (p.sensitive_hidden) return S.fuel_hidden;
      if (!p.fuel_runs_out_at) return S.fuel_unknown;
      var left = (new Date(p.fuel_runs_out_at).getTime() - Date.now()) / 3600000;
      if (left <= 0) return S.fuel_empty;
      return K.fmt(S.fuel_left, { hours: left.toFixed(1).replace(".", ","), time: K.dateTime(p.fuel_runs_out_at) });
    }
    function fuelLeft(p) {
      if (!p.on_backup_power || !p.fuel_runs_out_at) return null;
      return (new Date(p.fuel_runs_out_at).getTime() - Date.now()) / 3600000;
    }

    function statusBadge(p) {
      return K.el("span", { class: "status-badge status-" + p.status }, [
        K.el("span", { class: "mini-marker status-" + p.status, "aria-hidden": "true" }),
        " " + statusText(p)
      ]);
    }
    function riskBadge(p) {
      return p.at_risk ? K.el("span", { class: "risk-text" }, [K.el("span", { class: "mini-risk", "aria-hidden": "true", text: "!" }), " " + S.at_risk]) : null;
    }

    function openButton(f, text) {
      return K.el("button", { type: "button", class: "linklike open-site", "data-site-id": f.id,
        text: text || f.properties.name, onclick: function () { openPanel(f.id, true); } });
    }

    // ---- summary, attention list, backup list, table
    function renderLists() {
      var all = sortedFeatures();
      var counts = {};
      var categoryCounts = {};
      all.forEach(function (f) {
        var p = f.properties;
        var c = counts[p.category] = counts[p.category] || { operational: 0, degraded: 0, down: 0, unknown: 0, at_risk: 0, total: 0 };
        c[p.status] = (c[p.status] || 0) + 1;
        c.total += 1;
        if (p.at_risk) c.at_risk += 1;
        categoryCounts[p.category] = c.total;
      });
      var rows = CATEGORIES.filter(function (c) { return counts[c]; }).map(function (c) {
        var cells = [K.el("th", { scope: "row", text: label("categories", c) })];
        STATES.forEach(function (s) { cells.push(K.el("td", { class: "num" + (counts[c][s] && s !== "operational" && s !== "unknown" ? " alert" : ""), text: String(counts[c][s]) })); });
        cells.push(K.el("td", { class: "num" + (counts[c].at_risk ? " alert" : ""), text: String(counts[c].at_risk) }));
        return K.el("tr", { "data-category": c }, cells);
      });
      document.getElementById("summary-body").replaceChildren.apply(document.getElementById("summary-body"), rows);
      Array.prototype.forEach.call(document.querySelectorAll("[data-count-for]"), function (n) {
        var c = categoryCounts[n.getAttribute("data-count-for")];
        n.textContent = c ? "(" + c + ")" : "(0)";
      });

      // Down before degraded before at risk, then by Styrel class. Sites whose
      // status nobody has reported are counted, not listed (they would flood it).
      var attention = all.filter(function (f) {
        var p = f.properties;
        return p.status !== "unknown" && (p.status in SEVERITY || p.at_risk);
      });
      attention.sort(function (a, b) {
        var pa = a.properties, pb = b.properties;
        var va = pa.status in SEVERITY ? SEVERITY[pa.status] : 2, vb = pb.status in SEVERITY ? SEVERITY[pb.status] : 2;
        if (va !== vb) return va - vb;
        var sa = pa.styrel_priority == null ? 99 : pa.styrel_priority, sb = pb.styrel_priority == null ? 99 : pb.styrel_priority;
        if (sa !== sb) return sa - sb;
        return pa.name.localeCompare(pb.name, "sv");
      });
      var unknown = all.filter(function (f) { return f.properties.status === "unknown"; });
      var unknownNote = document.getElementById("attention-unknown");
      if (unknown.length) {
        var unknownRisk = unknown.filter(function (f) { return f.properties.at_risk; }).length;
        var note = K.fmt(unknownNote.getAttribute("data-text"), { n: unknown.length, total: all.length });
        if (unknownRisk) note += " " + K.fmt(unknownNote.getAttribute("data-at-risk"), { n: unknownRisk });
        unknownNote.textContent = note;
        unknownNote.setAttribute("data-unknown", String(unknown.length));
        unknownNote.hidden = false;
      } else {
        unknownNote.hidden = true;
        unknownNote.setAttribute("data-unknown", "0");
      }
      var attentionList = document.getElementById("attention-list");
      if (!attention.length) attentionList.replaceChildren(K.el("li", { class: "hint",
        text: unknown.length ? unknownNote.getAttribute("data-none-reported") : S.none_attention }));
      else attentionList.replaceChildren.apply(attentionList, attention.map(function (f) {
        var p = f.properties;
        var fuel = fuelText(p);
        return K.el("li", { class: "attention-item", "data-site-key": p.key }, [
          K.el("span", { class: "styrel", text: p.sensitive_hidden ? S.styrel_hidden : p.styrel_priority != null ? K.fmt(S.styrel, { n: p.styrel_priority }) : S.no_styrel }),
          " ", openButton(f), " ", statusBadge(p), " ", riskBadge(p),
          fuel ? K.el("span", { class: "fuel", text: " · " + fuel }) : null
        ]);
      }));

      var backup = all.filter(function (f) { return f.properties.on_backup_power; });
      backup.sort(function (a, b) {
        var la = fuelLeft(a.properties), lb = fuelLeft(b.properties);
        if (la === null && lb === null) return 0;
        if (la === null) return 1;
        if (lb === null) return -1;
        return la - lb;
      });
      var backupList = document.getElementById("backup-list");
      if (!backup.length) backupList.replaceChildren(K.el("li", { class: "hint", text: S.none_backup }));
      else backupList.replaceChildren.apply(backupList, backup.map(function (f) {
        var left = fuelLeft(f.properties);
        return K.el("li", { class: "backup-item" + (left !== null && left < 6 ? " low" : ""), "data-site-key": f.properties.key }, [
          openButton(f), " ", K.el("span", { class: "fuel", text: fuelText(f.properties) })
        ]);
      }));
      renderTable();
    }

    function renderTable() {
      var body = document.getElementById("site-table-body");
      var rows = sortedFeatures().filter(function (f) { return visible[f.properties.category] !== false; }).map(function (f) {
        var p = f.properties;
        var causes = (p.at_risk_causes || []).map(function (k) { var id = idByKey[k]; return id ? features[id].properties.name : k; });
        return K.el("tr", { id: "site-row-" + f.id, "data-site-key": p.key, "data-status": p.status, "data-at-risk": p.at_risk ? "true" : "false" }, [
          K.el("th", { scope: "row" }, [openButton(f)]),
          K.el("td", { text: label("categories", p.category) }),
          K.el("td", {}, [statusBadge(p)]),
          K.el("td", {}, p.at_risk ? [riskBadge(p), K.el("span", { class: "hint", text: " (" + causes.join(", ") + ")" })] : ["–"]),
          K.el("td", { text: p.styrel_priority != null ? String(p.styrel_priority) : "–" }),
          K.el("td", { text: p.on_backup_power ? fuelText(p) : (p.backup_power ? S.yes : S.no) })
        ]);
      });
      body.replaceChildren.apply(body, rows);
    }

    // ---- the site panel
    var panel = document.getElementById("site-panel");
    var panelTitle = document.getElementById("site-panel-title");
    var panelBody = document.getElementById("site-panel-body");
    var statusForm = document.getElementById("status-form");
    var historyToken = 0;
    var lastHistory = null;  // the open site's history, as last fetched
    var formDirty = false;   // the user has touched the status form since it was filled

    function siteName(key) { var id = idByKey[key]; return id ? features[id].properties.name : key; }

    function keyButtons(keys) {
      if (!keys.length) return ["–"];
      var out = [];
      keys.forEach(function (k, i) {
        var id = idByKey[k];
        if (i) out.push(", ");
        out.push(id ? openButton(features[id]) : K.el("span", { text: k }));
      });
      return out;
    }

    function detailRow(term, value) {
      if (value === null || value === undefined || value === "") return [];
      return [K.el("dt", { text: term }), K.el("dd", {}, Array.isArray(value) ? value : [String(value)])];
    }

    function renderPanel(history) {
      var f = features[openId];
      if (!f) return;
      var p = f.properties;
      panelTitle.textContent = p.name;
      var dependents = Object.keys(features).map(function (id) { return features[id]; })
        .filter(function (o) { return (o.properties.depends_on || []).indexOf(p.key) !== -1; })
        .map(function (o) { return o.properties.key; }).sort();
      var status = [statusBadge(p)];
      if (p.set_by) status.push(K.el("span", { class: "hint", text: " " + K.fmt(S.reported_by, { who: p.set_by, time: K.hhmm(p.set_at) }) }));
      var parts = [K.el("p", { class: "panel-status" }, status)];
      if (p.note) parts.push(K.el("p", { class: "panel-note", text: p.note }));
      if (p.at_risk) {
        parts.push(K.el("p", { class: "panel-risk" }, [riskBadge(p), " · " + S.at_risk_because + ": "].concat(
          (p.at_risk_causes || []).map(function (k, i) {
            var id = idByKey[k];
            var st = id ? " (" + statusText(features[id].properties) + ")" : "";
            return K.el("span", {}, [i ? ", " : "", id ? openButton(features[id]) : k, st]);
          }))));
      }
      if (p.on_backup_power) {
        parts.push(K.el("p", { class: "panel-fuel" }, [
          K.el("span", { "aria-hidden": "true", text: "⚡ " }),
          K.fmt(S.on_backup, { time: K.hhmm(p.on_backup_power_since) }) + ". " + fuelText(p)]));
      }
      var backup = p.sensitive_hidden ? (p.backup_power ? S.yes : S.no) : p.backup_power ? (p.fuel_hours != null ? K.fmt(S.yes_hours, { hours: String(p.fuel_hours).replace(".", ",") }) : S.yes) : S.no;
      parts.push(K.el("dl", { class: "site-details" }, [].concat(
        detailRow(S.category, label("categories", p.category)),
        detailRow(S.address, p.address),
        detailRow(S.owner, p.owner),
        detailRow(S.contact, p.contact),
        detailRow(S.backup_power, backup),
        detailRow("Styrel", p.sensitive_hidden ? S.hidden : (p.styrel_priority != null ? p.styrel_priority : S.no_styrel)),
        detailRow(S.depends_on, keyButtons(p.depends_on || [])),
        detailRow(S.dependents, keyButtons(dependents))
      )));
      if (history) {
        parts.push(K.el("h3", { text: S.history_heading }));
        if (!history.history.length) parts.push(K.el("p", { class: "hint", text: S.no_reports }));
        else parts.push(K.el("ol", { class: "status-history" }, history.history.map(function (h) {
          return K.el("li", {}, [
            K.el("time", { datetime: h.set_at, text: K.dateTime(h.set_at) }), " ",
            statusBadge({ status: h.status }),
            h.on_backup_power ? K.el("span", { class: "hint", text: " ⚡" }) : null,
            K.el("span", { class: "hint", text: " · " + h.set_by }),
            h.note ? K.el("p", { class: "history-note", text: h.note }) : null
          ]);
        })));
        parts.push(K.el("h3", { text: S.log_heading }));
        if (!history.log.length) parts.push(K.el("p", { class: "hint", text: S.no_log }));
        else parts.push(K.el("ol", { class: "linked-log log-list" }, history.log.map(function (e) {
          return K.logEntry(e, { className: "linked-entry", id: null });
        })));
      }
      panelBody.replaceChildren.apply(panelBody, parts);
      // Show the site's current values, unless the user has started to change
      // them (a late history response or a live event must not undo a choice).
      if (statusForm && !formDirty && !statusForm.contains(document.activeElement)) {
        document.getElementById("status-select").value = p.status;
        document.getElementById("status-backup").checked = !!p.on_backup_power;
      }
    }

    function refreshPanel(focus) {
      if (openId === null) return;
      renderPanel(lastHistory);
      var token = ++historyToken;
      var id = openId;
      K.api("GET", "/sites/" + id + "/history?incident=" + incidentId).then(function (h) {
        if (token !== historyToken || openId !== id) return;
        lastHistory = h;
        renderPanel(h);
      }).catch(function (e) { panelBody.appendChild(K.el("p", { class: "form-error", text: e.message })); });
      if (focus) panel.focus();
    }

    function openPanel(id, focus) {
      if (!features[id]) return;
      var changed = openId !== id;
      openId = id;
      panel.hidden = false;
      panel.setAttribute("data-site-key", features[id].properties.key);
      if (changed) lastHistory = null;
      if (changed && statusForm) {
        formDirty = false;
        document.getElementById("status-note").value = "";
        K.showError(document.getElementById("status-error"), null);
        document.getElementById("status-ok").textContent = "";
      }
      refreshPanel(focus);
      var d = drawn[id];
      if (map && d && visible[features[id].properties.category] !== false) {
        if (cluster && cluster.zoomToShowLayer && cluster.hasLayer(d.marker) && !d.marker.getElement()) {
          cluster.zoomToShowLayer(d.marker);
        } else {
          map.panTo(d.marker.getLatLng(), { animate: false });
        }
      }
    }

    document.getElementById("site-panel-close").addEventListener("click", function () {
      var previous = openId;
      openId = null;
      panel.hidden = true;
      var row = document.querySelector("#site-row-" + previous + " button");
      if (row) row.focus();
    });
    panel.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") document.getElementById("site-panel-close").click();
    });

    if (statusForm) {
      statusForm.addEventListener("input", function () { formDirty = true; });
      statusForm.addEventListener("change", function () { formDirty = true; });
    }

    if (statusForm && canWrite) {
      statusForm.addEventListener("submit", function (ev) {
        ev.preventDefault();
        if (openId === null) return;
        var err = document.getElementById("status-error");
        var ok = document.getElementById("status-ok");
        K.showError(err, null);
        ok.textContent = "";
        var body = {
          status: document.getElementById("status-select").value,
          on_backup_power: document.getElementById("status-backup").checked
        };
        var note = document.getElementById("status-note").value.trim();
        if (note) body.note = note;
        var button = statusForm.querySelector("button[type=submit]");
        button.disabled = true;
        K.api("PUT", "/incidents/" + incidentId + "/sites/" + openId + "/status", body).then(function (data) {
          document.getElementById("status-note").value = "";
          ok.textContent = S.saved;
          formDirty = false;
          applyStatus(data);
        }).catch(function (e) { K.showError(err, e); })
          .then(function () { button.disabled = false; });
      });
    } else if (statusForm) {
      statusForm.hidden = true;
    }

    // ---- start: draw, then go live from the sequence number the data reflects
    cssFallback();
    initToggles();
    try { initMap(); } catch (e) { if (window.console) console.error(e); }
    K.api("GET", "/sites?incident=" + incidentId).then(function (fc) {
      fc.features.forEach(function (f) { setFeature(f); draw(f.id); });
      renderLists();
      if (boundaryFailed || !cfg.boundaryUrl) fitToSites();
      root.setAttribute("data-loaded", "true");
      var since = typeof fc.seq === "number" ? fc.seq : (cfg.seq || 0);
      K.live({
        incident: incidentId, since: since,
        onEvent: function (ev) { if (ev.type === "site.status") applyStatus(ev.data); },
        // Too much missed to replay: every site again over HTTP (no reload).
        onSnapshot: function () {
          K.api("GET", "/sites?incident=" + incidentId).then(function (again) {
            again.features.forEach(function (f) { setFeature(f); draw(f.id); });
            scheduleRender();
            if (openId !== null) refreshPanel(false);
          }).catch(function (e) { K.showError(document.getElementById("tile-notice"), e); });
        }
      });
    }).catch(function (e) {
      var notice = document.getElementById("tile-notice");
      notice.hidden = false;
      notice.textContent = e.message;
    });
    // The fuel countdown and "time ago" move on by themselves.
    window.setInterval(function () { scheduleRender(); if (openId !== null) renderPanel(lastHistory); }, 60000);
  });
})();
