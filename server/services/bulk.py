"""Bulk SQL helpers shared by the writers: executemany inserts, chunked IN lookups, portable upserts."""

from sqlalchemy import ARRAY, any_, bindparam, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from server.extensions import db


def insert_rows(model, rows):
    """Insert rows in one round trip: on PostgreSQL as multi-row VALUES statements (see _many)."""
    if rows:
        db.session.execute(_many(insert(model.__table__), model), rows)


def _many(stmt, model):
    # psycopg's executemany sends every row as a statement of its own, parsed and planned each time: with
    # prepared statements off (PgBouncer), that was most of PostgreSQL's work per pushed record. A RETURNING
    # clause makes SQLAlchemy send the rows as a few multi-row VALUES statements instead ("insertmanyvalues").
    if db.session.get_bind().dialect.name != "postgresql":
        return stmt
    return stmt.returning(*model.__table__.primary_key.columns)


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
    if not rows:
        return
    dialect = db.session.get_bind().dialect.name
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(model.__table__)
    table = model.__table__.c
    stmt = stmt.on_conflict_do_update(
        index_elements=list(key), set_={c: table[c] + getattr(stmt.excluded, c) for c in columns}
    )
    db.session.execute(_many(stmt, model), rows)
