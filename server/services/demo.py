"""A realistic, deterministic demo: Kabupaten Jember and Timor Tengah Utara, 30 days of jemput-bola work.

Every figure here is made up (targets are marked is_demo); only the area names and codes are real.
"""

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, insert, select

from server import unit_of_work
from server.extensions import db
from server.models import Area, Assist, Device, Outreach, ReviewEvent, Target, User, UserArea
from server.models.record import DEVICES_USED, OUTCOMES, PLACE_KINDS, REASONS
from server.services import tally_cells
from server.services.changes import stamp_changes
from server.services.demo_names import FAMILY_NAMES, GIVEN_NAMES
from server.services.passwords import hash_password

KABUPATEN = {"35.09": ("jember", 50.0), "53.03": ("ttu", 18.0)}
DEMO_PASSWORD = "jemputbola"  # noqa: S105 - printed by `make run`; demo accounts only
DESA_PER_PETUGAS = 4
# Kaliwates (Jember's busiest) and Jelbuk (its quietest) as in the source article.
ACTIVITY = {"35.09.19": 3.0, "35.09.25": 0.3}
PLACE_WEIGHTS = [30, 12, 15, 8, 8, 7, 5, 5, 7, 3]
OUTCOME_WEIGHTS = [72, 12, 9, 7]
COMMENTS = ["Nomor KK tidak terbaca, mohon cek ulang.", "Jumlah anggota keluarga tidak sesuai KK."]


def seed_demo(seed=2020, end=None, days=30, assists_target=20000):
    """Create demo users, devices, targets, outreaches and assists; return counts. Needs the areas loaded."""
    unit_of_work.writes()
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
                users.append(user)
                petugas.append((user, kec.code, group))
    db.session.add_all(users)
    db.session.flush()
    coordinators = {u.area_codes[0]: u.id for u in users if u.role == "coordinator"}
    counts = _fieldwork(rng, petugas, coordinators, (end, days, assists_target), (given, family))
    return {"users": len(users), **counts}


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


def _fieldwork(rng, petugas, coordinators, span, names):
    end, days, assists_target = span
    given, family = names
    weights = [ACTIVITY.get(kec, 1.0) for _, kec, _ in petugas]
    mean_per_outreach = 14
    n_outreaches = assists_target // mean_per_outreach
    outreaches, assists, reviews = [], [], []
    recent_kk = []
    for _ in range(n_outreaches):
        user, kec, group = rng.choices(petugas, weights)[0]
        day = end - timedelta(days=rng.randrange(days))
        start = datetime.combine(day, time(rng.randrange(7, 14), rng.choice((0, 15, 30, 45))), UTC)
        kind = rng.choices(PLACE_KINDS, PLACE_WEIGHTS)[0]
        desa = rng.choice(group)
        oid = uuid.UUID(int=rng.getrandbits(128), version=4)
        outreaches.append(
            _record(
                oid,
                user,
                desa,
                start,
                place_kind=kind,
                place_name=_place_name(kind, desa),
                date=day,
                started_at=start,
                ended_at=start + timedelta(hours=rng.randrange(2, 6)),
            )
        )
        for k in range(max(1, int(rng.gauss(mean_per_outreach, 6)))):
            # About one in a hundred households is logged twice, as happens in the field.
            kk = rng.choice(recent_kk) if recent_kk and rng.random() < 0.01 else _kk(rng, kec)
            recent_kk = [*recent_kk, kk][-200:]
            outcome = _outcome(rng, kind)
            at = start + timedelta(minutes=6 * k + rng.randrange(5))
            aid = uuid.UUID(int=rng.getrandbits(128), version=4)
            row = _record(
                aid,
                user,
                desa,
                at,
                outreach_id=oid,
                kk_number=kk,
                head_name=f"{rng.choice(given).title()} {rng.choice(family).title()}",
                members=min(30, max(1, int(rng.gauss(3.6, 1.5)))),
                outcome=outcome,
                reasons=sorted(rng.sample(REASONS[:5], rng.choice((1, 1, 1, 2)))),
                device_used=rng.choices(DEVICES_USED, [55, 35, 10])[0],
                phone=None,
                notes=None,
            )
            _review(rng, row, end, reviews, coordinators[kec])
            assists.append(row)
    # Change numbers in the order the records would have arrived, as on a real server.
    stamp_changes(sorted(outreaches + assists, key=lambda r: r["received_at"]))
    db.session.execute(insert(Outreach), outreaches)
    db.session.execute(insert(Assist), assists)
    if reviews:
        db.session.execute(insert(ReviewEvent), reviews)
    devices = [
        {
            "id": uuid.UUID(int=rng.getrandbits(128), version=4),
            "user_id": u.id,
            "app_version": "0.1.0",
            "last_sync_at": datetime.combine(end, time(17), UTC) - timedelta(hours=rng.choice((1, 2, 5, 30, 80))),
            "pending_count": rng.choice((0, 0, 0, 3)),
        }
        for u, _, _ in petugas
    ]
    db.session.execute(insert(Device), devices)
    tally_cells.rebuild()
    return {"outreaches": len(outreaches), "assists": len(assists), "devices": len(devices)}


def _record(rid, user, desa, at, **fields):
    return {
        "id": rid,
        "owner_id": user.id,
        "desa_code": desa,
        "kecamatan_code": desa[:8],
        "version": 1,
        "device_time": at,
        "received_at": at + timedelta(hours=3),
        "updated_at": at + timedelta(hours=3),
        "content_hash": "demo",
        "clock_suspect": False,
        **fields,
    }


def _place_name(kind, desa):
    area = db.session.get(Area, desa)
    return {"kantor_desa": f"Balai Desa {area.name}", "pkh_bansos": f"Penyaluran PKH {area.name}"}.get(
        kind, f"{kind.replace('_', ' ').title()} {area.name}"
    )


def _kk(rng, kec):
    day, month, year = rng.randrange(1, 29), rng.randrange(1, 13), rng.randrange(0, 20)
    region = kec.replace(".", "")
    return f"{region}{day:02d}{month:02d}{year:02d}{rng.randrange(1, 10000):04d}"


def _outcome(rng, kind):
    weights = list(OUTCOME_WEIGHTS)
    if kind in ("pkh_bansos", "kantor_desa"):
        weights[0] += 10  # people come prepared with their KK; in the demo these points work best
    return rng.choices(OUTCOMES, weights)[0]


def _review(rng, row, end, reviews, coordinator_id):
    age = (end - row["device_time"].date()).days
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
