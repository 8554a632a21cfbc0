// Hosted form: show fields by their visible_if rules as the visitor answers, and move between the
// pages of a multi-page form without reloading. Without this file the server does both (a POST per
// step), and whatever this file decides, the server walks the same rules again before storing.
(function () {
  "use strict";

  var form = document.querySelector("form.hosted-form");
  var nav = document.getElementById("step-nav");
  if (!form || !nav) { return; }
  var logic = JSON.parse(nav.getAttribute("data-logic"));
  var types = logic.types;
  var messages = logic.messages;
  var pages = Array.prototype.slice.call(form.querySelectorAll("section.page"));
  var stepInput = form.querySelector("input[name=_step]");
  var current = Number(stepInput.value) || 0;
  var OTHER = "__other__";
  var visibleNow = {};

  // -- the rule language of app/delivery/conditions.py, mirrored ---------------------------------
  function text(value) {
    if (value === undefined || value === null) { return ""; }
    if (Array.isArray(value)) { return value.map(String).join(", "); }
    return String(value);
  }

  function number(value) {
    var written = text(value).trim();
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(written)) { return null; }
    return Number(written);
  }

  function ruleHolds(rule, answers) {
    var actual = answers[rule.field];
    var expected = text(rule.value);
    var op = rule.op;
    if (op === "empty") { return text(actual).trim() === ""; }
    if (op === "not_empty") { return text(actual).trim() !== ""; }
    if (op === "equals" || op === "not_equals") {
      var same = Array.isArray(actual)
        ? actual.map(String).indexOf(expected) !== -1
        : text(actual).toLowerCase() === expected.toLowerCase();
      return op === "equals" ? same : !same;
    }
    if (op === "contains" || op === "not_contains") {
      var found = text(actual).toLowerCase().indexOf(expected.toLowerCase()) !== -1;
      return op === "contains" ? found : !found;
    }
    var left = number(actual);
    var right = number(expected);
    if (left === null || right === null) { return false; }
    return op === "gt" ? left > right : left < right;
  }

  function matches(conditions, answers) {
    if (!conditions || !conditions.rules || !conditions.rules.length) { return true; }
    var results = conditions.rules.map(function (rule) { return ruleHolds(rule, answers); });
    return conditions.match === "any" ? results.some(Boolean) : results.every(Boolean);
  }

  function ruleOf(element) {
    var rule = element && element.getAttribute("data-visible-if");
    return rule ? JSON.parse(rule) : null;
  }

  // -- answers as the server cleans them ------------------------------------------------------------
  function inputsOf(key) {
    return Array.prototype.slice.call(form.querySelectorAll("[name=\"" + key + "\"]"));
  }

  function otherText(key) {
    var box = form.querySelector("[name=\"" + key + ".other\"]");
    return box ? box.value.trim() : "";
  }

  function answerOf(key) {
    var type = types[key];
    var inputs = inputsOf(key);
    var first = inputs[0];
    if (type === "consent") { return first.checked; }
    if (first.type === "checkbox") {
      return inputs.filter(function (box) { return box.checked; }).map(function (box) {
        return box.value === OTHER ? otherText(key) : box.value;
      });
    }
    var value = first.type === "radio"
      ? (inputs.filter(function (radio) { return radio.checked; })[0] || { value: "" }).value
      : first.value;
    if (value === OTHER) { return otherText(key); }
    if ((type === "rating" || type === "scale") && value !== "") { return Number(value); }
    return value;
  }

  // -- the walk of app/public/steps.py: pages in order, each field decided by the answers above it --
  var keysOfPage = pages.map(function () { return []; });
  Object.keys(types).forEach(function (key) {
    var holder = form.querySelector(".logic[data-key=\"" + key + "\"]") || inputsOf(key)[0];
    var page = holder && holder.closest("section.page");
    if (page && types[key] !== "page_break") { keysOfPage[pages.indexOf(page)].push(key); }
  });

  function walk() {
    var answers = {};
    var shownPages = [];
    visibleNow = {};
    pages.forEach(function (page, index) {
      if (!matches(ruleOf(page), answers)) { return; }
      shownPages.push(index);
      keysOfPage[index].forEach(function (key) {
        var wrapper = form.querySelector(".logic[data-key=\"" + key + "\"]");
        var visible = !wrapper || matches(ruleOf(wrapper), answers);
        if (wrapper) { wrapper.hidden = !visible; }
        if (visible) {
          visibleNow[key] = true;
          if (inputsOf(key).length) { answers[key] = answerOf(key); }
        }
      });
    });
    return shownPages;
  }

  // -- checking a page before leaving it --------------------------------------------------------------
  function problemOf(key) {
    var inputs = inputsOf(key);
    var first = inputs[0];
    if (!first || first.type === "hidden") { return null; }
    var box = first.closest(".field");
    var required = Boolean(box && box.querySelector(".req"));
    var value = answerOf(key);
    if (types[key] === "consent") { return required && !value ? messages.tick : null; }
    var otherChosen = inputs.some(function (input) {
      return input.value === OTHER && (input.checked || input.selected);
    }) || (first.tagName === "SELECT" && first.value === OTHER);
    if (otherChosen && !otherText(key)) { return messages.other; }
    var empty = Array.isArray(value) ? value.length === 0 : text(value).trim() === "";
    if (empty) { return required ? messages.required : null; }
    if (first.validity && first.validity.typeMismatch) { return messages[first.type] || messages.required; }
    if (first.validity && first.validity.badInput) { return messages.number; }
    return null;
  }

  function clearError(key) {
    var old = document.getElementById(key + "-error");
    if (old) { old.remove(); }
    inputsOf(key).forEach(function (input) {
      input.removeAttribute("aria-invalid");
      var box = input.closest(".field");
      if (box) { box.classList.remove("has-error"); }
    });
  }

  function showError(key, message) {
    var inputs = inputsOf(key);
    var box = inputs[0].closest(".field");
    var note = document.createElement("p");
    note.className = "error";
    note.id = key + "-error";
    note.textContent = message;
    box.classList.add("has-error");
    box.appendChild(note);
    inputs.forEach(function (input) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", note.id);
    });
  }

  function pageIsValid(index) {
    var firstBad = null;
    keysOfPage[index].forEach(function (key) {
      if (!inputsOf(key).length) { return; }
      clearError(key);
      var problem = visibleNow[key] ? problemOf(key) : null;
      if (problem) {
        showError(key, problem);
        firstBad = firstBad || key;
      }
    });
    if (firstBad) { inputsOf(firstBad)[0].focus(); }
    return firstBad === null;
  }

  // -- steps ------------------------------------------------------------------------------------------
  var status = document.getElementById("steps-status");
  var bar = document.getElementById("steps-bar");
  var buttons = {
    next: nav.querySelector(".step-next"),
    submit: nav.querySelector(".step-submit"),
    back: nav.querySelector(".step-back"),
  };

  function neighbour(shownPages, step) {
    var candidates = shownPages.filter(function (index) { return step > 0 ? index > current : index < current; });
    if (!candidates.length) { return null; }
    return step > 0 ? Math.min.apply(null, candidates) : Math.max.apply(null, candidates);
  }

  function refresh() {
    var shownPages = walk();
    if (pages.length < 2) { return shownPages; }
    var position = shownPages.indexOf(current) + 1;
    var last = neighbour(shownPages, 1) === null;
    status.textContent = status.getAttribute("data-template")
      .replace("{num}", String(position)).replace("{total}", String(shownPages.length));
    bar.max = shownPages.length;
    bar.value = position;
    buttons.next.hidden = last;
    buttons.submit.hidden = !last;
    buttons.back.hidden = neighbour(shownPages, -1) === null;
    return shownPages;
  }

  function show(index) {
    current = index;
    stepInput.value = String(index);
    pages.forEach(function (page, number) { page.hidden = number !== index; });
    refresh();
    var title = pages[index].querySelector(".page-title");
    if (title) {
      title.setAttribute("tabindex", "-1");
      title.focus();
    }
    form.scrollIntoView({ block: "start" });
  }

  form.addEventListener("submit", function (event) {
    var shownPages = refresh();
    if (pages.length < 2) { return; }
    if (event.submitter && event.submitter.value === "back") {
      event.preventDefault();
      var previous = neighbour(shownPages, -1);
      if (previous !== null) { show(previous); }
      return;
    }
    if (!pageIsValid(current)) {
      event.preventDefault();
      return;
    }
    var following = neighbour(shownPages, 1);
    if (following !== null) {
      event.preventDefault();
      show(following);
    }
    // on the last shown page the form is sent: the server checks every page again
  });

  // typing an "Other…" answer chooses Other
  form.addEventListener("input", function (event) {
    var box = event.target;
    if (box.classList && box.classList.contains("other-text") && box.value.trim()) {
      var key = box.name.slice(0, -".other".length);
      var choice = form.querySelector("[name=\"" + key + "\"][value=\"" + OTHER + "\"]");
      if (choice && choice.tagName === "INPUT") { choice.checked = true; }
      var select = form.querySelector("select[name=\"" + key + "\"]");
      if (select) { select.value = OTHER; }
    }
    refresh();
  });
  form.addEventListener("change", refresh);
  refresh();
})();
