"""Benchmark: the supervisor's overview, the per-kecamatan ranking and the review list's first page, with
1,000,000 assists of one kabupaten (Jember) in PostgreSQL, against a naive GROUP BY over the assists table.

The API answers are timed over real HTTP (gunicorn, 2 workers); the naive queries run straight on PostgreSQL,
so the ratio flatters the naive side (it pays no HTTP or JSON). Prints `bench: NAME VALUE UNIT` lines.
"""

import argparse
import math
import statistics
import time

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
NAIVE = {
    "ranking": f"""SELECT a.kecamatan_code, {_NAIVE_FIGURES}
        FROM assists a WHERE a.kecamatan_code LIKE '35.09.%' GROUP BY a.kecamatan_code""",
    "overview": f"""SELECT o.date, {_NAIVE_FIGURES}
        FROM assists a JOIN outreaches o ON o.id = a.outreach_id
        WHERE a.kecamatan_code LIKE '35.09.%' GROUP BY o.date""",
}


def main():
    """Generate the data, then time the API and the naive queries."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assists", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--naive-runs", type=int, default=10)
    args = parser.parse_args()
    if not postgres_available():
        raise SystemExit("PostgreSQL is not reachable at TEST_DATABASE_URL; the benchmark needs it.")
    url = create_pg_database("jb_bench_tallies")
    try:
        prepare_database(url, areas=(KAB,))
        started = time.perf_counter()
        counts = generate(url, args.assists, args.days)
        print(
            f"Generated {counts['assists']:,} assists in {counts['outreaches']:,} outreaches by "
            f"{counts['petugas']} petugas over {args.days} days ({time.perf_counter() - started:.0f} s), "
            f"{counts['cells']:,} tally cells"
        )
        api = time_api(url, args.runs)
        naive = time_naive(url, args.naive_runs)
    finally:
        drop_pg_database(url)
    report(counts, api, naive)


def generate(url, total, days):
    """Fill the database with one kabupaten's fieldwork: users, outreaches, assists, then the tallies."""
    from server.extensions import db
    from server.services import tally_cells
    from server.services.passwords import hash_password

    app = make_app(url)
    with app.app_context():
        desa = db.session.scalars(sa.text("SELECT code FROM areas WHERE level = 4 ORDER BY code")).all()
        pw = hash_password(PASSWORD)
        users = [{"username": "sup.bench", "display_name": "Supervisor", "role": "supervisor", "password_hash": pw}]
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
        scope = [{"u": ids["sup.bench"], "a": KAB}] + [{"u": ids[u], "a": code} for u, code in petugas]
        db.session.execute(sa.text("INSERT INTO user_areas (user_id, area_code) VALUES (:u, :a)"), scope)
        per = math.ceil(total / (len(petugas) * days))
        for statement in _generator_sql(days, per):
            db.session.execute(sa.text(statement))
        tally_cells.rebuild()
        db.session.commit()
        counts = {
            "petugas": len(petugas),
            "outreaches": db.session.scalar(sa.text("SELECT count(*) FROM outreaches")),
            "assists": db.session.scalar(sa.text("SELECT count(*) FROM assists")),
            "cells": db.session.scalar(sa.text("SELECT count(*) FROM tally_cells")),
        }
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    engine.dispose()
    return counts


def _generator_sql(days, per):
    kinds = "ARRAY['kantor_desa','kantor_desa','pkh_bansos','sekolah','posyandu','pasar','kunjungan_rumah']"
    return (
        "CREATE TEMP SEQUENCE bench_seq",
        f"""INSERT INTO outreaches (id, version, voided, clock_suspect, received_at, updated_at, content_hash,
                change_seq, owner_id, desa_code, kecamatan_code, place_kind, place_name, date)
            SELECT gen_random_uuid(), 1, false, false, now(), now(), 'bench', nextval('bench_seq'), u.id,
                   ua.area_code, substr(ua.area_code, 1, 8), ({kinds})[1 + floor(random() * 7)::int],
                   'Titik ' || d, current_date - d
            FROM users u JOIN user_areas ua ON ua.user_id = u.id CROSS JOIN generate_series(0, {days - 1}) d
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


def time_api(url, runs):
    """Time the three screens over HTTP as the supervisor; return {name: (p50, p95)} in ms."""
    server = Server(url, workers=2)
    try:
        http = requests.Session()
        http.headers["X-Requested-With"] = "jemput-bola"
        resp = http.post(f"{server.url}/api/v1/auth/login", json={"username": "sup.bench", "password": PASSWORD})
        assert resp.status_code == 200, resp.text
        paths = {
            "overview": "/api/v1/tallies?by=day",
            "ranking": "/api/v1/tallies?by=child",
            "review_first_page": "/api/v1/review/assists?state=received",
        }
        results = {}
        for name, path in paths.items():
            times = []
            for i in range(runs + 5):
                started = time.perf_counter()
                resp = http.get(f"{server.url}{path}", timeout=60)
                elapsed = (time.perf_counter() - started) * 1000
                assert resp.status_code == 200, resp.text[:300]
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
    print(f"\nAPI over HTTP (gunicorn, 2 workers), supervisor of {KAB}:")
    for name, (p50, p95) in api.items():
        print(f"  {name:18s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    print("Naive GROUP BY over the assists table (SQL only, no HTTP):")
    for name, (p50, p95) in naive.items():
        print(f"  {name:18s} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   naive/API (p50) {p50 / api[name][0]:.1f}×")
    print(f"\nbench: tally_assists {counts['assists']} rows")
    print(f"bench: tally_cells {counts['cells']} rows")
    for name, (p50, p95) in api.items():
        print(f"bench: {name}_p50_ms {p50:.1f} ms")
        print(f"bench: {name}_p95_ms {p95:.1f} ms")
    for name, (p50, p95) in naive.items():
        print(f"bench: naive_{name}_p50_ms {p50:.1f} ms")
        print(f"bench: naive_{name}_p95_ms {p95:.1f} ms")
        print(f"bench: naive_{name}_to_api_ratio {p50 / api[name][0]:.2f} ratio")


if __name__ == "__main__":
    main()
