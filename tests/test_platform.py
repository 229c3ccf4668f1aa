"""Ready for the usual parts of a deployment: platform URLs, per-transaction settings, pools, PgBouncer."""

import threading

import pytest
import sqlalchemy as sa

from server.database import database_url, engine_options
from server.extensions import db
from tests.conftest import (
    ApiClient,
    create_pg_database,
    drop_pg_database,
    make_app,
    postgres_available,
    prepare_database,
)
from tests.factories import kk, make_user
from tests.helpers_field import log_households, petugas_client, staff_client
from tests.pgbouncer import pgbouncer  # noqa: F401 (fixture)


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u:p@db.example:5432/sensus", "postgresql+psycopg://u:p@db.example:5432/sensus"),
        ("postgresql://u@db/sensus?sslmode=require", "postgresql+psycopg://u@db/sensus?sslmode=require"),
        ("postgresql+psycopg://u@db/sensus", "postgresql+psycopg://u@db/sensus"),
        ("sqlite:////srv/jb.db", "sqlite:////srv/jb.db"),
    ],
)
def test_platform_database_urls_are_accepted(given, used):
    assert database_url(given) == used


def test_postgresql_pool_and_prepared_statements_are_configurable():
    config = {
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@db/x",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "DB_POOL_SIZE": 7,
        "DB_MAX_OVERFLOW": 3,
        "DB_POOL_TIMEOUT_S": 4,
        "DB_PREPARE_THRESHOLD": 0,
    }
    options = engine_options(config)
    assert (options["pool_size"], options["max_overflow"], options["pool_timeout"]) == (7, 3, 4)
    # Off unless asked for: PgBouncer in transaction mode cannot keep a connection's prepared statements.
    assert options["connect_args"] == {"prepare_threshold": None}
    assert engine_options({**config, "DB_PREPARE_THRESHOLD": 5})["connect_args"] == {"prepare_threshold": 5}
    sqlite = engine_options({**config, "SQLALCHEMY_DATABASE_URI": "sqlite:///x.db"})
    assert "connect_args" not in sqlite and "pool_size" not in sqlite


@pytest.fixture
def pg_url():
    """A fresh, migrated PostgreSQL database of its own (dropped afterwards)."""
    if not postgres_available():
        pytest.skip("PostgreSQL not reachable; required when CI=true")
    url = create_pg_database()
    prepare_database(url)
    yield url
    drop_pg_database(url)


def _app(url, **settings):
    app = make_app(url, **settings)
    app.test_client_class = ApiClient
    return app


def test_lock_timeout_is_set_per_transaction_not_per_connection(pg_url):
    app = _app(pg_url, DB_LOCK_TIMEOUT_MS=4321)
    with app.app_context(), db.engine.connect() as conn:
        assert conn.execute(sa.text("SHOW lock_timeout")).scalar() == "4321ms"
        conn.commit()
        # The same server connection outside any transaction we began: the server's default, untouched.
        raw = conn.connection.driver_connection
        raw.autocommit = True
        assert raw.execute("SHOW lock_timeout").fetchone()[0] == "0"
        raw.autocommit = False


def test_an_exhausted_pool_answers_busy_with_retry_after(pg_url):
    app = _app(pg_url, DB_POOL_SIZE=1, DB_MAX_OVERFLOW=0, DB_POOL_TIMEOUT_S=1)
    with app.app_context():
        user = make_user(role="coordinator", areas=["35.09.19"])
        credentials = {"username": user.username, "password": user.password}
        db.session.remove()  # the test's own connection goes back to the pool
        coord = app.test_client()
        assert coord.post("/api/v1/auth/login", json=credentials).status_code == 200
        with db.engine.connect():  # every connection of this process is taken
            resp = coord.get("/api/v1/review/assists")
        assert resp.status_code == 503 and resp.get_json()["problem"] == "service.busy"
        assert 1 <= int(resp.headers["Retry-After"]) <= 30
        assert coord.get("/api/v1/review/assists").status_code == 200  # and it recovers at once


def test_the_app_works_through_pgbouncer_in_transaction_mode(pg_url, pgbouncer):  # noqa: F811
    # A statement repeated on pooled connections is where auto-prepared statements would break.
    app = _app(pgbouncer.url(pg_url), DB_POOL_SIZE=3, DB_MAX_OVERFLOW=0)
    errors = []
    with app.app_context():
        phones = [petugas_client(app, ["35.09.19.1001"]) for _ in range(3)]
        coord = staff_client(app, "coordinator", ["35.09.19"])

        def work(phone, n):
            try:
                for i in range(8):
                    log_households(phone, "35.09.19.1001", [kk(serial=n * 100 + i)])
                    assert phone.get("/api/v1/sync/pull").status_code == 200
            except Exception as exc:  # reported below, with the others
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(p, n)) for n, p in enumerate(phones, start=1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert errors == []
        listed = coord.get("/api/v1/review/assists", query_string={"limit": 100}).get_json()["items"]
        assert len(listed) == 24
