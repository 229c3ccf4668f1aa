"""Tallies: figures equal an independent count of the records, on random data; scope and roles."""

import random
import uuid
from collections import defaultdict
from datetime import date, timedelta

import marshmallow as ma
import pytest
from sqlalchemy import func, select

from server.api.tallies.schemas import TallyRowSchema, TallySchema
from server.extensions import db
from server.models import Area, Assist, Outreach, TallyCell, User, UserArea
from server.services import tallies, tally_cells
from tests.factories import assist_data, kk, mutation, outreach_data, push
from tests.helpers_field import petugas_client, staff_client

DESA = ["35.09.19.1001", "35.09.19.1002", "35.09.20.1001", "35.09.20.1003"]
TODAY = date.today()


def _random_fieldwork(app, rng):
    """Push random outreaches and assists from three petugas, then edit, move and void some of them."""
    phones = [
        petugas_client(app, DESA[:2]),
        petugas_client(app, DESA[1:3]),
        petugas_client(app, DESA[2:]),
    ]
    made = []  # (phone, entity, id, data, version)
    for _ in range(12):
        phone = rng.choice(phones)
        desa = rng.choice(phone.user.area_codes)
        oid = uuid.uuid4()
        o = outreach_data(
            desa_code=desa,
            date=(TODAY - timedelta(days=rng.randrange(5))).isoformat(),
            place_kind=rng.choice(["kantor_desa", "pkh_bansos", "sekolah"]),
            lat=-8.1 - len(made) / 1000,  # not from rng: the seeds' fieldwork stays as it was
            lon=113.7 + len(made) / 1000,
        )
        muts = [mutation("outreach", o, oid)]
        made.append([phone, "outreach", oid, o, 1])
        for _ in range(rng.randrange(1, 9)):
            a = assist_data(
                oid,
                kk_number=kk(serial=rng.randrange(1, 40)),  # repeats: duplicates across petugas
                members=rng.randrange(1, 9),
                outcome=rng.choice(["berhasil", "berhasil", "sebagian", "gagal", "ditunda"]),
            )
            aid = uuid.uuid4()
            muts.append(mutation("assist", a, aid))
            made.append([phone, "assist", aid, a, 1])
        assert push(phone, muts).status_code == 200
    # Edits: new outcomes and sizes, outreaches moved to another day, desa or kind, and voids.
    for entry in rng.sample(made, 15):
        phone, entity, rid, data, version = entry
        if entity == "assist" and rng.random() < 0.3:
            m = mutation("assist", {"reason": "salah input"}, rid, base_version=version, op="void")
        elif entity == "assist":
            data = {**data, "members": rng.randrange(1, 9), "outcome": rng.choice(["berhasil", "gagal"])}
            m = mutation("assist", data, rid, base_version=version)
        else:
            data = {
                **data,
                "desa_code": rng.choice(phone.user.area_codes),
                "date": (TODAY - timedelta(days=rng.randrange(5))).isoformat(),
                "place_kind": rng.choice(["kantor_desa", "pasar"]),
            }
            m = mutation("outreach", data, rid, base_version=version)
        result = push(phone, [m]).get_json()["results"][0]
        if result["status"] == "applied":
            entry[3], entry[4] = data, result["version"]
    # One batch that moves an outreach to another day and adds a household to it at once.
    phone, _, oid, data, version = next(e for e in made if e[1] == "outreach")
    moved = {**data, "date": (TODAY - timedelta(days=6)).isoformat()}
    batch = [mutation("outreach", moved, oid, base_version=version), mutation("assist", assist_data(oid, 77))]
    assert [r["status"] for r in push(phone, batch).get_json()["results"]] == ["applied", "applied"]
    return phones


def _review_some(app, rng):
    """A coordinator of each kecamatan approves, flags and rejects some records."""
    for kec in ("35.09.19", "35.09.20"):
        coord = staff_client(app, "coordinator", [kec])
        items = coord.get("/api/v1/review/assists", query_string={"limit": 200}).get_json()["items"]
        for item in rng.sample(items, min(6, len(items))):
            action = rng.choice(["approve", "flag", "reject"])
            resp = coord.post(
                f"/api/v1/review/assists/{item['id']}/decision",
                json={"action": action, "comment": "cek lagi"},
                headers={"If-Match": item["etag"]},
            )
            assert resp.status_code == 200, resp.get_json()


def _independent(area, by, date_from=None, date_to=None, state=None):
    """Count the records directly, the slow obvious way, grouped like the API."""
    rows = db.session.execute(select(Assist, Outreach).join(Outreach, Outreach.id == Assist.outreach_id)).all()
    level = area.count(".") + 1
    groups = defaultdict(lambda: defaultdict(int))
    for a, o in rows:
        if not (a.desa_code == area or a.desa_code.startswith(area + ".")):
            continue
        if (date_from and o.date < date_from) or (date_to and o.date > date_to):
            continue
        if state == "voided" and not a.voided:
            continue
        if state and state != "voided" and (a.voided or a.review_state != state):
            continue
        key = {
            "child": a.desa_code[: {2: 8, 3: 13}.get(level, 13)],
            "enumerator": str(a.owner_id),
            "day": o.date.isoformat(),
            "place_kind": o.place_kind,
            "outcome": a.outcome,
        }[by]
        g = groups[key]
        if a.voided or a.review_state == "rejected":
            g["excluded_households"] += 1
            g["excluded_persons"] += a.members
        else:
            g["households"] += 1
            g["persons"] += a.members
            g["successful"] += a.outcome == "berhasil"
    return groups


FIELDS = ("households", "persons", "successful", "excluded_households", "excluded_persons")


@pytest.mark.parametrize("seed", [1, 2])
def test_tallies_equal_an_independent_count_on_random_data(app, seed):
    rng = random.Random(seed)
    _random_fieldwork(app, rng)
    _review_some(app, rng)
    supervisor = staff_client(app, "supervisor", ["35.09"])
    coordinator = staff_client(app, "coordinator", ["35.09.19"])
    cases = [(supervisor, "35.09", by, {}) for by in ("child", "enumerator", "day", "place_kind", "outcome")] + [
        (coordinator, "35.09.19", "child", {}),
        (coordinator, "35.09.19", "day", {"from": (TODAY - timedelta(days=2)).isoformat()}),
        (coordinator, "35.09.19.1002", "enumerator", {"to": (TODAY - timedelta(days=1)).isoformat()}),
        (supervisor, "35.09", "child", {"state": "approved"}),
        (supervisor, "35.09", "outcome", {"state": "voided"}),
        (supervisor, "35.09", "place_kind", {"state": "flagged"}),
    ]
    for client, area, by, extra in cases:
        body = client.get("/api/v1/tallies", query_string={"area": area, "by": by, **extra})
        assert body.status_code == 200, body.get_json()
        body = body.get_json()
        expected = _independent(
            area,
            by,
            date.fromisoformat(extra["from"]) if "from" in extra else None,
            date.fromisoformat(extra["to"]) if "to" in extra else None,
            extra.get("state"),
        )
        got = {r["key"]: {f: r[f] for f in FIELDS} for r in body["rows"] if any(r[f] for f in FIELDS)}
        want = {k: {f: v.get(f, 0) for f in FIELDS} for k, v in expected.items()}
        assert got == want, (area, by, extra)
        for f in FIELDS:
            assert body["total"][f] == sum(v[f] for v in want.values())
        if not extra:
            assert body["total"]["households"] > 10 and body["total"]["excluded_households"] > 0
    # Each outreach's households and persons (the map's) equal a count of its assists, on the map as stored.
    helped = _helped()
    assert (
        sum(h for h, _ in helped.values())
        == supervisor.get("/api/v1/tallies", query_string={"area": "35.09", "by": "child"}).get_json()["total"][
            "households"
        ]
    )
    points = supervisor.get("/api/v1/outreaches/map", query_string={"area": "35.09"}).get_json()["points"]
    shown = {row[0]: (row[-2], row[-1]) for row in points["rows"]}  # id first, households and persons last
    assert shown == {str(oid): counts for oid, counts in helped.items()}
    # The running totals equal a rebuild from scratch.
    before = _cells(), _stored_helped()
    assert before[1] == helped
    tally_cells.rebuild()
    assert (_cells(), _stored_helped()) == before


def _helped():
    """Households and persons per outreach, counted from its assists the slow obvious way."""
    counts = {o.id: [0, 0] for o in db.session.scalars(select(Outreach))}
    for a in db.session.scalars(select(Assist)):
        if not a.voided and a.review_state != "rejected":
            counts[a.outreach_id][0] += 1
            counts[a.outreach_id][1] += a.members
    return {oid: tuple(c) for oid, c in counts.items()}


def _stored_helped():
    db.session.expire_all()
    return {o.id: (o.households, o.persons) for o in db.session.scalars(select(Outreach))}


def _cells():
    from server.models.tally import MEASURES, SUMMARY

    rows = db.session.scalars(select(TallyCell)).all()
    cells = {
        (c.desa_code, c.owner_id, c.day, c.place_kind): tuple(getattr(c, m) for m in (*SUMMARY, *MEASURES))
        for c in rows
    }
    return {key: values for key, values in cells.items() if any(values)}


def test_child_rows_rank_by_our_work_until_the_office_publishes(app):
    from server.models import Target

    db.session.add_all(
        [
            Target(area_code="35.09.19", population=100, households=30, target_pct=50),
            Target(area_code="35.09.20", population=1000, households=300, target_pct=50),
            Target(area_code="35.09", population=5000, households=1500, target_pct=50),
        ]
    )
    db.session.commit()
    a = petugas_client(app, ["35.09.19.1001"])
    b = petugas_client(app, ["35.09.20.1001"])
    log_households_n(a, "35.09.19.1001", 5, members=4)  # 20 of 50 target persons: 40 %
    log_households_n(b, "35.09.20.1001", 10, members=5)  # 50 of 500: 10 %
    sup = staff_client(app, "supervisor", ["35.09"])
    body = sup.get("/api/v1/tallies").get_json()
    assert body["area"]["code"] == "35.09" and body["rank_by"] == "households"
    first, second = body["rows"][0], body["rows"][1]
    assert (first["key"], first["rank"], first["target_persons"], first["assisted_of_target_pct"]) == (
        "35.09.20",
        1,
        500,
        10.0,
    )
    assert (second["key"], second["rank"], second["assisted_of_target_pct"]) == ("35.09.19", 2, 40.0)
    # Every kecamatan is listed; the idle ones share the bottom rank (zero is a figure, not a gap).
    assert body["rows"][-1]["households"] == 0 and body["rows"][-1]["rank"] == 3
    # No official figure yet: participation is unknown, never our own count taken for it.
    assert first["participation_pct"] is None and first["achievement_pct"] is None and first["took_part"] is None
    assert body["total"]["persons"] == 70 and body["total"]["assisted_of_target_pct"] == 2.8
    by_participation = sup.get("/api/v1/tallies", query_string={"rank_by": "participation"}).get_json()
    assert {r["rank"] for r in by_participation["rows"]} == {None}


def log_households_n(phone, desa, n, **fields):
    """Push one outreach with n households."""
    from tests.helpers_field import log_households

    return log_households(phone, desa, [kk(serial=i) for i in range(1, n + 1)], **fields)


def test_enumerator_rows_show_the_phone_and_silent_phones(app):
    a = petugas_client(app, ["35.09.19.1001"])
    petugas_client(app, ["35.09.19.1002"])  # registered a phone, never synced
    log_households_n(a, "35.09.19.1001", 3)
    coord = staff_client(app, "coordinator", ["35.09.19"])
    rows = coord.get("/api/v1/tallies", query_string={"by": "enumerator"}).get_json()["rows"]
    by_user = {r["username"]: r for r in rows}
    worked = by_user[a.user.username]
    assert worked["households"] == 3 and worked["app_version"] == "0.1.0" and worked["silent"] is None
    assert worked["pending_count"] == 4 and worked["last_sync_at"]
    assert [r["silent"] for r in rows if r["username"] != a.user.username] == ["never_synced"]


def test_silence_rules(app):
    from server.models import Device
    from server.models.types import utcnow
    from server.services.tallies import silence

    now = utcnow()
    assert silence(Device(last_sync_at=now - timedelta(hours=25)), now) == "no_sync"
    assert silence(Device(last_sync_at=now - timedelta(hours=7), pending_count=2), now) == "pending_stale"
    assert silence(Device(last_sync_at=now - timedelta(hours=7), pending_count=0), now) is None
    assert silence(Device(last_sync_at=None), now) == "never_synced"


def test_scope_and_role_matrix(app):
    petugas = petugas_client(app, ["35.09.19.1001"])
    coord = staff_client(app, "coordinator", ["35.09.19"])
    sup = staff_client(app, "supervisor", ["35.09"])
    admin = staff_client(app, "admin", [])
    assert petugas.get("/api/v1/tallies").get_json()["problem"] == "auth.forbidden"
    for area, status in (("35.09.19", 200), ("35.09.19.1003", 200), ("35.09.20", 404), ("35.09", 404), ("53.03", 404)):
        assert coord.get("/api/v1/tallies", query_string={"area": area, "by": "day"}).status_code == status, area
    for area, status in (("35.09", 200), ("35.09.20", 200), ("53.03", 404), ("53", 404), ("99.99", 404)):
        assert sup.get("/api/v1/tallies", query_string={"area": area}).status_code == status, area
    assert admin.get("/api/v1/tallies", query_string={"area": "53"}).status_code == 200
    # An admin without an area sees the country: its provinsi ranked.
    national = admin.get("/api/v1/tallies").get_json()
    provinsi = db.session.scalar(select(func.count()).select_from(Area).where(Area.level == 1))
    assert (national["area"]["code"], national["area"]["level"]) == ("", 0) and len(national["rows"]) == provinsi
    assert admin.get("/api/v1/tallies", query_string={"by": "day"}).status_code == 200
    # Every petugas of the country in one list is no screen anyone can use: choose an area first.
    people = admin.get("/api/v1/tallies", query_string={"by": "enumerator"})
    assert (people.status_code, people.get_json()["problem"]) == (422, "area.choose")
    desa = coord.get("/api/v1/tallies", query_string={"area": "35.09.19.1001"})
    assert (desa.status_code, desa.get_json()["problem"]) == (422, "tally.no_children")
    bad = coord.get("/api/v1/tallies", query_string={"by": "kk", "from": "2026-02-30", "x": 1})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"by", "from", "x"}
    backwards = coord.get("/api/v1/tallies", query_string={"from": "2026-02-03", "to": "2026-02-01"})
    assert backwards.get_json()["errors"] == {"to": ["Tidak boleh sebelum tanggal awal."]}
    # Taking the kecamatan away takes effect on the very next request.
    db.session.execute(
        UserArea.__table__.update().where(UserArea.user_id == coord.user.id).values(area_code="35.09.20")
    )
    db.session.commit()
    assert coord.get("/api/v1/tallies", query_string={"area": "35.09.19"}).status_code == 404
    assert coord.get("/api/v1/tallies").get_json()["area"]["code"] == "35.09.20"


def test_rows_are_written_exactly_as_their_schema_would(app):
    """The flat-row writer of /tallies gives what marshmallow gives for every kind of row."""
    log_households_n(petugas_client(app, ["35.09.19.1001"]), "35.09.19.1001", 3)
    coordinator = staff_client(app, "coordinator", ["35.09.19"])
    reference = ma.fields.List(ma.fields.Nested(TallyRowSchema))
    for by in ("child", "enumerator", "day", "place_kind", "outcome"):
        with app.test_request_context():
            body = tallies.tallies(db.session.get(User, coordinator.user.id), {"by": by, "area": "35.09.19"})
            assert TallySchema().dump(body)["rows"] == reference.serialize("rows", body), by


def test_kinds_of_place_by_yield_per_event_beside_volume(app):
    """Issue 16.2: kantor desa holds the most events, but a market visit helps more households per event."""
    from tests.helpers_field import log_households

    phone = petugas_client(app, DESA[:2])
    for n in range(3):  # three village-office events of two households each
        log_households(phone, DESA[0], [kk(serial=10 * n + i) for i in (1, 2)], place_kind="kantor_desa")
    log_households(phone, DESA[1], [kk(serial=100 + i) for i in range(5)], place_kind="pasar", members=3)
    log_households(phone, DESA[1], [], place_kind="sekolah")  # an event that helped nobody still counts
    sup = staff_client(app, "supervisor", ["35.09"])
    volume = sup.get("/api/v1/tallies", query_string={"area": "35.09", "by": "place_kind"}).get_json()
    rows = {r["key"]: r for r in volume["rows"]}
    assert volume["rank_by"] == "households" and volume["rows"][0]["key"] == "kantor_desa"
    assert (rows["kantor_desa"]["events"], rows["kantor_desa"]["households_per_event"]) == (3, 2.0)
    assert (rows["pasar"]["events"], rows["pasar"]["households_per_event"], rows["pasar"]["persons_per_event"]) == (
        1,
        5.0,
        15.0,
    )
    assert (rows["sekolah"]["events"], rows["sekolah"]["households_per_event"]) == (1, 0.0)
    assert (rows["posyandu"]["events"], rows["posyandu"]["households_per_event"]) == (0, None)
    assert rows["kantor_desa"]["households_share_pct"] == round(100 * 6 / 11, 1)
    by_yield = sup.get("/api/v1/tallies", query_string={"area": "35.09", "by": "place_kind", "rank_by": "yield"})
    ranked = [(r["key"], r["rank"]) for r in by_yield.get_json()["rows"]]
    assert ranked[:3] == [("pasar", 1), ("kantor_desa", 2), ("sekolah", 3)] and ranked[-1][1] is None
    tomorrow = (TODAY + timedelta(1)).isoformat()
    later = sup.get("/api/v1/tallies", query_string={"area": "35.09", "by": "place_kind", "from": tomorrow})
    assert all(r["events"] == 0 for r in later.get_json()["rows"])


def test_an_export_says_its_row_count_before_it_starts(app):
    """Issue 16.3: the count an export announces is the rows it then writes; nothing is audited for asking."""
    from tests.helpers_field import log_households

    phone = petugas_client(app, DESA[:2])
    log_households(phone, DESA[0], [kk(serial=i) for i in range(1, 4)])
    log_households(phone, DESA[1], [kk(serial=9)], outcome="gagal")
    coord = staff_client(app, "coordinator", ["35.09.19"])
    for query, rows in (({}, 4), ({"outcome": "gagal"}, 1), ({"desa": DESA[0]}, 3), ({"state": "approved"}, 0)):
        got = coord.get("/api/v1/exports/assists/count", query_string=query).get_json()
        assert got == {"rows": rows, "masked": True, "sep": ";"}, (query, got)
    assert coord.get("/api/v1/exports/follow-up/count").get_json()["rows"] == 4
    assert coord.get("/api/v1/exports/tallies/count").get_json()["rows"] is None
    refused = coord.get("/api/v1/exports/assists/count", query_string={"unmask": "true"})
    assert refused.get_json()["problem"] == "export.unmask_forbidden"
    assert coord.get("/api/v1/exports/assists/count", query_string={"area": "35.09.20"}).status_code == 404


def test_pushes_and_reviews_of_one_outreach_at_once_keep_its_counts_exact(app, monkeypatch):
    """The petugas adds and corrects households of an outreach while two coordinators reject, flag and approve
    others of it, committing in random order: no writer waits on another in a ring (no 5xx), and the outreach's
    households and persons, and every cell, equal a count of the records."""
    import threading
    import time

    from server.services import changes, review, sync_push
    from tests.test_change_stream import _decide

    rng, lock = random.Random(20261205), threading.Lock()

    def dawdle(records):
        changes.stamp_changes(records)
        with lock:
            pause = rng.uniform(0, 0.03)
        time.sleep(pause)  # inside the transaction, after its rows are locked: writers overlap

    for module in (sync_push, review):
        monkeypatch.setattr(module, "stamp_changes", dawdle)
    phone = petugas_client(app, DESA[:1])
    coords = [staff_client(app, "coordinator", ["35.09.19"]) for _ in range(2)]
    oid, assists = _log(phone, 16)
    errors = []

    def pushes():
        version = 1
        for n in range(6):
            batch = [mutation("assist", assist_data(oid, 100 + n, members=1 + n))]
            fix = assist_data(oid, 1 + n, members=9 - n, outcome="gagal")  # a phone's fix of an earlier one
            batch.append(mutation("assist", fix, assists[n], base_version=1))
            if n % 2:  # the outreach itself moved to another day: every household of it moves with it
                day = (TODAY - timedelta(days=n)).isoformat()
                batch.insert(
                    0, mutation("outreach", outreach_data(desa_code=DESA[0], date=day), oid, base_version=version)
                )
            resp = push(phone, batch)
            results = resp.get_json().get("results", [])
            if resp.status_code != 200 or {r["status"] for r in results} - {"applied", "conflict"}:
                errors.append(resp.get_json())
            version = results[0]["version"] if n % 2 and results and results[0]["status"] == "applied" else version

    def reviews(client, picks):
        # Verdicts in turn, not drawn from the shared generator: the threads' interleaving would pick them, and
        # at times none of the households the petugas leaves alone (6-11) was rejected.
        for n, aid in enumerate(picks):
            resp = _decide(client, aid, ("approve", "flag", "reject")[n % 3])
            if resp.status_code not in (200, 412):  # 412: the petugas changed it first; the reviewer reloads
                errors.append(resp.get_json())

    writers = [threading.Thread(target=pushes)]
    writers += [threading.Thread(target=reviews, args=(c, assists[i:12:2])) for i, c in enumerate(coords)]
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(120)
    assert errors == []
    assert db.session.get(Outreach, oid).version == 4  # moved three times, each after the one before
    helped = _helped()
    assert _stored_helped() == helped and helped[oid][0] < 16 + 6  # some were rejected
    before = _cells()
    tally_cells.rebuild()
    assert _cells() == before


def _log(phone, n):
    oid = uuid.uuid4()
    ids = [uuid.uuid4() for _ in range(n)]
    muts = [mutation("outreach", outreach_data(desa_code=DESA[0]), oid)]
    muts += [mutation("assist", assist_data(oid, i + 1), aid) for i, aid in enumerate(ids)]
    assert push(phone, muts).status_code == 200
    return oid, ids
