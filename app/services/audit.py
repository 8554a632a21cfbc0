"""The audit trail: who changed a webhook's URL, secret, headers or enabled, who deleted what data, and when."""

from app.core.extensions import db
from app.core.redaction import MASK, mask_headers, redact
from app.models import AuditEvent

AUDITED_FIELDS = (
    "name", "url", "method", "format", "headers", "body_template", "events", "conditions", "enabled", "secret",
    "attach_files", "rate_limit",
)
SYSTEM_ACTOR = "Formhook"


def snapshot(webhook):
    """The audited settings of webhook, to compare before and after a save (None for a new one)."""
    if webhook is None:
        return None
    return {name: getattr(webhook, name) for name in AUDITED_FIELDS}


# settings whose text can hold a credential (a token in the URL, a key in a body): stored masked
MASKED_TEXT_FIELDS = ("url", "body_template")


def masked_change(name, old, new):
    """The {"from", "to"} of one changed setting as the trail stores it: as typed, credentials masked."""
    if name == "secret":
        # never store a secret, only that it changed
        return {"from": MASK if old else None, "to": f"{MASK} (new secret)"}
    if name == "headers":
        change = {"from": mask_headers(old or {}), "to": mask_headers(new or {})}
        if change["from"] == change["to"]:
            change["note"] = "a secret header value changed"
        return change
    if name in MASKED_TEXT_FIELDS:
        change = {"from": redact(old), "to": redact(new)}
        if change["from"] == change["to"]:
            change["note"] = f"a secret part of the {name.replace('_', ' ')} changed"
        return change
    return {"from": old, "to": new}


def _diff(before, after):
    changes = {}
    for name in AUDITED_FIELDS:
        old = before.get(name) if before else None
        new = after.get(name)
        if old != new:
            changes[name] = masked_change(name, old, new)
    return changes


def api_key_actor(api_key):
    """How an API key appears in the trail: its name and visible prefix, never the key."""
    return f"API key “{api_key.name}” ({api_key.prefix}…)"


def record_webhook_change(webhook, user=None, before=None, action=None, changes=None, actor=None):
    """Add an AuditEvent for what changed on webhook since the snapshot before; the caller commits.

    user is the signed-in User (or None for Formhook itself); actor overrides the name shown,
    e.g. api_key_actor(key). Returns the event, or None when nothing audited changed.
    """
    if changes is None:
        changes = _diff(before, snapshot(webhook))
    if not changes and action is None:
        return None
    if action is None:
        action = "created" if before is None else "updated"
    actor = actor or getattr(user, "email", None) or SYSTEM_ACTOR
    if webhook.id is None:
        db.session.flush()  # a new webhook needs its id before the event can point at it
    event = AuditEvent(
        workspace_id=webhook.workspace_id, webhook_id=webhook.id, user_id=getattr(user, "id", None),
        actor=actor, action=action, changes=changes,
    )
    db.session.add(event)
    return event


def webhook_events(webhook_id, workspace_id, limit=200):
    """The webhook's audit trail, newest first."""
    from app.core.tenancy import scoped

    return db.session.scalars(
        scoped(AuditEvent, workspace_id).where(AuditEvent.webhook_id == webhook_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    ).all()


def last_event(webhook_id, action):
    """The most recent event of action on a webhook, or None."""
    return db.session.scalar(
        db.select(AuditEvent).where(AuditEvent.webhook_id == webhook_id, AuditEvent.action == action)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(1)
    )


def record_workspace_event(workspace_id, action, changes, user=None, actor=None):
    """Add an AuditEvent about the workspace itself (no webhook), e.g. data deleted; the caller commits."""
    event = AuditEvent(
        workspace_id=workspace_id, webhook_id=None, user_id=getattr(user, "id", None),
        actor=actor or getattr(user, "email", None) or SYSTEM_ACTOR, action=action, changes=changes,
    )
    db.session.add(event)
    return event


def workspace_events(workspace_id, actions, limit=50):
    """The workspace's own events of these actions, newest first."""
    from app.core.tenancy import scoped

    return db.session.scalars(
        scoped(AuditEvent, workspace_id).where(AuditEvent.webhook_id.is_(None), AuditEvent.action.in_(actions))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    ).all()
