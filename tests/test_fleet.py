"""Several app servers behind a real load balancer (HAProxy), through a real PgBouncer, on one PostgreSQL.

The layout of a national deployment, small: two gunicorn servers with gthread workers, HAProxy checking
/readyz, PgBouncer in transaction mode. Bounded: a few thousand records, about a minute and a half.
"""

import random
import threading
import time
import uuid

import pytest
import requests
import sqlalchemy as sa

from server.jobs import make_huey
from server.services.changes import PUSH_LOCK
from tests import haproxy
from tests.conftest import (
    REDIS_URL,
    postgres_available,
    redis_available,
)
from tests.factories import make_user, outreach_with_assists
from tests.layout import balanced
from tests.live import Phone, Worker, free_port, push_same_batch_at_once
from tests.pgbouncer import available as pgbouncer_available

pytestmark = pytest.mark.slow


def _layout(name, servers, workers, env):
    """(balancer, [servers], database URL, PgBouncer's URL): tests.layout.balanced, skipped where a part is missing."""
    if not postgres_available():
        pytest.skip("PostgreSQL not reachable; required when CI=true")
    haproxy.require()
    if not pgbouncer_available():
        pytest.skip("pgbouncer not installed; required when CI=true")
    return balanced(name, servers, workers, env)


@pytest.fixture
def fleet():
    """(load balancer URL, [servers], database URL): two servers behind HAProxy, through PgBouncer, a job worker."""
    if not redis_available():
        pytest.skip("Redis not reachable; required when CI=true")
    queue = {"QUEUE_URL": REDIS_URL, "QUEUE_NAME": f"jb-fleet-{uuid.uuid4().hex[:10]}"}
    env = {"DB_POOL_SIZE": "3", "DB_MAX_OVERFLOW": "2", **queue}
    with _layout("jb_fleet", 2, 2, env) as (balancer, servers, url, through):
        worker = Worker(through, queue["QUEUE_URL"], queue["QUEUE_NAME"])
        try:
            yield balancer.url, servers, url
        finally:
            worker.stop()
            make_huey(queue["QUEUE_URL"], queue["QUEUE_NAME"]).flush()


def _users(url, n):
    """Create n petugas and a supervisor in the fleet's database; return their credentials."""
    from server import create_app
    from server.config import TestConfig
    from server.extensions import db

    app = create_app(type("Cfg", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": url}))
    with app.app_context():
        people = [make_user(role="enumerator", areas=["35.09.19.1001"]) for _ in range(n)]
        boss = make_user(role="supervisor", areas=["35.09"])
        creds = [(u.username, u.password) for u in [*people, boss]]
        db.session.remove()
        db.engine.dispose()
    return creds[:-1], creds[-1]


def _count(url, sql):
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql)).scalar()
    finally:
        engine.dispose()


def test_the_same_batch_through_the_balancer_twice_at_once_has_one_effect(fleet):
    lb, _servers, url = fleet
    (creds,), _ = _users(url, 1)
    phones = [Phone(lb, *creds), Phone(lb, *creds)]
    phones[1].device_id = phones[0].device_id  # one phone, its answer lost, resending while the first still runs
    for _ in range(3):
        push_same_batch_at_once(phones, outreach_with_assists(50))
    assert _count(url, "SELECT count(*) FROM assists") == 150
    assert _count(url, "SELECT count(*) FROM mutations") == 153
    # The balancer's request id (a UUID) is the one the app answers with and logs.
    assert len(requests.get(f"{lb}/healthz", timeout=5).headers["X-Request-ID"]) == 36


def test_an_export_started_through_one_server_downloads_through_the_other(fleet):
    """No shared disk: the worker writes the file into the database; either server (or the balancer) sends it."""
    lb, servers, url = fleet
    (creds,), (boss, password) = _users(url, 1)
    Phone(lb, *creds).push(outreach_with_assists(120))
    first, second = (s.url for s in servers)
    http = requests.Session()
    http.headers["X-Requested-With"] = "jemput-bola"
    assert http.post(f"{first}/api/v1/auth/login", json={"username": boss, "password": password}).status_code == 200
    job = http.post(f"{first}/api/v1/exports/jobs", json={"kind": "assists", "format": "csv"}, timeout=10).json()
    deadline = time.monotonic() + 30
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
        job = http.get(f"{second}/api/v1/exports/jobs/{job['id']}", timeout=10).json()
    assert (job["status"], job["rows_done"]) == ("done", 120)
    direct = http.get(f"{first}/api/v1/exports/assists.csv", timeout=30)
    for base in (second, lb):
        got = http.get(f"{base}{job['download_url']}", timeout=30)
        assert got.status_code == 200 and got.content == direct.content
    assert got.content.count(b"\n") == 121


def _send_until_accepted(phone, batch, deadline):
    """Push one batch as the app does: keep it and resend on any failure until a 200 answer."""
    while time.monotonic() < deadline:
        try:
            resp = phone.push(batch, timeout=20)
            if resp.status_code == 200:
                return resp
            assert resp.status_code in (502, 503, 504), resp.text[:300]  # the balancer's, or Retry-After
        except requests.RequestException:
            pass
        time.sleep(0.2 + random.random() * 0.3)
    raise AssertionError("a batch was never accepted")


def test_a_server_killed_mid_burst_loses_nothing(fleet):
    lb, servers, url = fleet
    people, boss = _users(url, 8)
    batches_each, size = 5, 40
    phones = [Phone(lb, *c) for c in people]
    deadline = time.monotonic() + 120
    done = []

    def work(phone):
        for _ in range(batches_each):
            _send_until_accepted(phone, outreach_with_assists(size), deadline)
            done.append(1)

    threads = [threading.Thread(target=work, args=(p,)) for p in phones]
    for t in threads:
        t.start()
    while len(done) < 8 and time.monotonic() < deadline:
        time.sleep(0.05)
    servers[0].kill()  # mid-burst: requests in flight on it are cut off
    assert len(done) < 8 * batches_each
    for t in threads:
        t.join(150)
    assert len(done) == 8 * batches_each
    expected = 8 * batches_each * size
    assert _count(url, "SELECT count(*) FROM assists") == expected
    assert _count(url, "SELECT count(*) FROM outreaches") == 8 * batches_each
    assert _count(url, "SELECT count(*) FROM mutations") == expected + 8 * batches_each
    # The tallies agree with a direct count, as the supervisor's screen shows them.
    supervisor = Phone(lb, *boss)
    total = supervisor.http.get(f"{lb}/api/v1/tallies", params={"area": "35.09", "by": "child"}).json()["total"]
    assert total["households"] == expected
    assert total["persons"] == _count(url, "SELECT sum(members) FROM assists")


def test_the_balancer_says_busy_like_the_app_when_no_server_answers():
    haproxy.require()
    balancer = haproxy.HAProxy([free_port()], wait=False)  # nothing listens there
    try:
        resp = requests.post(f"{balancer.url}/api/v1/sync/push", json={}, timeout=10)
    finally:
        balancer.stop()
    assert resp.status_code == 503 and resp.headers["Content-Type"] == "application/problem+json"
    assert resp.json()["problem"] == "service.busy" and int(resp.headers["Retry-After"]) == 10


def test_the_balancer_keeps_a_server_whose_threads_are_all_busy():
    """Per-server maxconn: the server holds only what its threads serve, the rest wait in HAProxy's queue, and the
    /readyz probe is answered within one request; a busy but healthy server is never marked down.

    Without maxconn the probe waits behind every queued push past `timeout check` and HAProxy answers everyone
    with its own 503 (seen in the burst benchmark, bench/burst.py). Here every push waits on its account's lock
    for 1.5 s, from 24 phones at once on one server of 4 threads, for longer than three missed probes would take.
    """
    answers, release = [], threading.Event()
    with _layout("jb_busy", 1, 1, {"DB_LOCK_TIMEOUT_MS": "1500"}) as (balancer, _servers, url, _through):
        people, _ = _users(url, 24)
        locker = sa.create_engine(url)
        try:
            with locker.connect() as conn:
                ids = dict(conn.execute(sa.text("SELECT username, id FROM users")).all())
            phones = [Phone(balancer.url, *c) for c in people]
            with locker.connect() as conn:
                for name, _ in people:  # what a batch of each account, in progress elsewhere, would hold
                    conn.execute(sa.text("SELECT pg_advisory_lock(:k, :u)"), {"k": PUSH_LOCK, "u": ids[name]})

                def keep_pushing(phone):
                    while not release.is_set():
                        try:
                            resp = phone.push(outreach_with_assists(1), timeout=30)
                        except requests.RequestException as e:
                            answers.append(("network", None, str(e)[:200]))
                            continue
                        answers.append((resp.status_code, resp.headers.get("X-Request-ID"), resp.text[:200]))

                threads = [threading.Thread(target=keep_pushing, args=(p,)) for p in phones]
                for t in threads:
                    t.start()
                time.sleep(20)  # three probes missing a 5 s `timeout check` would take about 16 s
                release.set()
                for t in threads:
                    t.join(40)
                conn.execute(sa.text("SELECT pg_advisory_unlock_all()"))
            assert len(answers) >= 24
            # Every answer is the app's own (it echoes the balancer's request id): the app's 503 for the lock
            # wait, never the balancer's (no server left to ask).
            assert {(status, rid is not None) for status, rid, _ in answers} == {(503, True)}, answers[:5]
            assert all("service.busy" in text for _, _, text in answers)
            assert requests.get(f"{balancer.url}/readyz", timeout=5).status_code == 200
        finally:
            release.set()
            locker.dispose()
