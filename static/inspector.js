// The request inspector: poll for requests newer than the newest shown and add them on top.
(function () {
  "use strict";
  var words = window.formhookText;
  var list = document.getElementById("captured");
  if (!list) { return; }
  var status = document.getElementById("live-status");
  var pollUrl = list.getAttribute("data-poll-url");
  var INTERVAL_MS = 2000;

  function newestId() {
    var first = list.querySelector("[data-request-id]");
    return first ? first.getAttribute("data-request-id") : "";
  }

  function cell(tag, text, className) {
    var element = document.createElement(tag);
    if (className) { element.className = className; }
    element.textContent = text;
    return element;
  }

  function render(item) {
    var article = document.createElement("article");
    article.className = "card captured fresh";
    article.setAttribute("data-request-id", item.id);
    var heading = document.createElement("h3");
    heading.appendChild(cell("span", item.method, "badge"));
    heading.appendChild(document.createTextNode(" "));
    heading.appendChild(cell("code", item.path + (item.query ? "?" + item.query : "")));
    heading.appendChild(cell("span", " " + item.at_label + " · " + words("request_size", { size: item.size }) +
      (item.truncated ? " " + words("truncated") : ""), "muted"));
    article.appendChild(heading);
    var table = document.createElement("table");
    table.className = "headers";
    Object.keys(item.headers).forEach(function (name) {
      var row = document.createElement("tr");
      row.appendChild(cell("th", name));
      row.appendChild(cell("td", item.headers[name]));
      table.appendChild(row);
    });
    article.appendChild(table);
    article.appendChild(cell("pre", item.body, "body"));
    return article;
  }

  function poll() {
    var after = newestId();
    fetch(pollUrl + (after ? "?after=" + encodeURIComponent(after) : ""), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (payload) {
        // the answer is newest first; insert oldest first so the newest ends on top
        payload.data.slice().reverse().forEach(function (item) { list.insertBefore(render(item), list.firstChild); });
        if (payload.data.length) { status.textContent = words("new_requests", { count: payload.data.length }); }
      })
      .catch(function (error) { status.textContent = words("updates_paused", { error: error.message }); })
      .then(function () { window.setTimeout(poll, INTERVAL_MS); });
  }

  window.setTimeout(poll, INTERVAL_MS);
})();
