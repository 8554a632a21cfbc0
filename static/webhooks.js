// The webhook editor: variable picker, header/rule rows, live preview, secret reveal, test event, listen status.
(function () {
  "use strict";

  var words = window.formhookText;
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
  setUpListenStatus();

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
      if (sequence === previewSequence) { $("preview-source").textContent = words("preview_unavailable", { error: error.message }); }
    });
  }

  function showPreview(result) {
    $("preview-source").textContent = words("rendered_with", { source: result.source });
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
    $("preview-body").textContent = request.body || words("no_body");
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
      }).catch(function (error) { button.textContent = words("could_not_reveal", { error: error.message }); });
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
        button.textContent = words("reveal");
        button.setAttribute("aria-pressed", "false");
        return;
      }
      postForm(secret.getAttribute("data-secret-url"), tokenBody()).then(function (result) {
        secret.textContent = result.secret;
        button.textContent = words("hide");
        button.setAttribute("aria-pressed", "true");
      }).catch(function (error) { secret.textContent = words("could_not_load_secret", { error: error.message }); });
    });
  }

  // "Test on your machine": whether a listen client is connected, refreshed while the page is open
  function setUpListenStatus() {
    var status = $("listen-status");
    if (!status) { return; }
    window.setInterval(function () {
      if (document.hidden) { return; }
      fetch(status.getAttribute("data-status-url"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html !== null && html.trim() !== status.innerHTML.trim()) { status.innerHTML = html; }
        })
        .catch(function () {});  // the next refresh tries again
    }, 3000);
  }

  function setUpTest() {
    var form = $("test-form");
    var output = $("test-result");
    if (!form || !output) { return; }
    var button = $("send-test");
    var idleLabel = button.textContent;
    var text = output.dataset;  // the page's (translated) words: data-sending, data-sent, data-failed …

    function busy(isBusy) {
      // the button always says what it is doing; it is never an empty disabled box
      button.disabled = isBusy;
      button.textContent = isBusy ? text.sendingButton : idleLabel;
      button.setAttribute("aria-busy", isBusy ? "true" : "false");
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      busy(true);
      show("pending", text.sending);
      postForm(form.action, tokenBody()).then(function (result) {
        poll(result.status_url, 0);
      }).catch(function (error) {
        show("failed", text.notQueued + " (" + error.message + ").");
        busy(false);
      });
    });

    function poll(url, round) {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.json(); })
        .then(function (status) {
          if (status.done) {
            finish(status);
          } else if (round > 120) {
            show(status.status, text.stillWaiting, status.delivery_url);
            busy(false);
          } else {
            window.setTimeout(function () { poll(url, round + 1); }, 700);
          }
        })
        .catch(function (error) { show("failed", text.lostTrack + " (" + error.message + ")."); busy(false); });
    }

    function finish(status) {
      var prefix = status.status === "succeeded" ? text.sent : text.failed;
      show(status.status, prefix + " " + (status.explanation || status.status), status.delivery_url);
      busy(false);
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

    function show(kind, message, deliveryUrl) {
      output.className = "test-result status-" + kind;
      output.textContent = message;
      if (deliveryUrl) {
        var link = document.createElement("a");
        link.href = deliveryUrl;
        link.textContent = text.details;
        output.appendChild(document.createTextNode(" "));
        output.appendChild(link);
      }
    }
  }
})();
