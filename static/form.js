// Hosted and embedded forms: after a failed submit, start at the error summary; before sending,
// check the answers here and show the same summary, each problem a link to its field.
// The page works without this file: the server checks every answer and renders the same box.
(function () {
  "use strict";
  var form = document.querySelector("form.hosted-form");
  var summary = document.getElementById("error-summary");
  if (!form || !summary) { return; }
  var title = document.getElementById("error-summary-title");
  var summaryText = title.textContent;

  function focusTarget(id) {
    var target = document.getElementById(id);
    if (!target) { return; }
    // a group of boxes is linked by its fieldset: focus its first box
    var input = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
    (input || target).focus();
  }

  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) { return; }
    event.preventDefault();
    focusTarget(link.getAttribute("href").slice(1));
  });

  function shown(element) { return element.getClientRects().length > 0 && !element.closest("[hidden]"); }

  function problemOf(box) {
    // the field's inputs, as the visitor sees them; the message in the page's language
    var inputs = Array.prototype.slice.call(box.querySelectorAll("input, select, textarea")).filter(shown);
    if (!inputs.length) { return null; }
    var boxes = inputs.filter(function (input) { return input.type === "checkbox" || input.type === "radio"; });
    if (boxes.length && box.hasAttribute("data-required") && !boxes.some(function (b) { return b.checked; })) {
      return { inputs: inputs, message: form.getAttribute("data-message-required") };
    }
    var invalid = inputs.filter(function (input) { return !input.checkValidity(); })[0];
    if (!invalid) { return null; }
    var v = invalid.validity;
    var message = v.valueMissing ? form.getAttribute("data-message-required")
      : (v.typeMismatch && form.getAttribute("data-message-" + invalid.type)) || form.getAttribute("data-message-invalid");
    return { inputs: inputs, message: message };
  }

  function labelOf(box) {
    var label = box.querySelector("legend, label");
    var text = label ? label.cloneNode(true) : null;
    if (!text) { return ""; }
    text.querySelectorAll(".req").forEach(function (mark) { mark.remove(); });
    return text.textContent.trim();
  }

  function idOf(box, inputs) {
    var fieldset = box.querySelector("fieldset[id]");
    return fieldset ? fieldset.id : inputs[0].id;
  }

  function clear(box) {
    box.classList.remove("has-error");
    box.querySelectorAll("p.error").forEach(function (note) { note.remove(); });
    box.querySelectorAll("[aria-invalid]").forEach(function (input) {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    });
    var fieldset = box.querySelector("fieldset");
    if (fieldset) { fieldset.removeAttribute("aria-describedby"); }
  }

  function mark(box, id, problem) {
    var note = document.createElement("p");
    note.className = "error";
    note.id = id + "-error";
    note.textContent = problem.message;
    box.appendChild(note);
    box.classList.add("has-error");
    problem.inputs.forEach(function (input) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", note.id);
    });
    var fieldset = box.querySelector("fieldset");
    if (fieldset) { fieldset.setAttribute("aria-describedby", note.id); }
  }

  function check(scope) {
    // every shown field in scope (the form, or one step of it); true when all answers pass
    var list = summary.querySelector("ul");
    list.replaceChildren();
    scope.querySelectorAll(".field").forEach(function (box) {
      clear(box);
      var problem = problemOf(box);
      if (!problem) { return; }
      var id = idOf(box, problem.inputs);
      mark(box, id, problem);
      var link = document.createElement("a");
      link.href = "#" + id;
      link.textContent = labelOf(box) + ": " + problem.message;
      var item = document.createElement("li");
      item.appendChild(link);
      list.appendChild(item);
    });
    if (!list.children.length) { summary.hidden = true; return true; }
    title.textContent = summaryText;
    summary.hidden = false;
    summary.focus();
    return false;
  }

  // a single-page form is checked here before it is sent; multi-page forms check one step at a
  // time in form_steps.js, and the server checks every answer again either way
  if (!form.querySelector(".form-page + .form-page, [data-step]")) {
    form.addEventListener("submit", function (event) {
      if (!check(form)) { event.preventDefault(); }
    });
  }

  // a field put right loses its error at once: while it is typed in, not when it loses focus, or the
  // page would shift under the pointer between pressing and releasing the button it is clicking
  function clearIfRight(event) {
    var box = event.target.closest(".field.has-error");
    if (!box || problemOf(box)) { return; }
    clear(box);
    // and its line in the summary, so the box never lists an answer already put right
    summary.querySelectorAll("a[href^='#']").forEach(function (link) {
      var target = document.getElementById(link.getAttribute("href").slice(1));
      if (target && box.contains(target)) { link.closest("li").remove(); }
    });
    if (!summary.querySelector("li")) { summary.hidden = true; }
  }
  form.addEventListener("input", clearIfRight);
  form.addEventListener("change", clearIfRight);

  // the multi-page steps check one page at a time with the same box
  window.Formhook = window.Formhook || {};
  window.Formhook.checkAnswers = check;

  if (!summary.hidden) { summary.focus(); }
})();
