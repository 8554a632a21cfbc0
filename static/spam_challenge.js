// Hosted form: the proof-of-work widget solves its challenge while the visitor reads the form.
// Its worker comes from this server (the page's policy allows no other), and a Send pressed before
// the solution is ready waits for it instead of posting without one. Next/Back are not held.
(function () {
  "use strict";
  var widget = document.querySelector("altcha-widget.spam-challenge");
  if (!widget || !window.$altcha) { return; }
  var workerUrl = widget.getAttribute("data-worker");
  window.$altcha.algorithms.set("PBKDF2/SHA-256", function () { return new Worker(workerUrl); });
  // solve as soon as the page is up (the widget's own auto="onload" could start before the worker is set)
  window.customElements.whenDefined("altcha-widget").then(function () {
    if (widget.getState() === "unverified") { widget.verify(); }
  });

  var form = widget.closest("form");
  var held = null;
  var note = null;

  function solved() {
    var state = widget.getState ? widget.getState() : null;
    return state === "verified";
  }

  function showWaiting() {
    if (note) { return; }
    note = document.createElement("p");
    note.className = "spam-waiting";
    note.setAttribute("role", "status");
    note.textContent = widget.getAttribute("data-waiting");
    widget.insertAdjacentElement("afterend", note);
  }

  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (solved() || (submitter && submitter.name === "_nav")) { return; }
    event.preventDefault();
    event.stopImmediatePropagation();
    held = submitter || null;
    showWaiting();
    if (widget.getState && widget.getState() !== "verifying" && widget.verify) { widget.verify(); }
  }, true);

  widget.addEventListener("verified", function () {
    if (note) { note.remove(); note = null; }
    if (held === null) { return; }
    var submitter = held;
    held = null;
    if (form.requestSubmit) { form.requestSubmit(submitter && submitter.form === form ? submitter : undefined); }
    else { form.submit(); }
  });
})();
