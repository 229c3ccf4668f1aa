"""Bulk SQL helpers shared by the writers: bulk inserts (COPY on PostgreSQL), chunked IN lookups, portable upserts."""

import functools

from sqlalchemy import ARRAY, any_, bindparam, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from server.extensions import db


def insert_rows(model, rows):
    """Insert rows (dicts of column values) in one round trip: PostgreSQL's COPY there, an executemany elsewhere."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        _copy(model.__table__, rows)
    else:
        db.session.execute(insert(model.__table__), rows)


def _copy(table, rows):
    # psycopg's executemany sends each row as a statement of its own, parsed and planned every time with
    # prepared statements off (PgBouncer); one multi-row INSERT instead cost as much Python converting its
    # long text. COPY sends rows as data: a tenth of the database work and little of ours. Values go through
    # each column's own bind conversion, and columns a row leaves out get their Python default, as INSERT does.
    dialect = db.session.get_bind().dialect
    given = set().union(*rows)
    columns = [c for c in table.columns if c.name in given or c.default is not None]
    steps = []
    for column in columns:
        default = column.default
        steps.append((column.name, column.type.dialect_impl(dialect).bind_processor(dialect), default))
    names = ", ".join(f'"{c.name}"' for c in columns)
    raw = db.session.connection().connection.driver_connection  # the session's own transaction
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:  # names: the table's
        for row in rows:
            copy.write_row([_value(row, *step) for step in steps])


def _value(row, name, process, default):
    if name in row:
        value = row[name]
    elif default is None:
        value = None
    else:
        value = default.arg(None) if default.is_callable else default.arg
    return process(value) if process is not None and value is not None else value


def chunked_in(model, column, values, *conditions, size=500, lock=False):
    """Yield rows whose column is in values (and that meet conditions), in chunks that stay under every
    database's parameter limit; with lock, each row is locked for this transaction (in column order)."""
    # Sorted, so that two writers locking overlapping rows take them in one order and cannot deadlock.
    values = sorted(values) if lock else list(values)
    for start in range(0, len(values), size):
        query = select(model).where(in_values(column, values[start : start + size]), *conditions)
        if lock:
            query = query.order_by(column).with_for_update()
        yield from db.session.scalars(query)


def in_values(column, values, name="values"):
    """Return `column IN values`; on PostgreSQL as `= ANY(array)`: one parameter, so one cached statement."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(name, values, type_=ARRAY(column.type)))
    return column.in_(values)


def upsert_add(model, rows, key, columns):
    """Insert rows, or add their `columns` onto the row already stored under `key` (one round trip; keys unique)."""
    if rows:
        dialect = db.session.get_bind().dialect.name
        db.session.execute(_upsert(model, tuple(key), tuple(columns), dialect), rows)


@functools.cache
def _upsert(model, key, columns, dialect):
    # Built once per table: `excluded` copies every column of the table (fifty for tally_cells) each time it is
    # made, which had cost a tenth of a push's Python. A statement is immutable, so one serves every request.
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(model.__table__)
    table = model.__table__.c
    stmt = stmt.on_conflict_do_update(
        index_elements=list(key), set_={c: table[c] + getattr(stmt.excluded, c) for c in columns}
    )
    if dialect == "postgresql":
        # Upserts cannot COPY: a RETURNING clause makes SQLAlchemy send their rows as a few multi-row VALUES
        # statements ("insertmanyvalues") instead of one parsed statement per row (see _copy).
        stmt = stmt.returning(*model.__table__.primary_key.columns)
    return stmt
