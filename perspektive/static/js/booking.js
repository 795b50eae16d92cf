// Booking page: preselect the visitor's own time zone (the page works without this).
(function () {
  "use strict";
  var select = document.querySelector("select[data-detect-zone]");
  if (!select) { return; }
  var params = new URLSearchParams(window.location.search);
  if (params.get("tz")) { return; }  // the visitor chose one already
  var zone;
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone; } catch (e) { return; }
  if (!zone) { return; }
  var found = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
  if (!found) {
    var option = document.createElement("option");
    option.value = zone;
    option.textContent = zone.replace(/_/g, " ");
    select.appendChild(option);
  }
  select.value = zone;
})();
