"""Engine tuning per database: bounded lock waits; SQLite also gets WAL, foreign keys and write-locking BEGIN."""

from flask import has_request_context, request
from sqlalchemy import event

from server.extensions import db

_READ_METHODS = {"GET", "HEAD", "OPTIONS"}


def request_writes():
    """Return whether the current request is a write (its SQLite transaction holds the write lock)."""
    # A write request takes SQLite's write lock at BEGIN; upgrading a read transaction later can fail at once
    # with "database is locked" instead of waiting, which would turn an ordinary burst into errors.
    return has_request_context() and request.method not in _READ_METHODS


def configure_engine(app):
    """Install the per-dialect connection hooks on the app's engine."""
    with app.app_context():
        engine = db.engine
    lock_ms = int(app.config["DB_LOCK_TIMEOUT_MS"])
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _on_pg_connect(dbapi_conn, _record):
            with dbapi_conn.cursor() as cur:
                cur.execute(f"SET lock_timeout = {lock_ms}")
            dbapi_conn.commit()

        return
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # SQLAlchemy, not the driver, emits BEGIN: needed for SAVEPOINT and for BEGIN IMMEDIATE below.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={lock_ms}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if request_writes() else "BEGIN")
