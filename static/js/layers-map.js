// Maps of the incident, water level and support pages, and the place picker of the incident
// form. Every page already lists the same information as text, so without JavaScript, or
// when tiles cannot load, nothing is lost.
(function () {
  "use strict";
  var printButton = document.querySelector("[data-print]");
  if (printButton) {
    printButton.hidden = false;
    printButton.addEventListener("click", function () { window.print(); });
  }
  var box = document.getElementById("layers-map");
  if (!box || !window.L) { return; }
  var fallback = box.querySelector(".map-fallback");
  if (fallback) { fallback.hidden = true; }
  var map = L.map(box, { scrollWheelZoom: false });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
  L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);
  map.setView([34.652, 133.935], 13);

  var STAGE_COLOURS = ["#1b6e20", "#0b5394", "#8a6d00", "#c62828", "#6a1b9a"];

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span.innerHTML;
  }

  function fit(layer) {
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 16, padding: [20, 20] }); }
  }

  function load(url, options) {
    fetch(url, { headers: { Accept: "application/geo+json, application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.features || !data.features.length) { return; }
        fit(L.geoJSON(data, options).addTo(map));
      })
      .catch(function () { if (fallback) { fallback.hidden = false; } });
  }

  var layer = box.dataset.layer;
  if (layer === "incidents") {
    load(box.dataset.geojson, {
      pointToLayer: function (feature, latlng) {
        // A circle of the generalisation's size: the place is "about here", not a house.
        return L.circle(latlng, { radius: 60, color: "#a01c1c", weight: 2, fillOpacity: 0.25 });
      },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        shape.bindPopup("<strong>" + text(p.kind_label) + "</strong><br>" + text(p.title) + "<br>" +
          text(p.occurred_at.slice(0, 16).replace("T", " ")));
      }
    });
  } else if (layer === "water") {
    load(box.dataset.geojson, {
      pointToLayer: function (feature, latlng) {
        var colour = STAGE_COLOURS[feature.properties.stage] || "#333";
        return L.circleMarker(latlng, { radius: 9, color: colour, weight: 3, fillOpacity: 0.6 });
      },
      onEachFeature: function (feature, shape) {
        var p = feature.properties;
        var level = p.latest_level == null ? "–" : p.latest_level.toFixed(2) + " m";
        shape.bindPopup("<strong>" + text(p.river + " " + p.name) + "</strong><br>" + text(level) + "<br>" +
          text(p.stage_label));
      }
    });
  } else if (layer === "support") {
    var data = document.getElementById("support-points");
    var points = data ? JSON.parse(data.textContent) : [];
    var group = L.featureGroup(points.map(function (p) {
      return L.marker([p.lat, p.lon], { title: p.name, alt: p.name }).bindPopup(text(p.name));
    })).addTo(map);
    fit(group);
  } else if (layer === "pick") {
    var lat = document.getElementById("id_lat");
    var lon = document.getElementById("id_lon");
    var marker = null;
    var place = function (latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    };
    if (lat && lon && lat.value && lon.value) {
      place([parseFloat(lat.value), parseFloat(lon.value)]);
      map.setView([parseFloat(lat.value), parseFloat(lon.value)], 16);
    }
    map.on("click", function (event) {
      lat.value = event.latlng.lat.toFixed(6);
      lon.value = event.latlng.lng.toFixed(6);
      place(event.latlng);
    });
  }
})();
