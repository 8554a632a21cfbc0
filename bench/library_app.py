"""B1l: the intake's durable job with the design card's libraries used plainly.

Flask-SQLAlchemy's ORM adds a submission and a delivery row and commits; a WTForms class
built once validates the two answers; RQ's Queue.enqueue queues the delivery. Same database
and Redis as the app under test (DATABASE_URL, REDIS_URL), tables of its own.
"""

import os
import uuid

from flask import Flask, request
from flask_sqlalchemy import SQLAlchemy
from redis import Redis
from rq import Queue
from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship
from wtforms import EmailField, Form, StringField
from wtforms.validators import DataRequired, Email

from bench.baseline_db import sqlite_pragmas

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db = SQLAlchemy(app)
queue = Queue("bench-library", connection=Redis.from_url(os.environ["REDIS_URL"]))


class LeadForm(Form):
    name = StringField(validators=[DataRequired()])
    email = EmailField(validators=[DataRequired(), Email()])


class LibrarySubmission(db.Model):
    __tablename__ = "bench_library_submissions"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    answers = mapped_column(JSON)


class LibraryDelivery(db.Model):
    __tablename__ = "bench_library_deliveries"
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("bench_library_submissions.id"))
    payload = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    submission = relationship(LibrarySubmission)


with app.app_context():
    if db.engine.dialect.name == "sqlite":
        event.listen(db.engine, "connect", sqlite_pragmas)


def create_tables():
    with app.app_context():
        db.create_all()


@app.post("/f/<public_id>")
def submit(public_id):
    form = LeadForm(request.form)
    if not form.validate():
        return {"errors": form.errors}, 422
    submission = LibrarySubmission(id=uuid.uuid4().hex, answers=form.data)
    delivery = LibraryDelivery(id=uuid.uuid4().hex, submission=submission,
                               payload={"form": public_id, "answers": form.data})
    db.session.add(delivery)
    db.session.commit()
    queue.enqueue("bench.library_app.deliver", delivery.id)
    return f"thanks, {form.name.data}", 200


if __name__ == "__main__":
    create_tables()
