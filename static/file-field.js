// File fields on the hosted page: list the chosen files (name and size), let the visitor remove one
// before sending. Works without this script too: the input itself still posts its files.
(function () {
  "use strict";

  function humanSize(bytes) {
    var units = ["bytes", "KB", "MB", "GB"], i = 0;
    while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i++; }
    return i === 0 ? bytes + " bytes" : bytes.toFixed(1) + " " + units[i];
  }

  function render(input, list) {
    var maxBytes = parseInt(input.dataset.maxBytes || "0", 10);
    list.textContent = "";
    Array.prototype.forEach.call(input.files, function (file, index) {
      var item = document.createElement("li");
      item.className = "file-item";
      var name = document.createElement("span");
      name.className = "file-name";
      name.textContent = file.name;
      var size = document.createElement("span");
      size.className = "file-size";
      size.textContent = humanSize(file.size);
      if (maxBytes && file.size > maxBytes) {
        size.textContent += " — " + list.dataset.tooLarge;
        item.classList.add("too-large");
      }
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "file-remove";
      remove.textContent = list.dataset.removeLabel;
      remove.setAttribute("aria-label", list.dataset.removeLabel + " " + file.name);
      remove.addEventListener("click", function () { removeAt(input, list, index); });
      item.append(name, " ", size, " ", remove);
      list.appendChild(item);
    });
  }

  function removeAt(input, list, index) {
    var kept = new DataTransfer();
    Array.prototype.forEach.call(input.files, function (file, i) { if (i !== index) kept.items.add(file); });
    input.files = kept.files;
    render(input, list);
    input.focus();
  }

  function bind(input) {
    if (input.dataset.bound) return;
    input.dataset.bound = "1";
    var list = document.querySelector('.file-list[data-for="' + input.id + '"]');
    if (!list) return;
    input.addEventListener("change", function () { render(input, list); });
    render(input, list);
  }

  function bindAll() { document.querySelectorAll("input.file-input").forEach(bind); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", bindAll);
  else bindAll();
})();
