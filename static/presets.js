// Preset pages: Telegram's "Find my chat id" lists the chats that wrote to the bot; a click fills the chat id.
(function () {
  "use strict";

  var words = window.formhookText;
  var button = document.getElementById("find-chat-id");
  if (!button) { return; }
  var form = document.getElementById("preset-form");
  var choices = document.getElementById("chat-choices");
  var chatInput = document.getElementById("preset-chat_id");

  function say(text, kind) {
    choices.textContent = "";
    var line = document.createElement("p");
    line.className = kind === "error" ? "error" : "muted";
    line.textContent = text;
    choices.appendChild(line);
  }

  button.addEventListener("click", function () {
    var body = new FormData();
    body.append("csrf_token", form.querySelector("input[name=csrf_token]").value);
    body.append("bot_token", document.getElementById("preset-bot_token").value);
    button.disabled = true;
    say(words("asking_telegram"));
    fetch(button.getAttribute("data-url"), {
      method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" },
    }).then(function (response) {
      return response.json().then(function (answer) { return { ok: response.ok, answer: answer }; });
    }).then(function (result) {
      button.disabled = false;
      if (!result.ok) { say(result.answer.error.message, "error"); return; }
      choices.textContent = "";
      var title = document.createElement("p");
      title.textContent = words("telegram_chats");
      var list = document.createElement("ul");
      list.className = "chat-list";
      result.answer.chats.forEach(function (chat) {
        var item = document.createElement("li");
        var pick = document.createElement("button");
        pick.type = "button";
        pick.className = "button secondary small";
        pick.textContent = chat.title + " (" + chat.type + ", " + chat.id + ")";
        pick.addEventListener("click", function () { chatInput.value = String(chat.id); chatInput.focus(); });
        item.appendChild(pick);
        list.appendChild(item);
      });
      choices.appendChild(title);
      choices.appendChild(list);
    }).catch(function (error) { button.disabled = false; say(words("could_not_ask_telegram", { error: error.message }), "error"); });
  });
})();
