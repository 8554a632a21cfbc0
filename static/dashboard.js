// Dashboard enhancements: confirmations, copy buttons, the field editor and the preview's height.
// Every page works without this file; it only makes things quicker.
(function () {
  "use strict";
  var words = window.formhookText;

  // show a message where flashed ones stand (a live region); `append` keeps those already shown
  function announce(message, category, append) {
    var box = document.getElementById("flashes");
    if (!box) { return; }
    var note = document.createElement("div");
    note.className = "flash flash-" + (category || "success");
    note.setAttribute("role", "status");
    note.textContent = message;
    if (append) { box.appendChild(note); } else { box.replaceChildren(note); }
  }

  // forms that destroy something ask first
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });

  // copy buttons: copy the snippet next to them
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy-target]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy-target"));
    var done = function () {
      button.textContent = words("copied_button");
      announce(words("copied_announce"), "success");
      window.setTimeout(function () { button.textContent = words("copy"); }, 2000);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(source.value).then(done, function () { source.select(); });
    } else {
      source.select();
      document.execCommand("copy");
      done();
    }
  });

  // field editor: show options only for choice types, and suggest a key from the label
  function slug(text) {
    var key = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 50);
    if (key && !/^[a-z]/.test(key)) { key = "f_" + key; }
    return key;
  }

  function setUpFieldEditors(root) {
    root.querySelectorAll("form.field-editor").forEach(function (editor) {
      // the builder's inline editor prefixes its names ("edit-type"), the other editors do not
      var type = editor.querySelector("select[name$=type]");
      var label = editor.querySelector("input[name$=label]");
      var key = editor.querySelector("input[name$=key]");
      function toggle() {
        editor.querySelectorAll("[data-show-for]").forEach(function (part) {
          part.hidden = part.getAttribute("data-show-for").split(" ").indexOf(type.value) === -1;
        });
        editor.querySelectorAll("[data-hide-for]").forEach(function (part) {
          part.hidden = part.getAttribute("data-hide-for").split(" ").indexOf(type.value) !== -1;
        });
      }
      if (type) { type.addEventListener("change", toggle); toggle(); }
      if (label && key) {
        label.addEventListener("input", function () { key.placeholder = slug(label.value) || ""; });
      }
    });
  }
  setUpFieldEditors(document);
  // static/builder.js redraws parts of the builder and sets them up again with these
  window.Formhook = { announce: announce, setUpFieldEditors: setUpFieldEditors };

  // live preview: follow the hosted page's height
  var preview = document.getElementById("preview-frame");
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!preview || event.source !== preview.contentWindow || !data || data.formhook !== "resize") { return; }
    preview.style.height = Math.max(Math.ceil(Number(data.height)), 200) + "px";
  });
})();
