"""Endpoint slots shared by every worker process: a cap on attempts in flight per webhook, and its rate limit.

Two sorted sets per webhook in Redis hold the whole fleet's view:

- the slots: one lease per attempt in flight, scored by when it runs out. The worker holding
  it renews it while the attempt is in flight; a worker that dies stops renewing, so its
  slots come back by themselves once their leases run out.
- the starts: when each attempt of the last rate window started, for a webhook with a rate
  limit (at most that many attempts start in any window). An attempt counts from when it is
  admitted, and is stamped again just before it is sent, once claiming and signing are done:
  the window runs from the send itself, however long the database took.

One script admits every job of a take at once (one round trip per batch, never one per job),
on Redis's own clock, so workers on different machines agree on what has run out.
"""

import logging
import threading
import uuid

from redis import RedisError

log = logging.getLogger(__name__)
KEY_PREFIX = "formhook:endpoint"
# a rate limit of N lets N attempts start per window; the window is a little longer than a second
# so that the time between admitting and sending, which varies, never lets an endpoint see N+1 in one
RATE_WINDOW_MS = 1100

# KEYS: (slots, starts) per job; ARGV: cap, lease ms, window ms, then (token, rate limit or 0) per job.
# Answers 1 per admitted job, 0 per refused one (its endpoint is full or at its rate).
ADMIT_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local cap, lease, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local answers = {}
for i = 1, #KEYS / 2 do
  local slots, starts = KEYS[2 * i - 1], KEYS[2 * i]
  local token, rate = ARGV[2 * i + 2], tonumber(ARGV[2 * i + 3])
  redis.call('ZREMRANGEBYSCORE', slots, '-inf', now)
  local admitted = redis.call('ZCARD', slots) < cap
  if admitted and rate > 0 then
    redis.call('ZREMRANGEBYSCORE', starts, '-inf', now - window)
    admitted = redis.call('ZCARD', starts) < rate
    if admitted then
      redis.call('ZADD', starts, now, token)
      redis.call('PEXPIRE', starts, window)
    end
  end
  if admitted then
    redis.call('ZADD', slots, now + lease, token)
    redis.call('PEXPIRE', slots, lease)
  end
  answers[i] = admitted and 1 or 0
end
return answers
"""

# KEYS: slots; ARGV: lease ms, then one token per key. Only leases still held are renewed (XX):
# one that ran out and was taken by another worker is not brought back over the cap.
RENEW_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local lease = tonumber(ARGV[1])
for i, slots in ipairs(KEYS) do
  if redis.call('ZADD', slots, 'XX', 'CH', now + lease, ARGV[i + 1]) == 1 then
    redis.call('PEXPIRE', slots, lease)
  end
end
return #KEYS
"""


# KEYS: starts; ARGV: window ms, then one token per key: the attempt starts now (XX: unless it was given back)
STAMP_SCRIPT = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
for i, starts in ipairs(KEYS) do
  if redis.call('ZADD', starts, 'XX', 'CH', now, ARGV[i + 1]) == 1 then
    redis.call('PEXPIRE', starts, tonumber(ARGV[1]))
  end
end
return #KEYS
"""


def slots_key(webhook_id):
    return f"{KEY_PREFIX}:{webhook_id}:slots"


def starts_key(webhook_id):
    return f"{KEY_PREFIX}:{webhook_id}:starts"


class EndpointSlots:
    """This process's hold on the fleet's endpoint slots: admit in batches, release, keep leases renewed."""

    def __init__(self, connection, cap, lease_seconds):
        self.connection = connection
        self.cap = cap
        self.lease_ms = int(lease_seconds * 1000)
        self.owner = uuid.uuid4().hex[:12]  # two runners in one process must never share a token
        self._held = {}  # token → webhook id, what this process renews
        self._rated = set()  # tokens admitted under a rate limit, not yet stamped as sent
        self._lock = threading.Lock()
        self._admit = connection.register_script(ADMIT_SCRIPT)
        self._renew = connection.register_script(RENEW_SCRIPT)
        self._stamp = connection.register_script(STAMP_SCRIPT)
        self._stopping = threading.Event()
        self._renewer = None

    @classmethod
    def of_app(cls, app):
        """The slots as the app's settings size them, over its Redis."""
        return cls(app.redis, app.config["WORKER_ENDPOINT_CONCURRENCY"], app.config["WORKER_SLOT_LEASE"])

    def _token(self, job_id):
        return f"{self.owner}:{job_id}"

    def admit(self, requests):
        """For each (webhook id, its rate limit or None, job id), whether it may be sent now; one round trip."""
        if not requests:
            return []
        keys, args = [], [self.cap, self.lease_ms, RATE_WINDOW_MS]
        for webhook_id, rate_limit, job_id in requests:
            keys += [slots_key(webhook_id), starts_key(webhook_id)]
            args += [self._token(job_id), rate_limit or 0]
        answers = self._admit(keys=keys, args=args)
        admitted = [answer == 1 for answer in answers]
        with self._lock:
            for (webhook_id, rate_limit, job_id), ok in zip(requests, admitted, strict=True):
                if ok:
                    self._held[self._token(job_id)] = webhook_id
                    if rate_limit:
                        self._rated.add(self._token(job_id))
        return admitted

    def sending(self, held):
        """These (webhook id, job id) are about to be sent: their rate windows start now; one round trip."""
        with self._lock:
            tokens = [(webhook_id, self._token(job_id)) for webhook_id, job_id in held
                      if self._token(job_id) in self._rated]
            self._rated.difference_update(token for _, token in tokens)
        if not tokens:
            return
        try:
            self._stamp(keys=[starts_key(webhook_id) for webhook_id, _ in tokens],
                        args=[RATE_WINDOW_MS, *[token for _, token in tokens]])
        except RedisError:  # their windows keep running from when they were admitted
            log.warning("could not stamp %d rate-limited attempts as sent", len(tokens))

    def release(self, held, sent=True):
        """Free the slots of these (webhook id, job id); unsent ones give their start back to the rate too."""
        if not held:
            return
        tokens = [(webhook_id, self._token(job_id)) for webhook_id, job_id in held]
        with self._lock:
            for _, token in tokens:
                self._held.pop(token, None)
                self._rated.discard(token)
        try:
            with self.connection.pipeline(transaction=False) as pipe:
                for webhook_id, token in tokens:
                    pipe.zrem(slots_key(webhook_id), token)
                    if not sent:
                        pipe.zrem(starts_key(webhook_id), token)
                pipe.execute()
        except RedisError:  # no longer renewed, the leases run out by themselves
            log.warning("could not release %d endpoint slots; their leases will run out", len(tokens))

    def renew(self):
        """Extend the lease of every slot this process holds; one round trip."""
        with self._lock:
            held = list(self._held.items())
        if held:
            self._renew(keys=[slots_key(webhook_id) for _, webhook_id in held],
                        args=[self.lease_ms, *[token for token, _ in held]])

    def start_renewing(self):
        """Renew the leases three times per lease in a daemon thread, until stop()."""

        def loop():
            while not self._stopping.wait(self.lease_ms / 3000):
                try:
                    self.renew()
                except RedisError:  # Redis is away: try again next time, before the leases run out
                    log.warning("could not renew endpoint slot leases")

        self._renewer = threading.Thread(target=loop, name="formhook-slot-leases", daemon=True)
        self._renewer.start()

    def stop(self):
        self._stopping.set()
        if self._renewer is not None:
            self._renewer.join()


class UncappedSlots:
    """Every attempt admitted: a job run alone by RQ's own worker holds no fleet slot."""

    def admit(self, requests):
        return [True] * len(requests)

    def sending(self, held):
        pass

    def release(self, held, sent=True):
        pass
