// Preset pages with modes (WhatsApp: template message or free text): show only the chosen mode's params.
(function () {
  "use strict";

  var group = document.querySelector("[data-mode-switch]");
  if (!group) { return; }

  function show() {
    var checked = group.querySelector("input:checked");
    var mode = checked ? checked.value : "";
    document.querySelectorAll("[data-mode]").forEach(function (field) {
      field.hidden = field.getAttribute("data-mode") !== mode;
    });
  }

  group.addEventListener("change", show);
  show();
})();
