"""POST /sync/push: the sync promise of docs/sync-promise.md, on SQLite and PostgreSQL."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Assist, AuditEvent, Device, Mutation, Outreach, RecordConflict
from tests.factories import (
    assist_data,
    kk,
    login,
    make_user,
    mutation,
    outreach_data,
    outreach_with_assists,
    push,
)


def count(model, *where):
    """Return the number of rows of a model."""
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def statuses(resp):
    """Return the per-item statuses of a push response."""
    assert resp.status_code == 200, resp.get_json()
    return [r["status"] for r in resp.get_json()["results"]]


def test_identical_batch_resent_is_duplicate(petugas):
    """Scenario 1: the same batch again → one row per record, second answer duplicate."""
    batch = outreach_with_assists(5)
    first = push(petugas, batch)
    assert statuses(first) == ["applied"] * 6
    second = push(petugas, batch)
    assert statuses(second) == ["duplicate"] * 6
    assert [r["version"] for r in second.get_json()["results"]] == [1] * 6
    assert count(Assist) == 5 and count(Outreach) == 1 and count(Mutation) == 6


def test_results_echo_ids_in_order(petugas):
    batch = outreach_with_assists(3)
    results = push(petugas, batch).get_json()["results"]
    assert [r["mutation_id"] for r in results] == [m["mutation_id"] for m in batch]
    assert [r["record_id"] for r in results] == [m["record_id"] for m in batch]


def test_same_mutation_id_different_payload_rejected_and_audited(petugas):
    """Scenario 6: a reused mutation id with other content is refused; the stored record is unchanged."""
    batch = outreach_with_assists(1)
    push(petugas, batch)
    forged = dict(batch[1], data={**batch[1]["data"], "head_name": "Nama Lain"})
    result = push(petugas, [forged]).get_json()["results"][0]
    assert result["status"] == "rejected" and result["problem"] == "mutation.id_reused"
    assert db.session.get(Assist, uuid.UUID(batch[1]["record_id"])).head_name == "Kepala Keluarga 1"
    assert count(AuditEvent, AuditEvent.action == "sync.mutation_id_reused") == 1


def test_same_record_id_different_payload_rejected(petugas):
    """Scenario 6 by record id: a second 'create' of an existing record with other content is refused."""
    batch = outreach_with_assists(1)
    push(petugas, batch)
    again = mutation("assist", {**batch[1]["data"], "members": 9}, batch[1]["record_id"])
    result = push(petugas, [again]).get_json()["results"][0]
    assert (result["status"], result["problem"]) == ("rejected", "record.id_conflict")
    assert db.session.get(Assist, uuid.UUID(batch[1]["record_id"])).members == 4
    assert count(AuditEvent, AuditEvent.action == "sync.record_id_conflict") == 1


def test_same_record_same_content_new_mutation_id_is_duplicate(petugas):
    batch = outreach_with_assists(1)
    push(petugas, batch)
    again = mutation("assist", batch[1]["data"], batch[1]["record_id"])
    assert statuses(push(petugas, [again])) == ["duplicate"]
    assert count(Assist) == 1


def test_one_invalid_record_in_twenty(petugas):
    """Scenario 9: 19 applied, the bad one rejected with field errors; fixing and resending applies it."""
    batch = outreach_with_assists(19)
    bad = batch[7]
    bad["data"]["kk_number"] = "35091901019"  # too short
    resp = push(petugas, batch)
    results = resp.get_json()["results"]
    assert statuses(resp).count("applied") == 19
    assert results[7]["status"] == "rejected" and results[7]["problem"] == "mutation.invalid"
    assert "kk_number" in results[7]["errors"]
    assert count(Assist) == 18
    bad["data"]["kk_number"] = kk(serial=777)
    assert statuses(push(petugas, [bad])) == ["applied"]
    assert count(Assist) == 19


def test_malformed_items_do_not_sink_batch(petugas):
    batch = outreach_with_assists(2)
    junk = [42, {"mutation_id": "not-a-uuid"}, {**batch[1], "surprise": True}]
    results = push(petugas, [batch[0], *junk, batch[2]]).get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "rejected", "rejected", "applied"]
    assert results[2]["mutation_id"] == "not-a-uuid" and "mutation_id" in results[2]["errors"]
    assert "surprise" in results[3]["errors"]


def test_edit_before_record_is_rejected_visibly(petugas):
    """Scenario 12: an edit for a record the server has not seen is answered, never silently dropped."""
    result = push(petugas, [mutation("outreach", outreach_data(), base_version=1)]).get_json()["results"][0]
    assert (result["status"], result["problem"]) == ("rejected", "record.not_found")
    assist = mutation("assist", assist_data(uuid.uuid4()))
    result = push(petugas, [assist]).get_json()["results"][0]
    assert (result["status"], result["problem"]) == ("rejected", "outreach.unknown")
    # Once the outreach arrives, the very same mutation applies.
    outreach = mutation("outreach", outreach_data(), assist["data"]["outreach_id"])
    assert statuses(push(petugas, [outreach, assist])) == ["applied", "applied"]


def test_stale_edit_is_conflict_and_both_versions_kept(app, petugas):
    """Scenario 13: two devices of one account edit one record → the second is a visible conflict."""
    batch = outreach_with_assists(1)
    push(petugas, batch)
    record_id = batch[1]["record_id"]
    other_device = str(uuid.uuid4())
    petugas.post("/api/v1/devices", json={"device_id": other_device})
    edit_a = mutation("assist", assist_data(batch[0]["record_id"], 1, members=5), record_id, base_version=1)
    edit_b = mutation("assist", assist_data(batch[0]["record_id"], 1, members=6), record_id, base_version=1)
    assert push(petugas, [edit_a]).get_json()["results"][0]["version"] == 2
    result = push(petugas, [edit_b], device_id=other_device).get_json()["results"][0]
    assert (result["status"], result["problem"], result["version"]) == ("conflict", "record.conflict", 2)
    assert db.session.get(Assist, uuid.UUID(record_id)).members == 5
    kept = db.session.scalar(select(RecordConflict))
    assert kept.data["members"] == 6 and kept.base_version == 1 and kept.server_version == 2
    # Replaying the losing edit gives the same answer and keeps no second copy.
    assert statuses(push(petugas, [edit_b], device_id=other_device)) == ["conflict"]
    assert count(RecordConflict) == 1


def test_two_devices_of_one_account_create(app, petugas):
    """Scenario 14: both devices' new records are accepted."""
    other_device = str(uuid.uuid4())
    assert petugas.post("/api/v1/devices", json={"device_id": other_device}).status_code == 201
    assert statuses(push(petugas, outreach_with_assists(2))) == ["applied"] * 3
    assert statuses(push(petugas, outreach_with_assists(2), device_id=other_device)) == ["applied"] * 3
    assert count(Assist) == 4


@pytest.mark.parametrize(
    ("device_now", "flagged"),
    [
        (datetime(2000, 1, 1, tzinfo=UTC), True),
        (datetime.now(UTC) + timedelta(days=2), True),
        (datetime.now(UTC) + timedelta(seconds=20), False),
    ],
)
def test_wrong_phone_clock_accepted_and_flagged(petugas, device_now, flagged):
    """Scenario 15: a phone clock at 2000-01-01 or two days ahead → accepted, flagged; order by server."""
    first = outreach_with_assists(1)
    push(petugas, first)
    batch = outreach_with_assists(1)
    for m in batch:
        m["device_time"] = device_now.isoformat()
    resp = push(petugas, batch, device_now=device_now.isoformat())
    assert statuses(resp) == ["applied", "applied"]
    assist = db.session.get(Assist, uuid.UUID(batch[1]["record_id"]))
    assert assist.clock_suspect is flagged
    assert assist.device_time == device_now
    older = db.session.get(Assist, uuid.UUID(first[1]["record_id"]))
    assert assist.change_seq > older.change_seq and assist.received_at >= older.received_at
    device = db.session.get(Device, uuid.UUID(petugas.device_id))
    assert (abs(device.last_clock_skew_s) > 1800) is flagged


def test_device_status_recorded(petugas):
    push(petugas, outreach_with_assists(1), pending_count=7, app_version="1.2.3")
    device = db.session.get(Device, uuid.UUID(petugas.device_id))
    assert (device.pending_count, device.app_version) == (7, "1.2.3")
    assert device.last_sync_at is not None


def test_too_many_mutations(petugas):
    """Scenario 22: an oversized batch → 413 with the limit in the message; nothing applied."""
    batch = outreach_with_assists(500)
    resp = push(petugas, batch)
    assert resp.status_code == 413
    body = resp.get_json()
    assert body["problem"] == "sync.too_many_mutations" and "500" in body["detail"]
    assert count(Assist) == 0


def test_oversized_body(petugas):
    """Scenario 22: a body over 1 MiB → 413 with a clear limit."""
    batch = outreach_with_assists(1)
    batch[1]["data"]["notes"] = "x" * (1024 * 1024)
    resp = push(petugas, batch)
    assert resp.status_code == 413
    assert resp.get_json()["problem"] == "request.too_large"
    assert "1048576" in resp.get_json()["detail"]


def test_void_and_outreach_rules(petugas):
    batch = outreach_with_assists(1)
    push(petugas, batch)
    outreach_id, assist_id = batch[0]["record_id"], batch[1]["record_id"]
    blocked = mutation("outreach", {}, outreach_id, base_version=1, op="void")
    assert push(petugas, [blocked]).get_json()["results"][0]["problem"] == "outreach.has_assists"
    void_assist = mutation("assist", {"reason": "salah input"}, assist_id, base_version=1, op="void")
    void_outreach = mutation("outreach", {}, outreach_id, base_version=1, op="void")
    results = push(petugas, [void_assist, void_outreach]).get_json()["results"]
    assert [(r["status"], r["version"]) for r in results] == [("applied", 2), ("applied", 2)]
    assist = db.session.get(Assist, uuid.UUID(assist_id))
    assert assist.voided and assist.void_reason == "salah input"


def test_void_needs_base_version(petugas):
    result = push(petugas, [mutation("assist", {}, op="void")]).get_json()["results"][0]
    assert result["status"] == "rejected" and "base_version" in result["errors"]


def test_create_then_edit_in_one_batch(petugas):
    batch = outreach_with_assists(1)
    edit = mutation("assist", {**batch[1]["data"], "members": 7}, batch[1]["record_id"], base_version=1)
    results = push(petugas, [*batch, edit]).get_json()["results"]
    assert [r["version"] for r in results] == [1, 1, 2]
    assert db.session.get(Assist, uuid.UUID(batch[1]["record_id"])).members == 7


def test_moving_an_outreach_moves_its_assists(petugas):
    batch = outreach_with_assists(2)
    push(petugas, batch)
    move = mutation("outreach", outreach_data(desa_code="35.09.19.1002"), batch[0]["record_id"], base_version=1)
    assert statuses(push(petugas, [move])) == ["applied"]
    assert count(Assist, Assist.desa_code == "35.09.19.1002") == 2


def test_flagged_record_corrected_goes_back_to_review(petugas):
    batch = outreach_with_assists(1)
    push(petugas, batch)
    assist = db.session.get(Assist, uuid.UUID(batch[1]["record_id"]))
    assist.review_state, assist.review_comment = "flagged", "Cek KK"
    db.session.commit()
    fix = mutation("assist", {**batch[1]["data"], "members": 3}, batch[1]["record_id"], base_version=1)
    assert statuses(push(petugas, [fix])) == ["applied"]
    db.session.expire_all()
    assert (assist.review_state, assist.review_comment, assist.version) == ("received", None, 2)


def test_region_mismatch_is_a_warning(petugas):
    """Scenario 24 (server side): a KK from another region is applied with a warning."""
    batch = outreach_with_assists(1)
    batch[1]["data"]["kk_number"] = kk(region="530308")
    result = push(petugas, batch).get_json()["results"][1]
    assert result["status"] == "applied"
    assert "kk_number" in result["warnings"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kk_number", "350919010190001"),
        ("kk_number", "35091901019000001"),
        ("kk_number", "35091901019O0001"),
        ("kk_number", "٣٥٠٩١٩٠١٠١٩٠٠٠٠١"),
        ("kk_number", kk(month=13)),
        ("kk_number", kk(day=31, month=2)),
        ("kk_number", kk(serial=0)),
        ("members", 0),
        ("members", 31),
        ("members", 2.5),
        ("outcome", "sukses"),
        ("reasons", []),
        ("reasons", ["tidak_paham", "tidak_paham"]),
        ("device_used", "hp"),
        ("phone", "12345"),
        ("head_name", ""),
        ("head_name", "x" * 101),
        ("notes", "a\x00b"),
    ],
)
def test_invalid_assist_fields(petugas, field, value):
    """Scenario 24 and validation: each bad field is a clear field error and nothing is stored."""
    batch = outreach_with_assists(1)
    batch[1]["data"][field] = value
    result = push(petugas, batch).get_json()["results"][1]
    assert result["status"] == "rejected" and result["problem"] == "mutation.invalid"
    assert list(result["errors"]) == [field]
    assert count(Assist) == 0


def test_phone_normalized(petugas):
    batch = outreach_with_assists(1)
    batch[1]["data"]["phone"] = "0812-3456-7890"
    push(petugas, batch)
    assert db.session.get(Assist, uuid.UUID(batch[1]["record_id"])).phone == "+6281234567890"


def test_errors_in_english_when_asked(petugas):
    batch = outreach_with_assists(1)
    batch[1]["data"]["members"] = None
    for lang, word in (("en-US,en;q=0.9", "null"), ("id-ID,id;q=0.9", "kosong")):
        resp = petugas.post(
            "/api/v1/sync/push",
            json={"device_id": petugas.device_id, "mutations": batch},
            headers={"X-Requested-With": "t", "Accept-Language": lang},
        )
        assert word in resp.get_json()["results"][1]["errors"]["members"][0]


# --- authorization (scenarios 25, 26, 28) -----------------------------------------------------------------


def _other_petugas(app, areas=("35.09.19.1001",)):
    user = make_user(role="enumerator", areas=list(areas))
    client = app.test_client()
    login(client, user)
    device_id = str(uuid.uuid4())
    client.post("/api/v1/devices", json={"device_id": device_id})
    client.device_id = device_id
    return client


def test_cannot_edit_someone_elses_record(app, petugas):
    """Scenario 26: B's record edited by A → answered as not found; nothing changed; audited."""
    batch = outreach_with_assists(1)
    push(petugas, batch)
    intruder = _other_petugas(app)
    edit = mutation("assist", {**batch[1]["data"], "members": 9}, batch[1]["record_id"], base_version=1)
    void = mutation("assist", {}, batch[1]["record_id"], base_version=1, op="void")
    results = push(intruder, [edit, void]).get_json()["results"]
    assert [(r["status"], r["problem"]) for r in results] == [("rejected", "record.not_found")] * 2
    assist = db.session.get(Assist, uuid.UUID(batch[1]["record_id"]))
    assert (assist.members, assist.voided, assist.version) == (4, False, 1)
    assert count(AuditEvent, AuditEvent.action == "sync.foreign_record") == 2


def test_cannot_log_into_someone_elses_outreach(app, petugas):
    batch = outreach_with_assists(0)
    push(petugas, batch)
    intruder = _other_petugas(app)
    result = push(intruder, [mutation("assist", assist_data(batch[0]["record_id"]))]).get_json()["results"][0]
    assert result["problem"] == "outreach.unknown"


def test_cannot_use_someone_elses_device(app, petugas):
    """Scenario 26: B's device id → 403 for the whole request, audited."""
    intruder = _other_petugas(app)
    resp = push(intruder, outreach_with_assists(1), device_id=petugas.device_id)
    assert resp.status_code == 403 and resp.get_json()["problem"] == "device.not_yours"
    assert intruder.post("/api/v1/devices", json={"device_id": petugas.device_id}).status_code == 403
    assert count(AuditEvent, AuditEvent.action == "device.foreign_use") == 2
    assert count(Outreach) == 0


def test_unregistered_and_revoked_devices(app, petugas):
    resp = push(petugas, outreach_with_assists(1), device_id=str(uuid.uuid4()))
    assert resp.get_json()["problem"] == "device.unknown"
    device = db.session.get(Device, uuid.UUID(petugas.device_id))
    device.revoked_at = datetime.now(UTC)
    db.session.commit()
    resp = push(petugas, outreach_with_assists(1))
    assert resp.status_code == 403 and resp.get_json()["problem"] == "device.revoked"


def test_desa_outside_scope_rejected(petugas):
    """Scenario 25/27: a desa outside the petugas' scope (or not a desa) is refused and reveals nothing."""
    for desa in ("35.09.25.2001", "53.03.01.2001", "35.09.19.9999"):
        result = push(petugas, [mutation("outreach", outreach_data(desa_code=desa))]).get_json()["results"][0]
        assert (result["status"], result["problem"]) == ("rejected", "area.out_of_scope")
        assert "desa_code" in result["errors"]
    assert count(Outreach) == 0


@pytest.mark.parametrize("field", ["owner_id", "owner", "area", "desa", "status", "review_state", "version"])
def test_server_owned_fields_rejected(petugas, field):
    """Scenario 28: owner, area, status or version in a payload → the field is rejected."""
    batch = outreach_with_assists(1)
    batch[1]["data"][field] = "x"
    result = push(petugas, batch).get_json()["results"][1]
    assert result["status"] == "rejected" and field in result["errors"]


def test_owner_comes_from_session(app, petugas):
    push(petugas, outreach_with_assists(1))
    assert db.session.scalar(select(Assist.owner_id)) == petugas.user.id


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_push_is_for_field_roles(app, role):
    user = make_user(role=role)
    client = app.test_client()
    login(client, user)
    client.post("/api/v1/devices", json={"device_id": str(uuid.uuid4())})
    resp = client.post("/api/v1/sync/push", json={"device_id": str(uuid.uuid4()), "mutations": []})
    assert resp.status_code == 403 and resp.get_json()["problem"] == "auth.forbidden"


def test_push_needs_session(client):
    resp = client.post("/api/v1/sync/push", json={"device_id": str(uuid.uuid4()), "mutations": []})
    assert resp.status_code == 401 and resp.get_json()["problem"] == "auth.required"
