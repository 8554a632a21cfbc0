"""This month's submissions per workspace as a Redis counter, so intake need not count rows.

The database stays the truth: a missing counter starts from its count, the counter expires
every RECOUNT_SECONDS to be counted again (rows deleted or added elsewhere), and a post it
would refuse is recounted first, so nothing is refused on a stale figure. Redis away: the
database count, as before.
"""

import logging

import redis
from flask import current_app

log = logging.getLogger(__name__)
RECOUNT_SECONDS = 300
# INCR only a counter that exists (nil when it must be counted from the database first)
TAKE_SCRIPT = """
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCR', KEYS[1]) end
return false
"""


def counter_key(workspace_id, month_start):
    return f"quota:submissions:{workspace_id}:{month_start:%Y%m}"


def take(workspace_id, month_start, count_stored, limit):
    """Reserve one submission of this month; False when the workspace has used limit already.

    count_stored() is the database's count of this month's submissions. A reservation whose
    submission is then not stored is handed back with give_back.
    """
    connection = current_app.redis
    key = counter_key(workspace_id, month_start)
    try:
        used = connection.register_script(TAKE_SCRIPT)(keys=[key])
        if used is not None and used <= limit:
            return True
        # no counter yet, or at the limit: the database says how many there are
        stored = count_stored()
        if stored >= limit:
            connection.set(key, stored, ex=RECOUNT_SECONDS)
            return False
        connection.set(key, stored + 1, ex=RECOUNT_SECONDS)
        return True
    except redis.RedisError as exc:
        log.warning("quota counter unavailable, counting rows: %s", exc)
        return count_stored() < limit


def give_back(workspace_id, month_start):
    """Return a reservation whose submission was not stored (the recount mends it if this fails)."""
    try:
        current_app.redis.decr(counter_key(workspace_id, month_start))
    except redis.RedisError:
        pass
