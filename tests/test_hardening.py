"""What an attacker or a broken phone can send: one bad item never sinks a batch, nothing reaches the database
that it cannot store, sessions end on the server, secrets are strong, and nobody reviews their own record."""

import json
import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from server import create_app
from server.config import Config, TestConfig
from server.extensions import db
from server.models import Assist, Mutation
from tests.conftest import make_app
from tests.factories import assist_data, login, make_user, mutation, outreach_data, push
from tests.helpers_field import log_households, petugas_client, staff_client


def _results(resp):
    assert resp.status_code == 200, resp.get_json()
    return [(r["status"], r["problem"], sorted(r["errors"] or {})) for r in resp.get_json()["results"]]


def test_one_unstorable_item_is_rejected_alone_and_the_rest_applies(petugas):
    oid = uuid.uuid4()
    good = [mutation("outreach", outreach_data(), oid), mutation("assist", assist_data(oid, 1))]
    bad = [
        mutation("assist", assist_data(oid, 2, head_name="Budi \ud800")),  # a lone UTF-16 surrogate
        mutation("assist", assist_data(oid, 3, notes="nul\x00byte")),
        mutation("assist", assist_data(oid, 4), device_time="0001-01-01T00:00:00+01:00"),
        mutation("assist", assist_data(oid, 5), device_time="9999-12-31T23:59:59Z"),
        mutation("assist", assist_data(oid, 6), base_version=2**31),
        None,
        mutation("outreach", outreach_data(date="0001-01-01"), uuid.uuid4()),
        mutation("outreach", outreach_data(date=(date.today() + timedelta(days=3)).isoformat()), uuid.uuid4()),
    ]
    results = _results(push(petugas, [good[0], *bad, good[1]]))
    assert results[0][0] == results[-1][0] == "applied"
    assert [r[0] for r in results[1:-1]] == ["rejected"] * len(bad)
    assert [r[2] for r in results[1:-1]] == [
        ["head_name"],
        ["notes"],
        ["device_time"],
        ["device_time"],
        ["base_version"],
        ["_schema"],
        ["date"],
        ["date"],
    ]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Assist)) == 1


def test_a_phone_clock_decades_off_is_stored_clamped(petugas):
    oid = uuid.uuid4()
    resp = push(petugas, [mutation("outreach", outreach_data(), oid)], device_now="2099-12-31T00:00:00Z")
    assert _results(resp) == [("applied", None, [])]
    skew = db.session.execute(sa.text("SELECT last_clock_skew_s FROM devices")).scalar()
    assert skew == 2**31 - 1


def test_the_dedupe_memory_answers_only_its_owner(app, petugas):
    oid = uuid.uuid4()
    first = mutation("outreach", outreach_data(), oid)
    assert _results(push(petugas, [first])) == [("applied", None, [])]
    other = petugas_client(app, ["35.09.19.1001"])
    # The same mutation id from another account is that account's own new change, not a `duplicate` of B's.
    theirs = {**first, "record_id": str(uuid.uuid4())}
    resp = push(other, [theirs])
    assert [(r["status"], r["version"]) for r in resp.get_json()["results"]] == [("applied", 1)]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Mutation)) == 2
    # A third account replaying the first one's exact mutation is told "not found", never the first's version.
    third = petugas_client(app, ["35.09.19.1001"])
    assert push(third, [first]).get_json()["results"][0]["problem"] == "record.not_found"


@pytest.mark.parametrize(
    "query",
    [
        {"enumerator": 2**31},
        {"enumerator": 2**64},
        {"as_of": 10**30},
        {"limit": -(2**63)},
        {"from": "0001-01-01"},
        {"desa": "35.09.19.1001", "enumerator": "99999999999999999999999"},
    ],
)
def test_huge_numbers_and_dates_in_filters_are_field_errors(app, query):
    coord = staff_client(app, "coordinator", ["35.09.19"])
    resp = coord.get("/api/v1/review/assists", query_string=query)
    assert resp.status_code == 422 and resp.get_json()["problem"] == "request.invalid"
    export = coord.get("/api/v1/exports/assists.csv", query_string=query)
    assert export.status_code == 422  # refused before the stream starts, never cut off after a 200


def test_by_day_tallies_are_bounded(app):
    phone = petugas_client(app, ["35.09.19.1001"])
    log_households(phone, "35.09.19.1001", ["3509190101900001"], day=date.today() - timedelta(days=2))
    coord = staff_client(app, "coordinator", ["35.09.19"])
    after = coord.get("/api/v1/tallies", query_string={"by": "day", "from": date.today().isoformat()})
    assert after.status_code == 200 and [r["households"] for r in after.get_json()["rows"]] == [0]
    plain = coord.get("/api/v1/tallies", query_string={"by": "day"}).get_json()["rows"]
    assert len(plain) == 1 and plain[0]["households"] == 1
    huge = coord.get("/api/v1/tallies", query_string={"by": "day", "from": "2020-01-01", "to": "2099-01-01"})
    assert huge.status_code == 422 and "to" in huge.get_json()["errors"]


def test_deep_json_and_csv_oddities_are_clear_errors(app, petugas):
    deep = "[" * 100_000 + "]" * 100_000
    resp = petugas.post("/api/v1/sync/push", data=deep, content_type="application/json")
    assert resp.status_code == 400 and resp.get_json()["problem"] == "request.malformed"
    admin = staff_client(app, "admin", [])
    cr_only = "username,role,areas\rbudi.1,enumerator,35.09.19.1001\r"
    assert admin.post("/api/v1/users/import", json={"csv": cr_only}).status_code == 200
    huge_field = "username,role,areas\n" + "x" * 140_000 + ",enumerator,35.09.19.1001\n"
    resp = admin.post("/api/v1/users/import", json={"csv": huge_field})
    assert resp.status_code == 422 and resp.get_json()["problem"] == "import.invalid"
    resp = admin.post("/api/v1/users", json={"username": "budi.2", "role": "enumerator", "display_name": "B\udfff"})
    assert resp.status_code == 422 and "display_name" in resp.get_json()["errors"]


def test_undeclared_query_parameters_and_typed_json(client, app):
    resp = client.post("/api/v1/auth/login?debug=1", json={"username": "a", "password": "b"})
    assert resp.status_code == 422 and resp.get_json()["errors"] == {"debug": ["Kolom tidak dikenal."]}
    coord = staff_client(app, "coordinator", ["35.09.19"])
    resp = coord.post("/api/v1/review/assists/bulk-approve", json={"as_of": "5"})
    assert resp.status_code == 422 and "as_of" in resp.get_json()["errors"]
    wrong = client.get("/api/v1/auth/login")
    assert wrong.status_code == 405 and wrong.headers["Allow"] == "OPTIONS, POST"


def test_sign_out_ends_the_session_on_every_server(app, db_url):
    user = make_user(role="coordinator", areas=["35.09.19"])
    phone = app.test_client()
    login(phone, user)
    copied = phone.get_cookie("jb_session").value
    other_server = make_app(db_url).test_client()
    other_server.set_cookie("jb_session", copied)
    assert other_server.get("/api/v1/auth/me").status_code == 200
    assert phone.post("/api/v1/auth/logout").status_code == 204
    assert other_server.get("/api/v1/auth/me").status_code == 401
    thief = app.test_client()
    thief.set_cookie("jb_session", copied)
    assert thief.get("/api/v1/auth/me").get_json()["problem"] == "auth.required"


def test_own_password_change_keeps_this_session_and_ends_the_others(app):
    admin = make_user(role="admin", areas=[])
    here, elsewhere = app.test_client(), app.test_client()
    login(here, admin)
    login(elsewhere, admin)
    assert here.post(f"/api/v1/users/{admin.id}/password", json={"password": "baru-sekali-123"}).status_code == 204
    assert here.get("/api/v1/auth/me").status_code == 200
    assert elsewhere.get("/api/v1/auth/me").status_code == 401


def test_secret_key_and_public_url_are_required_outside_development(monkeypatch, tmp_path):
    base = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}", "ENV_NAME": "production"}
    for settings in ({"SECRET_KEY": None}, {"SECRET_KEY": "short"}, {"SECRET_KEY": "k" * 40, "PUBLIC_URL": None}):
        with pytest.raises(RuntimeError):
            create_app({**base, **settings})
    app = create_app({**base, "SECRET_KEY": "k" * 40, "PUBLIC_URL": "https://sensus.example.go.id"})
    assert Config.ENV_NAME == "production" or app.config["SESSION_COOKIE_SECURE"] is not None
    monkeypatch.setattr("server.INSTANCE_DIR", tmp_path)
    dev = create_app({**base, "ENV_NAME": "development", "SECRET_KEY": None})
    assert len(dev.config["SECRET_KEY"]) >= 32 and (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert dev.config["SECRET_KEY"] != TestConfig.SECRET_KEY


def test_sign_in_links_come_from_the_public_url_not_the_host_header(app):
    sup = staff_client(app, "supervisor", ["35.09"])
    user = make_user(role="enumerator", areas=["35.09.19.1001"])
    sup.set_cookie("jb_session", sup.get_cookie("jb_session").value, domain="evil.example")
    resp = sup.post(f"/api/v1/users/{user.id}/sign-in-codes", base_url="http://evil.example")
    assert resp.status_code == 201 and resp.get_json()["link"].startswith("http://localhost/#/code/")


def test_password_failures_do_not_lock_code_sign_in(app):
    sup = staff_client(app, "supervisor", ["35.09"])
    user = make_user(role="enumerator", areas=["35.09.19.1001"])
    code = sup.post(f"/api/v1/users/{user.id}/sign-in-codes").get_json()["code"]
    phone = app.test_client()
    for name in ("code:127.0.0.1", "127.0.0.1", "code:-"):
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            phone.post("/api/v1/auth/login", json={"username": name, "password": "salah"})
    assert phone.post("/api/v1/auth/code", json={"code": code}).status_code == 200


def test_four_eyes_nobody_reviews_their_own_record(app):
    coord = petugas_client(app, ["35.09.19.1001"])
    db.session.execute(sa.text("UPDATE users SET role = 'coordinator' WHERE id = :i"), {"i": coord.user.id})
    db.session.execute(sa.text("DELETE FROM user_areas WHERE user_id = :i"), {"i": coord.user.id})
    db.session.execute(sa.text("INSERT INTO user_areas VALUES (:i, '35.09.19')"), {"i": coord.user.id})
    db.session.commit()
    _, (own,) = log_households(coord, "35.09.19.1001", ["3509190101900001"])
    detail = coord.get(f"/api/v1/review/assists/{own}")
    resp = coord.post(
        f"/api/v1/review/assists/{own}/decision",
        json={"action": "approve"},
        headers={"If-Match": detail.headers["ETag"]},
    )
    assert resp.status_code == 403 and resp.get_json()["problem"] == "review.own_record"
    as_of = coord.get("/api/v1/review/assists").get_json()["as_of"]
    assert coord.post("/api/v1/review/assists/bulk-approve", json={"as_of": as_of}).get_json()["approved"] == 0
    other = staff_client(app, "coordinator", ["35.09.19"])
    detail = other.get(f"/api/v1/review/assists/{own}")
    resp = other.post(
        f"/api/v1/review/assists/{own}/decision",
        json={"action": "approve"},
        headers={"If-Match": detail.headers["ETag"]},
    )
    assert resp.status_code == 200, json.dumps(resp.get_json())


def _approve(reviewer, assist_id):
    etag = reviewer.get(f"/api/v1/review/assists/{assist_id}").headers["ETag"]
    url = f"/api/v1/review/assists/{assist_id}/decision"
    return reviewer.post(url, json={"action": "approve"}, headers={"If-Match": etag})
