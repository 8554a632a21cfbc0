"""Column helpers shared by the models."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import JSON, DateTime, String
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator

from app.models.ids import new_id

_clock_offset = [timedelta(0)]


def utcnow():
    """Return the current time, timezone-aware in UTC (moved by set_clock_offset)."""
    return datetime.now(UTC) + _clock_offset[0]


def set_clock_offset(offset):
    """Move utcnow by offset (a timedelta): lets a test live 91 days later without sleeping."""
    _clock_offset[0] = offset


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def id_column(prefix):
    """A string primary key like 'frm_…', generated on insert."""
    return mapped_column(String(32), primary_key=True, default=lambda: new_id(prefix))


def created_at_column():
    return mapped_column(UTCDateTime(), default=utcnow, nullable=False)


def json_column(default_factory, nullable=False):
    """A JSON column whose default is a fresh object per row."""
    return mapped_column(JSON, default=default_factory, nullable=nullable)
