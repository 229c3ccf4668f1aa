"""Writers that do not wait on each other, and a change stream that still never skips or repeats a change."""

import random
import threading
import time
import uuid

import pytest
import sqlalchemy as sa

from server.extensions import db
from server.models import Area
from server.services import changes, review, sync_push
from tests.conftest import ApiClient, create_pg_database, drop_pg_database, make_app
from tests.factories import assist_data, kk, mutation, outreach_with_assists, push
from tests.helpers_field import log_households, petugas_client, staff_client

JEMBER_DESA = "35.09.19.1001"


def _ttu_desa():
    return db.session.scalar(
        db.select(Area.code).where(Area.level == 4, Area.code.startswith("53.03.")).order_by(Area.code).limit(1)
    )


def _second_device(client):
    """A second phone of the same account: it pulls everything, its own account's pushes included."""
    device = str(uuid.uuid4())
    assert client.post("/api/v1/devices", json={"device_id": device}).status_code == 201
    return device


def _pull(client, device, cursor=None, limit=None):
    """Follow the change feed from cursor to its end; return (assists and outreaches in order, cursor)."""
    seen = []
    while True:
        query = {k: v for k, v in (("cursor", cursor), ("limit", limit), ("device_id", device)) if v}
        resp = client.get("/api/v1/sync/pull", query_string=query)
        assert resp.status_code == 200, resp.get_json()
        body = resp.get_json()
        seen += body["outreaches"] + body["assists"]
        cursor = body["next"]
        if not body["has_more"]:
            return seen, cursor


def _etag(client, assist_id):
    resp = client.get(f"/api/v1/review/assists/{assist_id}")
    assert resp.status_code == 200, resp.get_json()
    return resp.headers["ETag"]


def _decide(client, assist_id, action="approve", etag=None):
    return client.post(
        f"/api/v1/review/assists/{assist_id}/decision",
        json={"action": action, "comment": "Cek lagi" if action != "approve" else None},
        headers={"If-Match": etag or _etag(client, assist_id)},
    )


class _HeldBatch:
    """Hold one account's push open inside its transaction, after it wrote its rows, until released."""

    def __init__(self, monkeypatch, user_id):
        self.user_id, self.holding, self.release = user_id, threading.Event(), threading.Event()
        write = sync_push._Batch.write

        def held(batch):
            write(batch)
            if batch.user.id == self.user_id:
                self.holding.set()
                self.release.wait(30)

        monkeypatch.setattr(sync_push._Batch, "write", held)

    def start(self, client, batch):
        answer = {}
        self.thread = threading.Thread(target=lambda: answer.update(resp=push(client, batch)))
        self.thread.start()
        assert self.holding.wait(10), "the held push never reached its write"
        return answer

    def finish(self):
        self.release.set()
        self.thread.join(30)


@pytest.mark.postgresql_only
def test_a_push_held_open_in_one_kabupaten_does_not_delay_another(db_url, monkeypatch):
    """Jember's batch holds its transaction open: TTU's push, review and bulk approve go straight through."""
    # A short lock timeout: anything that did wait on the held batch would answer 503 within the test.
    app = make_app(db_url, DB_LOCK_TIMEOUT_MS=1500)
    app.test_client_class = ApiClient
    with app.app_context():
        ttu_desa = _ttu_desa()
        jember = petugas_client(app, [JEMBER_DESA])
        ttu = petugas_client(app, [ttu_desa])
        ttu_coord = staff_client(app, "coordinator", [ttu_desa[:8]])
        jember_coord = staff_client(app, "coordinator", [JEMBER_DESA[:8]])
        ttu_region = ttu_desa[:8].replace(".", "")
        ttu_oid, _ = log_households(ttu, ttu_desa, [kk(region=ttu_region, serial=1)])
        oid, (edited,) = log_households(jember, JEMBER_DESA, [kk(serial=1)])
        _, (untouched,) = log_households(jember, JEMBER_DESA, [kk(serial=2)], place_kind="pasar")
        reader = _second_device(jember)
        _, cursor = _pull(jember, reader)

        held = _HeldBatch(monkeypatch, jember.user.id)
        fix = mutation("assist", assist_data(oid, kk_number=kk(serial=1), members=5), edited, base_version=1)
        answer = held.start(jember, [*outreach_with_assists(3), fix])
        try:
            started = time.perf_counter()
            new = mutation("assist", assist_data(ttu_oid, kk_number=kk(ttu_region, serial=2)))
            assert [r["status"] for r in push(ttu, [new]).get_json()["results"]] == ["applied"]
            assert _decide(ttu_coord, new["record_id"], "flag").status_code == 200
            as_of = ttu_coord.get("/api/v1/review/assists").get_json()["as_of"]
            bulk = ttu_coord.post("/api/v1/review/assists/bulk-approve", json={"as_of": as_of})
            assert bulk.status_code == 200 and bulk.get_json() == {"approved": 1, "more": False, "changed_since": 0}
            # In Jember too, a record the batch does not touch is reviewed at once (the totals it moves, at the
            # market, are not the batch's: writes to one petugas' day at one kind of place wait for each other)...
            assert _decide(jember_coord, untouched, "flag").status_code == 200
            elapsed = time.perf_counter() - started
            # ...while the one it is editing waits for it (the row lock), never overwritten under it.
            busy = _decide(jember_coord, edited, etag='"a0"')
            assert busy.status_code == 503 and busy.get_json()["problem"] == "service.busy"
            # The flag committed after the held batch began: a pull now must stop before the batch, or the
            # batch, committing later with an earlier place in the stream, would be skipped.
            early, cursor = _pull(jember, reader, cursor)
            assert early == []
        finally:
            held.finish()
        assert [r["status"] for r in answer["resp"].get_json()["results"]] == ["applied"] * 5
        late, _ = _pull(jember, reader, cursor)
        assert {r["id"] for r in late} >= {str(untouched), str(edited)}
        assert len(late) == 6  # the outreach and 3 households of the batch, the fix, the flag: each once
        assert elapsed < 1.5, f"writes elsewhere took {elapsed:.2f} s: they waited on the held batch"


def test_pull_during_concurrent_commits_in_random_order_misses_nothing(app, monkeypatch):
    """Pushes and reviews commit in random order while a phone pulls: it ends with every change, each once."""
    rng = random.Random(20261203)
    lock = threading.Lock()

    def dawdle(stamp):
        def stamped(records):
            stamp(records)
            with lock:
                pause = rng.uniform(0, 0.04)
            time.sleep(pause)  # inside the transaction, after taking its place in the stream

        return stamped

    for module in (sync_push, review):
        monkeypatch.setattr(module, "stamp_changes", dawdle(changes.stamp_changes))
    ttu_desa = _ttu_desa()
    owner = petugas_client(app, [JEMBER_DESA])
    neighbour = petugas_client(app, [JEMBER_DESA])
    far = petugas_client(app, [ttu_desa])
    coords = [staff_client(app, "coordinator", [JEMBER_DESA[:8]]) for _ in range(2)]
    oid, assists = log_households(owner, JEMBER_DESA, [kk(serial=n) for n in range(1, 13)])
    reader = _second_device(owner)
    errors = []

    def pushes(client, desa, rounds, edits=False):
        for n in range(rounds):
            batch = outreach_with_assists(4, start=100 * n + 1)
            batch[0]["data"]["desa_code"] = desa
            if edits:  # each round corrects one more of the first households (a phone's fix after a flag)
                fix = assist_data(oid, n + 1, members=2 + n)
                batch.append(mutation("assist", fix, assists[n], base_version=1))
            resp = push(client, batch)
            if resp.status_code != 200 or {r["status"] for r in resp.get_json()["results"]} != {"applied"}:
                errors.append(resp.get_json())

    def reviews(client, picks):
        for aid in picks:
            resp = _decide(client, aid, rng.choice(["approve", "flag"]))
            if resp.status_code not in (200, 412):  # 412: the petugas changed it first; the reviewer reloads
                errors.append(resp.get_json())

    writers = [
        threading.Thread(target=pushes, args=(owner, JEMBER_DESA, 6, True)),
        threading.Thread(target=pushes, args=(neighbour, JEMBER_DESA, 6)),
        threading.Thread(target=pushes, args=(far, ttu_desa, 6)),
        # Each household is reviewed once, so every change the phone may receive differs from every other.
        *(threading.Thread(target=reviews, args=(c, assists[i::2])) for i, c in enumerate(coords)),
    ]
    seen, cursor = [], None
    for thread in writers:
        thread.start()
    while any(t.is_alive() for t in writers):
        page, cursor = _pull(owner, reader, cursor, limit=3)
        seen += page
    for thread in writers:
        thread.join()
    page, cursor = _pull(owner, reader, cursor, limit=3)
    seen += page
    assert errors == []
    changes_seen = [(r["id"], r["version"], r.get("review_state")) for r in seen]
    assert len(changes_seen) == len(set(changes_seen)), "a change was sent twice"
    final = {r["id"]: r for r in seen}  # the last change of each record the phone received
    stored, _ = _pull(owner, reader)  # everything from the start: the server's current state
    assert {r["id"]: (r["version"], r.get("review_state")) for r in stored} == {
        i: (r["version"], r.get("review_state")) for i, r in final.items()
    }
    assert len(stored) == 1 + 12 + 6 * 5  # the first outreach and households, six new outreaches of four
    assert sum(r["version"] == 2 for r in stored) == 6  # and each fix, once


@pytest.mark.postgresql_only
def test_a_transaction_in_another_database_does_not_hold_the_feed_back(app, petugas):
    """Another application's long transaction on the same server cannot write our rows: pulls go on."""
    other = create_pg_database("jb_other")
    engine = sa.create_engine(other)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("CREATE TABLE t (n int)"))
            conn.execute(sa.text("INSERT INTO t VALUES (1)"))  # holds a transaction id, uncommitted
            batch = outreach_with_assists(2)
            push(petugas, batch)
            reader = _second_device(petugas)
            seen, _ = _pull(petugas, reader)
            assert {r["id"] for r in seen} == {m["record_id"] for m in batch}
            conn.rollback()
    finally:
        engine.dispose()
        drop_pg_database(other)
