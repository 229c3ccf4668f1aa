"""Bulk SQL helpers shared by the writers: bulk inserts (COPY on PostgreSQL), chunked IN lookups, portable upserts."""

import functools
import operator

from sqlalchemy import ARRAY, any_, bindparam, insert, select, text
from sqlalchemy.dialects import postgresql
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
    names = [c.name for c in columns]
    processors = []
    for i, column in enumerate(columns):
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors.append((i, process))
    # One C call per row takes the values in column order; a row that lacks a column is completed first.
    take = operator.itemgetter(*names, names[0])  # two names at least: always a tuple (the extra one dropped)
    quoted = ", ".join(f'"{name}"' for name in names)  # the table's own names
    raw = db.session.connection().connection.driver_connection  # the session's own transaction
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
        for row in rows:
            try:
                values = list(take(row))
            except KeyError:
                values = list(take(_completed(row, columns)))
            values.pop()
            for i, process in processors:
                if values[i] is not None:
                    values[i] = process(values[i])
            copy.write_row(values)


def _completed(row, columns):
    # A column the row leaves out: its Python default, as INSERT would give it, else NULL.
    filled = {c.name: _default(c.default) for c in columns if c.name not in row}
    return {**row, **filled}


def _default(default):
    if default is None:
        return None
    return default.arg(None) if default.is_callable else default.arg


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
    """Insert rows, or add their `columns` onto the row already stored under `key` (one round trip; keys unique).

    Every row carries the same columns, and every column of the table that has a Python default."""
    if not rows:
        return
    names = tuple(rows[0])
    if db.session.get_bind().dialect.name == "postgresql":
        arrays = {name: [row[name] for row in rows] for name in names}
        db.session.execute(_upsert_arrays(model, tuple(key), tuple(columns), names), arrays)
    else:
        db.session.execute(_upsert(model, tuple(key), tuple(columns)), rows)


@functools.cache
def _upsert(model, key, columns):
    # Built once per table: `excluded` copies every column of the table (fifty for tally_cells) each time it is
    # made, which had cost a tenth of a push's Python. A statement is immutable, so one serves every request.
    stmt = sqlite_insert(model.__table__)
    table = model.__table__.c
    return stmt.on_conflict_do_update(
        index_elements=list(key), set_={c: table[c] + getattr(stmt.excluded, c) for c in columns}
    )


@functools.cache
def _upsert_arrays(model, key, columns, names):
    # One statement whatever the number of rows: each column comes as one array and unnest() turns them back
    # into rows. SQLAlchemy cannot cache an ON CONFLICT statement, and compiling it (then psycopg splitting
    # its multi-row VALUES) had cost a push more Python than the database spent on it. The text is built
    # once per table, from its own column names and types, never from input.
    table = model.__table__
    missing = [c.name for c in table.columns if c.default is not None and c.name not in names]
    if missing:
        raise ValueError(f"upsert_add rows of {table.name} lack {missing}")
    dialect = postgresql.dialect()
    arrays = ", ".join(f"CAST(:{n} AS {table.c[n].type.compile(dialect)}[])" for n in names)
    updates = ", ".join(f"{c} = {table.name}.{c} + excluded.{c}" for c in columns)
    return text(
        f"INSERT INTO {table.name} ({', '.join(names)}) SELECT * FROM unnest({arrays}) "  # noqa: S608
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )
