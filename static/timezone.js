// Sign-up: tell the server the browser's time zone, so the new workspace shows local times from the start.
(function () {
  "use strict";
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (error) { zone = ""; }
  document.querySelectorAll("input[data-browser-timezone]").forEach(function (input) {
    if (!input.value) { input.value = zone; }
  });
})();
