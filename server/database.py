"""Engine tuning per database: bounded lock waits; SQLite also gets WAL, foreign keys and write-locking BEGIN.

PostgreSQL settings are per transaction (`SET LOCAL`), never per connection: behind PgBouncer in transaction
mode the next transaction may run on another server connection, where a session-level SET would not be.
"""

from sqlalchemy import event
from sqlalchemy.engine import make_url

from server.extensions import db
from server.unit_of_work import writing


def database_url(url):
    """Return the SQLAlchemy URL for a configured one: postgres:// and postgresql:// mean psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def engine_options(config):
    """Return the engine options for the configured database (pool sizes, PostgreSQL driver settings)."""
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    if make_url(config["SQLALCHEMY_DATABASE_URI"]).get_backend_name() == "postgresql":
        options.setdefault("pool_size", config["DB_POOL_SIZE"])
        options.setdefault("max_overflow", config["DB_MAX_OVERFLOW"])
        options.setdefault("pool_timeout", config["DB_POOL_TIMEOUT_S"])
        threshold = config["DB_PREPARE_THRESHOLD"]
        options.setdefault("connect_args", {"prepare_threshold": threshold or None})
    return options


def configure_engine(app):
    """Install the per-dialect connection hooks on the app's engine."""
    with app.app_context():
        engine = db.engine
    lock_ms = int(app.config["DB_LOCK_TIMEOUT_MS"])
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "begin")
        def _on_pg_begin(conn):
            # Inside the transaction BEGIN opens (psycopg starts it with the first statement), gone at its end.
            conn.exec_driver_sql(f"SET LOCAL lock_timeout = {lock_ms}")

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
