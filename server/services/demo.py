"""A realistic, deterministic demo: Kabupaten Jember and Timor Tengah Utara, 30 days of jemput-bola work, and
the census office's figures for every kabupaten of Jawa Timur and NTT told as the source articles tell them.

Every figure here is made up (targets and official figures are marked is_demo); only area names and codes are
real. Nothing happens after the demo's "now" (the current time, or the end of the chosen last day), and every
phone last synced when its last record arrived, so the silent-phone list agrees with the records.
"""

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from server import unit_of_work
from server.extensions import db
from server.models import Area, Assist, Device, Outreach, ReviewEvent, Target, User, UserArea
from server.models.record import DEVICES_USED, OUTCOMES, PLACE_KINDS, REASONS
from server.models.types import utcnow
from server.services import demo_progress, tally_cells
from server.services.areas import country_rows, upsert_areas
from server.services.changes import stamp_changes
from server.services.demo_names import FAMILY_NAMES, GIVEN_NAMES
from server.services.passwords import hash_password
from server.services.zones import zone_of

KABUPATEN = {"35.09": ("jember", 50.0), "53.03": ("ttu", 18.0)}
DEMO_PASSWORD = "jemputbola"  # noqa: S105 - printed by `make run`; demo accounts only
# Petugas' phones: 0810 is no operator's prefix, so a demo call or WhatsApp link reaches nobody.
DEMO_PHONE = "+62810{:07d}"
DESA_PER_PETUGAS = 4
# Of those who took part, about how many jemput bola helped, per kabupaten (the rest did it on their own).
SHARE = {"35.09": 0.28, "53.03": 0.12}
# Where the demo's gathering points lie: around each kabupaten's seat (Jember, Kefamenanu), spread by kecamatan and
# desa. Invented points, not the areas' real places (the area list has no coordinates).
CENTRE = {"35.09": (-8.17, 113.70), "53.03": (-9.45, 124.48)}
# About one petugas in twelve stops syncing three days before the end: the silent phones to call.
SILENT_SHARE, SILENT_DAYS = 1 / 12, 3
PLACE_WEIGHTS = [30, 12, 15, 8, 8, 7, 5, 5, 7, 3]
OUTCOME_WEIGHTS = [72, 12, 9, 7]
COMMENTS = ["Nomor KK tidak terbaca, mohon cek ulang.", "Jumlah anggota keluarga tidak sesuai KK."]


def seed_demo(seed=2020, end=None, days=30, assists_target=5000):
    """Create demo users, devices, targets, official progress, outreaches and assists; return counts. Needs the
    demo kabupaten's areas loaded (the other kabupaten of their provinsi are added here when missing)."""
    unit_of_work.writes()
    _ensure_kabupaten()
    rng = random.Random(seed)
    end = end or date.today()
    given, family = GIVEN_NAMES, FAMILY_NAMES
    pw = hash_password(DEMO_PASSWORD)
    users = [User(username="admin", display_name="Admin", role="admin", password_hash=pw)]
    petugas = []
    for kab_code, (slug, pct) in KABUPATEN.items():
        kecamatan = _children(kab_code)
        users.append(_user(f"sup.{slug}", "supervisor", pw, [kab_code], f"Supervisor {slug.upper()}"))
        _targets(rng, kab_code, kecamatan, pct)
        for kec in kecamatan:
            kslug = kec.name.lower().replace(" ", "")
            users.append(_user(f"kor.{kslug}", "coordinator", pw, [kec.code], f"Korseka {kec.name}"))
            desa = _children(kec.code)
            for n, start in enumerate(range(0, len(desa), DESA_PER_PETUGAS), start=1):
                group = [d.code for d in desa[start : start + DESA_PER_PETUGAS]]
                name = f"{rng.choice(given).title()} {rng.choice(family).title()}"
                user = _user(f"ptg.{kslug}.{n}", "enumerator", pw, group, name)
                user.phone = DEMO_PHONE.format(len(petugas) + 1)
                users.append(user)
                petugas.append((user, kec.code, group))
    users += [
        _user(f"prov.{slug}", "province_supervisor", pw, [code], f"Supervisor Provinsi {slug.upper()}")
        for code, slug in (("35", "jatim"), ("53", "ntt"))
    ]
    db.session.add_all(users)
    db.session.flush()
    finals = demo_progress.seed_official(rng, end, days)
    coordinators = {u.area_codes[0]: u.id for u in users if u.role == "coordinator"}
    counts = _fieldwork(rng, petugas, coordinators, (end, days, assists_target, finals), (given, family))
    return {"users": len(users), **counts}


def _ensure_kabupaten():
    """Load the kabupaten of the demo's provinsi (their official figures are ranked against each other)."""
    wanted = tuple(f"{code[:2]}." for code in KABUPATEN)
    rows = []
    for row in country_rows():
        if row["level"] > 2:
            break  # the generator goes a level at a time: the kabupaten are all out
        if (row["level"] == 1 and row["code"] + "." in wanted) or (
            row["level"] == 2 and row["code"].startswith(wanted)
        ):
            rows.append(row)
    known = set(db.session.scalars(select(Area.code).where(Area.code.in_([r["code"] for r in rows]))))
    upsert_areas([r for r in rows if r["code"] not in known])


def demo_present():
    """Return whether the demo was already loaded."""
    return db.session.scalar(select(func.count()).select_from(User).where(User.username == "sup.jember")) > 0


def _children(code):
    return list(db.session.scalars(select(Area).where(Area.parent_code == code).order_by(Area.code)))


def _user(username, role, pw, areas, display_name):
    return User(
        username=username,
        display_name=display_name,
        role=role,
        password_hash=pw,
        areas=[UserArea(area_code=c) for c in areas],
    )


def _targets(rng, kab_code, kecamatan, pct):
    total_pop = total_kk = 0
    for kec in kecamatan:
        pop = rng.randrange(25_000, 120_000) if kab_code == "35.09" else rng.randrange(6_000, 20_000)
        kk = round(pop / rng.uniform(3.2, 4.1))
        total_pop, total_kk = total_pop + pop, total_kk + kk
        db.session.add(Target(area_code=kec.code, population=pop, households=kk, target_pct=pct, is_demo=True))
        _split_target(rng, kec.code, pop, kk, pct)
    db.session.add(Target(area_code=kab_code, population=total_pop, households=total_kk, target_pct=pct, is_demo=True))


def _split_target(rng, kec_code, pop, kk, pct):
    """Share a kecamatan's population among its desa, so the desa ranking has targets too."""
    desa = _children(kec_code)
    weights = [rng.uniform(0.5, 1.5) for _ in desa]
    left_pop, left_kk = pop, kk
    for i, d in enumerate(desa):
        last = i == len(desa) - 1
        share = weights[i] / sum(weights[i:])
        dpop = left_pop if last else round(left_pop * share)
        dkk = left_kk if last else round(left_kk * share)
        left_pop, left_kk = left_pop - dpop, left_kk - dkk
        db.session.add(Target(area_code=d.code, population=dpop, households=dkk, target_pct=pct, is_demo=True))


def _now(end):
    """Return the demo's present: now, or the evening of a last day in the past (WIB)."""
    evening = datetime.combine(end, time(11), UTC)  # 18:00 WIB
    return min(utcnow(), evening) if end >= utcnow().date() else evening


def _fieldwork(rng, petugas, coordinators, span, names):
    end, days, assists_target, finals = span
    given, family = names
    now = _now(end)
    per_kecamatan = {}
    for _, kec, _ in petugas:
        per_kecamatan[kec] = per_kecamatan.get(kec, 0) + 1
    # Work follows the office's figures: a kecamatan where many took part had many helped.
    weights = [finals.get(kec, 1) * SHARE[kec[:5]] / per_kecamatan[kec] for _, kec, _ in petugas]
    silent = {user.id for user, _, _ in rng.sample(petugas, max(1, round(SILENT_SHARE * len(petugas))))}
    mean_per_outreach = 14
    n_outreaches = assists_target // mean_per_outreach
    outreaches, assists, reviews = [], [], []
    recent_kk = []
    for _ in range(n_outreaches):
        user, kec, group = rng.choices(petugas, weights)[0]
        first = SILENT_DAYS if user.id in silent else 0
        day = end - timedelta(days=rng.randrange(first, days))
        offset = timedelta(hours=zone_of(kec)[1])  # WIB in Jawa Timur, WITA in NTT
        start = datetime.combine(day, time(rng.randrange(7, 14), rng.choice((0, 15, 30, 45))), UTC) - offset
        if start > now - timedelta(hours=1):
            # Today's work that has not happened yet: it happened the day before.
            day, start = day - timedelta(days=1), start - timedelta(days=1)
        kind = rng.choices(PLACE_KINDS, PLACE_WEIGHTS)[0]
        desa = rng.choice(group)
        oid = uuid.UUID(int=rng.getrandbits(128), version=4)
        outreaches.append(
            _record(
                oid,
                user,
                desa,
                start,
                now,
                place_kind=kind,
                place_name=_place_name(kind, desa),
                date=day,
                started_at=start,
                ended_at=start + timedelta(hours=rng.randrange(2, 6)),
                **_gps(oid, kec, desa),
            )
        )
        for k in range(max(1, int(rng.gauss(mean_per_outreach, 6)))):
            at = start + timedelta(minutes=6 * k + rng.randrange(5))
            if at > now:
                break
            # About one in a hundred households is logged twice, as happens in the field; one repeat in four is
            # a mistyped KK number instead (another household under the same number).
            name = f"{rng.choice(given).title()} {rng.choice(family).title()}"
            if recent_kk and rng.random() < 0.01:
                kk, first_name = rng.choice(recent_kk)
                name = name if rng.random() < 0.25 else first_name
            else:
                kk = _kk(rng, kec)
            recent_kk = [*recent_kk, (kk, name)][-200:]
            outcome = _outcome(rng, kind)
            aid = uuid.UUID(int=rng.getrandbits(128), version=4)
            row = _record(
                aid,
                user,
                desa,
                at,
                now,
                outreach_id=oid,
                kk_number=kk,
                head_name=name,
                members=min(30, max(1, int(rng.gauss(3.6, 1.5)))),
                outcome=outcome,
                reasons=sorted(rng.sample(REASONS[:5], rng.choice((1, 1, 1, 2)))),
                device_used=rng.choices(DEVICES_USED, [55, 35, 10])[0],
                phone=None,
                notes=None,
            )
            _review(rng, row, now, reviews, coordinators[kec])
            assists.append(row)
    # Change numbers in the order the records would have arrived, as on a real server.
    stamp_changes(sorted(outreaches + assists, key=lambda r: r["received_at"]))
    db.session.execute(insert(Outreach), outreaches)
    db.session.execute(insert(Assist), assists)
    if reviews:
        db.session.execute(insert(ReviewEvent), reviews)
    last_received = {}
    for row in outreaches + assists:
        last_received[row["owner_id"]] = max(last_received.get(row["owner_id"], row["received_at"]), row["received_at"])
    devices = [_device(rng, u, last_received.get(u.id), now, u.id in silent) for u, _, _ in petugas]
    db.session.execute(insert(Device), devices)
    tally_cells.rebuild()
    return {"outreaches": len(outreaches), "assists": len(assists), "devices": len(devices)}


def _device(rng, user, last_received, now, silent):
    """Return a petugas' phone: it last synced when its last record arrived, or later (never before)."""
    if silent:
        # Stopped syncing days ago, some with records still on the phone.
        synced = last_received or now - timedelta(days=SILENT_DAYS + 1)
        pending = rng.choice((0, 2, 5))
    else:
        synced = max(last_received or now, now - timedelta(minutes=rng.randrange(10, 300)))
        pending = 0
    return {
        "id": uuid.UUID(int=rng.getrandbits(128), version=4),
        "user_id": user.id,
        "app_version": "0.1.0",
        "created_at": min(synced, now - timedelta(days=31)),
        "last_seen_at": synced,
        "last_sync_at": min(synced, now),
        "pending_count": pending,
    }


def _record(rid, user, desa, at, now, **fields):
    # Uploaded when a signal came: minutes to hours later, never after the demo's present.
    received = min(at + timedelta(minutes=_upload_delay(rid)), now)
    return {
        "id": rid,
        "owner_id": user.id,
        "desa_code": desa,
        "kecamatan_code": desa[:8],
        "version": 1,
        "device_time": at,
        "received_at": received,
        "updated_at": received,
        "content_hash": "demo",
        "clock_suspect": False,
        **fields,
    }


def _place_name(kind, desa):
    area = db.session.get(Area, desa)
    return {"kantor_desa": f"Balai Desa {area.name}", "pkh_bansos": f"Penyaluran PKH {area.name}"}.get(
        kind, f"{kind.replace('_', ' ').title()} {area.name}"
    )


def _gps(oid, kec, desa):
    """Return an outreach's invented GPS point (nine in ten have one: some phones give no location)."""
    here = random.Random(oid.int)
    if here.random() < 0.1:
        return {"lat": None, "lon": None}
    lat, lon = CENTRE[kec[:5]]
    kec_at, desa_at = random.Random(kec), random.Random(desa)
    lat += kec_at.uniform(-0.25, 0.25) + desa_at.uniform(-0.04, 0.04) + here.uniform(-0.004, 0.004)
    lon += kec_at.uniform(-0.25, 0.25) + desa_at.uniform(-0.04, 0.04) + here.uniform(-0.004, 0.004)
    return {"lat": round(lat, 5), "lon": round(lon, 5)}


def _kk(rng, kec):
    day, month, year = rng.randrange(1, 29), rng.randrange(1, 13), rng.randrange(0, 20)
    region = kec.replace(".", "")
    return f"{region}{day:02d}{month:02d}{year:02d}{rng.randrange(1, 10000):04d}"


def _outcome(rng, kind):
    weights = list(OUTCOME_WEIGHTS)
    if kind in ("pkh_bansos", "kantor_desa"):
        weights[0] += 10  # people come prepared with their KK; in the demo these points work best
    return rng.choices(OUTCOMES, weights)[0]


def _upload_delay(rid):
    """Return a record's upload delay in minutes, 2 to 300, fixed by its id (so the demo stays deterministic)."""
    return 2 + rid.int % 299


def _review(rng, row, now, reviews, coordinator_id):
    age = (now - row["received_at"]).days
    if age < 3:
        return
    roll = rng.random()
    state = "approved" if roll < 0.8 else "flagged" if roll < 0.83 else "rejected" if roll < 0.84 else None
    if state is None:
        return
    comment = rng.choice(COMMENTS) if state != "approved" else None
    row.update(review_state=state, review_comment=comment)
    reviews.append(
        {
            "assist_id": row["id"],
            "actor_id": coordinator_id,
            "from_state": "received",
            "to_state": state,
            "assist_version": 1,
            "comment": comment,
            "at": row["received_at"] + timedelta(days=1),
        }
    )
