// The API reference: filter the operations list as you type (an external file: the page's CSP allows no inline script).
(function () {
  "use strict";
  var filter = document.getElementById("api-filter");
  if (!filter) { return; }
  filter.addEventListener("input", function () {
    var term = filter.value.trim().toLowerCase();
    document.querySelectorAll("[data-search]").forEach(function (item) {
      item.hidden = term !== "" && item.getAttribute("data-search").toLowerCase().indexOf(term) === -1;
    });
  });
})();
