// Dashboard enhancements: confirmations, copy buttons, the field editor and drag-and-drop reordering.
// Every page works without this file; it only makes things quicker.
(function () {
  "use strict";
  var words = window.formhookText;

  function announce(message, category) {
    var box = document.getElementById("flashes");
    if (!box) { return; }
    var note = document.createElement("div");
    note.className = "flash flash-" + (category || "success");
    note.setAttribute("role", "status");
    note.textContent = message;
    box.replaceChildren(note);
  }

  // forms that destroy something ask first
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); return; }
    // a ↑ ↓ button reloads the page: give its focus back afterwards, so Enter can move the field again
    var button = event.submitter;
    if (button && button.hasAttribute("data-keep-focus")) {
      window.sessionStorage.setItem("formhook-focus", button.getAttribute("aria-label"));
    }
  });
  var refocus = window.sessionStorage.getItem("formhook-focus");
  window.sessionStorage.removeItem("formhook-focus");
  if (refocus) {
    // after load: going to the #field-… fragment would otherwise blur it again
    window.addEventListener("load", function () {
      document.querySelectorAll("[data-keep-focus]").forEach(function (button) {
        if (button.getAttribute("aria-label") === refocus && !button.disabled) { button.focus(); }
      });
    });
  }

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

  document.querySelectorAll("form.field-editor").forEach(function (editor) {
    var type = editor.querySelector("select[name=type]");
    var label = editor.querySelector("input[name=label]");
    var key = editor.querySelector("input[name=key]");
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

  // live preview: follow the hosted page's height, reload it after a change made here
  var preview = document.getElementById("preview-frame");
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!preview || event.source !== preview.contentWindow || !data || data.formhook !== "resize") { return; }
    preview.style.height = Math.max(Math.ceil(Number(data.height)), 200) + "px";
  });
  function reloadPreview() {
    if (preview) { preview.src = preview.src; }
  }

  // drag and drop reordering; the ↑ ↓ buttons stay for keyboards
  var list = document.getElementById("field-list");
  if (!list) { return; }
  var csrf = list.parentNode.querySelector("input[name=csrf_token]");
  var dragged = null;
  var orderBefore = "";

  function currentOrder() { return items().map(function (item) { return item.getAttribute("data-field-id"); }).join(","); }

  function items() { return Array.prototype.slice.call(list.querySelectorAll("li[data-field-id]")); }

  function refreshButtons() {
    var all = items();
    all.forEach(function (item, index) {
      var up = item.querySelector("button[data-move='up']");
      var down = item.querySelector("button[data-move='down']");
      if (up) { up.disabled = index === 0; }
      if (down) { down.disabled = index === all.length - 1; }
    });
  }

  function saveOrder() {
    var body = new FormData();
    body.append("csrf_token", csrf ? csrf.value : "");
    items().forEach(function (item) { body.append("order", item.getAttribute("data-field-id")); });
    list.setAttribute("aria-busy", "true");
    fetch(list.getAttribute("data-reorder-url"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error((data.error && data.error.message) || words("not_saved")); }
        announce(data.message, "success");
        reloadPreview();
      });
    }).catch(function (error) {
      announce(words("order_not_saved", { error: error.message }), "danger");
    }).finally(function () { list.removeAttribute("aria-busy"); });
  }

  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest("li[data-field-id]");
    if (!dragged) { return; }
    orderBefore = currentOrder();
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.getAttribute("data-field-id"));
  });
  list.addEventListener("dragover", function (event) {
    var over = event.target.closest && event.target.closest("li[data-field-id]");
    if (!dragged || !over) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (over === dragged) { return; }
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    list.insertBefore(dragged, after ? over.nextSibling : over);
  });
  list.addEventListener("drop", function (event) { event.preventDefault(); });
  list.addEventListener("dragend", function () {
    if (!dragged) { return; }
    dragged.classList.remove("dragging");
    dragged = null;
    if (currentOrder() === orderBefore) { return; }
    refreshButtons();
    saveOrder();
  });
})();
