"""Crash and concurrency scenarios against real gunicorn processes (docs/sync-promise.md scenarios 2, 3, 5)."""

import gzip
import threading
import time

import pytest
import requests
import sqlalchemy as sa
from sqlalchemy import func, select

from server.extensions import db
from server.models import Assist, Mutation, Outreach
from tests.factories import make_user, outreach_with_assists
from tests.live import DroppingProxy, Phone, Server, push_same_batch_at_once

pytestmark = pytest.mark.slow


@pytest.fixture
def server(app, db_url):
    """One gunicorn with two workers on the test database."""
    srv = Server(db_url)
    yield srv
    srv.stop()


@pytest.fixture
def field_user(app):
    """A petugas in Kaliwates."""
    return make_user(role="enumerator", areas=["35.09.19.1001"])


def counts():
    """Return (outreaches, assists, mutations) as the database has them now."""
    db.session.rollback()
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Outreach, Assist, Mutation))


def test_connection_drops_after_commit(server, field_user):
    """Scenario 2: the server commits, the answer is lost; the phone's retry creates no duplicate."""
    phone = Phone(server.url, field_user.username, field_user.password)
    batch = outreach_with_assists(20)
    proxy = DroppingProxy(server.port)
    with pytest.raises(requests.ConnectionError):
        phone.push(batch, base_url=proxy.url)
    assert proxy.forwarded.wait(5)
    assert counts() == (1, 20, 21)
    retry = phone.push(batch)
    assert [r["status"] for r in retry.json()["results"]] == ["duplicate"] * 21
    assert counts() == (1, 20, 21)


def test_worker_killed_mid_batch(server, field_user, backend, db_url):
    """Scenario 3: SIGKILL the worker mid-batch → what committed is whole; the retry applies the rest once."""
    phone = Phone(server.url, field_user.username, field_user.password)
    batch = outreach_with_assists(400)
    locker = sa.create_engine(db_url)
    with locker.connect() as conn:
        if backend == "postgresql":
            # Hold the device row: the worker inserts every record, then waits on it (the mutation log's foreign
            # key and the device update come last), mid-transaction.
            conn.exec_driver_sql("BEGIN")
            conn.execute(sa.text("SELECT id FROM devices FOR UPDATE"))
        else:
            # SQLite cannot be paused half-way through writing; hold its write lock so the worker is killed
            # inside its request, waiting to begin the transaction (SQLite's journal covers the rest).
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        answer = {}
        sender = threading.Thread(target=lambda: answer.update(resp=_try_push(phone, batch)))
        sender.start()
        if backend == "postgresql":
            _wait_for_lock_wait(locker)
        else:
            time.sleep(0.5)
        server.kill_workers()
        conn.rollback()
        sender.join(30)
    locker.dispose()
    assert isinstance(answer["resp"], Exception) or answer["resp"].status_code >= 500
    outreaches, assists, mutations = counts()
    assert (outreaches, assists, mutations) == (0, 0, 0)  # killed with its transaction open: nothing half-done
    retry = _push_when_ready(phone, batch)
    assert {r["status"] for r in retry.json()["results"]} == {"applied"}
    assert counts() == (1, 400, 401)


def test_same_batch_on_two_servers_at_once(app, db_url, field_user):
    """Scenario 5: the same batch pushed concurrently to two app servers on one database → one effect."""
    servers = [Server(db_url), Server(db_url)]
    try:
        phones = [Phone(s.url, field_user.username, field_user.password) for s in servers]
        phones[1].device_id = phones[0].device_id  # the same phone, two tabs / two load-balanced servers
        for round_ in range(3):
            push_same_batch_at_once(phones, outreach_with_assists(60))
            assert counts() == (round_ + 1, 60 * (round_ + 1), 61 * (round_ + 1))
    finally:
        for s in servers:
            s.stop()


def _try_push(phone, batch):
    try:
        return phone.push(batch)
    except requests.RequestException as exc:
        return exc


def _wait_for_lock_wait(engine, timeout=20):
    deadline = time.monotonic() + timeout
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid() "
        "AND datname = current_database() "
        "AND (query ILIKE 'COPY mutations%' OR query ILIKE 'INSERT INTO mutations%' OR query ILIKE 'UPDATE devices%')"
    )
    while time.monotonic() < deadline:
        # A fresh connection each time: inside a transaction pg_stat_activity is a frozen snapshot.
        with engine.connect() as conn:
            if conn.execute(query).scalar():
                return
        time.sleep(0.05)
    raise AssertionError("the push never got past writing its records")


def _push_when_ready(phone, batch):
    deadline = time.monotonic() + 20
    while True:
        try:
            return phone.push(batch)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_gunicorn_own_errors_and_chunked_bodies_are_problems(server):
    """A request line over gunicorn's limit gets the same problem body as the app's errors, not an HTML page;
    a chunked body over the limit is a 413."""
    resp = requests.get(f"{server.url}/api/v1/areas?parent={'1' * 9000}", timeout=10)
    assert resp.status_code == 414 and resp.headers["Content-Type"] == "application/problem+json"
    assert resp.json()["problem"] == "request.uri_too_long" and resp.json()["status"] == 414
    chunked = requests.post(
        f"{server.url}/api/v1/auth/login",
        data=iter([b"{" + b" " * 700_000, b" " * 700_000 + b"}"]),
        headers={"Content-Type": "application/json", "X-Requested-With": "t"},
        timeout=30,
    )
    assert chunked.status_code == 413 and chunked.json()["problem"] == "request.too_large"
    # A gzip body without Content-Length (chunked) is read, inflated and checked like any other.
    body = gzip.compress(b'{"username": "nobody", "password": "salah"}')
    zipped = requests.post(
        f"{server.url}/api/v1/auth/login",
        data=iter([body[:10], body[10:]]),
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip", "X-Requested-With": "t"},
        timeout=30,
    )
    assert zipped.status_code == 401 and zipped.json()["problem"] == "auth.invalid_credentials"
