"""Cheap signals: each returns a reason ({"code", "detail"}) when a submission looks like spam, else None."""

import hashlib
import json
import logging
import re

import redis
from flask import current_app

log = logging.getLogger(__name__)
# http(s)://…, www.…, and bare "[url=" BBCode: the shapes link spam takes
LINK_PATTERN = re.compile(r"https?://|www\.|\[url", re.IGNORECASE)
DUPLICATE_PREFIX = "spam:dup:"


def reason(code, detail=None):
    return {"code": code, "detail": detail} if detail is not None else {"code": code}


def too_fast(shown_at, now, min_seconds):
    """The post came less than min_seconds after the page was shown (0: off; unknown time: no opinion)."""
    if not min_seconds or shown_at is None:
        return None
    elapsed = now - shown_at
    return reason("too_fast", f"{max(elapsed, 0):.1f}") if elapsed < min_seconds else None


def _texts(answers):
    for value in answers.values():
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            yield from (item for item in value if isinstance(item, str))


def too_many_links(answers, max_links):
    """The answers hold more than max_links links (None: off)."""
    if max_links is None:
        return None
    count = sum(len(LINK_PATTERN.findall(text)) for text in _texts(answers))
    return reason("too_many_links", str(count)) if count > max_links else None


def answers_digest(form_id, answers):
    """The same answers to the same form give the same digest, whatever the order of the keys."""
    text = json.dumps(answers, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(f"{form_id}\n{text}".encode()).hexdigest()


def duplicate(form_id, answers):
    """These answers were sent to this form within DUPLICATE_WINDOW seconds; remembers them otherwise."""
    window = int(current_app.config["DUPLICATE_WINDOW"])
    if window <= 0 or not answers:
        return None
    key = DUPLICATE_PREFIX + answers_digest(form_id, answers)
    try:
        first = current_app.redis.set(key, 1, nx=True, ex=window)
    except redis.RedisError as exc:
        log.warning("duplicate check skipped, Redis unavailable: %s", exc)
        return None
    return None if first else reason("duplicate", str(window // 60 or 1))


def forget(form_id, answers):
    """Drop the memory of answers whose post was not stored after all: sending them again is no duplicate."""
    try:
        current_app.redis.delete(DUPLICATE_PREFIX + answers_digest(form_id, answers))
    except redis.RedisError as exc:
        log.warning("could not forget a duplicate digest, Redis unavailable: %s", exc)
