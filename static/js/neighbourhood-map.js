// Shows an association's area; on the join form a click fills in latitude and longitude.
// The forms work without it: a place name or the coordinates can be typed.
(function () {
  "use strict";
  var box = document.getElementById("nb-map");
  if (!box || !window.L) { return; }
  var data = JSON.parse(document.getElementById(box.dataset.data).textContent);
  box.querySelector(".map-fallback").hidden = true;
  var map = L.map(box, { scrollWheelZoom: false });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
  L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);
  var area = L.geoJSON(data.area, { style: { color: "#0b5394", weight: 2, fillOpacity: 0.1 } }).addTo(map);
  map.fitBounds(area.getBounds());
  if (!box.dataset.pick) { return; }
  var lat = document.getElementById("id_lat"), lon = document.getElementById("id_lon"), marker = null;
  function place(latlng) {
    if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
  }
  if (lat.value && lon.value) { place([parseFloat(lat.value), parseFloat(lon.value)]); }
  map.on("click", function (event) {
    lat.value = event.latlng.lat.toFixed(6);
    lon.value = event.latlng.lng.toFixed(6);
    place(event.latlng);
  });
})();
