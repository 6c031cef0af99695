// The public and staff maps of resident reports. The page lists every report as text below
// the map, so without JavaScript or tiles nothing is lost. Status is shown as a word and a
// symbol, never by colour alone.
(function () {
  "use strict";
  var box = document.getElementById("reports-map");
  if (!box || !window.L) { return; }
  var fallback = box.querySelector(".map-fallback");
  if (fallback) { fallback.hidden = true; }
  var map = L.map(box, { scrollWheelZoom: false });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
  L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);
  map.setView([34.652, 133.935], 13);
  var SYMBOLS = { open: "●", acknowledged: "◆", in_progress: "▲", closed: "✓" };
  var COLOURS = { open: "#a01c1c", acknowledged: "#8a5a00", in_progress: "#0b5394", closed: "#1b6e20" };

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span.innerHTML;
  }

  fetch(box.dataset.geojson, { headers: { Accept: "application/geo+json, application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (!data || !data.features || !data.features.length) { return; }
      var layer = L.geoJSON(data, {
        pointToLayer: function (feature, latlng) {
          var status = feature.properties.status;
          return L.marker(latlng, {
            title: feature.properties.service_name + " (" + feature.properties.status_label + ")",
            icon: L.divIcon({ className: "report-pin", iconSize: [26, 26],
              html: '<span style="display:block;font-size:22px;line-height:26px;text-align:center;color:' +
                (COLOURS[status] || "#333") + '" aria-hidden="true">' + (SYMBOLS[status] || "●") + "</span>" })
          });
        },
        onEachFeature: function (feature, marker) {
          var p = feature.properties;
          marker.bindPopup('<a href="' + text(p.url) + '"><strong>' + text(p.id + " " + p.service_name) +
            "</strong></a><br>" + text(p.status_label) + "<br>" + text(p.requested_at.slice(0, 16).replace("T", " ")));
        }
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 16, padding: [20, 20] }); }
    })
    .catch(function () { if (fallback) { fallback.hidden = false; } });
})();
