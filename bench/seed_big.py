"""Fill one workspace with a year of traffic: `python -m bench.seed_big --submissions 1000000 --attempts 3000000`.

One form with two webhooks: every submission has a delivery to the first, every second one a
delivery to the second too, and the attempts are shared out over those deliveries (at least one
each). PostgreSQL is filled with COPY, its secondary indexes dropped first and built again after
(once, instead of row by row); SQLite with executemany in large batches in one transaction.
The hourly delivery rollups the health page and /metrics read are summed as the attempts are made.
"""

import argparse
import io
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from app.auth.workspaces import create_user
from app.core.extensions import db
from app.delivery import rollups
from app.models import Field, Form, Webhook, delivery_rollups
from app.models.ids import _base32

OWNER_EMAIL = "big@example.com"
OWNER_PASSWORD = "bench big workspace"
FIELDS = [
    {"key": "name", "label": "Name", "type": "text", "required": True},
    {"key": "email", "label": "Email", "type": "email", "required": True},
    {"key": "company", "label": "Company", "type": "text"},
    {"key": "note", "label": "Note", "type": "textarea"},
    {"key": "campaign_name", "label": "Campaign", "type": "hidden", "default": "spring"},
]
COMPANIES = [f"{word} {kind}" for word in ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne",
                                           "Wonka", "Tyrell", "Cyberdyne") for kind in ("Ltd", "Inc", "Co", "Group")]
WORDS = "call me back about pricing for our team next week please demo trial budget quarter renewal".split()
BATCH = 20_000
YEAR = timedelta(days=365)


@dataclass
class Seeded:
    workspace_id: str
    form_id: str
    webhook_ids: list
    submissions: int
    deliveries: int
    attempts: int
    seconds: float


def id_at(prefix, moment, rng):
    """An id like app.models.ids.new_id, made for a given moment (ids sort by time, as the app's do)."""
    millis = int(moment.timestamp() * 1000)
    return f"{prefix}_{_base32(millis, 10)}{_base32(rng.getrandbits(80), 16)}"


def answers_of(number, rng):
    note = " ".join(rng.choice(WORDS) for _ in range(8))
    return {"name": f"Lead {number}", "email": f"lead{number}@example.com", "company": COMPANIES[number % 40],
            "note": note, "campaign_name": "spring"}


def make_owner(app):
    """The workspace, its owner (OWNER_EMAIL / OWNER_PASSWORD), the form and its two webhooks."""
    with app.app_context():
        _, workspace = create_user(OWNER_EMAIL, OWNER_PASSWORD, "Big workspace")
        db.session.flush()
        form = Form(workspace_id=workspace.id, name="Leads", spam_settings={"challenge": False})
        for position, data in enumerate(FIELDS):
            form.fields.append(Field(position=position, **data))
        db.session.add(form)
        db.session.flush()
        webhooks = [Webhook(workspace_id=workspace.id, form_id=form.id, name=name,
                            url=f"https://{name.lower()}.example/hook?campaign={{{{ campaign_name }}}}")
                    for name in ("CRM", "Chat")]
        db.session.add_all(webhooks)
        db.session.commit()
        ids = workspace.id, form.id, [webhook.id for webhook in webhooks]
        db.session.remove()
        return ids


def rows(workspace_id, form_id, webhook_ids, submissions, attempts, seed=20):
    """Yield ("submissions" | "deliveries" | "attempts", row) in the order of arrival, oldest first."""
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    step = YEAR / submissions
    deliveries = submissions + submissions // 2
    extra = max(attempts - deliveries, 0)  # attempts beyond one per delivery: retries, spread evenly
    made = 0
    for number in range(submissions):
        # a few share one timestamp, as a burst of posts in one millisecond would
        moment = now - YEAR + step * (number - number % 3)
        submission_id = id_at("sub", moment, rng)
        answers = answers_of(number, rng)
        yield "submissions", (submission_id, workspace_id, form_id, json.dumps(answers),
                              json.dumps({"user_agent": "bench", "utm_source": "newsletter"}), moment, "accepted")
        for webhook_id in webhook_ids[: 1 + (number % 2 == 0)]:
            made += 1
            tries = 1 + (extra * made // deliveries - extra * (made - 1) // deliveries)
            yield from _delivery(rng, workspace_id, webhook_id, submission_id, answers, moment, tries)


def _delivery(rng, workspace_id, webhook_id, submission_id, answers, moment, tries):
    delivery_id = id_at("msg", moment, rng)
    failed = rng.random() < 0.02
    status, code = ("failed", 500) if failed else ("succeeded", 200)
    yield "deliveries", (delivery_id, workspace_id, webhook_id, submission_id, "submission.created",
                         json.dumps({"answers": answers}), status, tries, None, moment, code,
                         "Your server answered 500" if failed else None, False)
    body = json.dumps({"type": "submission.created", "data": {"answers": answers}})
    for attempt in range(tries):
        at = moment + timedelta(seconds=5 * attempt)
        last = attempt == tries - 1
        answered = 200 if last and not failed else 500
        request = {"method": "POST", "url": "https://crm.example/hook?campaign=spring",
                   "headers": {"content-type": "application/json", "webhook-id": delivery_id}, "body": body}
        response = {"status": answered, "headers": {"content-type": "text/plain"}, "body": "ok" if answered == 200
                    else "database is down"}
        duration = rng.randint(20, 400)
        yield "attempts", (id_at("att", at, rng), delivery_id, at, json.dumps(request), json.dumps(response),
                           None, None, duration)
        yield "outcome", (webhook_id, workspace_id, {"at": at, "duration_ms": duration, "response": response})


COLUMNS = {
    "submissions": ("id", "workspace_id", "form_id", "answers", "meta", "created_at", "status"),
    "deliveries": ("id", "workspace_id", "webhook_id", "submission_id", "event", "payload", "status",
                   "attempt_count", "next_attempt_at", "created_at", "last_status_code", "last_error",
                   "retry_requested"),
    "attempts": ("id", "delivery_id", "at", "request", "response", "error", "error_class", "duration_ms"),
}


def write_rollups(sums):
    """Insert the hourly rollups summed while the attempts were made (rollups.Sums), a thousand rows a statement."""
    rows = sums.rows()
    for start in range(0, len(rows), 1000):
        db.session.execute(delivery_rollups.insert(), rows[start:start + 1000])
    db.session.commit()


def fill(app, submissions, attempts, log=print):
    """Seed one workspace with submissions and (about) attempts; return what was made."""
    started = time.monotonic()
    workspace_id, form_id, webhook_ids = make_owner(app)
    sums = rollups.Sums()
    with app.app_context():
        engine = db.engine
        counts = (_fill_postgres if engine.dialect.name == "postgresql" else _fill_sqlite)(
            engine, rows(workspace_id, form_id, webhook_ids, submissions, attempts), log, sums)
        write_rollups(sums)
        db.session.remove()
    return Seeded(workspace_id, form_id, webhook_ids, counts["submissions"], counts["deliveries"],
                  counts["attempts"], time.monotonic() - started)


def _secondary_indexes(connection):
    """The CREATE INDEX statements of the three tables' indexes that no constraint owns."""
    return connection.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('submissions', 'deliveries', 'attempts') "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)"
    )).all()


def _copy_value(value):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _fill_postgres(engine, stream, log, sums):
    counts = dict.fromkeys(COLUMNS, 0)
    with engine.begin() as connection:
        indexes = _secondary_indexes(connection)
        for name, _ in indexes:
            connection.execute(text(f'DROP INDEX "{name}"'))
        raw = connection.connection.driver_connection
        buffers = {table: io.StringIO() for table in COLUMNS}
        order = list(COLUMNS)  # parents before children, for the foreign keys

        def flush():
            with raw.cursor() as cursor:
                for table in order:
                    data = buffers[table].getvalue()
                    if data:
                        with cursor.copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN") as copy:
                            copy.write(data)
                    buffers[table] = io.StringIO()

        for table, row in stream:
            if table == "outcome":
                sums.add(*row)
                continue
            buffers[table].write("\t".join(_copy_text(value) for value in row) + "\n")
            counts[table] += 1
            if counts[table] % BATCH == 0 and table == "submissions":
                flush()
                if counts["submissions"] % (BATCH * 10) == 0:
                    log(f"[seed] {counts}")
        flush()
        log(f"[seed] {counts}; building {len(indexes)} indexes")
        for _, definition in indexes:
            connection.execute(text(definition))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE submissions, deliveries, attempts"))
    return counts


def _copy_text(value):
    """A value in COPY's text format: \\N for null, backslash, tab and newline escaped."""
    value = _copy_value(value)
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _fill_sqlite(engine, stream, log, sums):
    counts = dict.fromkeys(COLUMNS, 0)
    pending = {table: [] for table in COLUMNS}
    statements = {table: f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
                  for table, columns in COLUMNS.items()}
    with engine.begin() as connection:
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA synchronous = OFF")

        def flush():
            for table in COLUMNS:
                raw.executemany(statements[table], pending[table])
                pending[table] = []

        for table, row in stream:
            if table == "outcome":
                sums.add(*row)
                continue
            pending[table].append(tuple(_sqlite_value(value) for value in row))
            counts[table] += 1
            if table == "submissions" and counts[table] % BATCH == 0:
                flush()
                if counts["submissions"] % (BATCH * 10) == 0:
                    log(f"[seed] {counts}")
        flush()
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
    return counts


def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=100_000)
    parser.add_argument("--attempts", type=int, default=300_000)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        help="an empty database with the schema (flask db upgrade); default DATABASE_URL")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if not args.database_url:
        sys.exit("give --database-url (or set DATABASE_URL)")
    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url})
    seeded = fill(app, args.submissions, args.attempts, log=lambda line: print(line, file=sys.stderr, flush=True))
    print(f"workspace {seeded.workspace_id}, form {seeded.form_id}: {seeded.submissions} submissions, "
          f"{seeded.deliveries} deliveries, {seeded.attempts} attempts in {seeded.seconds:.0f} s; "
          f"log in as {OWNER_EMAIL} / {OWNER_PASSWORD!r}")


if __name__ == "__main__":
    main()
