"""Listen sessions: a webhook's deliveries handed to a client on the user's own machine, in Redis.

The server never connects to the user's machine: the client polls out (app/api/listen.py) and
the worker puts each prepared request, exactly as it would be sent, on the session's queue,
then waits for the answer the client reports. Everything lives in Redis with an expiry, so a
session nobody polls ends by itself and a lost Redis only ends the sessions.

Keys (SESSION_TTL unless said):
  listen:s:<sid>            hash: webhook_id, workspace_id, key_id, mode
  listen:w:<webhook id>     the webhook's session id (one session per webhook)
  listen:k:<key id>         set of the sessions opened with that API key
  listen:q:<sid>            list of requests waiting for the client (JSON)
  listen:alive:<sid>        set while a client polls (ALIVE_SECONDS)
  listen:t:<sid>:<token>    a request handed out and not yet answered (its timeout)
  listen:a:<sid>:<token>    the client's answer, for the worker waiting on it
  listen:gone:<sid>         why a session ended ("replaced", "closed"), for its client
"""

import base64
import json
import re
import time

from app.models.ids import new_id

MODES = ("instead", "also")
SESSION_TTL = 3600  # seconds a session outlives its last poll
POLL_WAIT = 25  # seconds one poll waits for a request at most
ALIVE_SECONDS = POLL_WAIT + 10  # a client is connected while it polled within this
GONE_TTL = 3600
WAKE = "wake"  # queued to end a waiting poll at once (the session ended)


def _session_key(sid):
    return f"listen:s:{sid}"


def queue_key(sid):
    return f"listen:q:{sid}"


SESSION_ID = re.compile(r"^lis_[0-9a-z]{26}$")


def new_session_id():
    return new_id("lis")


def open_session(redis, webhook_id, workspace_id, key_id, mode):
    """Start a session for webhook_id (ending the one it had); return its id."""
    sid = new_session_id()
    previous = redis.get(f"listen:w:{webhook_id}")
    if previous:
        end_session(redis, previous.decode(), "replaced")
    pipe = redis.pipeline()
    pipe.hset(_session_key(sid), mapping={
        "webhook_id": webhook_id, "workspace_id": workspace_id, "key_id": key_id, "mode": mode,
    })
    pipe.expire(_session_key(sid), SESSION_TTL)
    pipe.set(f"listen:w:{webhook_id}", sid, ex=SESSION_TTL)
    pipe.sadd(f"listen:k:{key_id}", sid)
    pipe.expire(f"listen:k:{key_id}", SESSION_TTL)
    pipe.execute()
    return sid


def get_session(redis, sid):
    """The session's fields as a dict of str, or None when it ended or never was."""
    if not isinstance(sid, str) or not SESSION_ID.match(sid):
        return None
    fields = redis.hgetall(_session_key(sid))
    return {k.decode(): v.decode() for k, v in fields.items()} or None


def why_gone(redis, sid):
    reason = redis.get(f"listen:gone:{sid}") if isinstance(sid, str) and SESSION_ID.match(sid) else None
    return reason.decode() if reason else None


def end_session(redis, sid, reason="closed"):
    """End a session: the worker stops handing it requests, a waiting poll returns at once."""
    session = get_session(redis, sid)
    pipe = redis.pipeline()
    pipe.delete(_session_key(sid), f"listen:alive:{sid}")
    pipe.set(f"listen:gone:{sid}", reason, ex=GONE_TTL)
    pipe.delete(queue_key(sid))
    pipe.rpush(queue_key(sid), WAKE)
    pipe.expire(queue_key(sid), 60)
    pipe.execute()
    if session:
        webhook_key = f"listen:w:{session['webhook_id']}"
        if (redis.get(webhook_key) or b"").decode() == sid:
            redis.delete(webhook_key)
        redis.srem(f"listen:k:{session['key_id']}", sid)


def end_sessions_of_keys(redis, key_ids):
    """End every session opened with these API keys (they were revoked)."""
    for key_id in key_ids:
        for sid in redis.smembers(f"listen:k:{key_id}"):
            end_session(redis, sid.decode(), "revoked")


def touch(redis, sid, webhook_id, key_id):
    """A client polls: keep the session and mark it connected; True if it was not connected before."""
    pipe = redis.pipeline()
    pipe.set(f"listen:alive:{sid}", "1", ex=ALIVE_SECONDS, get=True)
    for key in (_session_key(sid), f"listen:w:{webhook_id}", f"listen:k:{key_id}", queue_key(sid)):
        pipe.expire(key, SESSION_TTL)
    was_alive = pipe.execute()[0]
    return was_alive is None


def connected(redis, sid):
    return bool(redis.exists(f"listen:alive:{sid}"))


def session_of_webhook(redis, webhook_id):
    """(session id, connected?) of the webhook's open session, or None."""
    sid = redis.get(f"listen:w:{webhook_id}")
    if not sid:
        return None
    sid = sid.decode()
    return sid, connected(redis, sid)


def routes_for(redis, webhook_ids):
    """{webhook id: (session id, mode, connected?)} of the webhooks with an open session, in two round trips."""
    webhook_ids = list(dict.fromkeys(webhook_ids))
    if not webhook_ids:
        return {}
    sids = redis.mget([f"listen:w:{webhook_id}" for webhook_id in webhook_ids])
    open_ = [(webhook_id, sid.decode()) for webhook_id, sid in zip(webhook_ids, sids, strict=True) if sid]
    if not open_:
        return {}
    pipe = redis.pipeline()
    for _, sid in open_:
        pipe.hget(_session_key(sid), "mode")
        pipe.exists(f"listen:alive:{sid}")
    answers = pipe.execute()
    routes = {}
    for index, (webhook_id, sid) in enumerate(open_):
        mode, alive = answers[2 * index], answers[2 * index + 1]
        if mode:
            routes[webhook_id] = (sid, mode.decode(), bool(alive))
    return routes


def request_entry(token, delivery_id, prepared, timeout, answer_wanted=True):
    """The JSON a client receives for one prepared request."""
    return json.dumps({
        "token": token, "delivery_id": delivery_id, "deadline": time.time() + timeout,
        "timeout": timeout, "answer_wanted": answer_wanted, "method": prepared.method, "url": prepared.url,
        "headers": prepared.headers, "body": base64.b64encode(prepared.body or b"").decode(),
    })


def next_request(redis, sid, wait):
    """The next request still in time for the session's client, waiting up to wait seconds; or None."""
    deadline = time.monotonic() + wait
    while True:
        remaining = deadline - time.monotonic()
        popped = redis.blpop([queue_key(sid)], timeout=max(1, int(remaining))) if remaining >= 1 else (
            None, redis.lpop(queue_key(sid))
        )
        raw = popped[1] if popped else None
        if raw is None:
            return None
        if raw == WAKE.encode():
            return None
        entry = json.loads(raw)
        if entry["deadline"] > time.time():  # the worker stopped waiting for a late one: never send it
            return entry
        if remaining < 1:
            return None


def answer_key(sid, token):
    return f"listen:a:{sid}:{token}"


def hand_out_key(sid, token):
    return f"listen:t:{sid}:{token}"


def store_answer(redis, sid, token, answer):
    """Pass the client's answer to the waiting worker; False when no request of this session has that token."""
    if not isinstance(token, str) or len(token) > 64 or not redis.delete(hand_out_key(sid, token)):
        return False
    pipe = redis.pipeline()
    pipe.rpush(answer_key(sid, token), json.dumps(answer))
    pipe.expire(answer_key(sid, token), 60)
    pipe.execute()
    return True
