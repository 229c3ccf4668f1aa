"""Bulk SQL helpers shared by the writers: bulk inserts (COPY on PostgreSQL), chunked IN lookups, portable upserts."""

import functools
import json
import operator

from sqlalchemy import ARRAY, any_, bindparam, insert, select, text
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


def chunked_in(what, column, values, *conditions, size=500, lock=False):
    """Yield rows whose column is in values (and that meet conditions), in chunks that stay under every
    database's parameter limit: a model's objects, or tuples when `what` is a tuple of columns; with lock, each
    row is locked for this transaction (in column order)."""
    # Sorted, so that two writers locking overlapping rows take them in one order and cannot deadlock.
    values = sorted(values) if lock else list(values)
    columns = isinstance(what, tuple)
    for start in range(0, len(values), size):
        query = (select(*what) if columns else select(what)).where(
            in_values(column, values[start : start + size]), *conditions
        )
        if lock:
            query = query.order_by(column).with_for_update()
        yield from db.session.execute(query) if columns else db.session.scalars(query)


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
        rows_json = json.dumps(rows, default=str)  # dates as ISO text, which PostgreSQL reads back
        db.session.execute(_upsert_json(model, tuple(key), tuple(columns), names), {"rows": rows_json})
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
def _upsert_json(model, key, columns, names):
    # One statement and one parameter whatever the number of rows: the rows travel as one JSON array that
    # json_populate_recordset() turns back into rows of the table's own types. As one array per column (56 for
    # tally_cells) converting the parameters cost a push more Python than the rest of the upsert, and the database
    # bound each array anew. SQLAlchemy cannot cache an ON CONFLICT statement, so the text is built once per table,
    # from its own column names, never from input.
    table = model.__table__
    missing = [c.name for c in table.columns if c.default is not None and c.name not in names]
    if missing:
        raise ValueError(f"upsert_add rows of {table.name} lack {missing}")
    listed = ", ".join(names)
    updates = ", ".join(f"{c} = t.{c} + excluded.{c}" for c in columns)
    return text(
        f"INSERT INTO {table.name} AS t ({listed}) SELECT {listed} "  # noqa: S608
        f"FROM json_populate_recordset(NULL::{table.name}, :rows) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )
