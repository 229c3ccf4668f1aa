"""The demo's official progress, shaped on the source articles (every figure is made up and marked is_demo).

On the demo's last day: Jember ranks first among Jawa Timur's kabupaten by participation and by count
(36,464 people, against a 50 % target) and Kabupaten Mojokerto last; in Jember, Kaliwates is the highest
kecamatan with 4,040 and Jelbuk the lowest with 344. In Nusa Tenggara Timur, Flores Timur ranks first and TTU
second, its participation above 23 % against the province's 18 % target. The office publishes cumulative figures
every day: per kecamatan in Jember and TTU (their kabupaten figure is the sum), per kabupaten elsewhere.
"""

from datetime import timedelta

from sqlalchemy import insert, select

from server.extensions import db
from server.models import Area, OfficialProgress, Target
from server.services import progress

PROVINCE_TARGET = {"35": 50.0, "53": 18.0}
JEMBER, TTU = "35.09", "53.03"
KALIWATES, JELBUK = "35.09.19", "35.09.25"
FLORES_TIMUR, MOJOKERTO = "53.06", "35.16"
JEMBER_TOOK_PART = 36_464
STORY_KECAMATAN = {KALIWATES: 4_040, JELBUK: 344}
TTU_RATE, FLORES_TIMUR_RATE = 0.234, 0.261
PERSONS_PER_HOUSEHOLD = 3.6


def seed_official(rng, end, days):
    """Write the other kabupaten's targets and every day's official figures; return {area: figure at end}."""
    finals = {**_jember(rng), **_ttu(rng)}
    finals.update(_others(rng, "35", JEMBER, _rate(JEMBER, finals)))
    finals.update(_others(rng, "53", TTU, _rate(TTU, finals)))
    for province, pct in PROVINCE_TARGET.items():
        kabupaten = _population(_children(province))
        population = sum(kabupaten.values())
        db.session.add(
            Target(
                area_code=province,
                population=population,
                households=round(population / PERSONS_PER_HOUSEHOLD),
                target_pct=pct,
                is_demo=True,
            )
        )
    rows = []
    for code, final in finals.items():
        if code in (JEMBER, TTU):
            continue  # the sum of their kecamatan
        rows.extend(_series(rng, code, final, end, days))
    db.session.execute(insert(OfficialProgress), rows)
    progress.rollup({r["area_code"] for r in rows})
    return finals


def _children(code):
    return list(db.session.scalars(select(Area.code).where(Area.parent_code == code).order_by(Area.code)))


def _population(codes):
    return {t.area_code: t.population for t in db.session.scalars(select(Target).where(Target.area_code.in_(codes)))}


def _rate(code, finals):
    return finals[code] / _population([code])[code]


def _split(rng, total, codes, weights):
    """Return {code: n} summing exactly to total, proportional to the weights."""
    raw = [w * rng.uniform(0.8, 1.25) for w in weights]
    shares = [round(total * w / sum(raw)) for w in raw]
    shares[max(range(len(shares)), key=shares.__getitem__)] += total - sum(shares)
    return dict(zip(codes, shares, strict=True))


def _jember(rng):
    kecamatan = [c for c in _children(JEMBER) if c not in STORY_KECAMATAN]
    rest = JEMBER_TOOK_PART - sum(STORY_KECAMATAN.values())
    finals = _split(rng, rest, kecamatan, [rng.uniform(1, 4) for _ in kecamatan])
    # Kept strictly between the article's lowest and highest, so Kaliwates and Jelbuk stay at the ends.
    for code, n in finals.items():
        finals[code] = min(max(n, 400), 3_900)
    finals[max(finals, key=finals.get)] += rest - sum(finals.values())
    return {**finals, **STORY_KECAMATAN, JEMBER: JEMBER_TOOK_PART}


def _ttu(rng):
    kecamatan = _children(TTU)
    population = _population(kecamatan)
    total = round(TTU_RATE * sum(population.values()))
    finals = _split(rng, total, kecamatan, [population[c] for c in kecamatan])
    return {**finals, TTU: total}


def _others(rng, province, story_code, story_rate):
    """Targets and end figures of a provinsi's other kabupaten, all below the story's kabupaten (one above in NTT)."""
    finals = {}
    for code in _children(province):
        if code == story_code:
            continue
        population = rng.randrange(150_000, 450_000) if province == "53" else rng.randrange(350_000, 2_900_000)
        if code == FLORES_TIMUR:
            rate = FLORES_TIMUR_RATE
        elif code == MOJOKERTO:
            rate = 0.2 * story_rate
        else:
            rate = rng.uniform(0.35, 0.9) * story_rate
        households = round(population / rng.uniform(3.3, 4.0))
        db.session.add(
            Target(
                area_code=code,
                population=population,
                households=households,
                target_pct=PROVINCE_TARGET[province],
                is_demo=True,
            )
        )
        took_part = round(population * rate)
        # By count too: no other Jawa Timur kabupaten reaches Jember's 36,464.
        finals[code] = min(took_part, JEMBER_TOOK_PART - 1_000) if province == "35" else took_part
    db.session.flush()
    return finals


def _series(rng, code, final, end, days):
    """Return one cumulative figure per day for an area, rising to `final` on the last day."""
    out, last = [], 0
    parent = code.rpartition(".")[0] or None
    for i in range(days):
        day = end - timedelta(days=days - 1 - i)
        share = 1.0 if i == days - 1 else min(1.0, ((i + 1) / days) ** 1.3 * rng.uniform(0.95, 1.05))
        persons = max(last, round(final * share))
        last = persons
        out.append(
            {
                "area_code": code,
                "day": day,
                "level": code.count(".") + 1,
                "parent_code": parent,
                "persons": persons,
                "households": round(persons / PERSONS_PER_HOUSEHOLD),
                "derived": False,
                "is_demo": True,
            }
        )
    return out
