// The webhook editor: variable picker, header/rule rows, live preview, secret reveal, test event.
(function () {
  "use strict";

  var editor = document.getElementById("webhook-editor");
  var csrfInput = document.querySelector("input[name=csrf_token]");
  var csrfToken = csrfInput ? csrfInput.value : "";
  var previewTimer = null;
  var previewSequence = 0;  // only the newest preview answer is shown

  function $(id) { return document.getElementById(id); }

  function postForm(url, body, alsoAccepted) {
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": csrfToken },
    }).then(function (response) {
      if (!response.ok && response.status !== 202 && response.status !== alsoAccepted) {
        throw new Error("HTTP " + response.status);
      }
      return response.json();
    });
  }

  function tokenBody() {
    var body = new FormData();
    body.append("csrf_token", csrfToken);
    return body;
  }

  if (editor) { setUpEditor(); }
  setUpUrlReveal();
  setUpSecret();
  setUpTest();

  function setUpEditor() {
    var target = editor.querySelector("[data-template-target]");
    var targetName = $("picker-target");

    editor.addEventListener("focusin", function (event) {
      if (event.target.hasAttribute("data-template-target")) {
        target = event.target;
        targetName.textContent = target.getAttribute("data-template-target");
      }
    });

    document.querySelectorAll("#variable-picker [data-insert]").forEach(function (button) {
      button.addEventListener("click", function () { insertAtCursor(target, button.getAttribute("data-insert")); });
    });

    document.querySelectorAll(".add-row").forEach(function (button) {
      button.addEventListener("click", function () {
        var template = $(button.getAttribute("data-template"));
        var list = $(button.getAttribute("data-into"));
        list.appendChild(template.content.cloneNode(true));
        var inputs = list.querySelectorAll("input, select");
        if (inputs.length) { inputs[inputs.length - (list.id === "rule-rows" ? 3 : 2)].focus(); }
        schedulePreview();
      });
    });

    editor.addEventListener("click", function (event) {
      var remove = event.target.closest(".remove-row");
      if (remove) {
        remove.closest(".row").remove();
        schedulePreview();
      }
    });

    editor.addEventListener("input", schedulePreview);
    editor.addEventListener("change", schedulePreview);
    renderPreview();
  }

  function insertAtCursor(field, text) {
    var start = field.selectionStart == null ? field.value.length : field.selectionStart;
    var end = field.selectionEnd == null ? field.value.length : field.selectionEnd;
    field.value = field.value.slice(0, start) + text + field.value.slice(end);
    field.focus();
    field.setSelectionRange(start + text.length, start + text.length);
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function schedulePreview() {
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(renderPreview, 250);
  }

  function renderPreview() {
    var sequence = ++previewSequence;
    // a 422 carries the template problems to show
    postForm(editor.getAttribute("data-preview-url"), new FormData(editor), 422).then(function (result) {
      if (sequence === previewSequence) { showPreview(result); }
    }).catch(function (error) {
      if (sequence === previewSequence) { $("preview-source").textContent = "Preview unavailable (" + error.message + ")."; }
    });
  }

  function showPreview(result) {
    $("preview-source").textContent = "Rendered with " + result.source + ".";
    var problems = $("preview-problems");
    problems.textContent = "";
    Object.keys(result.errors).forEach(function (where) {
      problems.appendChild(note("error", where.replace("_", " ") + ": " + result.errors[where]));
    });
    result.warnings.forEach(function (warning) { problems.appendChild(note("warning", warning)); });
    var request = result.request;
    var card = $("preview");
    card.classList.toggle("stale", !request);
    if (!request) { return; }
    $("preview-method").textContent = request.method;
    $("preview-url").textContent = request.url;
    $("preview-headers").textContent = Object.keys(request.headers).map(function (name) {
      return name + ": " + request.headers[name];
    }).join("\n");
    $("preview-body").textContent = request.body || "(no body)";
  }

  function note(kind, text) {
    var element = document.createElement("p");
    element.className = "note note-" + kind;
    element.textContent = text;
    return element;
  }

  function setUpUrlReveal() {
    var button = $("reveal-url");
    if (!button) { return; }
    button.addEventListener("click", function () {
      postForm(button.getAttribute("data-url"), tokenBody()).then(function (result) {
        var input = editor.querySelector("input[name=url]");
        input.value = result.url;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        $("url-masked-note").hidden = true;
      }).catch(function (error) { button.textContent = "Could not reveal (" + error.message + ")"; });
    });
  }

  function setUpSecret() {
    var button = $("reveal-secret");
    var secret = $("signing-secret");
    if (!button || !secret) { return; }
    var masked = secret.textContent;
    button.addEventListener("click", function () {
      if (button.getAttribute("aria-pressed") === "true") {
        secret.textContent = masked;
        button.textContent = "Reveal";
        button.setAttribute("aria-pressed", "false");
        return;
      }
      postForm(secret.getAttribute("data-secret-url"), tokenBody()).then(function (result) {
        secret.textContent = result.secret;
        button.textContent = "Hide";
        button.setAttribute("aria-pressed", "true");
      }).catch(function (error) { secret.textContent = "Could not load the secret (" + error.message + ")"; });
    });
  }

  function setUpTest() {
    var form = $("test-form");
    var output = $("test-result");
    if (!form || !output) { return; }
    var button = $("send-test");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      show("pending", "Sending a test event…");
      postForm(form.action, tokenBody()).then(function (result) {
        poll(result.status_url, 0);
      }).catch(function (error) {
        show("failed", "Could not queue the test event (" + error.message + ").");
        button.disabled = false;
      });
    });

    function poll(url, round) {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (status) {
          if (status.done) {
            finish(status);
          } else if (round > 120) {
            show(status.status, "Still " + status.status + ": is the worker running? The delivery log will show the result.");
            button.disabled = false;
          } else {
            if (status.attempt_count > 0) { show("retrying", describe(status) + " Retrying…"); }
            window.setTimeout(function () { poll(url, round + 1); }, 700);
          }
        })
        .catch(function (error) { show("failed", "Lost track of the test event (" + error.message + ")."); button.disabled = false; });
    }

    function finish(status) {
      var text = status.status === "succeeded" ? "Delivered" : "Failed";
      show(status.status, text + ": " + describe(status));
      button.disabled = false;
      refreshRecentDeliveries();
    }

    function refreshRecentDeliveries() {
      var section = $("recent-deliveries");
      if (!section) { return; }
      fetch(window.location.pathname, { credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("recent-deliveries");
          if (fresh) { section.replaceWith(fresh); }
        });
    }

    function describe(status) {
      var parts = [];
      if (status.last_status_code) { parts.push("HTTP " + status.last_status_code); }
      if (status.last_error && status.status !== "succeeded") { parts.push(status.last_error); }
      parts.push(status.attempt_count + (status.attempt_count === 1 ? " attempt" : " attempts"));
      return parts.join(" · ");
    }

    function show(kind, text) {
      output.className = "test-result status-" + kind;
      output.textContent = text;
    }
  }
})();
