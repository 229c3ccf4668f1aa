"""Administration: accounts, one-time sign-in codes, phones, targets, CSV imports and the audit log."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from server.extensions import db
from server.models import AuditEvent, SignInCode, Target, User
from server.models.types import utcnow
from tests.factories import login, make_user, mutation, outreach_data, push
from tests.helpers_field import petugas_client, staff_client

KALIWATES_DESA = "35.09.19.1001"
TTU_DESA = "53.03.01.2005"


def _actions():
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def jember(app):
    """A Jember supervisor, a TTU supervisor, an admin, a Jember petugas and a TTU petugas."""
    return {
        "sup": staff_client(app, "supervisor", ["35.09"]),
        "sup_ttu": staff_client(app, "supervisor", ["53.03"]),
        "admin": staff_client(app, "admin", []),
        "coord": staff_client(app, "coordinator", ["35.09.19"]),
        "pet": petugas_client(app, [KALIWATES_DESA]),
        "pet_ttu": petugas_client(app, [TTU_DESA]),
    }


def _requests(ids):
    """Every administration endpoint, aimed at the Jember petugas' account and phone."""
    uid, dev = ids["pet"].user.id, ids["pet"].device_id
    csv = "username,role,areas\nbaru1,petugas,35.09.19.1002\n"
    return [
        ("get", "/api/v1/users", None),
        (
            "post",
            "/api/v1/users",
            {
                "username": f"x{uuid.uuid4().hex[:6]}",
                "role": "enumerator",
                "areas": [KALIWATES_DESA],
                "password": "rahasia-123",
            },
        ),
        ("get", f"/api/v1/users/{uid}", None),
        ("patch", f"/api/v1/users/{uid}", {"display_name": "Nama Baru"}),
        ("post", f"/api/v1/users/{uid}/password", {"password": "rahasia-456"}),
        ("post", f"/api/v1/users/{uid}/sign-in-codes", None),
        ("post", "/api/v1/users/import", {"csv": csv, "dry_run": True}),
        ("post", f"/api/v1/devices/{dev}/revoke", None),
        ("post", f"/api/v1/devices/{dev}/restore", None),
        ("get", "/api/v1/targets?area=35.09", None),
        ("put", "/api/v1/targets/35.09.19", {"population": 1000, "households": 300, "target_pct": 90}),
        (
            "post",
            "/api/v1/targets/import",
            {"csv": "area_code,population,households,target_pct\n35.09.19,10,3,50\n", "dry_run": True},
        ),
        ("get", "/api/v1/audit-events", None),
    ]


@pytest.mark.parametrize(
    "who, expected",
    [
        ("pet", {403}),
        ("coord", {403, 200}),  # the audit log (of their kecamatan) only: checked below
        ("sup_ttu", {404}),  # the Jember account, phone and areas do not exist for TTU
        ("sup", {200, 201, 204}),
        ("admin", {200, 201, 204}),
    ],
)
def test_role_and_scope_matrix(app, jember, who, expected):
    client = jember[who]
    for method, url, body in _requests(jember):
        resp = getattr(client, method)(url, json=body)
        # Lists answer 200 with only what is in scope, so a TTU supervisor gets 200 there (checked below).
        allowed = (
            {200} if who == "sup_ttu" and method == "get" and "?" not in url and "/users/" not in url else expected
        )
        if who == "sup_ttu" and method == "post" and url.endswith(("/users", "/import")):
            allowed = {422}  # creating in Jember, or importing into it, is outside their kabupaten
        if who == "coord":
            allowed = {200} if url == "/api/v1/audit-events" else {403}
        assert resp.status_code in allowed, (who, method, url, resp.status_code, resp.get_json())
        if resp.status_code >= 400:
            assert resp.get_json()["problem"]


def test_anonymous_gets_401_everywhere(app, jember):
    anon = app.test_client()
    for method, url, body in _requests(jember):
        resp = getattr(anon, method)(url, json=body)
        assert resp.status_code == 401, (method, url)
        assert resp.get_json()["problem"] == "auth.required"


def test_supervisor_sees_and_manages_only_petugas_and_coordinators_of_their_kabupaten(app, jember):
    sup = jember["sup"]
    names = {u["username"] for u in sup.get("/api/v1/users").get_json()["items"]}
    assert jember["pet"].user.username in names and jember["coord"].user.username in names
    assert jember["pet_ttu"].user.username not in names and sup.user.username not in names
    assert jember["admin"].user.username not in names
    # Not a supervisor, not outside Jember, not themselves.
    for body, field in (
        ({"username": "sup2", "role": "supervisor", "areas": ["35.09"]}, "role"),
        ({"username": "petugas2", "role": "enumerator", "areas": [TTU_DESA]}, "areas"),
        ({"username": "petugas3", "role": "enumerator", "areas": ["35.09.19"]}, "areas"),
        ({"username": "ab", "role": "enumerator", "areas": [KALIWATES_DESA]}, "username"),
    ):
        resp = sup.post("/api/v1/users", json=body)
        assert resp.status_code == 422 and field in resp.get_json()["errors"], (body, resp.get_json())
    assert sup.get(f"/api/v1/users/{sup.user.id}").status_code == 404
    assert sup.get(f"/api/v1/users/{jember['pet_ttu'].user.id}").status_code == 404
    # Moving a petugas to another desa of Jember is fine; to TTU is not.
    uid = jember["pet"].user.id
    assert (
        sup.patch(f"/api/v1/users/{uid}", json={"areas": ["35.09.19.1002"]}).get_json()["areas"][0]["code"]
        == "35.09.19.1002"
    )
    assert sup.patch(f"/api/v1/users/{uid}", json={"areas": [TTU_DESA]}).status_code == 422
    # The admin may do anything, but not disable themselves.
    admin = jember["admin"]
    assert (
        admin.patch(f"/api/v1/users/{admin.user.id}", json={"active": False}).get_json()["problem"]
        == "user.self_change"
    )
    made = admin.post(
        "/api/v1/users", json={"username": "sup2", "role": "supervisor", "areas": ["53.03"], "password": "rahasia-123"}
    )
    assert made.status_code == 201 and made.get_json()["role"] == "supervisor"


def test_list_filters_and_pages(app, jember):
    admin = jember["admin"]
    for i in range(5):
        make_user(
            role="enumerator", areas=["35.09.19.1002"], username=f"halaman{i}", display_name=f"Petugas Halaman {i}"
        )
    first = admin.get("/api/v1/users?q=halaman&limit=2").get_json()
    body = admin.get("/api/v1/users", query_string={"q": "halaman", "limit": 2, "cursor": first["next"]}).get_json()
    assert body["total"] == 5 and [u["username"] for u in body["items"]] == ["halaman2", "halaman3"]
    last = admin.get("/api/v1/users", query_string={"q": "halaman", "limit": 2, "cursor": body["next"]}).get_json()
    assert [u["username"] for u in last["items"]] == ["halaman4"] and last["next"] is None
    assert admin.get("/api/v1/users?area=53.03").get_json()["total"] == 2  # the TTU supervisor and petugas
    assert admin.get("/api/v1/users?role=admin").get_json()["items"][0]["username"] == admin.user.username
    assert admin.get("/api/v1/users?limit=500").status_code == 422


def test_create_disable_and_reset_password_end_sessions(app, jember):
    sup = jember["sup"]
    resp = sup.post(
        "/api/v1/users",
        json={
            "username": "Siti.Aminah",
            "display_name": "Siti Aminah",
            "role": "enumerator",
            "areas": [KALIWATES_DESA],
            "password": "rahasia-123",
        },
    )
    assert resp.status_code == 201
    created = resp.get_json()
    assert created["username"] == "siti.aminah" and created["has_password"] and "password" not in created
    phone = app.test_client()
    login(phone, type("U", (), {"username": "siti.aminah", "password": "rahasia-123"}))
    assert phone.get("/api/v1/auth/me").status_code == 200
    assert sup.patch(f"/api/v1/users/{created['id']}", json={"active": False}).get_json()["active"] is False
    assert phone.get("/api/v1/auth/me").status_code == 401
    assert (
        phone.post("/api/v1/auth/login", json={"username": "siti.aminah", "password": "rahasia-123"}).status_code == 401
    )
    sup.patch(f"/api/v1/users/{created['id']}", json={"active": True})
    login(phone, type("U", (), {"username": "siti.aminah", "password": "rahasia-123"}))
    assert sup.post(f"/api/v1/users/{created['id']}/password", json={"password": "pendek"}).status_code == 422
    assert sup.post(f"/api/v1/users/{created['id']}/password", json={"password": "kata-sandi-baru"}).status_code == 204
    assert phone.get("/api/v1/auth/me").status_code == 401
    login(phone, type("U", (), {"username": "siti.aminah", "password": "kata-sandi-baru"}))
    actions = _actions()
    for action in ("user.created", "user.updated", "user.password_reset"):
        assert action in actions
    # No password ever reaches the audit log.
    assert not any(
        "rahasia" in str(d) or "kata-sandi" in str(d) for d in db.session.scalars(select(AuditEvent.details))
    )


def test_sign_in_code_signs_one_phone_in_once(app, jember):
    sup = jember["sup"]
    created = sup.post(
        "/api/v1/users", json={"username": "tanpa.sandi", "role": "enumerator", "areas": [KALIWATES_DESA]}
    ).get_json()
    assert created["has_password"] is False
    # An account without a password cannot be guessed into.
    assert (
        app.test_client().post("/api/v1/auth/login", json={"username": "tanpa.sandi", "password": "!"}).status_code
        == 401
    )
    issued = sup.post(f"/api/v1/users/{created['id']}/sign-in-codes").get_json()
    code = issued["code"]
    assert len(code) == 9 and code[4] == "-" and issued["link"].endswith("/#/code/" + code.replace("-", ""))
    assert issued["qr_svg"].startswith("data:image/svg+xml;base64,")
    assert db.session.scalar(select(SignInCode.code_hash)) != code.replace("-", "")  # only a keyed hash is kept
    phone = app.test_client()
    resp = phone.post("/api/v1/auth/code", json={"code": code.lower().replace("-", " ")})
    assert resp.status_code == 200 and resp.get_json()["username"] == "tanpa.sandi"
    assert phone.get("/api/v1/auth/me").get_json()["username"] == "tanpa.sandi"
    again = app.test_client().post("/api/v1/auth/code", json={"code": code})
    assert again.status_code == 401 and again.get_json()["problem"] == "auth.code_invalid"
    # A new code replaces an unused older one; an expired one does not work.
    first = sup.post(f"/api/v1/users/{created['id']}/sign-in-codes").get_json()["code"]
    second = sup.post(f"/api/v1/users/{created['id']}/sign-in-codes").get_json()["code"]
    assert app.test_client().post("/api/v1/auth/code", json={"code": first}).status_code == 401
    db.session.execute(update(SignInCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert app.test_client().post("/api/v1/auth/code", json={"code": second}).status_code == 401
    actions = _actions()
    assert actions.count("sign_in_code.issued") == 3 and "auth.code_login" in actions and "auth.code_failed" in actions


def test_guessing_codes_is_throttled(app, jember):
    guesser = app.test_client()
    statuses = [guesser.post("/api/v1/auth/code", json={"code": "AAAA-AAAA"}).status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429


def test_revoked_phone_is_refused_with_a_reason_until_restored(app, jember):
    pet, sup = jember["pet"], jember["sup"]
    detail = sup.get(f"/api/v1/users/{pet.user.id}").get_json()
    assert [d["id"] for d in detail["devices"]] == [pet.device_id] and detail["devices"][0]["revoked_at"] is None
    assert sup.post(f"/api/v1/devices/{pet.device_id}/revoke").get_json()["revoked_at"]
    resp = push(pet, [mutation("outreach", outreach_data())])
    assert resp.status_code == 403 and resp.get_json()["problem"] == "device.revoked"
    assert "supervisor" in resp.get_json()["detail"]
    assert sup.get(f"/api/v1/users/{pet.user.id}").get_json()["device_count"] == 0
    sup.post(f"/api/v1/devices/{pet.device_id}/restore")
    assert push(pet, [mutation("outreach", outreach_data())]).status_code == 200
    assert jember["sup_ttu"].post(f"/api/v1/devices/{pet.device_id}/revoke").status_code == 404
    assert sup.post(f"/api/v1/devices/{uuid.uuid4()}/revoke").get_json()["problem"] == "device.not_found"
    assert {"device.revoked", "device.restored"} <= set(_actions())


def test_user_import_dry_run_reports_every_bad_line_and_imports_nothing(app, jember):
    sup = jember["sup"]
    existing = jember["pet"].user.username
    csv = (
        "\ufeffusername;display_name;role;areas;password\n"
        "ani;Ani;petugas;35.09.19.1001;rahasia-123\n"
        f"{existing};Sudah Ada;petugas;35.09.19.1001;\n"
        "budi;Budi;supervisor;35.09;\n"
        "ani;Ani Lagi;petugas;35.09.19.1002;\n"
        "\n"
        "cici;Cici;koordinator;35.09.19 35.09.20;pendek\n"
        "dodi;Dodi;petugas;53.03.01.2005;\n"
    )
    for dry_run in (True, False):
        resp = sup.post(
            "/api/v1/users/import", json={"csv": csv, "dry_run": dry_run}, headers={"Accept-Language": "id"}
        )
        body = resp.get_json()
        assert resp.status_code == 422 and body["problem"] == "import.invalid"
        assert body["detail"].startswith("5 baris")
        assert set(body["errors"]) == {"3", "4", "5", "7", "8"}
        assert body["errors"]["3"]["username"] == ["Sudah dipakai."]
        assert body["errors"]["5"]["username"] == ["Sama dengan baris 2."]
        assert body["errors"]["7"]["password"] and body["errors"]["8"]["areas"] == ["Di luar wewenang peran Anda."]
    assert db.session.scalar(select(func.count()).select_from(User).where(User.username == "ani")) == 0
    good = "username,display_name,role,areas\nani,Ani,petugas,35.09.19.1001\ncici,Cici,koordinator,35.09.19;35.09.20\n"
    report = sup.post("/api/v1/users/import", json={"csv": good}).get_json()
    assert report == {"dry_run": True, "rows": 2, "created": 0, "without_password": 2}
    assert db.session.scalar(select(func.count()).select_from(User).where(User.username == "ani")) == 0
    report = sup.post("/api/v1/users/import", json={"csv": good, "dry_run": False}).get_json()
    assert report["created"] == 2
    cici = db.session.scalar(select(User).where(User.username == "cici"))
    assert cici.role == "coordinator" and cici.area_codes == ["35.09.19", "35.09.20"]
    bad_header = sup.post("/api/v1/users/import", json={"csv": "nama,peran\nx,y\n"}).get_json()
    assert bad_header["errors"]["1"]["_header"]


def test_targets_edit_and_import_with_dry_run(app, jember):
    sup = jember["sup"]
    row = sup.put(
        "/api/v1/targets/35.09.19", json={"population": 100000, "households": 30000, "target_pct": 75.5}
    ).get_json()
    assert row["target_persons"] == 75500 and row["target_pct"] == 75.5
    listed = sup.get("/api/v1/targets").get_json()
    assert listed["area"]["code"] == "35.09" and any(
        r["code"] == "35.09.19" and r["population"] == 100000 for r in listed["rows"]
    )
    assert (
        sup.put("/api/v1/targets/35.09.19", json={"population": -1, "households": 1, "target_pct": 101}).status_code
        == 422
    )
    assert (
        jember["sup_ttu"]
        .put("/api/v1/targets/35.09.19", json={"population": 1, "households": 1, "target_pct": 1})
        .status_code
        == 404
    )
    csv = (
        "area_code,population,households,target_pct\n"
        '35.09.19,1.000,300,"80,5"\n'
        "35.09.20,abc,10,50\n"
        "53.03.01,10,1,50\n"
        "35.09.99,1,1,1\n"
        "35.09.19,1,1,1\n"
    )
    body = sup.post("/api/v1/targets/import", json={"csv": csv}).get_json()
    assert set(body["errors"]) == {"3", "4", "5", "6"}
    assert db.session.get(Target, "35.09.19").population == 100000  # unchanged
    good = 'area_code,population,households,target_pct\n35.09.19,1.000,300,"80,5"\n35.09.20,2000,600,90\n'
    assert sup.post("/api/v1/targets/import", json={"csv": good}).get_json() == {
        "dry_run": True,
        "rows": 2,
        "created": 1,
        "updated": 1,
    }
    sup.post("/api/v1/targets/import", json={"csv": good, "dry_run": False})
    db.session.expire_all()
    assert (
        db.session.get(Target, "35.09.19").population == 1000
        and float(db.session.get(Target, "35.09.19").target_pct) == 80.5
    )
    tallies = sup.get("/api/v1/tallies?area=35.09").get_json()
    assert next(r for r in tallies["rows"] if r["key"] == "35.09.20")["population"] == 2000
    assert {"target.updated", "target.imported"} <= set(_actions())


def test_audit_log_is_searchable_paged_scoped_and_append_only(app, jember):
    sup, admin = jember["sup"], jember["admin"]
    app.test_client().post("/api/v1/auth/login", json={"username": jember["pet"].user.username, "password": "salah"})
    app.test_client().post(
        "/api/v1/auth/login", json={"username": jember["pet_ttu"].user.username, "password": "salah"}
    )
    sup.post(f"/api/v1/devices/{jember['pet'].device_id}/revoke")
    admin.post(f"/api/v1/users/{jember['pet'].user.id}/password", json={"password": "kata-sandi-baru"})
    seen = sup.get("/api/v1/audit-events?limit=200").get_json()["items"]
    people = {e["actor"]["username"] for e in seen if e["actor"]}
    assert jember["pet_ttu"].user.username not in people and jember["sup_ttu"].user.username not in people
    assert any(e["action"] == "auth.login_failed" and e["actor"]["id"] == jember["pet"].user.id for e in seen)
    assert any(e["action"] == "user.password_reset" for e in seen)  # done by the admin, to their petugas
    assert any(e["action"] == "device.revoked" for e in seen)
    everything = admin.get("/api/v1/audit-events?limit=200").get_json()["items"]
    assert len(everything) > len(seen)
    failed = admin.get("/api/v1/audit-events?action=auth.login_failed").get_json()["items"]
    assert len(failed) == 2
    mine = admin.get(f"/api/v1/audit-events?actor={sup.user.username}&action=device").get_json()["items"]
    assert [e["action"] for e in mine] == ["device.revoked"]
    # Paging with the cursor walks the whole log without repeats.
    ids, cursor = [], None
    while True:
        page = admin.get(
            "/api/v1/audit-events", query_string={"limit": 3, **({"cursor": cursor} if cursor else {})}
        ).get_json()
        ids += [e["id"] for e in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    assert ids == sorted(ids, reverse=True) and len(ids) == len(set(ids)) == len(everything)
    assert admin.get("/api/v1/audit-events?from=2098-01-01T00:00:00Z").get_json()["items"] == []
    for method in ("put", "patch", "delete", "post"):
        assert getattr(admin, method)("/api/v1/audit-events", json={}).status_code == 405
    # A coordinator sees the people of their kecamatan: the Kaliwates petugas, not TTU's.
    theirs = jember["coord"].get("/api/v1/audit-events?limit=200").get_json()["items"]
    assert any(e["actor"] and e["actor"]["id"] == jember["pet"].user.id for e in theirs)
    assert not any(e["actor"] and e["actor"]["id"] == jember["pet_ttu"].user.id for e in theirs)
    assert jember["pet_ttu"].get("/api/v1/audit-events").status_code == 403


def test_the_audit_log_reads_in_words_one_row_per_export_within_dates(app, jember):
    """Issue 16.8: action names and details in words (id/en), one row per export with masked or not and its
    rows and downloads, a date range, and a coordinator's view of their kecamatan's events."""
    from tests.helpers_field import log_households

    sup, coord = jember["sup"], jember["coord"]
    log_households(jember["pet"], KALIWATES_DESA, ["3509190101900001", "3509190101900002"])
    assert len(sup.get("/api/v1/exports/assists.csv", query_string={"outcome": "berhasil"}).get_data()) > 0
    job = sup.post("/api/v1/exports/jobs", json={"kind": "tallies", "format": "xlsx"}).get_json()
    page = sup.get("/api/v1/audit-events", query_string={"action": "export"}).get_json()
    rows = {e["action"]: e for e in page["items"]}
    assert set(rows) == {"export.assists", "export.tallies"}  # ends and downloads fold into their start
    direct = rows["export.assists"]
    assert direct["label"] == "Ekspor data pendampingan" and direct["done"]["rows"] == 2
    assert direct["summary"].startswith("CSV; disamarkan; 2 baris; filter: outcome=Berhasil"), direct["summary"]
    queued = rows["export.tallies"]
    assert queued["done"] is None and "belum selesai" in queued["summary"] and queued["details"]["job"] == job["id"]
    english = sup.get("/api/v1/audit-events?action=export", headers={"Accept-Language": "en"}).get_json()
    assert {e["label"] for e in english["items"]} == {"Exported assist records", "Exported a ranking table"}
    assert ("export", "Exports") in {(g["code"], g["label"]) for g in english["groups"]}
    today = utcnow().date()
    window = {"from": f"{today}T00:00:00Z", "to": f"{today + timedelta(days=1)}T00:00:00Z"}
    assert sup.get("/api/v1/audit-events", query_string=window).get_json()["items"]
    before = {"from": f"{today - timedelta(days=3)}T00:00:00Z", "to": f"{today - timedelta(days=2)}T00:00:00Z"}
    assert sup.get("/api/v1/audit-events", query_string=before).get_json()["items"] == []
    # The coordinator's view: their kecamatan's people (and themselves), not the kabupaten supervisor's exports.
    seen = coord.get("/api/v1/audit-events?limit=200").get_json()["items"]
    assert {e["actor"]["id"] for e in seen if e["actor"]} <= {coord.user.id, jember["pet"].user.id}
    assert all(e["label"] != e["action"] for e in seen), [e["action"] for e in seen if e["label"] == e["action"]]


IMPORT_AREAS = """code,name,level,parent,bps_code
99,PROVINSI UJI,provinsi,,99
99.01,KABUPATEN UJI,2,99,9901
99.01.01,Kecamatan Uji,3,99.01,9901010
9901012001,Desa Uji,desa,990101,9901010001
"""


def test_import_areas_command(app, runner, tmp_path):
    bad = tmp_path / "bad.csv"
    rows = "99.01.02.2001,Desa Yatim,4,99.01.02,\n99.1,Salah,2,99,\n99.01,Dua Kali,2,99,\n"
    bad.write_text(IMPORT_AREAS + rows + '99.01.01.2002,"=HYPERLINK(""x"")",4,99.01.01,\n')
    result = runner.invoke(args=["import-areas", str(bad)])
    assert result.exit_code != 0
    assert "line 6: parent" in result.output and "line 7: code" in result.output and "line 8: code" in result.output
    assert "line 9: name" in result.output  # a name is written into exports as it is: never a formula
    assert db.session.scalar(select(func.count()).where(db.metadata.tables["areas"].c.code.startswith("99"))) == 0
    good = tmp_path / "good.csv"
    good.write_text(IMPORT_AREAS)
    assert "4 areas would load" in runner.invoke(args=["import-areas", str(good), "--dry-run"]).output
    result = runner.invoke(args=["import-areas", str(good)])
    assert result.exit_code == 0 and "4 new" in result.output
    assert make_user(role="enumerator", areas=["99.01.01.2001"])
    assert "0 new, 4 updated" in runner.invoke(args=["import-areas", str(good)]).output


def test_a_petugas_phone_is_kept_masked_in_lists_and_given_to_call_a_silent_phone(app, jember):
    """Issue 16.4: accounts get a phone number (checked, stored as +62…, masked in the accounts list); the silent
    phones list has it, with each petugas' kecamatan, for the call and WhatsApp links."""
    sup, coord = jember["sup"], jember["coord"]
    created = sup.post(
        "/api/v1/users",
        json={"username": "rina", "role": "enumerator", "areas": [KALIWATES_DESA], "phone": "0812-3456-7890"},
    )
    assert created.status_code == 201, created.get_json()
    user = created.get_json()
    assert user["phone"] == "+6281••••••890"
    assert db.session.get(User, user["id"]).phone == "+6281234567890"
    bad = sup.post(
        "/api/v1/users", json={"username": "rudi", "role": "enumerator", "areas": [KALIWATES_DESA], "phone": "12"}
    )
    assert bad.status_code == 422 and bad.get_json()["errors"]["phone"]
    listed = sup.get("/api/v1/users", query_string={"q": "rina"}).get_json()["items"]
    assert [u["phone"] for u in listed] == ["+6281••••••890"]
    unchanged = sup.patch(f"/api/v1/users/{user['id']}", json={"display_name": "Rina"})
    assert unchanged.status_code == 200 and db.session.get(User, user["id"]).phone == "+6281234567890"
    assert sup.patch(f"/api/v1/users/{user['id']}", json={"phone": "+62 813 1111 2222"}).status_code == 200
    db.session.expire_all()
    assert db.session.get(User, user["id"]).phone == "+6281311112222"
    blank = {"username": "rudi", "role": "enumerator", "areas": [KALIWATES_DESA], "phone": ""}
    made = sup.post("/api/v1/users", json=blank).get_json()
    assert made.get("phone", "missing") is None, made  # empty is no number, not a 500
    cleared = sup.post("/api/v1/users", json={**blank, "username": "rudi2", "phone": "0812-1111-2222"}).get_json()
    assert sup.patch(f"/api/v1/users/{cleared['id']}", json={"phone": ""}).get_json()["phone"] is None
    rows = coord.get("/api/v1/tallies", query_string={"by": "enumerator"}).get_json()["rows"]
    rina = next(r for r in rows if r["username"] == "rina")
    assert (rina["silent"], rina["phone"], rina["kecamatan_code"], rina["kecamatan_name"]) == (
        "never_synced",
        "+6281311112222",
        "35.09.19",
        "Kaliwates",
    )
    imported = "username;role;areas;phone\nsari;petugas;35.09.19.1002;0857 1234 5678\ntono;petugas;35.09.19.1002;abc\n"
    report = sup.post("/api/v1/users/import", json={"csv": imported, "dry_run": False})
    assert report.status_code == 422 and set(report.get_json()["errors"]) == {"3"}
    fixed = imported.replace(";abc", ";")
    assert sup.post("/api/v1/users/import", json={"csv": fixed, "dry_run": False}).get_json()["created"] == 2
    assert db.session.scalar(select(User.phone).where(User.username == "sari")) == "+6285712345678"


def test_administration_needs_no_codes_templates_and_messages_in_the_users_words(app, jember):
    """Issue 16.7: areas picked by name (search by level), a template for every import that imports as it is,
    and messages that say what is wrong in the user's words and language (no internal role names)."""
    import csv as csv_module
    import io

    import openpyxl

    sup = jember["sup"]
    found = sup.get("/api/v1/areas/search", query_string={"q": "kaliwates", "level": 4}).get_json()
    assert found and {a["level"] for a in found} == {4}
    kecamatan = sup.get("/api/v1/areas/search", query_string={"q": "kaliwates", "level": 3}).get_json()
    assert [a["code"] for a in kecamatan] == ["35.09.19"]
    new = {"username": "nina", "role": "enumerator"}
    wrong = sup.post("/api/v1/users", json={**new, "areas": ["35.09.19"]}, headers={"Accept-Language": "id"})
    assert wrong.get_json()["errors"]["areas"] == [
        "Petugas ditugaskan ke desa/kelurahan; bukan: Kaliwates (kecamatan)."
    ]
    english = sup.post(
        "/api/v1/users", json={**new, "areas": ["35.09.19", "35.09.99.9999"]}, headers={"Accept-Language": "en"}
    )
    assert english.get_json()["errors"]["areas"] == [
        "Unknown area: 35.09.99.9999.",
        "Enumerator is given a village; not: Kaliwates (a sub-district).",
    ]
    none = sup.post("/api/v1/users", json={**new, "areas": []}, headers={"Accept-Language": "id"})
    assert none.get_json()["errors"]["areas"] == ["Pilih paling sedikit satu wilayah."]
    assert "enumerator" not in str(wrong.get_json()) and "enumerator" not in str(english.get_json()["errors"])

    # Templates: the users file has two example accounts of the kabupaten, and imports as it is.
    users_csv = sup.get("/api/v1/users/template.csv")
    assert "attachment" in users_csv.headers["Content-Disposition"]
    rows = list(csv_module.DictReader(io.StringIO(users_csv.get_data().decode("utf-8-sig"))))
    assert [r["role"] for r in rows] == ["petugas", "koordinator"]
    assert rows[0]["areas"].startswith("35.09.") and rows[0]["areas"].count(".") == 3
    report = sup.post("/api/v1/users/import", json={"csv": users_csv.get_data().decode("utf-8-sig")})
    assert report.status_code == 200 and report.get_json()["rows"] == 2, report.get_json()
    book = openpyxl.load_workbook(io.BytesIO(sup.get("/api/v1/users/template.xlsx").get_data()))
    assert [c.value for c in book.worksheets[0][1]] == [
        "username",
        "display_name",
        "role",
        "areas",
        "password",
        "phone",
    ]
    # The targets file lists each kecamatan with its target as it stands, and imports as it is once filled.
    target = {"population": 1000, "households": 300, "target_pct": 50}
    assert sup.put("/api/v1/targets/35.09.19", json=target).status_code == 200
    text = sup.get("/api/v1/targets/template.csv").get_data().decode("utf-8-sig")
    targets = list(csv_module.DictReader(io.StringIO(text)))
    assert len(targets) == 31 and {"area_code", "name", "population"} <= set(targets[0])
    mine = next(r for r in targets if r["area_code"] == "35.09.19")
    assert (mine["name"], mine["population"], mine["target_pct"]) == ("Kaliwates", "1000", "50.0")
    filled = "\n".join(line for line in text.splitlines() if "35.09.19," in line or line.startswith("area_code"))
    assert sup.post("/api/v1/targets/import", json={"csv": filled}).get_json()["rows"] == 1
    assert jember["coord"].get("/api/v1/targets/template.csv").status_code == 403
    assert sup.get("/api/v1/users/template.csv", query_string={"area": "53.03"}).status_code == 404
