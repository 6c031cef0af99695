// The disaster map: facilities in view (by genre) and hazard zones, loaded as GeoJSON for
// the visible box. Every item is also on the list pages, so without JavaScript or tiles
// nothing is lost.
(function () {
  "use strict";
  var box = document.getElementById("disaster-map");
  if (!box || !window.L) { return; }
  box.querySelector(".map-fallback").hidden = true;
  var controls = document.getElementById("map-layers");
  controls.hidden = false;
  var map = L.map(box, { scrollWheelZoom: false });
  map.attributionControl.setPrefix('<a href="https://leafletjs.com/">Leaflet</a>');
  L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);
  var lat = parseFloat(box.dataset.lat), lon = parseFloat(box.dataset.lon);
  if (isNaN(lat) || isNaN(lon)) { map.setView([34.652, 133.935], 14); } else { map.setView([lat, lon], 16); }

  var labels = { open: box.dataset.labelOpen, full: box.dataset.labelFull, closed: box.dataset.labelClosed };
  var colours = { open: "#1e6b30", full: "#a4000f", closed: "#4a4a4a" };
  var hazardColours = { flood: "#1f6fd1", landslide: "#8a5a00", tsunami: "#5b2a86", storm_surge: "#00707a",
                        inland_flood: "#3d8fd1" };
  var points = L.layerGroup().addTo(map);
  var zones = L.layerGroup().addTo(map);

  function text(value) { var span = document.createElement("span"); span.textContent = value || ""; return span.innerHTML; }
  function bbox() { var b = map.getBounds(); return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].join(","); }
  function chosenGenres() {
    return Array.prototype.map.call(controls.querySelectorAll("input[name=genre]:checked"), function (i) { return i.value; });
  }
  function get(url) {
    return fetch(url, { headers: { Accept: "application/geo+json, application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; });
  }
  function loadPoints() {
    var genres = chosenGenres();
    points.clearLayers();
    if (!genres.length) { return; }
    var url = box.dataset.facilities + "?bbox=" + bbox() + genres.map(function (g) { return "&genre=" + g; }).join("");
    get(url).then(function (data) {
      if (!data) { return; }
      data.features.forEach(function (f) {
        var status = f.properties.status;
        var marker = L.circleMarker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
          radius: status ? 9 : 6, weight: 2, color: status ? colours[status] : "#0b5394", fillOpacity: 0.7
        });
        var href = box.dataset.facilityUrl.replace("/0/", "/" + f.id + "/");
        marker.bindPopup('<a href="' + href + '">' + text(f.properties.name) + "</a>" +
          (status ? "<br>" + text(labels[status]) : "") + "<br>" + text(f.properties.address));
        points.addLayer(marker);
      });
    }).catch(function () {});
  }
  function loadZones() {
    zones.clearLayers();
    if (!controls.querySelector("#layer-hazards").checked) { return; }
    get(box.dataset.hazards + "?bbox=" + bbox()).then(function (data) {
      if (!data) { return; }
      zones.addLayer(L.geoJSON(data, {
        style: function (f) { return { color: hazardColours[f.properties.hazard] || "#8a5a00", weight: 1, fillOpacity: 0.15 + 0.08 * Math.min(f.properties.level, 5) }; },
        onEachFeature: function (f, shape) { shape.bindTooltip(text(f.properties.hazard_label + " " + (f.properties.label || ""))); }
      }));
    }).catch(function () {});
  }
  function reload() { loadPoints(); loadZones(); }
  // A click on the map chooses the point for the nearby search below it.
  map.on("click", function (event) {
    var lat = document.getElementById("id_lat"), lon = document.getElementById("id_lon");
    if (!lat || !lon) { return; }
    lat.value = event.latlng.lat.toFixed(6);
    lon.value = event.latlng.lng.toFixed(6);
    var details = lat.closest("details");
    if (details) { details.open = true; }
    L.popup().setLatLng(event.latlng).setContent(text(box.dataset.labelChosen)).openOn(map);
  });
  map.on("moveend", reload);
  controls.addEventListener("change", reload);
  reload();
})();
