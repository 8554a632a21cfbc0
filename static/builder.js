// The form builder without reloads: adding, editing, moving, deleting and dragging fields send the
// same forms the page has without JavaScript, and the server answers with the redrawn parts
// (app/dashboard/builder_fragments.py). Focus goes where the server says: after Move up/down that
// is the button pressed, also when the field is already at the top or bottom.
(function () {
  "use strict";

  var builder = document.querySelector("[data-builder]");
  var Formhook = window.Formhook;
  if (!builder || !Formhook || !window.formhookText || !window.fetch) { return; }
  var HEADERS = { "X-Formhook-Fragment": "builder", "Accept": "application/json" };
  var busy = false;
  var openEditor = null; // {id, html}: the list item an inline editor replaced, to put back on Cancel

  function reloadPreview() {
    var preview = document.getElementById("preview-frame");
    if (preview) { preview.src = preview.src; }
  }

  function elementFrom(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function focusAfter(data, replaced) {
    var target = null;
    if (!data.ok) {
      replaced.some(function (part) {
        target = part.querySelector(".has-error input, .has-error select, .has-error textarea");
        return target;
      });
    }
    target = target || (data.focus && document.getElementById(data.focus));
    if (target) { target.focus(); }
  }

  function apply(data) {
    var replaced = [];
    Object.keys(data.replace || {}).forEach(function (id) {
      var old = document.getElementById(id);
      if (!old) { return; }
      var fresh = elementFrom(data.replace[id]);
      old.replaceWith(fresh);
      Formhook.setUpFieldEditors(fresh);
      replaced.push(fresh);
    });
    if (openEditor && !document.querySelector("#field-" + openEditor.id + " form.field-editor")) {
      openEditor = null; // the list was redrawn: the editor it held is gone with it
    }
    (data.messages || []).forEach(function (message, index) {
      Formhook.announce(message.text, message.category, index > 0);
    });
    if (data.preview) { reloadPreview(); }
    focusAfter(data, replaced);
  }

  function failed(status) {
    Formhook.announce(window.formhookText("builder_not_saved", { status: status }), "danger");
  }

  function send(url, options) {
    if (busy) { return Promise.resolve(); }
    busy = true;
    builder.setAttribute("aria-busy", "true");
    options.headers = HEADERS;
    options.credentials = "same-origin";
    return fetch(url, options).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") === -1) { failed(response.status); return; }
      return response.json().then(function (data) {
        if (data.replace) { apply(data); } else { failed(response.status); }
      });
    }).catch(function () { failed("—"); }).finally(function () {
      busy = false;
      builder.removeAttribute("aria-busy");
    });
  }

  function restoreEditor() {
    if (!openEditor) { return null; }
    var item = document.getElementById("field-" + openEditor.id);
    var restored = item ? elementFrom(openEditor.html) : null;
    if (restored) { item.replaceWith(restored); }
    openEditor = null;
    return restored;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute("data-builder-form")) { return; }
    event.preventDefault();
    send(form.action, { method: "POST", body: new FormData(form, event.submitter) });
  });

  document.addEventListener("click", function (event) {
    var cancel = event.target.closest("[data-builder-cancel]");
    if (cancel) {
      event.preventDefault();
      var restored = restoreEditor();
      var edit = restored && restored.querySelector("[id^=edit-link-]");
      if (edit) { edit.focus(); }
      return;
    }
    var link = event.target.closest("a[data-builder-get]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    var item = link.closest("li[data-field-id]");
    var id = item && item.getAttribute("data-field-id");
    var opening = null;
    if (!openEditor || openEditor.id !== id) {
      restoreEditor(); // one editor at a time: their inputs share ids
      opening = { id: id, html: item && item.outerHTML };
    }
    send(link.href, { method: "GET" }).then(function () {
      var editing = id && document.querySelector("#field-" + id + " form.field-editor");
      if (editing && opening) { openEditor = opening; }
    });
  });

  // drag and drop; the ↑ ↓ buttons do the same from the keyboard
  var dragged = null;
  var orderBefore = "";

  function items() {
    var list = document.getElementById("field-list");
    return list ? Array.prototype.slice.call(list.querySelectorAll("li[data-field-id]")) : [];
  }

  function currentOrder() {
    return items().map(function (item) { return item.getAttribute("data-field-id"); }).join(",");
  }

  function saveOrder() {
    var list = document.getElementById("field-list");
    var body = new FormData();
    var csrf = builder.querySelector("input[name=csrf_token]");
    body.append("csrf_token", csrf ? csrf.value : "");
    items().forEach(function (item) { body.append("order", item.getAttribute("data-field-id")); });
    send(list.getAttribute("data-reorder-url"), { method: "POST", body: body });
  }

  document.addEventListener("dragstart", function (event) {
    dragged = event.target.closest && event.target.closest("#field-list li[draggable=true]");
    if (!dragged) { return; }
    orderBefore = currentOrder();
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.getAttribute("data-field-id"));
  });
  document.addEventListener("dragover", function (event) {
    var over = event.target.closest && event.target.closest("#field-list li[data-field-id]");
    if (!dragged || !over) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (over === dragged) { return; }
    var box = over.getBoundingClientRect();
    var after = event.clientY > box.top + box.height / 2;
    over.parentNode.insertBefore(dragged, after ? over.nextSibling : over);
  });
  document.addEventListener("drop", function (event) {
    if (dragged) { event.preventDefault(); }
  });
  document.addEventListener("dragend", function () {
    if (!dragged) { return; }
    dragged.classList.remove("dragging");
    dragged = null;
    if (currentOrder() !== orderBefore) { saveOrder(); }
  });
})();
