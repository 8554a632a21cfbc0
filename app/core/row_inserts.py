"""Insert new model objects with one Core statement per table, not the ORM's unit of work.

For the hot path of intake: the objects' column defaults are filled in on the objects
themselves (what was stored is what they say), then each table's rows go in as one
executemany. The objects are left out of the session: nothing tracks or reloads them.
"""

from sqlalchemy import inspect


def _values(obj, table):
    """The row of obj, its unset columns given their Python default (and obj given the value)."""
    state = obj.__dict__
    mapper = inspect(obj).mapper
    row = {}
    for column in table.columns:
        attribute = mapper.get_property_by_column(column).key
        value = state.get(attribute)
        if value is None and column.default is not None and attribute not in state:
            default = column.default
            value = default.arg(None) if default.is_callable else default.arg
            setattr(obj, attribute, value)
        elif value is None and attribute not in state:
            continue  # the database's own default (or NULL)
        row[column.key] = value
    return row


def insert_rows(session, objects):
    """INSERT objects (new, in dependency order) in the session's transaction, a statement per table."""
    by_table = {}
    for obj in objects:
        if obj in session:
            session.expunge(obj)
        table = inspect(obj).mapper.local_table
        by_table.setdefault(table, []).append(_values(obj, table))
    # on the session's connection, past the ORM's execute: rows pending in the session (files,
    # mail) may refer to these, and are flushed after them at commit
    connection = session.connection()
    for table, rows in by_table.items():
        connection.execute(table.insert(), rows)
