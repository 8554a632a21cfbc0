// Copy buttons of the delivery log: fetch the text (a cURL command or a body) and put it on the clipboard.
(function () {
  "use strict";
  var words = window.formhookText;

  function say(button, message) {
    var status = button.parentElement.querySelector(".copy-status");
    if (status) { status.textContent = message; }
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    // plain-http hosts have no async clipboard; a hidden textarea and execCommand still work there
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = document.execCommand("copy");
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  // a filter select (webhook picker, status) applies as soon as it changes
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy-url]");
    if (!button) { return; }
    var options = { credentials: "same-origin" };
    if (button.getAttribute("data-copy-method") === "post") {
      // revealing real values is a deliberate action: a POST carrying the page's CSRF token
      var csrf = document.querySelector("input[name=csrf_token]");
      var body = new FormData();
      body.append("csrf_token", csrf ? csrf.value : "");
      options.method = "POST";
      options.body = body;
    }
    fetch(button.getAttribute("data-copy-url"), options)
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.text();
      })
      .then(copyText)
      .then(function () { say(button, button.getAttribute("data-copied") || words("copied")); })
      .catch(function (error) { say(button, words("could_not_copy", { error: error.message })); });
  });
})();
