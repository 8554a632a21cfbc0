"""The words dashboard scripts show, translated here and handed to them as JSON in base.html.

static/script_text.js reads `<body data-script-text>` and fills the `%(name)s` placeholders.
"""

from flask_babel import gettext as _

from app.dashboard import bp


def script_text():
    """Every message a dashboard script may show, in the page's language."""
    return {
        "copy": _("Copy"),
        "copied_button": _("Copied ✓"),
        "copied_announce": _("Copied to the clipboard."),
        "copied": _("Copied."),
        "could_not_copy": _("Could not copy: %(error)s"),
        "builder_not_saved": _("The change was not saved (the server answered %(status)s). "
                               "Reload the page and try again."),
        "preview_unavailable": _("Preview unavailable (%(error)s)."),
        "rendered_with": _("Rendered with %(source)s."),
        "no_body": _("(no body)"),
        "could_not_reveal": _("Could not reveal (%(error)s)"),
        "reveal": _("Reveal"),
        "hide": _("Hide"),
        "could_not_load_secret": _("Could not load the secret (%(error)s)"),
        "asking_telegram": _("Asking Telegram…"),
        "telegram_chats": _("Chats that wrote to your bot — pick one:"),
        "could_not_ask_telegram": _("Could not ask Telegram (%(error)s)."),
        "request_size": _("%(size)s bytes"),
        "truncated": _("(truncated)"),
        "new_requests": _("%(count)s new request(s) just arrived."),
        "updates_paused": _("Live updates paused: %(error)s"),
    }


@bp.app_context_processor
def inject_script_text():
    return {"script_text": script_text}
