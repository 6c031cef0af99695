// Alert composer: shows the districts on a map; clicking districts ticks their boxes, and
// "draw" mode collects clicked points into the polygon field. Without JavaScript the
// checkboxes, the hazard-zone select and the circle fields do the same job.
(function () {
  "use strict";
  var box = document.getElementById("alert-area-map");
  var dataNode = document.getElementById(box ? box.dataset.data : "");
  var polygonField = document.getElementById("id_polygon");
  if (!box || !dataNode || !window.L || !polygonField) { return; }
  var data = JSON.parse(dataNode.textContent);
  box.hidden = false;
  var map = L.map(box, { scrollWheelZoom: false });
  L.tileLayer(box.dataset.tiles, { attribution: box.dataset.attribution, maxZoom: 18 }).addTo(map);
  var layer = L.geoJSON(data, {
    style: { color: "#0b3d91", weight: 2, fillOpacity: 0.05 },
    onEachFeature: function (feature, district) {
      district.bindTooltip(feature.properties.name);
      district.on("click", function (event) {
        if (drawing) { return; }
        L.DomEvent.stopPropagation(event);
        var input = document.querySelector('input[name="districts"][value="' + feature.properties.id + '"]');
        if (input) { input.checked = !input.checked; district.setStyle({ fillOpacity: input.checked ? 0.35 : 0.05 }); }
      });
    }
  }).addTo(map);
  if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds()); }

  var drawing = false;
  var points = [];
  var shape = null;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button secondary";
  button.textContent = box.dataset.drawLabel || "Draw an area / 範囲を描く";
  box.parentNode.insertBefore(button, box);
  button.addEventListener("click", function () {
    drawing = !drawing;
    if (drawing) { points = []; if (shape) { map.removeLayer(shape); shape = null; } }
    button.setAttribute("aria-pressed", drawing ? "true" : "false");
  });
  map.on("click", function (event) {
    if (!drawing) { return; }
    points.push([event.latlng.lng, event.latlng.lat]);
    if (shape) { map.removeLayer(shape); }
    shape = L.polygon(points.map(function (p) { return [p[1], p[0]]; }), { color: "#a4000f" }).addTo(map);
    if (points.length >= 3) {
      polygonField.value = JSON.stringify({ type: "Polygon", coordinates: [points.concat([points[0]])] });
    }
  });
}());
