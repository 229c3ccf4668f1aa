"""The interview phase's follow-up list as a screen's API (issue 16.6): one household per desa with its best
outcome, filterable by desa and outcome, masked unless a role that may unmask asks (audited); and the optional
address and RT/RW a phone captures, kept, pulled back and exported."""

import csv
import io
import uuid

from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent
from tests.factories import assist_data, kk, login, mutation, outreach_data, push
from tests.helpers_field import log_households, petugas_client, staff_client


def test_follow_up_list_one_household_per_desa_best_outcome_masked_unless_allowed(app):
    a = petugas_client(app, ["35.09.19.1001", "35.09.19.1002"])
    log_households(a, "35.09.19.1001", [kk(serial=1), kk(serial=2)], outcome="gagal", phone="081234567890")
    log_households(a, "35.09.19.1001", [kk(serial=1)], outcome="berhasil")  # the same household, done later
    log_households(a, "35.09.19.1002", [kk(serial=3)], outcome="ditunda", head_name="Ani")
    coord = staff_client(app, "coordinator", ["35.09.19"])
    body = coord.get("/api/v1/review/follow-up").get_json()
    got = {(i["kk_number"], i["outcome"], i["visit"], i["times"], i["desa_code"]) for i in body["items"]}
    assert got == {
        ("350919••••••0001", "berhasil", False, 2, "35.09.19.1001"),
        ("350919••••••0002", "gagal", True, 1, "35.09.19.1001"),
        ("350919••••••0003", "ditunda", True, 1, "35.09.19.1002"),
    }
    assert body["unmasked"] is False and {i["phone"] for i in body["items"]} >= {"+6281••••••890"}
    visit = coord.get("/api/v1/review/follow-up", query_string={"visit": "true"}).get_json()["items"]
    assert sorted(i["kk_number"][-4:] for i in visit) == ["0002", "0003"]
    desa = coord.get("/api/v1/review/follow-up", query_string={"desa": "35.09.19.1002"}).get_json()["items"]
    assert [i["head_name"] for i in desa] == ["Ani"] and desa[0]["desa_name"]
    gagal = coord.get("/api/v1/review/follow-up", query_string={"outcome": "gagal"}).get_json()["items"]
    assert [i["kk_number"][-4:] for i in gagal] == ["0002"]
    refused = coord.get("/api/v1/review/follow-up", query_string={"unmask": "true"})
    assert (refused.status_code, refused.get_json()["problem"]) == (403, "auth.forbidden")
    sup = staff_client(app, "supervisor", ["35.09"])
    full = sup.get("/api/v1/review/follow-up", query_string={"unmask": "true", "visit": "true"}).get_json()
    assert full["unmasked"] is True and kk(serial=2) in {i["kk_number"] for i in full["items"]}
    assert "+6281234567890" in {i["phone"] for i in full["items"]}
    seen = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "follow_up.unmasked")).all()
    assert [(e.actor_id, e.details["filters"]["visit"]) for e in seen] == [(sup.user.id, "True")]
    pages, cursor = [], None
    while True:
        page = coord.get("/api/v1/review/follow-up", query_string={"limit": 2, "cursor": cursor}).get_json()
        pages.append(len(page["items"]))
        cursor = page["next"]
        if not cursor:
            break
    assert pages == [2, 1]
    assert coord.get("/api/v1/review/follow-up", query_string={"area": "35.09.20"}).status_code == 404


def test_the_export_lists_what_the_screen_lists_with_the_same_filters(app):
    """One query for both: the same households in the same order, an outcome filter on the best outcome."""
    a = petugas_client(app, ["35.09.19.1001", "35.09.19.1002"])
    log_households(a, "35.09.19.1001", [kk(serial=1), kk(serial=2)], outcome="gagal", head_name="Budi")
    log_households(a, "35.09.19.1001", [kk(serial=1)], outcome="berhasil", head_name="Budi")
    log_households(a, "35.09.19.1002", [kk(serial=3)], outcome="ditunda", head_name="Ani")
    sup = staff_client(app, "supervisor", ["35.09"])
    for filters in ({}, {"visit": "true"}, {"visit": "false"}, {"outcome": "gagal"}, {"desa": "35.09.19.1002"}):
        query = {**filters, "unmask": "true"}
        screen = sup.get("/api/v1/review/follow-up", query_string=query).get_json()["items"]
        text = sup.get("/api/v1/exports/follow-up.csv", query_string={**query, "sep": ","}).get_data()
        rows = list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))
        assert [r["Nomor KK"] for r in rows] == [i["kk_number"] for i in screen], filters
        assert [int(r["Kali dicatat"]) for r in rows] == [i["times"] for i in screen], filters
        count = sup.get("/api/v1/exports/follow-up/count", query_string=query).get_json()["rows"]
        assert count == len(screen), filters
    # kk 1 was "gagal" once, but its best outcome is "berhasil": the outcome filter reads the best outcome.
    gagal = sup.get("/api/v1/exports/follow-up.csv", query_string={"outcome": "gagal", "unmask": "true"})
    assert kk(serial=1) not in gagal.get_data().decode("utf-8-sig")


def test_address_and_rt_rw_are_kept_pulled_and_exported(app):
    phone = petugas_client(app, ["35.09.19.1001"])
    oid, aid = uuid.uuid4(), uuid.uuid4()
    data = assist_data(oid, 1, address="Dusun Krajan, Jl. Mawar 3", rt_rw="003/005")
    results = push(phone, [mutation("outreach", outreach_data(), oid), mutation("assist", data, aid)]).get_json()
    assert [r["status"] for r in results["results"]] == ["applied", "applied"]
    old_phone = assist_data(oid, 2)  # an older app version sends neither field
    assert push(phone, [mutation("assist", old_phone)]).get_json()["results"][0]["status"] == "applied"
    bad = push(phone, [mutation("assist", assist_data(oid, 3, rt_rw="3-5"))]).get_json()["results"][0]
    assert bad["status"] == "rejected" and "rt_rw" in bad["errors"]
    other = app.test_client()  # the petugas' second phone: it pulls what the first one sent
    login(other, phone.user)
    device = str(uuid.uuid4())
    assert other.post("/api/v1/devices", json={"device_id": device}).status_code == 201
    answer = other.get("/api/v1/sync/pull", query_string={"device_id": device}).get_json()
    pulled = {a["id"]: a for a in answer["assists"]}
    assert (pulled[str(aid)]["address"], pulled[str(aid)]["rt_rw"]) == ("Dusun Krajan, Jl. Mawar 3", "003/005")
    sup = staff_client(app, "supervisor", ["35.09"])
    detail = sup.get(f"/api/v1/review/assists/{aid}").get_json()
    assert (detail["address"], detail["rt_rw"]) == ("Dusun Krajan, Jl. Mawar 3", "003/005")
    for copy in (True, False):
        app.config["EXPORT_CSV_COPY"] = copy
        text = sup.get("/api/v1/exports/assists.csv").get_data().decode("utf-8-sig")
        rows = {r["Nomor KK"][-4:]: r for r in csv.DictReader(io.StringIO(text), delimiter=";")}
        assert (rows["0001"]["Alamat"], rows["0001"]["RT/RW"], rows["0002"]["Alamat"]) == (
            "Dusun Krajan, Jl. Mawar 3",
            "003/005",
            "",
        )
    follow = sup.get("/api/v1/exports/follow-up.csv").get_data().decode("utf-8-sig")
    assert "Dusun Krajan, Jl. Mawar 3" in follow
    listed = sup.get("/api/v1/review/follow-up").get_json()["items"]
    assert {i["rt_rw"] for i in listed} == {"003/005", None}
