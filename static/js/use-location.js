// Offers "use my current location" where the browser can tell it; the form works without.
(function () {
  "use strict";
  var button = document.querySelector("[data-use-location]");
  if (!button || !navigator.geolocation) { return; }
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.geolocation.getCurrentPosition(function (position) {
      document.getElementById("id_lat").value = position.coords.latitude.toFixed(6);
      document.getElementById("id_lon").value = position.coords.longitude.toFixed(6);
      button.form.submit();
    });
  });
})();
