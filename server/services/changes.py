"""The change stream: where each write to a phone-visible record lands, and how far a reader may safely read.

A change's position is (change_xid, change_seq). On PostgreSQL change_xid is the writing transaction's id and
change_seq comes from a sequence, so writers never wait on one another; a reader stops before the oldest
transaction of this database still running (`horizon`), below which nothing can commit any more, so a pull
never skips a change committed late. SQLite has one writer at a time: change_xid stays 0 and change_seq counts
in commit order from the sync_counter row. docs/design.md tells why.
"""

import time

from sqlalchemy import select, text, tuple_, update

from server import metrics, unit_of_work
from server.errors import Problem
from server.extensions import db
from server.models import SyncCounter
from server.queries import paging

# The class of the advisory locks that put one account's pushes in a row (the object is the account's id).
PUSH_LOCK = 0x4A42
_XID_WRAP = 2**32


def _postgres():
    return db.session.get_bind().dialect.name == "postgresql"


def serialise_account(user_id):
    """Let this account's writes run one at a time (a batch sent twice at once then has one effect).

    PostgreSQL: a transaction-scoped advisory lock on the account, so other accounts never wait. SQLite's
    write transaction already excludes every other writer.
    """
    if not _postgres():
        return
    started = time.perf_counter()
    unit_of_work.exclusive(PUSH_LOCK, user_id)
    metrics.observe_lock_wait(time.perf_counter() - started)


def stamp_changes(records):
    """Give each record (ORM object or planned-insert dict) its next position in the change stream, in order."""
    if not records:
        return
    if _postgres():
        rows = db.session.execute(
            text("SELECT pg_current_xact_id()::text::bigint, nextval('change_seq') FROM generate_series(1, :n)"),
            {"n": len(records)},
        ).all()
        positions = sorted(rows)
    else:
        end = db.session.execute(
            update(SyncCounter)
            .where(SyncCounter.id == 1)
            .values(value=SyncCounter.value + len(records))
            .returning(SyncCounter.value)
        ).scalar_one()
        positions = [(0, seq) for seq in range(end - len(records) + 1, end + 1)]
    for (xid, seq), record in zip(positions, records, strict=True):
        if isinstance(record, dict):
            record.update(change_xid=xid, change_seq=seq)
        else:
            record.change_xid, record.change_seq = xid, seq


def horizon():
    """Return the last position a reader may read now: every change at or before it is committed or undone.

    Call it in a read-only unit, before reading the changes it caps.
    """
    if not _postgres():
        return (0, db.session.scalar(select(SyncCounter.value).where(SyncCounter.id == 1)) or 0)
    snapshot = db.session.execute(text("SELECT pg_current_snapshot()::text")).scalar_one()
    _xmin, xmax, running = snapshot.split(":")
    running = [int(x) for x in running.split(",") if x]
    if running:
        # Transactions of other databases on the server cannot write our rows: only ours hold the reader back.
        # The list is read after the snapshot, so a transaction of ours it lacks had ended before the read
        # that follows, and that read sees its changes.
        ours = set(
            db.session.scalars(
                text(
                    "SELECT backend_xid::text::bigint FROM pg_stat_activity "
                    "WHERE datname = current_database() AND backend_xid IS NOT NULL"
                )
            )
        )
        running = [x for x in running if x % _XID_WRAP in ours]
    return (min([*running, int(xmax)]), 0)


def position(record):
    """Return a record's position in the change stream."""
    return (record.change_xid, record.change_seq)


def after(model, where):
    """Return the condition "changed after this position" on model's rows."""
    return tuple_(model.change_xid, model.change_seq) > tuple_(*where)


def until(model, where):
    """Return the condition "changed at or before this position" on model's rows."""
    return tuple_(model.change_xid, model.change_seq) <= tuple_(*where)


def order(model):
    """Return model's columns in change-stream order."""
    return (model.change_xid, model.change_seq)


def encode(where, prefix):
    """Return the opaque cursor of a position (SQLite's and older cursors carry the number alone)."""
    xid, seq = where
    return paging.encode_cursor(f"{xid}.{seq}" if xid else seq, prefix)


def decode(cursor, prefix, problem, field="cursor"):
    """Return the position of a cursor made by encode (or by a version before transaction ids); (0, 0) for none."""
    if not cursor:
        return (0, 0)
    value = paging.decode_text(cursor, prefix, problem, field)
    xid, _, seq = value.rpartition(".")
    if not seq.isdigit() or not (xid.isdigit() or xid == ""):
        raise Problem(problem, {field: ["Invalid value."]})
    return (int(xid or 0), int(seq))
