"""Review: decisions reach the phone through pull, ETag/If-Match, duplicates, bulk approve, scope and roles."""

import base64
import uuid

from sqlalchemy import select

from server.extensions import db
from server.models import AuditEvent, HouseholdCount, ReviewEvent
from tests.factories import assist_data, kk, mutation, push
from tests.helpers_field import log_households, petugas_client, staff_client


def _open(client, assist_id):
    resp = client.get(f"/api/v1/review/assists/{assist_id}")
    assert resp.status_code == 200, resp.get_json()
    return resp


def _decide(client, assist_id, etag, action, comment=None):
    return client.post(
        f"/api/v1/review/assists/{assist_id}/decision",
        json={"action": action, "comment": comment},
        headers={"If-Match": etag} if etag else {},
    )


def _pull_all(phone):
    body = phone.get("/api/v1/sync/pull", query_string={"device_id": phone.device_id}).get_json()
    return {a["id"]: a for a in body["assists"]}


def test_flag_reaches_the_phone_and_the_corrected_version_comes_back(app):
    phone = petugas_client(app, ["35.09.19.1001"])
    oid, (aid,) = log_households(phone, "35.09.19.1001", [kk(serial=7)])
    assert _pull_all(phone) == {}  # its own records are not downloaded again
    coord = staff_client(app, "coordinator", ["35.09.19"])
    opened = _open(coord, aid)
    detail = opened.get_json()
    assert opened.headers["ETag"] == detail["etag"]
    assert detail["kk_number"] == "350919••••••0007" and detail["review_state"] == "received"

    flagged = _decide(coord, aid, detail["etag"], "flag", "Jumlah anggota tidak sesuai KK.")
    assert flagged.status_code == 200 and flagged.get_json()["review_state"] == "flagged"
    pulled = _pull_all(phone)[str(aid)]
    assert (pulled["review_state"], pulled["review_comment"]) == ("flagged", "Jumlah anggota tidak sesuai KK.")
    assert pulled["version"] == 1  # a review is not an edit: the phone's base version still holds

    fixed = assist_data(oid, kk_number=kk(serial=7), members=6)
    result = push(phone, [mutation("assist", fixed, aid, base_version=1)]).get_json()["results"][0]
    assert (result["status"], result["version"]) == ("applied", 2)

    again = _open(coord, aid).get_json()
    assert (again["version"], again["members"], again["review_state"]) == (2, 6, "received")
    assert [h["to_state"] for h in again["history"]] == ["flagged"]
    assert [v["version"] for v in again["versions"]] == [1, 2]
    approved = _decide(coord, aid, again["etag"], "approve")
    assert approved.get_json()["review_state"] == "approved"
    assert _pull_all(phone)[str(aid)]["review_state"] == "approved"
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == str(aid))).all()
    assert {"review.viewed", "review.flag", "review.approve"} <= set(actions)


def test_two_reviewers_never_overwrite_each_other(app):
    phone = petugas_client(app, ["35.09.19.1001"])
    _, (aid,) = log_households(phone, "35.09.19.1001", [kk(serial=1)])
    first = staff_client(app, "coordinator", ["35.09.19"])
    second = staff_client(app, "supervisor", ["35.09"])
    seen_by_first = _open(first, aid).get_json()["etag"]
    seen_by_second = _open(second, aid).get_json()["etag"]
    assert _decide(first, aid, seen_by_first, "reject", "KK palsu").status_code == 200
    late = _decide(second, aid, seen_by_second, "approve")
    body = late.get_json()
    assert (late.status_code, body["problem"]) == (412, "review.stale")
    assert late.headers["ETag"] != seen_by_second
    assert _open(second, aid).get_json()["review_state"] == "rejected"
    missing = _decide(second, aid, None, "approve")
    assert (missing.status_code, missing.get_json()["problem"]) == (428, "review.precondition_required")
    no_comment = _decide(first, aid, late.headers["ETag"], "flag")
    assert (no_comment.status_code, no_comment.get_json()["problem"]) == (422, "review.comment_required")
    assert db.session.scalar(select(ReviewEvent.to_state)) == "rejected"


def test_an_edit_on_the_phone_makes_the_reviewers_etag_stale(app):
    phone = petugas_client(app, ["35.09.19.1001"])
    oid, (aid,) = log_households(phone, "35.09.19.1001", [kk(serial=1)])
    coord = staff_client(app, "coordinator", ["35.09.19"])
    etag = _open(coord, aid).get_json()["etag"]
    push(phone, [mutation("assist", assist_data(oid, kk_number=kk(serial=1), members=2), aid, base_version=1)])
    assert _decide(coord, aid, etag, "approve").status_code == 412


def test_duplicates_across_petugas_are_flagged_listed_and_resolved(app):
    same = kk(region="350920", serial=55)
    a = petugas_client(app, ["35.09.19.1001"])
    b = petugas_client(app, ["35.09.20.1001"])
    _, (first,) = log_households(a, "35.09.19.1001", [same])
    _, (second, other) = log_households(b, "35.09.20.1001", [same, kk(serial=9)])
    assert db.session.get(HouseholdCount, same).live == 2

    coord = staff_client(app, "coordinator", ["35.09.20"])
    listed = coord.get("/api/v1/review/assists", query_string={"duplicate": "true"}).get_json()["items"]
    assert [i["id"] for i in listed] == [str(second)]
    groups = coord.get("/api/v1/review/duplicates").get_json()["items"]
    assert len(groups) == 1 and groups[0]["count"] == 2 and groups[0]["kk_number"] == "350920••••••0055"
    in_scope = {g["id"]: g["in_scope"] for g in groups[0]["assists"]}
    assert in_scope == {str(first): False, str(second): True}
    detail = _open(coord, second).get_json()
    assert [s["id"] for s in detail["same_household"]] == [str(first)]

    # The coordinator may not void a record outside the kecamatan; voiding their own resolves it.
    assert coord.post(f"/api/v1/review/assists/{first}/void", json={"reason": "ganda"}).status_code == 404
    voided = coord.post(
        f"/api/v1/review/assists/{second}/void", json={"reason": "Tercatat ganda"}, headers={"If-Match": detail["etag"]}
    )
    assert voided.status_code == 200 and voided.get_json()["voided"] is True
    assert db.session.get(HouseholdCount, same).live == 1
    assert coord.get("/api/v1/review/duplicates").get_json()["items"] == []
    # The petugas' phone learns the record was voided, as a new version.
    pulled = b.get("/api/v1/sync/pull", query_string={"device_id": b.device_id}).get_json()["assists"]
    assert [(p["id"], p["voided"], p["version"]) for p in pulled] == [(str(second), True, 2)]
    etag = _open(coord, other).get_json()["etag"]
    not_dup = coord.post(f"/api/v1/review/assists/{other}/void", json={"reason": "ganda"}, headers={"If-Match": etag})
    assert (not_dup.status_code, not_dup.get_json()["problem"]) == (409, "duplicate.not_duplicate")


def test_duplicates_page_by_an_opaque_cursor_that_carries_no_kk_number(app):
    phone = petugas_client(app, ["35.09.19.1001"])
    numbers = [kk(serial=i) for i in range(1, 6)]
    log_households(phone, "35.09.19.1001", numbers + numbers)
    coord = staff_client(app, "coordinator", ["35.09.19"])
    seen, cursor = [], None
    while True:
        body = coord.get("/api/v1/review/duplicates", query_string={"limit": 2, "cursor": cursor}).get_json()
        assert all(len(g["assists"]) == g["count"] == 2 for g in body["items"])
        seen += [g["kk_number"][-4:] for g in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break
        decoded = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        assert not any(n in decoded for n in numbers)
    assert seen == ["0001", "0002", "0003", "0004", "0005"]
    other_list = coord.get("/api/v1/review/assists", query_string={"limit": 1}).get_json()["next"]
    refused = coord.get("/api/v1/review/duplicates", query_string={"cursor": other_list})
    assert (refused.status_code, refused.get_json()["problem"]) == (422, "paging.bad_cursor")


def test_bulk_approve_skips_what_changed_after_the_list_was_loaded(app, monkeypatch):
    phone = petugas_client(app, ["35.09.19.1001"])
    oid, ids = log_households(phone, "35.09.19.1001", [kk(serial=i) for i in range(1, 6)])
    coord = staff_client(app, "coordinator", ["35.09.19"])
    page = coord.get("/api/v1/review/assists", query_string={"state": "received"}).get_json()
    assert len(page["items"]) == 5
    # After the coordinator loaded the list, the petugas corrects one record and a new one arrives.
    push(phone, [mutation("assist", assist_data(oid, kk_number=kk(serial=1), members=1), ids[0], base_version=1)])
    log_households(phone, "35.09.19.1001", [kk(serial=99)])
    result = coord.post("/api/v1/review/assists/bulk-approve", json={"state": "received", "as_of": page["as_of"]})
    assert result.get_json() == {"approved": 4, "more": False, "changed_since": 2}
    states = coord.get("/api/v1/review/assists", query_string={"state": "received"}).get_json()["items"]
    assert sorted(i["kk_number"][-4:] for i in states) == ["0001", "0099"]
    bulk = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "review.bulk_approve")).one()
    assert bulk.details["count"] == 4
    assert coord.post("/api/v1/review/assists/bulk-approve", json={}).status_code == 422


def test_review_list_pages_filters_and_masks(app):
    a = petugas_client(app, ["35.09.19.1001"])
    log_households(a, "35.09.19.1001", [kk(serial=i) for i in range(1, 8)], outcome="gagal", phone="081234567890")
    log_households(a, "35.09.19.1001", [kk(serial=20)])
    coord = staff_client(app, "coordinator", ["35.09.19"])
    first = coord.get("/api/v1/review/assists", query_string={"limit": 3, "outcome": "gagal"}).get_json()
    rest = coord.get(
        "/api/v1/review/assists", query_string={"limit": 10, "outcome": "gagal", "cursor": first["next"]}
    ).get_json()
    ids = [i["id"] for i in first["items"] + rest["items"]]
    assert len(ids) == 7 == len(set(ids)) and rest["next"] is None
    assert all("•" in i["kk_number"] for i in first["items"])
    assert _open(coord, ids[0]).get_json()["phone"] == "+6281••••••890"
    assert coord.get("/api/v1/review/assists", query_string={"cursor": "!!"}).status_code == 422
    desa = coord.get("/api/v1/review/assists", query_string={"desa": "35.09.19.1002"}).get_json()["items"]
    assert desa == []


def test_review_scope_and_role_matrix(app):
    phone = petugas_client(app, ["35.09.19.1001"])
    _, (aid,) = log_households(phone, "35.09.19.1001", [kk(serial=1)])
    other = staff_client(app, "coordinator", ["35.09.20"])
    ttu = staff_client(app, "supervisor", ["53.03"])
    endpoints = [
        ("get", "/api/v1/review/assists", None),
        ("get", f"/api/v1/review/assists/{aid}", None),
        ("post", f"/api/v1/review/assists/{aid}/decision", {"action": "approve"}),
        ("post", f"/api/v1/review/assists/{aid}/void", {"reason": "ganda"}),
        ("post", "/api/v1/review/assists/bulk-approve", {"as_of": "djAuMA"}),
        ("get", "/api/v1/review/duplicates", None),
    ]
    for method, url, body in endpoints:
        resp = getattr(phone, method)(url, json=body, headers={"If-Match": '"a1"'})
        assert (resp.status_code, resp.get_json()["problem"]) == (403, "auth.forbidden"), url
    for client in (other, ttu):
        assert client.get(f"/api/v1/review/assists/{aid}").status_code == 404
        assert _decide(client, aid, '"a1"', "approve").status_code == 404
        assert client.get("/api/v1/review/assists", query_string={"area": "35.09.19"}).status_code == 404
        assert all(i["id"] != str(aid) for i in client.get("/api/v1/review/assists").get_json()["items"])
    assert other.get(f"/api/v1/review/assists/{uuid.uuid4()}").status_code == 404
    assert other.get("/api/v1/review/assists/not-a-uuid").status_code == 404
    assert _decide(other, aid, '"a1"', "approve").get_json()["problem"] == "record.not_found"
    anonymous = app.test_client()
    assert anonymous.get("/api/v1/review/assists").status_code == 401


def test_search_by_whole_kk_or_name_lists_masked_numbers_only(app):
    """Issue 16.3: a whole KK finds its household (never shown in full); part of a number finds nothing."""
    phone = petugas_client(app, ["35.09.19.1001"])
    log_households(phone, "35.09.19.1001", [kk(serial=1)], head_name="Siti Aminah")
    log_households(phone, "35.09.19.1001", [kk(serial=2)], head_name="Budi_Santoso 100%")
    coord = staff_client(app, "coordinator", ["35.09.19"])

    def found(q, **more):
        resp = coord.get("/api/v1/review/assists", query_string={"q": q, **more})
        assert resp.status_code == 200, (q, resp.get_json()["errors"])
        return [(i["head_name"], i["kk_number"]) for i in resp.get_json()["items"]]

    assert found(kk(serial=1)) == [("Siti Aminah", "350919••••••0001")]
    assert found("aminah") == found("  SITI ") == [("Siti Aminah", "350919••••••0001")]
    assert found(kk(serial=1)[:-1]) == [] and found("0001") == []
    assert found("_santoso 100%") == [("Budi_Santoso 100%", "350919••••••0002")]  # % and _ are plain text
    assert found("o_s") == [] and found("%%") == []
    assert found("siti", outcome="gagal") == []
    assert coord.get("/api/v1/review/assists", query_string={"q": "x"}).status_code == 422
    export = coord.get("/api/v1/exports/assists/count", query_string={"q": "aminah"}).get_json()
    assert export["rows"] == 1  # an export of a search holds what the search listed


def test_a_correction_after_a_flag_is_marked_with_what_changed(app):
    """Issue 16.3: a record fixed after a flag says "Diperbaiki" and shows each changed field, before and after."""
    phone = petugas_client(app, ["35.09.19.1001"])
    oid, (aid, other) = log_households(phone, "35.09.19.1001", [kk(serial=7), kk(serial=8)], phone="081234567890")
    coord = staff_client(app, "coordinator", ["35.09.19"])
    detail = _open(coord, aid).get_json()
    assert (detail["corrected"], detail["changes"]) == (False, [])
    _decide(coord, aid, detail["etag"], "flag", "Cek nomor KK dan jumlah anggota.")
    assert _open(coord, aid).get_json()["changes"] == []  # flagged, not corrected yet
    fixed = assist_data(oid, kk_number=kk(serial=17), members=6, phone="081234567890", notes="KK baru")
    assert push(phone, [mutation("assist", fixed, aid, base_version=1)]).get_json()["results"][0]["version"] == 2
    again = _open(coord, aid).get_json()
    assert (again["corrected"], again["review_state"]) == (True, "received")
    assert again["changes"] == [
        {"field": "kk_number", "before": "350919••••••0007", "after": "350919••••••0017"},
        {"field": "members", "before": 4, "after": 6},
        {"field": "notes", "before": None, "after": "KK baru"},
    ]
    listed = coord.get("/api/v1/review/assists", query_string={"corrected": "true"}).get_json()["items"]
    assert [(i["id"], i["corrected"]) for i in listed] == [(str(aid), True)]
    everything = coord.get("/api/v1/review/assists").get_json()["items"]
    assert {i["id"]: i["corrected"] for i in everything} == {str(aid): True, str(other): False}


def test_bulk_approve_says_exactly_how_many_and_approves_exactly_those(app):
    """Issue 16.3: a dry run says how many bulk approve takes (every page, own records left out), writing
    nothing, and the approval takes that many, not one more."""
    phone = petugas_client(app, ["35.09.19.1001"])
    log_households(phone, "35.09.19.1001", [kk(serial=i) for i in range(1, 8)])
    log_households(phone, "35.09.19.1001", [kk(serial=20)], outcome="gagal")
    coord = staff_client(app, "coordinator", ["35.09.19"])
    bulk = "/api/v1/review/assists/bulk-approve"
    page = coord.get("/api/v1/review/assists", query_string={"state": "received", "limit": 3}).get_json()
    assert len(page["items"]) == 3
    counted = coord.post(bulk, json={"state": "received", "as_of": page["as_of"], "dry_run": True}).get_json()
    assert (counted["approvable"], counted["approved"]) == (8, 0)
    berhasil = {"state": "received", "outcome": "berhasil"}
    first = coord.get("/api/v1/review/assists", query_string=berhasil).get_json()
    assert coord.post(bulk, json={**berhasil, "as_of": first["as_of"], "dry_run": True}).get_json()["approvable"] == 7
    log_households(phone, "35.09.19.1001", [kk(serial=30)])  # arrives after the list was loaded
    assert coord.post(bulk, json={**berhasil, "as_of": first["as_of"], "dry_run": True}).get_json()["approvable"] == 7
    done = coord.post(bulk, json={**berhasil, "as_of": first["as_of"]}).get_json()
    assert (done["approved"], done["more"]) == (7, False)
    sup = staff_client(app, "province_supervisor", ["35"])
    refused = sup.post(bulk, json={**berhasil, "as_of": first["as_of"], "dry_run": True})
    assert refused.status_code == 403


def test_possible_typos_are_listed_apart_from_true_duplicates(app):
    """Issue 16.3: one KK under two different heads' names is likely a typo, not the same household twice."""
    phone = petugas_client(app, ["35.09.19.1001"])
    log_households(phone, "35.09.19.1001", [kk(serial=1)], head_name="Siti Aminah")
    log_households(phone, "35.09.19.1001", [kk(serial=1)], head_name=" siti aminah")  # the same, typed again
    log_households(phone, "35.09.19.1001", [kk(serial=2)], head_name="Budi Santoso")
    log_households(phone, "35.09.19.1001", [kk(serial=2)], head_name="Yohanes Tefa")
    coord = staff_client(app, "coordinator", ["35.09.19"])
    duplicates = coord.get("/api/v1/review/duplicates").get_json()
    typos = coord.get("/api/v1/review/duplicates", query_string={"kind": "typo"}).get_json()
    assert (duplicates["kind"], [g["kk_number"][-4:] for g in duplicates["items"]]) == ("duplicate", ["0001"])
    assert (typos["kind"], [g["kk_number"][-4:] for g in typos["items"]]) == ("typo", ["0002"])
    assert {a["head_name"] for a in typos["items"][0]["assists"]} == {"Budi Santoso", "Yohanes Tefa"}
    assert coord.get("/api/v1/review/duplicates", query_string={"kind": "x"}).status_code == 422
