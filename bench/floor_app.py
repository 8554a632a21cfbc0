"""B1f: the intake's durable job written by hand, the floor the app is measured against.

Validate two answers, insert a submission and a delivery row in one transaction with raw
SQL on a connection per thread, one Redis LPUSH. Same database and Redis as the app under
test (DATABASE_URL, REDIS_URL), tables of its own.
"""

import json
import os
import re
import threading
import uuid

from flask import Flask, request
from redis import Redis

from bench.baseline_db import connect

app = Flask(__name__)
redis = Redis.from_url(os.environ["REDIS_URL"])
local = threading.local()
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
TABLES = (
    "CREATE TABLE IF NOT EXISTS bench_floor_submissions (id VARCHAR(40) PRIMARY KEY, answers TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS bench_floor_deliveries (id VARCHAR(40) PRIMARY KEY, "
    "submission_id VARCHAR(40) NOT NULL REFERENCES bench_floor_submissions (id), payload TEXT NOT NULL, "
    "status VARCHAR(16) NOT NULL)",
)


def connection():
    if not hasattr(local, "connection"):
        local.connection, local.placeholder = connect(os.environ["DATABASE_URL"])
    return local.connection, local.placeholder


@app.post("/f/<public_id>")
def submit(public_id):
    name, email = request.form.get("name", "").strip(), request.form.get("email", "").strip()
    if not name or not EMAIL.fullmatch(email):
        return {"errors": "name and a valid email are required"}, 422
    answers = json.dumps({"name": name, "email": email})
    submission_id, delivery_id = uuid.uuid4().hex, uuid.uuid4().hex
    sql, mark = connection()
    cursor = sql.cursor()
    try:  # one transaction: both rows or neither
        cursor.execute(f"INSERT INTO bench_floor_submissions (id, answers) VALUES ({mark}, {mark})",
                       (submission_id, answers))
        cursor.execute(f"INSERT INTO bench_floor_deliveries (id, submission_id, payload, status) "
                       f"VALUES ({mark}, {mark}, {mark}, 'pending')", (delivery_id, submission_id, answers))
        sql.commit()
    except BaseException:
        sql.rollback()
        raise
    redis.lpush("bench-floor", delivery_id)
    return f"thanks, {name}", 200


def create_tables():
    sql, _mark = connect(os.environ["DATABASE_URL"])
    for statement in TABLES:
        sql.execute(statement)
    sql.commit()
    sql.close()


if __name__ == "__main__":
    create_tables()
