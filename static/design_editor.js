// Theme controls (Design tab, Settings → Workspace): say the corner radius as it moves, and on the
// Design tab redraw the preview after every change, before anything is saved. The pages work
// without this file: "Update preview" posts the same form to the preview frame.
(function () {
  "use strict";

  document.querySelectorAll("input[type=range][data-unit]").forEach(function (range) {
    var output = document.getElementById(range.id + "-value");
    if (!output) { return; }
    range.addEventListener("input", function () {
      output.textContent = range.getAttribute("data-unit").replace("{px}", range.value);
    });
  });

  var editor = document.getElementById("design-form");
  var button = document.getElementById("design-preview-button");
  if (!editor || !button) { return; }
  var controls = document.getElementById("theme-controls");
  var follows = document.getElementById("theme-follows");
  var timer = null;

  // following the workspace's theme, the form's own controls do not apply: shown, but off
  function showSource() {
    var chosen = editor.querySelector("input[name=theme_source]:checked");
    var own = !chosen || chosen.value === "own";
    controls.disabled = !own;
    controls.classList.toggle("is-off", !own);
    if (follows) { follows.hidden = own; }
  }

  function redraw() {
    window.clearTimeout(timer);
    // a colour being dragged fires many events: draw once it rests for a moment
    timer = window.setTimeout(function () { editor.requestSubmit(button); }, 120);
  }

  editor.addEventListener("input", redraw);
  editor.addEventListener("change", function (event) {
    if (event.target.name === "theme_source") { showSource(); }
    redraw();
  });
  showSource();
})();
