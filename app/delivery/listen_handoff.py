"""The worker's side of a listen session: hand the prepared request to the client, wait for its answer.

Runs on the worker's event loop with an asyncio Redis client, so a client that takes its time
holds one slot like a slow endpoint would, never the loop.
"""

import json
import secrets
import time

import redis.asyncio

from app.delivery import listen_sessions as sessions
from app.delivery.transport import MAX_RESPONSE_BYTES, Outcome, excerpt

VIA_LISTEN = "listen"
LISTEN_ERROR = "listen"  # no client took the request, or none answered in time
LOCAL_ERROR = "listen_local"  # the client could not get an answer from the local URL
# a request waits in Redis for the client: a body past this (many large attachments) is not handed over
MAX_BODY_BYTES = 16 * 1024 * 1024


class ListenHandoff:
    """Hands prepared requests to listen sessions; one per event loop, its Redis connection made lazily."""

    def __init__(self, redis_url, timeout):
        self.redis_url = redis_url
        self.timeout = timeout
        self._redis = None

    def _client(self):
        if self._redis is None:
            self._redis = redis.asyncio.Redis.from_url(self.redis_url)
        return self._redis

    async def close(self):
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    async def _hand_out(self, sid, delivery_id, prepared):
        token = secrets.token_urlsafe(12)
        client = self._client()
        async with client.pipeline(transaction=False) as pipe:
            pipe.set(sessions.hand_out_key(sid, token), "1", ex=int(self.timeout) + 5)
            pipe.rpush(sessions.queue_key(sid), sessions.request_entry(token, delivery_id, prepared, self.timeout))
            pipe.expire(sessions.queue_key(sid), sessions.SESSION_TTL)
            await pipe.execute()
        return token

    async def send(self, sid, connected, delivery_id, prepared):
        """The client's answer to prepared as an Outcome; a failure like an unreachable endpoint's when none comes."""
        if not connected:
            return Outcome(error="no listen client is connected", error_class=LISTEN_ERROR, via=VIA_LISTEN)
        if len(prepared.body or b"") > MAX_BODY_BYTES:
            return Outcome(error=f"the listen session could not take a body of {len(prepared.body):,} bytes "
                                 f"({MAX_BODY_BYTES // (1024 * 1024)} MiB at most)", error_class=LISTEN_ERROR,
                           via=VIA_LISTEN)
        started = time.monotonic()
        try:
            token = await self._hand_out(sid, delivery_id, prepared)
            popped = await self._client().blpop([sessions.answer_key(sid, token)], timeout=self.timeout)
            if popped is None:  # an answer coming later is refused: this attempt is recorded as unanswered
                await self._client().delete(sessions.hand_out_key(sid, token))
        except redis.RedisError as exc:
            return Outcome(error=f"the listen session could not be reached ({type(exc).__name__})",
                           error_class=LISTEN_ERROR, via=VIA_LISTEN)
        if popped is None:
            return Outcome(error=f"the listen client did not answer within {self.timeout:g} s",
                           error_class=LISTEN_ERROR, duration_ms=int((time.monotonic() - started) * 1000),
                           via=VIA_LISTEN)
        return outcome_of(json.loads(popped[1]))

    async def copy(self, sid, delivery_id, prepared):
        """Give the client a copy without waiting for its answer (the real URL's answer is the attempt)."""
        if len(prepared.body or b"") > MAX_BODY_BYTES:
            return
        try:
            await self._hand_out(sid, delivery_id, prepared)
        except redis.RedisError:
            pass  # a copy is a courtesy: the attempt itself went to the real URL


def outcome_of(answer):
    """An Outcome from the answer a client reported (checked by the API before it was stored)."""
    return Outcome(
        status=answer.get("status"), headers=answer.get("headers") or {},
        body=excerpt((answer.get("body") or "").encode(), MAX_RESPONSE_BYTES),
        error=answer.get("error"), error_class=LOCAL_ERROR if answer.get("error") else None,
        duration_ms=int(answer.get("duration_ms") or 0), via=VIA_LISTEN,
    )


class Carrier:
    """Where a prepared attempt goes: to its URL (the SSRF-safe transport), to a listen session, or both."""

    def __init__(self, transport, handoff):
        self.transport = transport
        self.handoff = handoff

    async def send(self, item):
        prepared = item.prepared
        if item.listen is not None:
            sid, mode, connected = item.listen
            if mode != "also":  # "instead": the URL is never connected to
                return await self.handoff.send(sid, connected, item.delivery_id, prepared)
            if connected:
                await self.handoff.copy(sid, item.delivery_id, prepared)
        return await self.transport.send(prepared.method, prepared.url, prepared.headers, prepared.body)

    async def close(self):
        await self.transport.close()
        await self.handoff.close()
