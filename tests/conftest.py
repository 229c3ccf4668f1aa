"""Fixtures: every test runs on SQLite and on PostgreSQL, each in databases this suite creates and drops."""

import atexit
import os
import shutil
import tempfile
import uuid

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient

from server import create_app
from server.config import TestConfig
from server.extensions import db
from tests.factories import login, make_user

PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"
# Areas every test can use: Kabupaten Jember and Kabupaten Timor Tengah Utara.
TEST_AREAS = ("35.09", "53.03")
# Every table but the area tree and the change counter is emptied between tests (read from the models, so a
# new table can never leak one test's rows into the next).
DATA_TABLES = ", ".join(sorted(set(db.metadata.tables) - {"areas", "sync_counter"}))


def _pg_admin_engine():
    return sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")


def postgres_available():
    """Return whether the test PostgreSQL answers; in CI its absence is an error, not a skip."""
    engine = _pg_admin_engine()
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        return True
    except sa.exc.OperationalError:
        if IN_CI:
            raise
        return False
    finally:
        engine.dispose()


def create_pg_database(prefix="jb_test"):
    """Create a fresh PostgreSQL database and return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    engine = _pg_admin_engine()
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url):
    """Drop a database made by create_pg_database, even with connections left open."""
    name = sa.engine.make_url(url).database
    engine = _pg_admin_engine()
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


_apps = []
# The job queues of the whole run live here, never in the developer's instance folder.
QUEUE_DIR = tempfile.mkdtemp(prefix="jb-queues-")
atexit.register(shutil.rmtree, QUEUE_DIR, True)


def make_app(url, **overrides):
    """Create the app on a database URL with the test settings (its engine is disposed after the test)."""
    queue = f"sqlite:///{QUEUE_DIR}/{uuid.uuid4().hex}.sqlite3"
    settings = {"SQLALCHEMY_DATABASE_URI": url, "QUEUE_URL": queue, "QUEUE_NAME": "test", **overrides}
    config = type("Cfg", (TestConfig,), settings)
    app = create_app(config)
    _apps.append(app)
    return app


@pytest.fixture(autouse=True)
def _dispose_apps():
    """Close every connection the test's apps opened, so databases can be dropped and nothing leaks."""
    yield
    while _apps:
        with _apps.pop().app_context():
            _dispose()


def prepare_database(url, areas=TEST_AREAS):
    """Migrate a database to head and load the test areas."""
    from flask_migrate import upgrade

    from server import unit_of_work
    from server.services.areas import seed_subtree

    app = make_app(url)
    with app.app_context():
        upgrade()
        if areas:
            with unit_of_work.unit():
                seed_subtree(areas)
        # Closing checkpoints SQLite's WAL into the file, which is then copied per test.
        _dispose()


def _dispose():
    db.session.remove()
    for engine in db.engines.values():  # the replica's too (DATABASE_READ_URL)
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file with the test areas, copied for each test."""
    path = tmp_path_factory.mktemp("db") / "template.db"
    prepare_database(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_database():
    """A migrated PostgreSQL database for this run, dropped at the end."""
    if not postgres_available():
        pytest.skip("PostgreSQL not reachable (set TEST_DATABASE_URL); required when CI=true")
    url = create_pg_database()
    prepare_database(url)
    _SEEDED_AREAS[url] = _areas_fingerprint(url)
    yield url
    drop_pg_database(url)


# Areas outlive the per-test TRUNCATE (they are seeded once): what a test adds or changes is undone after it.
_SEEDED_AREAS = {}
_AREAS_FINGERPRINT = sa.text("SELECT count(*), md5(string_agg(code || ':' || name, ',' ORDER BY code)) FROM areas")


def _areas_fingerprint(url):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return tuple(conn.execute(_AREAS_FINGERPRINT).one())
    finally:
        engine.dispose()


def pytest_collection_modifyitems(config, items):
    """Run tests marked one_backend on SQLite only, and tests marked postgresql_only on PostgreSQL only."""
    dropped = [
        i
        for i in items
        if hasattr(i, "callspec")
        and (
            (i.get_closest_marker("one_backend") and "postgresql" in i.callspec.params.values())
            or (i.get_closest_marker("postgresql_only") and "sqlite" in i.callspec.params.values())
        )
    ]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [i for i in items if i not in dropped]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A clean database for one test, on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_database")
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        # TRUNCATE skips row triggers, so the append-only audit table can be reset between tests.
        conn.execute(sa.text(f"TRUNCATE {DATA_TABLES} RESTART IDENTITY CASCADE"))
        conn.execute(sa.text("UPDATE sync_counter SET value = 0"))
        reseed = tuple(conn.execute(_AREAS_FINGERPRINT).one()) != _SEEDED_AREAS[url]
        if reseed:  # an earlier test imported areas: the next one starts from the seeded ones again
            conn.execute(sa.text("TRUNCATE areas CASCADE"))
    engine.dispose()
    if reseed:
        prepare_database(url)
    return url


class ApiClient(FlaskClient):
    """A test client that sends the custom header every write from the PWA carries.

    Each request runs in its own app context, as in production: sharing the test's context would share
    Flask-Login's cached user and the database session, and hide exactly the bugs these tests look for.
    """

    def open(self, *args, **kwargs):
        """Add X-Requested-With unless the test asks for a bare request."""
        bare = kwargs.pop("bare", False)
        headers = kwargs.setdefault("headers", {})
        if "X-Requested-With" not in headers and not bare:
            headers["X-Requested-With"] = "test"
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        # End the test's own read transaction so its next query sees what the request committed.
        if has_app_context():
            db.session.rollback()
        return response


@pytest.fixture
def app(db_url):
    """The application on a clean database, with an app context."""
    app = make_app(db_url)
    app.test_client_class = ApiClient
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def backend(db_url):
    """Return 'sqlite' or 'postgresql'."""
    return "sqlite" if db_url.startswith("sqlite") else "postgresql"


@pytest.fixture
def petugas(app):
    """A signed-in petugas of two desa in Kaliwates (Jember) with a registered device, and its client."""
    user = make_user(role="enumerator", areas=["35.09.19.1001", "35.09.19.1002"])
    client = app.test_client()
    login(client, user)
    device_id = str(uuid.uuid4())
    assert client.post("/api/v1/devices", json={"device_id": device_id}).status_code == 201
    client.device_id = device_id
    client.user = user
    return client


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def redis_available():
    """Return whether the test Redis answers (in CI it must)."""
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError:
        if IN_CI:
            raise
        return False


@pytest.fixture
def worker(app, backend, db_url, tmp_path):
    """A real job-queue worker process: the embedded SQLite queue beside SQLite, Redis beside PostgreSQL."""
    from server import jobs
    from tests.live import Worker

    name = f"jb-test-{uuid.uuid4().hex[:10]}"
    if backend == "postgresql":
        if not redis_available():
            pytest.skip("Redis not reachable (set TEST_REDIS_URL); required when CI=true")
        app.config["QUEUE_URL"] = REDIS_URL
    app.config["QUEUE_NAME"] = name
    app.extensions["jobs"] = jobs.Jobs(app)
    settings = {"EXPORT_STALE_SECONDS": str(app.config["EXPORT_STALE_SECONDS"])}
    started = Worker(db_url, app.config["QUEUE_URL"], name, env=settings, log=tmp_path / "worker.log")
    started.app = app
    yield started
    started.stop()
    app.extensions["jobs"].huey.flush()
