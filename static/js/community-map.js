// Community disaster map: draws the district and the features, and lets people click
// points into the feature form. The page lists every feature and the form takes typed
// coordinates, so without JavaScript or map tiles nothing is lost.
(function () {
  "use strict";
  var box = document.getElementById("community-map");
  var dataNode = document.getElementById(box ? box.dataset.data : "");
  if (!box || !dataNode || !window.L) { return; }
  var data = JSON.parse(dataNode.textContent);

  var STYLES = {
    danger: { color: "#a4000f", dashArray: null },
    blocked_road: { color: "#6b3d00", dashArray: "14 7" },
    meeting_point: { color: "#1e6b30", dashArray: "3 6" },
    water: { color: "#0b5394", dashArray: "16 5 3 5" },
    aed: { color: "#5b2a86", dashArray: "8 4" },
    other: { color: "#333333", dashArray: "2 4" }
  };

  box.querySelector(".map-fallback").hidden = true;
  var map = L.map(box, { scrollWheelZoom: false });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
  L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);

  var district = L.geoJSON(data.district, {
    style: { color: "#000000", weight: 3, dashArray: "12 6 3 6", fillOpacity: 0.04 },
    interactive: false
  }).addTo(map);
  map.fitBounds(district.getBounds());

  function numberIcon(number) {
    return L.divIcon({ className: "number-icon", html: String(number), iconSize: [30, 30] });
  }

  L.geoJSON(data.features, {
    style: function (feature) {
      var style = STYLES[feature.properties.category] || STYLES.other;
      return { color: style.color, dashArray: style.dashArray, weight: 5, fillOpacity: 0.25 };
    },
    pointToLayer: function (feature, latlng) {
      return L.marker(latlng, { icon: numberIcon(feature.properties.number), keyboard: false });
    },
    onEachFeature: function (feature, layer) {
      layer.bindTooltip(feature.properties.number + ". " + feature.properties.title);
      if (feature.geometry.type !== "Point") {
        var centre = layer.getBounds().getCenter();
        L.marker(centre, { icon: numberIcon(feature.properties.number), keyboard: false, interactive: false })
          .addTo(map);
      }
    }
  }).addTo(map);

  // --- drawing into the form --------------------------------------------------------------
  var form = box.dataset.drawing ? document.getElementById(box.dataset.drawing) : null;
  var toolbar = document.getElementById("draw-toolbar");
  if (!form || !toolbar) { return; }
  var field = function (name) { return form.querySelector('[name="' + name + '"]'); };
  var lat = field("lat"), lon = field("lon"), vertices = field("vertices"), title = field("title");
  var radios = form.querySelectorAll('input[name="shape"]');
  var status = document.getElementById("draw-status");
  var preview = L.layerGroup().addTo(map);
  toolbar.hidden = false;
  box.classList.add("drawing");

  function shape() {
    for (var i = 0; i < radios.length; i++) { if (radios[i].checked) { return radios[i].value; } }
    return "point";
  }

  function setShape(value) {
    for (var i = 0; i < radios.length; i++) { radios[i].checked = radios[i].value === value; }
    redraw();
  }

  function points() {
    if (shape() === "point") {
      var y = parseFloat(lat.value), x = parseFloat(lon.value);
      return isNaN(y) || isNaN(x) ? [] : [[y, x]];
    }
    return vertices.value.split("\n").map(function (line) {
      var parts = line.replace(/[，、]/g, ",").split(/[\s,]+/).filter(Boolean).map(parseFloat);
      return parts.length === 2 && !isNaN(parts[0]) && !isNaN(parts[1]) ? parts : null;
    }).filter(Boolean);
  }

  function say(text) { if (status) { status.textContent = text; } }

  function redraw() {
    preview.clearLayers();
    var kind = shape(), pts = points();
    toolbar.querySelectorAll("[data-draw-shape]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.drawShape === kind));
    });
    if (!pts.length) { say(toolbar.dataset.textEmpty || ""); return; }
    if (kind === "point") {
      L.circleMarker(pts[0], { radius: 9, color: "#000", weight: 3, fillColor: "#ffbf47", fillOpacity: 1 })
        .addTo(preview);
    } else {
      (kind === "polygon" && pts.length > 2 ? L.polygon : L.polyline)(pts, { color: "#000", weight: 4, dashArray: "6 4" })
        .addTo(preview);
      pts.forEach(function (p) { L.circleMarker(p, { radius: 5, color: "#000", fillOpacity: 1 }).addTo(preview); });
    }
    say(kind === "point" ? toolbar.dataset.textPoint : (toolbar.dataset.textPoints || "").replace("{n}", pts.length));
  }

  function round(value) { return Math.round(value * 1e6) / 1e6; }

  map.on("click", function (event) {
    var y = round(event.latlng.lat), x = round(event.latlng.lng);
    if (shape() === "point") {
      lat.value = y; lon.value = x;
    } else {
      var text = vertices.value.replace(/\s+$/, "");
      vertices.value = (text ? text + "\n" : "") + y + ", " + x;
    }
    redraw();
  });

  toolbar.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) { return; }
    if (button.dataset.drawShape) { setShape(button.dataset.drawShape); return; }
    var action = button.dataset.drawAction;
    if (action === "undo") {
      if (shape() === "point") { lat.value = ""; lon.value = ""; }
      else { vertices.value = vertices.value.replace(/\s+$/, "").split("\n").slice(0, -1).join("\n"); }
    } else if (action === "clear") {
      if (shape() === "point") { lat.value = ""; lon.value = ""; } else { vertices.value = ""; }
    } else if (action === "finish") {
      (title || form).scrollIntoView({ behavior: "smooth", block: "center" });
      if (title) { title.focus(); }
    }
    redraw();
  });

  [lat, lon, vertices].forEach(function (input) { if (input) { input.addEventListener("input", redraw); } });
  for (var i = 0; i < radios.length; i++) { radios[i].addEventListener("change", redraw); }
  redraw();
})();
