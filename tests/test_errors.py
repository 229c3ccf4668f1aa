"""One problem body everywhere, in Indonesian or English; no 500 for anything a phone can send."""

import threading

import pytest
import sqlalchemy as sa

from server.services.changes import PUSH_LOCK
from tests.conftest import make_app
from tests.factories import login, outreach_with_assists, push

PROBLEM_KEYS = {"type", "title", "status", "detail", "problem"}


def assert_problem(resp, status, problem):
    """Check the house-style problem body."""
    body = resp.get_json()
    assert resp.status_code == status, body
    assert set(body) >= PROBLEM_KEYS and body["status"] == status and body["problem"] == problem
    assert body["type"] == f"urn:jemput-bola:problem:{problem}"
    assert resp.headers["Content-Type"] == "application/problem+json"
    return body


@pytest.mark.one_backend
def test_unknown_api_path(client):
    assert_problem(client.get("/api/v1/nope"), 404, "request.not_found")


@pytest.mark.one_backend
def test_wrong_method(client):
    assert_problem(client.delete("/api/v1/auth/me"), 405, "request.method_not_allowed")


@pytest.mark.one_backend
def test_malformed_json(petugas):
    resp = petugas.post("/api/v1/sync/push", data="{not json", content_type="application/json")
    assert_problem(resp, 400, "request.malformed")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"device_id": "x", "mutations": []},
        {"mutations": "no"},
        [],
        {"device_id": "8a0e3f6e-1111-4b8e-9a1a-1a2b3c4d5e6f", "mutations": [], "extra": 1},
    ],
)
@pytest.mark.one_backend
def test_bad_envelopes(petugas, body):
    body = assert_problem(petugas.post("/api/v1/sync/push", json=body), 422, "request.invalid")
    assert body["errors"]


@pytest.mark.one_backend
def test_language_follows_accept_language(client):
    english = client.get("/api/v1/auth/me", headers={"Accept-Language": "en-GB,en;q=0.8"}).get_json()
    indonesian = client.get("/api/v1/auth/me", headers={"Accept-Language": "id"}).get_json()
    default = client.get("/api/v1/auth/me").get_json()
    assert english["detail"] == "Please sign in."
    assert indonesian["detail"] == default["detail"] == "Silakan masuk terlebih dahulu."


@pytest.mark.one_backend
def test_field_errors_translated(client):
    resp = client.post("/api/v1/auth/login", json={"username": "a"}, headers={"Accept-Language": "id"})
    assert assert_problem(resp, 422, "request.invalid")["errors"] == {"password": ["Wajib diisi."]}


@pytest.mark.one_backend
def test_unexpected_error_is_a_problem_without_details(app, client):
    app.add_url_rule("/api/v1/boom", "boom", lambda: 1 / 0)
    body = assert_problem(client.get("/api/v1/boom"), 500, "server.error")
    assert "ZeroDivision" not in str(body)


def test_locked_database_answers_busy_then_recovers(app, petugas, backend, db_url):
    """Scenario 4 (server side): a locked database → 503 with Retry-After; later the same push lands once."""
    impatient = make_app(db_url, DB_LOCK_TIMEOUT_MS=300)
    impatient.test_client_class = type(petugas)
    phone = impatient.test_client()
    login(phone, petugas.user)
    phone.device_id = petugas.device_id
    batch = outreach_with_assists(3)
    locker = sa.create_engine(db_url)
    release, locked = threading.Event(), threading.Event()
    account = petugas.user.id

    def hold_lock():
        with locker.connect() as conn:
            if backend == "sqlite":
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                # What a second batch of the same account (sent through another server) holds.
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k, :u)"), {"k": PUSH_LOCK, "u": account})
            locked.set()
            release.wait(10)
            conn.rollback()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    assert locked.wait(5)
    try:
        resp = push(phone, batch)
        assert_problem(resp, 503, "service.busy")
        assert int(resp.headers["Retry-After"]) > 0
    finally:
        release.set()
        holder.join()
        locker.dispose()
    results = push(phone, batch).get_json()["results"]
    assert [r["status"] for r in results] == ["applied"] * 4
    assert [r["status"] for r in push(phone, batch).get_json()["results"]] == ["duplicate"] * 4


def test_personal_data_never_logged(app, petugas, caplog, monkeypatch):
    """KK numbers, names and phones stay out of the logs, even when the database fails mid-push."""
    caplog.set_level("DEBUG")
    batch = outreach_with_assists(2)
    batch[1]["data"].update(kk_number="3509190202900042", head_name="Siti Rahasia", phone="081234567890")
    batch[2]["data"].update(kk_number="35091902029000", head_name="Budi Rahasia")  # invalid: rejected
    push(petugas, batch)
    from server.services import sync_push

    def fail(*_args, **_kwargs):
        raise sa.exc.IntegrityError("INSERT INTO assists ...", {"kk_number": "3509190202900042"}, Exception("dup"))

    monkeypatch.setattr(sync_push, "insert_rows", fail)
    resp = push(petugas, outreach_with_assists(1, start=50))
    assert resp.status_code == 409
    for secret in ("3509190202900042", "Rahasia", "81234567890", "35091902029000"):
        assert secret not in caplog.text


def test_gzip_upload_and_compressed_answer(petugas):
    """Phones gzip their uploads and get compressed answers (data quota is money)."""
    import gzip
    import json

    from tests.factories import envelope

    body = gzip.compress(json.dumps(envelope(petugas.device_id, outreach_with_assists(30))).encode())
    resp = petugas.post(
        "/api/v1/sync/push",
        data=body,
        headers={
            "X-Requested-With": "t",
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
            "Accept-Encoding": "gzip",
        },
    )
    assert resp.status_code == 200 and resp.headers["Content-Encoding"] == "gzip"
    results = json.loads(gzip.decompress(resp.get_data()))["results"]
    assert [r["status"] for r in results] == ["applied"] * 31


@pytest.mark.parametrize(
    ("body", "status", "problem"),
    [
        (b"not gzip at all", 400, "request.malformed"),
        (__import__("gzip").compress(b"{" + b" " * (2 * 1024 * 1024) + b"}"), 413, "request.too_large"),
    ],
)
@pytest.mark.one_backend
def test_bad_gzip_uploads(petugas, body, status, problem):
    headers = {"X-Requested-With": "t", "Content-Type": "application/json", "Content-Encoding": "gzip"}
    assert_problem(petugas.post("/api/v1/sync/push", data=body, headers=headers), status, problem)
