"""The delivery worker's side of RQ's queue: take jobs in batches, then finish or put them back.

RQ stays the queue: jobs are enqueued, scheduled and moved by RQ, and keep RQ's keys and
statuses. Only the taking is batched: one script call takes up to n jobs and marks each
"started", where RQ's own worker spends a dozen round trips per job. A job taken by a worker
that then dies stays "started" while its delivery is due, which the sweep counts as lost.
"""

from datetime import UTC, datetime

from rq.job import Job

# LPOP up to ARGV[1] ids; keep those whose job still exists, marked started by worker ARGV[2]
TAKE_SCRIPT = """
local taken = {}
for _ = 1, tonumber(ARGV[1]) do
  local id = redis.call('LPOP', KEYS[1])
  if not id then break end
  local key = ARGV[4] .. id
  if redis.call('EXISTS', key) == 1 then
    redis.call('HSET', key, 'status', 'started', 'worker_name', ARGV[2], 'started_at', ARGV[3])
    redis.call('EXPIRE', key, ARGV[5])
    table.insert(taken, id)
  end
end
return taken
"""
# a taken job's hash outlives any attempt; it only guards against keys left by a killed worker
TAKEN_JOB_TTL = 86400
JOB_ID_PREFIX = "deliver-"


def parse_job_id(job_id):
    """(delivery id, attempt number) of a delivery job id, or None for any other job."""
    if not job_id.startswith(JOB_ID_PREFIX):
        return None
    delivery_id, _, number = job_id[len(JOB_ID_PREFIX):].rpartition("-")
    return (delivery_id, int(number)) if delivery_id and number.isdigit() else None


def _rq_timestamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class JobQueue:
    """One RQ queue seen by one worker process."""

    def __init__(self, queue, worker_name):
        self.queue = queue
        self.connection = queue.connection
        self.worker_name = worker_name
        self._take = self.connection.register_script(TAKE_SCRIPT)

    def take(self, limit):
        """Up to limit job ids from the head of the queue, now marked started."""
        ids = self._take(
            keys=[self.queue.key],
            args=[limit, self.worker_name, _rq_timestamp(datetime.now(UTC)), Job.redis_job_namespace_prefix,
                  TAKEN_JOB_TTL],
        )
        return [job_id.decode() for job_id in ids]

    def wait_for_work(self, timeout):
        """Block until the queue holds a job (or timeout seconds pass), leaving it in place."""
        # moving the head onto the head again is a no-op that blocks while the list is empty
        self.connection.blmove(self.queue.key, self.queue.key, timeout, "LEFT", "LEFT")

    def finish(self, job_ids):
        """Forget jobs that are done (RQ's result_ttl=0: nothing is kept)."""
        if job_ids:
            self.connection.delete(*[Job.key_for(job_id) for job_id in job_ids])

    def put_back(self, job_ids):
        """Return taken jobs to the tail of the queue, waiting again (their endpoint is busy)."""
        if not job_ids:
            return
        with self.connection.pipeline() as pipe:
            for job_id in job_ids:
                pipe.hset(Job.key_for(job_id), "status", "queued")
            pipe.rpush(self.queue.key, *job_ids)
            pipe.execute()

    def perform(self, job_id):
        """Run a job of another kind the way RQ's own worker would (rarely, if ever, on this queue)."""
        job = Job.fetch(job_id, connection=self.connection)
        try:
            job.perform()
        finally:
            self.finish([job_id])
