"""Which of a workspace's submissions hold an email address: the subject of a data subject request.

The database narrows the rows down (the address appears somewhere in the answers' JSON text: the
expression PostgreSQL's trigram index holds, so a million rows are not read one by one), then each
candidate is checked here for the whole address: bob@example.com is found in "write to
Bob@Example.com." but not inside jimbob@example.com or bob@example.com.au.
"""

import hashlib
import hmac
import json
import re

from flask import current_app
from sqlalchemy import or_

from app.core.extensions import db
from app.core.tenancy import scoped
from app.models import Submission
from app.models.search_index import answers_text

SCAN_BATCH = 500
LIKE_ESCAPE = "!"
# characters that may stand right before an address and belong to it (its local part)
_LOCAL_CHAR = r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]"
# what may follow an address and still belong to it: a domain character, or a dot going on with one
_DOMAIN_GOES_ON = r"[A-Za-z0-9_-]|\.[A-Za-z0-9]"


def normalized(email):
    return (email or "").strip().lower()


def address_pattern(email):
    """A regex finding email as a whole address inside text, in any letter case."""
    return re.compile(rf"(?<!{_LOCAL_CHAR}){re.escape(normalized(email))}(?!{_DOMAIN_GOES_ON})", re.IGNORECASE)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def holds(pattern, *values):
    """Whether any string inside values (e.g. the answers) holds the address."""
    return any(pattern.search(text) for value in values for text in _strings(value))


def _like(text):
    escaped = "".join(LIKE_ESCAPE + char if char in "%_!" else char for char in text)
    return f"%{escaped}%"


def mentions(text_expression, email):
    """A SQL text (e.g. a JSON column as text) holds email somewhere (both spellings JSON may give a non-ASCII one)."""
    spellings = sorted({email, json.dumps(email)[1:-1]})
    return or_(*(text_expression.ilike(_like(spelling), escape=LIKE_ESCAPE) for spelling in spellings))


def submissions_holding(workspace_id, email):
    """Ids of the workspace's submissions (accepted or held as spam) that hold email, oldest first."""
    email = normalized(email)
    pattern = address_pattern(email)
    candidates = scoped(Submission, workspace_id).where(mentions(answers_text(Submission.answers), email))
    found, last_id = [], None
    while True:
        query = candidates.with_only_columns(Submission.id, Submission.answers)
        if last_id is not None:
            query = query.where(Submission.id > last_id)
        rows = db.session.execute(query.order_by(Submission.id).limit(SCAN_BATCH)).all()
        found.extend(row.id for row in rows if holds(pattern, row.answers))
        if len(rows) < SCAN_BATCH:
            return found
        last_id = rows[-1].id


def email_digest(email):
    """A keyed hash of the address: the audit trail can tell it again without holding it."""
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), b"formhook-erasure", hashlib.sha256).digest()
    return hmac.new(key, normalized(email).encode(), hashlib.sha256).hexdigest()


def masked_email(email):
    """j•••@e•••.com: enough for the owner to recognise the request, not enough to read the address."""
    local, _, domain = normalized(email).partition("@")
    name, dot, tld = domain.rpartition(".")
    shown_domain = f"{name[:1]}•••{dot}{tld}" if name else f"{domain[:1]}•••"
    return f"{local[:1]}•••@{shown_domain}"
