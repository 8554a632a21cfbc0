"""Find my chat id: ask the Telegram Bot API which chats have written to a bot (getUpdates).

The call goes through the same SSRF-safe transport as every webhook, so a bot API address
configured as TELEGRAM_API_URL is checked like any webhook URL.
"""

import json
from dataclasses import dataclass

from flask_babel import gettext as _

UPDATE_KINDS = ("message", "edited_message", "channel_post", "edited_channel_post", "my_chat_member", "chat_member")


class LookupFailed(Exception):
    """getUpdates did not give a list of chats; the message says why, in plain words."""


@dataclass(frozen=True)
class Chat:
    id: int
    title: str
    type: str

    def to_dict(self):
        return {"id": self.id, "title": self.title, "type": self.type}


def _title(chat):
    if chat.get("title"):
        return chat["title"]
    name = " ".join(part for part in (chat.get("first_name"), chat.get("last_name")) if part)
    username = f"@{chat['username']}" if chat.get("username") else ""
    return " ".join(part for part in (name, username) if part) or str(chat.get("id"))


def chats_in(updates):
    """The distinct chats of a getUpdates result, newest first."""
    seen, chats = set(), []
    for update in reversed(updates):
        for kind in UPDATE_KINDS:
            chat = (update.get(kind) or {}).get("chat") if isinstance(update, dict) else None
            if isinstance(chat, dict) and "id" in chat and chat["id"] not in seen:
                seen.add(chat["id"])
                chats.append(Chat(chat["id"], _title(chat), chat.get("type", "")))
    return chats


def find_chats(bot_token, transport, api_url):
    """The chats that wrote to the bot lately; LookupFailed with the reason otherwise."""
    outcome = transport.send("GET", f"{api_url}/bot{bot_token}/getUpdates", {"Accept": "application/json"}, b"")
    if outcome.status is None:
        raise LookupFailed(_("Telegram could not be reached: %(error)s", error=outcome.error))
    if outcome.status in (401, 404):
        raise LookupFailed(_("Telegram did not accept this bot token. Copy it again from @BotFather."))
    try:
        answer = json.loads(outcome.body)
    except ValueError:
        answer = None
    if outcome.status == 409:
        raise LookupFailed(_("This bot already sends its updates to a webhook, so Telegram cannot list its chats. "
                             "Find the chat id there, or remove the bot's webhook."))
    if not isinstance(answer, dict) or not answer.get("ok") or not isinstance(answer.get("result"), list):
        raise LookupFailed(_("Telegram answered %(status)s without a list of chats.", status=outcome.status))
    return chats_in(answer["result"])
