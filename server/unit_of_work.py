"""One unit of work per request, CLI command or job: it owns the transaction; services never commit.

A request's unit commits once, after its view succeeded (`App.dispatch_request`); an error rolls all of it
back. A use case that writes says so first (`writes()`), so SQLite takes its write lock at BEGIN instead of
failing to upgrade a read later. What a failure must leave behind (its audit row, a failed sign-in's count) is
written by `apart()`, on a short transaction of its own after the failed unit was undone.
"""

import contextlib

from flask import current_app, g, has_app_context
from sqlalchemy import text

from server.extensions import db


def writing():
    """Return whether the current unit of work has said it writes."""
    return has_app_context() and g.get("jb_writes", False)


def writes():
    """Declare that the current use case writes: on SQLite its transaction then holds the write lock from BEGIN."""
    if writing():
        return
    g.jb_writes = True
    session = db.session()
    # Only reads so far (loading the signed-in user): end that transaction, so the next one starts as a write.
    # PostgreSQL locks rows, not the database: its transaction simply goes on.
    pending = session.new or session.dirty or session.deleted
    if session.in_transaction() and not pending and session.get_bind().dialect.name == "sqlite":
        session.rollback()


def from_replica():
    """Let this read-only use case (a dashboard, an export) read from DATABASE_READ_URL, when one is set.

    A replica is a moment behind the primary: fine for figures and files, never for a write's checks. A write
    declared afterwards (`writes()`, `apart()`) goes to the primary again.
    """
    if current_app.config.get("DATABASE_READ_URL"):
        g.jb_replica = True


def exclusive(kind, key=0):
    """Hold a lock named (kind, key) until the unit ends: one such unit at a time on every server.

    PostgreSQL: a transaction-scoped advisory lock; SQLite's write transaction already excludes every writer.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:kind, :key)"), {"kind": kind, "key": key})


def apart(record):
    """Undo the current unit, then run `record()` (an audit row, a failure's count) in its own short unit.

    The audit trail of a read (who opened which personal data) is written this way too: the read itself
    changes nothing, and stays a read (no write lock) after it.
    """
    was_writing = writing()
    db.session.rollback()
    g.jb_writes = True
    try:
        record()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        g.jb_writes = was_writing


def after_write(statement):
    """Run a bookkeeping statement with the unit's commit, only if the unit writes (a read never writes)."""
    g.setdefault("jb_after_write", []).append(statement)


def after_commit(callback):
    """Run callback once the current unit has committed (start a job only when its row is there to be read)."""
    g.setdefault("jb_after_commit", []).append(callback)


def finish():
    """Commit the current unit of work (a request's, a CLI command's or a job's), then run its after-commit work."""
    if writing() or db.session.new or db.session.dirty or db.session.deleted:
        for statement in g.pop("jb_after_write", []):
            db.session.execute(statement)
    db.session.commit()
    g.jb_writes = False  # the unit is over: what follows starts as a read unless it says otherwise
    for callback in g.pop("jb_after_commit", []):
        callback()


@contextlib.contextmanager
def unit():
    """Run a CLI command's or a job's work as one unit: commit at the end, roll back on any error."""
    writes()
    try:
        yield
        finish()
    except BaseException:
        db.session.rollback()
        g.jb_writes = False
        raise
