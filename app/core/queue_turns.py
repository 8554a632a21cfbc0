"""Turns between the job queues: which queues hold work, whose turn comes next, and a bell for idle workers.

Each workspace's jobs wait in an RQ queue of their own (app/core/queue.py names them); these
keys beside RQ's own decide the order in which workers serve them:

- TURNS_KEY, a sorted set: every queue that may hold jobs, scored by the turn in which it was
  last served. A take serves the lowest first, one job per queue per round, so one
  workspace's 10,000 waiting jobs take their turns like another's single job. A queue that
  comes back after running empty enters with score 0 and is served next: a workspace with
  little work never waits behind one with much.
- BELL_KEY, a list of at most one element: rung by every push, silenced by the take that
  finds no queue left; an idle worker blocks on it instead of polling every queue.
- SCHEDULED_KEY, a sorted set: the queues with jobs on RQ's scheduled registry, scored by the
  earliest due time among them, so the scheduler reads only the registries with something due.

A queue leaves TURNS_KEY only inside the take script (atomic) and only when its list is
empty; every push adds it again after pushing, so a push racing a take is never left unseen.
The same holds for SCHEDULED_KEY and the settle script. These keys hold nothing that cannot be
found again: rediscover() rebuilds them from RQ's own registry of queues.
"""

import calendar

TURNS_KEY = "formhook:queues:turns"
BELL_KEY = "formhook:queues:bell"
SCHEDULED_KEY = "formhook:queues:scheduled"

# Lua: ring the bell (a list kept to one element) so that a blocked worker wakes
_RING = """
local function ring()
  if redis.call('LLEN', KEYS[2]) == 0 then redis.call('RPUSH', KEYS[2], '1') end
end
"""

# KEYS: turns, bell. ARGV: limit, worker name, started at, job key prefix, taken job TTL, taken status,
# queue key prefix. LPOP one id from each queue in turn (the longest unserved first) until limit
# ids are taken or no queue holds any; mark each existing job taken by the worker.
TAKE_SCRIPT = """
local limit = tonumber(ARGV[1])
local taken = {}
while #taken < limit do
  local names = redis.call('ZRANGE', KEYS[1], 0, limit - #taken - 1)
  if #names == 0 then break end
  for _, name in ipairs(names) do
    local id = redis.call('LPOP', ARGV[7] .. name)
    if id then
      local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
      redis.call('ZADD', KEYS[1], last[2] + 1, name)
      local key = ARGV[4] .. id
      if redis.call('EXISTS', key) == 1 then
        redis.call('HSET', key, 'status', ARGV[6], 'worker_name', ARGV[2], 'started_at', ARGV[3])
        redis.call('EXPIRE', key, ARGV[5])
        table.insert(taken, id)
      end
    else
      redis.call('ZREM', KEYS[1], name)
    end
  end
end
if redis.call('ZCARD', KEYS[1]) == 0 then redis.call('DEL', KEYS[2]) end
return taken
"""

# KEYS: turns, bell. ARGV: job key prefix, queue key prefix, waiting status, job ids…
# Each taken job goes back to the tail of the queue it came from (RQ's "origin"), waiting again.
PUT_BACK_SCRIPT = _RING + """
for i = 4, #ARGV do
  local key = ARGV[1] .. ARGV[i]
  local origin = redis.call('HGET', key, 'origin')
  if origin then
    redis.call('HSET', key, 'status', ARGV[3])
    redis.call('RPUSH', ARGV[2] .. origin, ARGV[i])
    redis.call('ZADD', KEYS[1], 'NX', 0, origin)
    ring()
  end
end
"""

# KEYS: turns, bell, scheduled. ARGV: queue key prefix, scheduled registry key prefix, queue names…
# After the scheduler moved due jobs in: each queue holding jobs takes its turns, and each
# queue's entry in SCHEDULED_KEY says its earliest remaining due time (or goes).
SETTLE_SCRIPT = _RING + """
for i = 3, #ARGV do
  local name = ARGV[i]
  local first = redis.call('ZRANGE', ARGV[2] .. name, 0, 0, 'WITHSCORES')
  if #first == 0 then
    redis.call('ZREM', KEYS[3], name)
  else
    redis.call('ZADD', KEYS[3], first[2], name)
  end
  if redis.call('LLEN', ARGV[1] .. name) > 0 then
    redis.call('ZADD', KEYS[1], 'NX', 0, name)
    ring()
  end
end
"""

# KEYS: turns, bell, scheduled, RQ's set of queue keys. ARGV: queue key prefix, scheduled registry
# key prefix, the prefix of our queues' names. Put back every queue RQ knows that holds jobs.
REDISCOVER_SCRIPT = _RING + """
local found = 0
for _, key in ipairs(redis.call('SMEMBERS', KEYS[4])) do
  local name = string.sub(key, #ARGV[1] + 1)
  if string.sub(name, 1, #ARGV[3]) == ARGV[3] then
    if redis.call('LLEN', key) > 0 and redis.call('ZADD', KEYS[1], 'NX', 0, name) == 1 then
      found = found + 1
    end
    local first = redis.call('ZRANGE', ARGV[2] .. name, 0, 0, 'WITHSCORES')
    if #first > 0 then redis.call('ZADD', KEYS[3], 'LT', first[2], name) end
  end
end
if redis.call('ZCARD', KEYS[1]) > 0 then ring() end
return found
"""


def announce(pipe, name):
    """On pipe, after the push of a job onto queue name: give the queue its turns and wake a worker."""
    pipe.zadd(TURNS_KEY, {name: 0}, nx=True)
    pipe.rpush(BELL_KEY, 1)
    pipe.ltrim(BELL_KEY, 0, 0)


def announce_scheduled(pipe, name, at):
    """On pipe, after scheduling a job on queue name for at (aware): note when the queue has something due."""
    pipe.zadd(SCHEDULED_KEY, {name: calendar.timegm(at.utctimetuple())}, lt=True)


def due_scheduled(connection, now):
    """Names of the queues whose scheduled registry holds a job due by now (Unix seconds)."""
    return [name.decode() for name in connection.zrangebyscore(SCHEDULED_KEY, "-inf", int(now))]


def queues_with_turns(connection):
    """Names of the queues that may hold jobs, next to be served first."""
    return [name.decode() for name in connection.zrange(TURNS_KEY, 0, -1)]


def wait_for_bell(connection, timeout):
    """Block until a push rings the bell (or timeout seconds pass), leaving it rung."""
    connection.blmove(BELL_KEY, BELL_KEY, timeout, "LEFT", "LEFT")


class Turns:
    """The scripts above, registered once on a connection."""

    def __init__(self, connection):
        self.connection = connection
        self._take = connection.register_script(TAKE_SCRIPT)
        self._put_back = connection.register_script(PUT_BACK_SCRIPT)
        self._settle = connection.register_script(SETTLE_SCRIPT)
        self._rediscover = connection.register_script(REDISCOVER_SCRIPT)

    def take(self, limit, worker_name, started_at, job_prefix, taken_ttl, taken_status, queue_prefix):
        ids = self._take(keys=[TURNS_KEY, BELL_KEY],
                         args=[limit, worker_name, started_at, job_prefix, taken_ttl, taken_status, queue_prefix])
        return [job_id.decode() for job_id in ids]

    def put_back(self, job_ids, job_prefix, queue_prefix, waiting_status):
        self._put_back(keys=[TURNS_KEY, BELL_KEY], args=[job_prefix, queue_prefix, waiting_status, *job_ids])

    def settle(self, names, queue_prefix, scheduled_prefix):
        self._settle(keys=[TURNS_KEY, BELL_KEY, SCHEDULED_KEY], args=[queue_prefix, scheduled_prefix, *names])

    def rediscover(self, queues_key, queue_prefix, scheduled_prefix, name_prefix):
        return self._rediscover(keys=[TURNS_KEY, BELL_KEY, SCHEDULED_KEY, queues_key],
                                args=[queue_prefix, scheduled_prefix, name_prefix])
