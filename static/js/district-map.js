// Draws the districts on a map. The page already lists them, so without JavaScript,
// or when tiles cannot load, nothing is lost.
(function () {
  "use strict";
  var box = document.getElementById("district-map");
  if (!box || !window.L) { return; }
  box.querySelector(".map-fallback").hidden = true;
  var map = L.map(box, { scrollWheelZoom: false });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
  L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);
  map.setView([34.6617, 133.935], 13);
  fetch(box.dataset.geojson, { headers: { Accept: "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (!data || !data.features || !data.features.length) { return; }
      var layer = L.geoJSON(data, {
        style: { color: "#0b5394", weight: 2, fillOpacity: 0.08 },
        onEachFeature: function (feature, shape) { shape.bindTooltip(feature.properties.name); }
      }).addTo(map);
      map.fitBounds(layer.getBounds());
    })
    .catch(function () { box.querySelector(".map-fallback").hidden = false; });
})();
