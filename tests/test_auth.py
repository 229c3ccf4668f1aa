"""Sign-in, sessions, throttling and cross-site defences (scenarios 29 and 30)."""

import uuid

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEvent, UserArea
from server.services import auth
from tests.factories import PASSWORD, login, make_user


def test_login_me_logout(app, client):
    user = make_user(role="coordinator", display_name="Bu Ani")
    resp = login(client, user)
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    me = client.get("/api/v1/auth/me").get_json()
    assert (me["role"], me["display_name"], me["role_label"]) == ("coordinator", "Bu Ani", "Koordinator Kecamatan")
    assert [a["code"] for a in me["areas"]] == ["35.09.19"] and me["areas"][0]["name"] == "Kaliwates"
    assert client.post("/api/v1/auth/logout").status_code == 204
    assert client.get("/api/v1/auth/me").status_code == 401


def test_username_is_case_insensitive(app, client):
    user = make_user(username="Petugas.Satu")
    resp = client.post("/api/v1/auth/login", json={"username": " PETUGAS.satu ", "password": PASSWORD})
    assert resp.status_code == 200 and resp.get_json()["username"] == user.username == "petugas.satu"


def test_failures_are_generic(app, client):
    """Scenario 29: wrong password and unknown user look the same (no user enumeration)."""
    make_user(username="ada")
    wrong = client.post("/api/v1/auth/login", json={"username": "ada", "password": "nope"})
    unknown = client.post("/api/v1/auth/login", json={"username": "tidak-ada", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()
    assert wrong.get_json()["problem"] == "auth.invalid_credentials"


def test_throttled_per_account_not_per_ip(app):
    """Scenario 29: guessing one account is throttled; another account from the same IP still signs in."""
    victim, colleague = make_user(username="korban"), make_user(username="rekan")
    guesser = app.test_client()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert guesser.post("/api/v1/auth/login", json={"username": "korban", "password": "x"}).status_code == 401
    resp = guesser.post("/api/v1/auth/login", json={"username": "korban", "password": PASSWORD})
    assert resp.status_code == 429 and resp.get_json()["problem"] == "auth.throttled"
    assert int(resp.headers["Retry-After"]) > 0
    # Same IP (a shared village office), different account: not affected.
    login(app.test_client(), colleague)
    # Unknown accounts are throttled the same way, so a 429 reveals nothing either.
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        guesser.post("/api/v1/auth/login", json={"username": "hantu", "password": "x"})
    assert guesser.post("/api/v1/auth/login", json={"username": "hantu", "password": "x"}).status_code == 429
    assert victim.username == "korban"
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("auth.login_failed") == 10 and "auth.login_throttled" in actions


def test_throttle_resets_after_success(app, client):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        client.post("/api/v1/auth/login", json={"username": user.username, "password": "x"})
    login(client, user)
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        client.post("/api/v1/auth/login", json={"username": user.username, "password": "x"})
    login(client, user)


def test_disabled_account_sessions_die_now(app, client):
    """Scenario 30: disabling an account ends its sessions on the next request; it cannot sign in again."""
    user = make_user()
    login(client, user)
    auth.set_active(user, False)
    db.session.commit()
    assert client.get("/api/v1/auth/me").status_code == 401
    resp = client.post("/api/v1/auth/login", json={"username": user.username, "password": PASSWORD})
    assert resp.status_code == 401 and resp.get_json()["problem"] == "auth.invalid_credentials"


def test_password_change_ends_sessions(app, client):
    user = make_user()
    login(client, user)
    auth.set_password(user, "baru-sekali-123")
    db.session.commit()
    assert client.get("/api/v1/auth/me").status_code == 401
    login(client, user, "baru-sekali-123")


def test_scope_change_applies_on_next_request(app, client):
    """Scenario 27: a coordinator whose kecamatan is taken away is denied on the very next request."""
    user = make_user(role="coordinator", areas=["35.09.19"])
    login(client, user)
    assert client.get("/api/v1/areas?parent=35.09.19").status_code == 200
    db.session.delete(db.session.get(UserArea, (user.id, "35.09.19")))
    db.session.add(UserArea(user_id=user.id, area_code="35.09.25"))
    db.session.commit()
    assert client.get("/api/v1/areas?parent=35.09.19").status_code == 404
    assert client.get("/api/v1/areas?parent=35.09.25").status_code == 200


def test_coordinator_cannot_reach_other_kecamatan(app, client):
    """Scenario 27: a coordinator of X asking about Y gets not found."""
    login(client, make_user(role="coordinator", areas=["35.09.19"]))
    assert client.get("/api/v1/areas?parent=35.09.25").status_code == 404
    children = client.get("/api/v1/areas?parent=35.09.19").get_json()
    assert children and all(a["code"].startswith("35.09.19.") and a["level"] == 4 for a in children)
    # From the kabupaten down, only the own kecamatan is listed.
    assert [a["code"] for a in client.get("/api/v1/areas?parent=35.09").get_json()] == ["35.09.19"]


def test_no_session_is_401(client):
    """Scenario 30: no session → 401 with the problem body."""
    for method, url in (("get", "/api/v1/auth/me"), ("get", "/api/v1/sync/pull"), ("get", "/api/v1/areas")):
        resp = getattr(client, method)(url)
        assert resp.status_code == 401 and resp.get_json()["problem"] == "auth.required"


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no custom header: what a cross-site HTML form sends
        {"X-Requested-With": "x", "Sec-Fetch-Site": "cross-site"},
        {"X-Requested-With": "x", "Sec-Fetch-Site": "same-site"},
        {"X-Requested-With": "x", "Origin": "https://evil.example"},
        {"X-Requested-With": "x", "Origin": "null"},
    ],
)
def test_cross_site_writes_rejected(app, headers):
    """Scenario 30: a cross-site POST riding on the session cookie is refused."""
    user = make_user()
    client = app.test_client()
    login(client, user)
    resp = client.post("/api/v1/devices", json={"device_id": str(uuid.uuid4())}, headers=headers, bare=True)
    assert resp.status_code == 403 and resp.get_json()["problem"] == "csrf.rejected"
    assert (
        db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "device.registered"))
        == 0
    )


def test_same_origin_write_allowed(app):
    client = app.test_client()
    login(client, make_user())
    headers = {"X-Requested-With": "x", "Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
    resp = client.post("/api/v1/devices", json={"device_id": str(uuid.uuid4())}, headers=headers)
    assert resp.status_code == 201


def test_login_itself_needs_the_header(client):
    resp = client.post("/api/v1/auth/login", json={"username": "a", "password": "b"}, bare=True)
    assert resp.status_code == 403


def test_device_registration_is_idempotent(app, client):
    login(client, make_user())
    device_id = str(uuid.uuid4())
    first = client.post("/api/v1/devices", json={"device_id": device_id, "app_version": "0.1.0"})
    again = client.post("/api/v1/devices", json={"device_id": device_id, "app_version": "0.1.1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["app_version"] == "0.1.1"


def test_security_headers(client):
    resp = client.get("/api/v1/auth/me")
    assert resp.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] == "no-referrer"
    https = client.get("/api/v1/auth/me", base_url="https://localhost")
    assert https.headers["Strict-Transport-Security"].startswith("max-age=")


def test_passwords_are_argon2id(app):
    user = make_user()
    assert user.password_hash.startswith("$argon2id$")
