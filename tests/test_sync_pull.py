"""GET /sync/pull: the phone gets its own changes in pages, none skipped or repeated."""

import threading
import uuid

from server.extensions import db
from server.models import Assist
from server.services.changes import stamp_changes
from tests.factories import login, make_user, mutation, outreach_with_assists, push


def pull_all(client, cursor=None, limit=None):
    """Follow the cursor to the end; return (records by id, pages)."""
    seen, pages = [], 0
    while True:
        query = {k: v for k, v in (("cursor", cursor), ("limit", limit)) if v}
        body = client.get("/api/v1/sync/pull", query_string=query).get_json()
        pages += 1
        seen += [("outreach", r["id"]) for r in body["outreaches"]] + [("assist", r["id"]) for r in body["assists"]]
        # `cursor` repeats `next` for phones installed before it.
        assert body["cursor"] == body["next"]
        cursor = body["next"]
        if not body["has_more"]:
            return seen, pages, cursor


def test_first_page_has_reference_and_areas(petugas):
    body = petugas.get("/api/v1/sync/pull").get_json()
    assert [a["code"] for a in body["areas"]] == ["35.09.19.1001", "35.09.19.1002"]
    kinds = [k["code"] for k in body["reference"]["place_kind"]]
    assert kinds[0] == "kantor_desa" and len(kinds) == 10
    assert body["reference"]["outcome"][0] == {"code": "berhasil", "id": "Berhasil", "en": "Submitted"}
    assert body["has_more"] is False and body["outreaches"] == [] and body["cursor"]
    assert body["sync_interval_s"] == 60  # SYNC_INTERVAL_SECONDS: how often an open app syncs
    assert body["upload_delay_s"] == 2  # SYNC_UPLOAD_DELAY_SECONDS: how long it waits after a save to upload
    later = petugas.get("/api/v1/sync/pull", query_string={"cursor": body["cursor"]}).get_json()
    assert "reference" not in later


def test_pages_cover_every_change_once(petugas):
    push(petugas, outreach_with_assists(25))
    seen, pages, _ = pull_all(petugas, limit=7)
    assert len(seen) == len(set(seen)) == 26 and pages == 4


def test_pull_returns_review_state_and_new_versions(petugas):
    batch = outreach_with_assists(2)
    push(petugas, batch)
    _, _, cursor = pull_all(petugas)
    assist = db.session.get(Assist, uuid.UUID(batch[1]["record_id"]))
    assist.review_state, assist.review_comment = "flagged", "Cek nomor KK"
    stamp_changes([assist])
    db.session.commit()
    body = petugas.get("/api/v1/sync/pull", query_string={"cursor": cursor}).get_json()
    assert [(a["id"], a["review_state"], a["review_comment"]) for a in body["assists"]] == [
        (batch[1]["record_id"], "flagged", "Cek nomor KK")
    ]


def test_pull_only_own_records(app, petugas):
    """Scenario 25: B's records are never pulled by A, even in the same desa."""
    push(petugas, outreach_with_assists(3))
    other = make_user(role="enumerator", areas=["35.09.19.1001"])
    client = app.test_client()
    login(client, other)
    body = client.get("/api/v1/sync/pull").get_json()
    assert body["outreaches"] == [] and body["assists"] == []


def test_bad_cursor(petugas):
    for cursor in ("zzz", "czE=x", "LTE"):
        resp = petugas.get("/api/v1/sync/pull", query_string={"cursor": cursor})
        assert resp.status_code == 422 and resp.get_json()["problem"] in {"sync.bad_cursor", "request.invalid"}


def test_unknown_query_parameter_rejected(petugas):
    resp = petugas.get("/api/v1/sync/pull", query_string={"owner": "1"})
    assert resp.status_code == 422 and "owner" in resp.get_json()["errors"]


def test_pull_while_pushing_skips_nothing(app, petugas):
    """Scenarios 20-style: paging while other pushes commit never skips or repeats a change."""
    pusher = app.test_client()
    login(pusher, petugas.user)
    pusher.device_id = petugas.device_id
    expected = set()
    batches = [outreach_with_assists(9) for _ in range(8)]
    for batch in batches:
        expected |= {(m["entity"], m["record_id"]) for m in batch}

    def push_all():
        for batch in batches:
            push(pusher, batch)

    thread = threading.Thread(target=push_all)
    thread.start()
    seen, cursor = [], None
    while thread.is_alive() or cursor is None:
        page, _, cursor = pull_all(petugas, cursor, limit=5)
        seen += page
    thread.join()
    page, _, cursor = pull_all(petugas, cursor, limit=5)
    seen += page
    assert len(seen) == len(set(seen))
    assert set(seen) == expected


def test_edits_appear_again_with_new_version(petugas):
    batch = outreach_with_assists(1)
    push(petugas, batch)
    _, _, cursor = pull_all(petugas)
    edit = mutation("assist", {**batch[1]["data"], "members": 2}, batch[1]["record_id"], base_version=1)
    push(petugas, [edit])
    body = petugas.get("/api/v1/sync/pull", query_string={"cursor": cursor}).get_json()
    assert [(a["version"], a["members"]) for a in body["assists"]] == [(2, 2)]


def test_own_device_changes_are_not_sent_back(app, petugas):
    """A phone does not download what it just uploaded; another device of the same account does."""
    push(petugas, outreach_with_assists(3))
    mine = petugas.get("/api/v1/sync/pull", query_string={"device_id": petugas.device_id}).get_json()
    assert mine["outreaches"] == [] and mine["assists"] == [] and mine["has_more"] is False
    other_device = str(uuid.uuid4())
    petugas.post("/api/v1/devices", json={"device_id": other_device})
    theirs = petugas.get("/api/v1/sync/pull", query_string={"device_id": other_device}).get_json()
    assert len(theirs["assists"]) == 3
    # A server-side change (a coordinator's review) reaches the phone that made the record.
    assist = db.session.scalar(db.select(Assist))
    assist.review_state, assist.changed_by_device = "flagged", None
    stamp_changes([assist])
    db.session.commit()
    later = petugas.get(
        "/api/v1/sync/pull", query_string={"device_id": petugas.device_id, "cursor": mine["cursor"]}
    ).get_json()
    assert [a["review_state"] for a in later["assists"]] == ["flagged"]
