// Draws a dataset's GeoJSON on the dataset page. The preview table below holds the same
// rows, so without JavaScript, or when tiles cannot load, nothing is lost.
(function () {
  "use strict";
  var box = document.getElementById("opendata-map");
  if (!box || !window.L) { return; }
  box.querySelector(".map-fallback").hidden = true;
  var map = L.map(box, { scrollWheelZoom: false });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
  L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);
  map.setView([34.6617, 133.935], 12);
  fetch(box.dataset.geojson, { headers: { Accept: "application/geo+json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (!data || !data.features || !data.features.length) { return; }
      var layer = L.geoJSON(data, {
        style: { color: "#0b5394", weight: 2, fillOpacity: 0.1 },
        onEachFeature: function (feature, shape) {
          var props = feature.properties || {};
          var label = props.name || props.label || props.hazard || "";
          if (label) { shape.bindTooltip(String(label)); }
        }
      }).addTo(map);
      map.fitBounds(layer.getBounds(), { maxZoom: 16 });
    })
    .catch(function () { box.querySelector(".map-fallback").hidden = false; });
})();
