"""Engine tuning per database: bounded lock waits; SQLite also gets WAL, foreign keys and write-locking BEGIN."""

from sqlalchemy import event

from server.extensions import db
from server.unit_of_work import writing


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
        # A unit that writes takes SQLite's write lock at BEGIN: upgrading a read transaction later can fail at
        # once with "database is locked" instead of waiting, which would turn an ordinary burst into errors.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writing() else "BEGIN")
