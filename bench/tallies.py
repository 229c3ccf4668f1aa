"""Benchmark: the supervisor's overview, the per-kecamatan ranking and the review list's first page, with
1,000,000 assists of one kabupaten (Jember) in PostgreSQL, against a naive GROUP BY over the assists table; and,
with the census office's figures loaded for every desa of the country for 60 days (5 million rows, their sums
per kecamatan, kabupaten and provinsi), the provinsi ranking over its kabupaten and the national ranking over
all 514 kabupaten, against a naive query that sums each kabupaten's desa figures.

The API answers are timed over real HTTP (gunicorn, 2 workers); the naive queries run straight on PostgreSQL,
so the ratio flatters the naive side (it pays no HTTP or JSON). Prints `bench: NAME VALUE UNIT` lines.
"""

import argparse
import math
import statistics
import time
from datetime import date, timedelta

import psycopg
import requests
import sqlalchemy as sa

from tests.conftest import create_pg_database, drop_pg_database, make_app, postgres_available, prepare_database
from tests.live import Server

KAB = "35.09"
PASSWORD = "bench-pass-1"
# The figures of /tallies (counted, persons, successful, excluded), straight from the assists table.
_NAIVE_FIGURES = """
    count(*) FILTER (WHERE NOT a.voided AND a.review_state <> 'rejected'),
    sum(a.members) FILTER (WHERE NOT a.voided AND a.review_state <> 'rejected'),
    count(*) FILTER (WHERE NOT a.voided AND a.review_state <> 'rejected' AND a.outcome = 'berhasil'),
    count(*) FILTER (WHERE a.voided OR a.review_state = 'rejected')"""
# Each kabupaten's people who took part (the latest figure of each of its desa) and its assists, from raw rows.
_NAIVE_OFFICIAL = """
    WITH latest AS (
        SELECT DISTINCT ON (area_code) area_code, persons FROM official_progress
        WHERE level = 4 AND area_code LIKE '{prefix}%' AND day <= current_date ORDER BY area_code, day DESC),
    took AS (SELECT substr(area_code, 1, 5) AS kab, sum(persons) AS persons FROM latest GROUP BY 1),
    own AS (SELECT substr(kecamatan_code, 1, 5) AS kab, {figures} FROM assists a
            WHERE a.kecamatan_code LIKE '{prefix}%' GROUP BY 1)
    SELECT took.kab, took.persons, t.population, own.* FROM took
    LEFT JOIN targets t ON t.area_code = took.kab LEFT JOIN own ON own.kab = took.kab"""
NAIVE = {
    "province_ranking": _NAIVE_OFFICIAL.format(prefix="35.", figures=_NAIVE_FIGURES),
    "national_ranking": _NAIVE_OFFICIAL.format(prefix="", figures=_NAIVE_FIGURES),
    "ranking": f"""SELECT a.kecamatan_code, {_NAIVE_FIGURES}
        FROM assists a WHERE a.kecamatan_code LIKE '35.09.%' GROUP BY a.kecamatan_code""",
    "overview": f"""SELECT o.date, {_NAIVE_FIGURES}
        FROM assists a JOIN outreaches o ON o.id = a.outreach_id
        WHERE a.kecamatan_code LIKE '35.09.%' GROUP BY o.date""",
    # Every outreach with GPS and what it helped, straight: one GROUP BY over the join, then the newest 5,000.
    "map": f"""SELECT o.id, o.date, o.place_kind, o.place_name, o.lat, o.lon, {_NAIVE_FIGURES}
        FROM outreaches o LEFT JOIN assists a ON a.outreach_id = o.id
        WHERE o.kecamatan_code LIKE '35.09.%' AND o.lat IS NOT NULL AND NOT o.voided
        GROUP BY o.id ORDER BY o.date DESC, o.id LIMIT 5000""",
}


def main():
    """Generate the data, then time the API and the naive queries."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assists", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--naive-runs", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="Keep the generated database (its URL is printed).")
    parser.add_argument("--reuse", metavar="URL", help="Time the database a --keep run left; generate nothing.")
    args = parser.parse_args()
    if not postgres_available():
        raise SystemExit("PostgreSQL is not reachable at TEST_DATABASE_URL; the benchmark needs it.")
    if args.reuse:
        report(_counts(args.reuse), time_api(args.reuse, args.runs), time_naive(args.reuse, args.naive_runs))
        return
    url = create_pg_database("jb_bench_tallies")
    try:
        prepare_database(url, areas=None)
        started = time.perf_counter()
        counts = generate(url, args.assists, args.days)
        print(
            f"Generated {counts['assists']:,} assists in {counts['outreaches']:,} outreaches by "
            f"{counts['petugas']} petugas over {args.days} days ({time.perf_counter() - started:.0f} s), "
            f"{counts['cells']:,} tally cells"
        )
        started = time.perf_counter()
        counts["official"] = generate_official(url, args.days)
        print(
            f"Generated {counts['official']:,} official figures (every desa, {args.days} days, and their sums) "
            f"in {time.perf_counter() - started:.0f} s"
        )
        api = time_api(url, args.runs)
        naive = time_naive(url, args.naive_runs)
    finally:
        if args.keep:
            print(f"Kept: --reuse {url}")
        else:
            drop_pg_database(url)
    report(counts, api, naive)


def generate(url, total, days):
    """Fill the database with one kabupaten's fieldwork: users, outreaches, assists, then the tallies."""
    from server import unit_of_work
    from server.extensions import db
    from server.services import tally_cells
    from server.services.areas import seed_country
    from server.services.passwords import hash_password

    app = make_app(url)
    with app.app_context():
        with unit_of_work.unit():
            seed_country()
        desa = db.session.scalars(
            sa.text("SELECT code FROM areas WHERE level = 4 AND code LIKE :k ORDER BY code"), {"k": f"{KAB}.%"}
        ).all()
        pw = hash_password(PASSWORD)
        users = [
            {"username": "sup.bench", "display_name": "Supervisor", "role": "supervisor", "password_hash": pw},
            {"username": "prov.bench", "display_name": "Provinsi", "role": "province_supervisor", "password_hash": pw},
            {"username": "admin.bench", "display_name": "Admin", "role": "admin", "password_hash": pw},
        ]
        petugas = [(f"ptg.{i}.{code}", code) for code in desa for i in (1, 2)]
        users += [{"username": u, "display_name": u, "role": "enumerator", "password_hash": pw} for u, _ in petugas]
        db.session.execute(
            sa.text(
                "INSERT INTO users (username, display_name, role, password_hash, active, session_epoch, created_at) "
                "VALUES (:username, :display_name, :role, :password_hash, true, 1, now())"
            ),
            users,
        )
        ids = dict(db.session.execute(sa.text("SELECT username, id FROM users")).all())
        scope = [{"u": ids["sup.bench"], "a": KAB}, {"u": ids["prov.bench"], "a": KAB[:2]}]
        scope += [{"u": ids[u], "a": code} for u, code in petugas]
        db.session.execute(sa.text("INSERT INTO user_areas (user_id, area_code) VALUES (:u, :a)"), scope)
        per = math.ceil(total / (len(petugas) * days))
        for statement in _generator_sql(days, per):
            db.session.execute(sa.text(statement))
        tally_cells.rebuild()
        db.session.commit()
    counts = {"petugas": len(petugas), **_counts(url)}
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    engine.dispose()
    return counts


def _counts(url):
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        counts = {
            name: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
            for name, table in (
                ("outreaches", "outreaches"),
                ("assists", "assists"),
                ("cells", "tally_cells"),
                ("official", "official_progress"),
            )
        }
    engine.dispose()
    return counts


def generate_official(url, days):
    """Load the office's cumulative figures for every desa of the country for each day, their sums (every desa
    has a figure every day, so a plain GROUP BY is what the import's roll-up writes), and targets; return the
    number of rows. The roll-up code itself is checked against the SQL sums for one kabupaten."""
    from server.extensions import db
    from server.services import progress

    app = make_app(url)
    with app.app_context():
        db.session.execute(
            sa.text(f"""INSERT INTO official_progress (area_code, day, level, parent_code, persons, households,
                        derived, is_demo, updated_at)
                    SELECT a.code, current_date - d, 4, a.parent_code,
                           (({days} - d) * (20 + abs(hashtext(a.code)) % 60))::int,
                           (({days} - d) * (20 + abs(hashtext(a.code)) % 60) / 4)::int, false, true, now()
                    FROM areas a CROSS JOIN generate_series(0, {days - 1}) d WHERE a.level = 4""")
        )
        for level in (3, 2, 1):
            db.session.execute(
                sa.text(f"""INSERT INTO official_progress (area_code, day, level, parent_code, persons, households,
                            derived, is_demo, updated_at)
                        SELECT p.parent_code, p.day, {level}, max(a.parent_code), sum(p.persons), sum(p.households),
                               true, true, now()
                        FROM official_progress p JOIN areas a ON a.code = p.parent_code
                        WHERE p.level = {level + 1} GROUP BY p.parent_code, p.day""")
            )
        # Targets: each area's population a little over 25 times its desa's daily gain, so participation varies.
        db.session.execute(
            sa.text("""INSERT INTO targets (area_code, population, households, target_pct, is_demo, updated_at)
                    SELECT p.area_code, p.persons * 4 + 1000, p.persons, 50, true, now()
                    FROM official_progress p WHERE p.day = current_date AND p.level < 4
                    ON CONFLICT (area_code) DO NOTHING""")
        )
        db.session.commit()
        sql_sums = dict(
            db.session.execute(
                sa.text("SELECT area_code || day, persons FROM official_progress WHERE derived AND area_code LIKE :k"),
                {"k": f"{KAB}%"},
            ).all()
        )
        progress.rollup([KAB + ".01"])  # rewrites Jember's kecamatan and Jember itself (and Jawa Timur)
        python_sums = dict(
            db.session.execute(
                sa.text("SELECT area_code || day, persons FROM official_progress WHERE derived AND area_code LIKE :k"),
                {"k": f"{KAB}%"},
            ).all()
        )
        assert python_sums == sql_sums, "the roll-up and the SQL sums differ"
        db.session.commit()
        total = db.session.scalar(sa.text("SELECT count(*) FROM official_progress"))
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("VACUUM ANALYZE official_progress, targets"))
    engine.dispose()
    return total


def _generator_sql(days, per):
    kinds = "ARRAY['kantor_desa','kantor_desa','pkh_bansos','sekolah','posyandu','pasar','kunjungan_rumah']"
    return (
        "CREATE TEMP SEQUENCE bench_seq",
        # Nine outreaches in ten carry GPS, scattered over the kabupaten (the map's points).
        f"""INSERT INTO outreaches (id, version, voided, clock_suspect, received_at, updated_at, content_hash,
                change_seq, owner_id, desa_code, kecamatan_code, place_kind, place_name, date, lat, lon)
            SELECT gen_random_uuid(), 1, false, false, now(), now(), 'bench', nextval('bench_seq'), u.id,
                   ua.area_code, substr(ua.area_code, 1, 8), ({kinds})[1 + floor(random() * 7)::int],
                   'Titik ' || d, current_date - d,
                   CASE WHEN g.r < 0.9 THEN -8.17 + (random() - 0.5) * 0.6 END,
                   CASE WHEN g.r < 0.9 THEN 113.70 + (random() - 0.5) * 0.6 END
            FROM users u JOIN user_areas ua ON ua.user_id = u.id CROSS JOIN generate_series(0, {days - 1}) d
            CROSS JOIN LATERAL (SELECT random() + 0 * d + 0 * u.id AS r) g
            WHERE u.role = 'enumerator'""",
        # One in a hundred households comes from a small pool of KK numbers: the duplicates a coordinator sees.
        f"""INSERT INTO assists (id, version, voided, clock_suspect, received_at, updated_at, content_hash,
                change_seq, outreach_id, owner_id, desa_code, kecamatan_code, kk_number, head_name, members,
                outcome, reasons, device_used, review_state)
            SELECT gen_random_uuid(), 1, r.v < 0.005, false, now(), now(), 'bench', nextval('bench_seq'), o.id,
                   o.owner_id, o.desa_code, o.kecamatan_code,
                   CASE WHEN r.k < 0.01 THEN '350901' || lpad(floor(r.k * 500000)::text, 10, '0')
                        ELSE replace(o.kecamatan_code, '.', '') || lpad(floor(r.k * 1e10)::bigint::text, 10, '0')
                   END,
                   'Kepala Keluarga ' || n, 1 + floor(r.m * 6)::int,
                   (ARRAY['berhasil','berhasil','berhasil','sebagian','gagal','ditunda'])[1 + floor(r.o * 6)::int],
                   '["tidak_paham"]', 'hp_warga',
                   CASE WHEN r.s < 0.70 THEN 'received' WHEN r.s < 0.95 THEN 'approved'
                        WHEN r.s < 0.98 THEN 'flagged' ELSE 'rejected' END
            FROM outreaches o CROSS JOIN generate_series(1, {per}) n
            -- Drawn per row of the join: a LATERAL subquery of n alone was memoized per n, so every outreach
            -- got the same 34 households (1,054 distinct KK numbers in a million assists).
            CROSS JOIN LATERAL (SELECT random() + 0 * n + 0 * o.change_seq AS v, random() AS k, random() AS m,
                                       random() AS o, random() AS s) r""",
        "SELECT setval('change_seq', (SELECT last_value FROM bench_seq))",
    )


def _p(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, math.ceil(q * len(values)) - 1)]


def _session(server, username):
    http = requests.Session()
    http.headers["X-Requested-With"] = "jemput-bola"
    resp = http.post(f"{server.url}/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    return http


def time_api(url, runs):
    """Time the screens over HTTP as the supervisor, the provinsi and the admin; return {name: (p50, p95)} in ms."""
    server = Server(url, workers=2)
    try:
        sessions = {name: _session(server, f"{name}.bench") for name in ("sup", "prov", "admin")}
        paths = {
            "overview": ("sup", "/api/v1/tallies?by=day"),
            "map": ("sup", "/api/v1/outreaches/map"),
            "map_week": ("sup", f"/api/v1/outreaches/map?from={date.today() - timedelta(days=6)}"),
            "ranking": ("sup", "/api/v1/tallies?by=child"),
            "review_first_page": ("sup", "/api/v1/review/assists?state=received"),
            "province_ranking": ("prov", "/api/v1/tallies?by=child"),
            "national_ranking": ("admin", "/api/v1/tallies?by=child&level=2"),
        }
        results = {}
        for name, (who, path) in paths.items():
            http = sessions[who]
            times = []
            for i in range(runs + 5):
                started = time.perf_counter()
                resp = http.get(f"{server.url}{path}", timeout=60)
                elapsed = (time.perf_counter() - started) * 1000
                assert resp.status_code == 200, resp.text[:300]
                if name.startswith("map") and i == 0:
                    body = resp.json()
                    print(f"{name}: the newest {body['shown']:,} of {body['total']:,} outreaches with GPS")
                if i >= 5:  # the first few warm the workers' caches and connections
                    times.append(elapsed)
            results[name] = (statistics.median(times), _p(times, 0.95))
        return results
    finally:
        server.stop()


def time_naive(url, runs):
    """Time the naive GROUP BY of the same figures straight on PostgreSQL; return {name: (p50, p95)} in ms."""
    results = {}
    with psycopg.connect(sa.engine.make_url(url).set(drivername="postgresql").render_as_string(False)) as conn:
        for name, sql in NAIVE.items():
            conn.execute(sql).fetchall()  # warm the cache
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                conn.execute(sql).fetchall()
                times.append((time.perf_counter() - started) * 1000)
            results[name] = (statistics.median(times), _p(times, 0.95))
    return results


def report(counts, api, naive):
    """Print the readable report and the bench lines."""
    print(f"\nAPI over HTTP (gunicorn, 2 workers), supervisor of {KAB}, its provinsi, the admin:")
    for name, (p50, p95) in api.items():
        print(f"  {name:18s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    print("Naive GROUP BY over the assists table (SQL only, no HTTP):")
    for name, (p50, p95) in naive.items():
        print(f"  {name:18s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   naive/API (p50) {p50 / api[name][0]:.1f}×")
    print(f"\nbench: tally_assists {counts['assists']} rows")
    print(f"bench: tally_cells {counts['cells']} rows")
    print(f"bench: official_progress {counts['official']} rows")
    for name, (p50, p95) in api.items():
        print(f"bench: {name}_p50_ms {p50:.1f} ms")
        print(f"bench: {name}_p95_ms {p95:.1f} ms")
    for name, (p50, p95) in naive.items():
        print(f"bench: naive_{name}_p50_ms {p50:.1f} ms")
        print(f"bench: naive_{name}_p95_ms {p95:.1f} ms")
        print(f"bench: naive_{name}_to_api_ratio {p50 / api[name][0]:.2f} ratio")


if __name__ == "__main__":
    main()
