"""Benchmark: streamed exports from PostgreSQL, rows/s and the server process's peak memory.

CSV of 1,000,000 assists and XLSX of 200,000 through `GET /api/v1/exports/assists.*` on gunicorn (1 worker, so
its peak RSS is the export's), against `COPY (SELECT …) TO STDOUT` of the same rows as the reference.
Prints `bench: NAME VALUE UNIT` lines.
"""

import argparse
import time
import uuid
from pathlib import Path

import psycopg
import requests
import sqlalchemy as sa

from bench.tallies import PASSWORD, generate
from tests.conftest import create_pg_database, drop_pg_database, postgres_available, prepare_database
from tests.live import Server, Worker

# The export's own columns, raw (no labels, masks or local times): every area level by code and name, the
# desa's BPS code, the address and RT/RW.
COPY_SQL = """COPY (
    SELECT a.id, a.version, o.date, substr(a.kecamatan_code, 1, 2), p.name, substr(a.kecamatan_code, 1, 5), b.name,
           a.kecamatan_code, k.name, a.desa_code, d.name, d.bps_code, a.outreach_id, o.place_kind,
           o.place_name, u.username, u.display_name, a.kk_number, a.head_name, a.members, a.outcome, a.reasons,
           a.device_used, a.phone, a.notes, a.address, a.rt_rw, a.review_state, a.review_comment, a.voided,
           a.void_reason, a.device_time, a.received_at, a.updated_at
    FROM assists a JOIN outreaches o ON o.id = a.outreach_id JOIN users u ON u.id = a.owner_id
    JOIN areas d ON d.code = a.desa_code JOIN areas k ON k.code = a.kecamatan_code
    JOIN areas b ON b.code = substr(a.kecamatan_code, 1, 5) JOIN areas p ON p.code = substr(a.kecamatan_code, 1, 2)
    WHERE a.kecamatan_code LIKE '35.09.%' AND NOT a.voided {extra}
    ORDER BY a.desa_code, o.date, a.id {limit}
) TO STDOUT WITH (FORMAT csv, HEADER)"""


def main():
    """Generate the data, then time the exports and COPY."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assists", type=int, default=1_000_000)
    parser.add_argument("--xlsx-days", type=int, default=12, help="days exported as XLSX (~200,000 rows)")
    args = parser.parse_args()
    if not postgres_available():
        raise SystemExit("PostgreSQL is not reachable at TEST_DATABASE_URL; the benchmark needs it.")
    url = create_pg_database("jb_bench_exports")
    try:
        prepare_database(url, areas=("35.09",))
        counts = generate(url, args.assists, 60)
        print(f"Generated {counts['assists']:,} assists")
        xlsx_from = _day_from(url, args.xlsx_days)
        results = _exports(url, xlsx_from)
        results["copy_csv"] = _copy(url, "", "")
        results["copy_xlsx_rows"] = _copy(url, f"AND o.date >= '{xlsx_from}'", "")
    finally:
        drop_pg_database(url)
    _report(results)


def _day_from(url, days):
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        first = conn.execute(sa.text("SELECT max(date) - :d + 1 FROM outreaches"), {"d": days}).scalar()
    engine.dispose()
    return first


def _peak_rss_kb(pid, field="VmHWM"):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    return 0


def _reset_peak(pid):
    """Reset the worker's peak RSS to its current RSS (Linux clear_refs), so each export's own peak is measured.

    Signing in verifies an Argon2id hash, which briefly takes its 64 MiB of memory: without the reset, that
    moment would be reported as the export's peak.
    """
    Path(f"/proc/{pid}/clear_refs").write_text("5")


def _exports(url, xlsx_from):
    # A long timeout, as in the Procfile: a direct export is one long request on a sync worker.
    queue = {"QUEUE_URL": "redis://127.0.0.1:6379/0", "QUEUE_NAME": f"jb-bench-{uuid.uuid4().hex[:8]}"}
    server = Server(url, workers=1, timeout=900, env=queue)
    jobs = Worker(url, queue["QUEUE_URL"], queue["QUEUE_NAME"])  # runs the background-job variant
    try:
        (worker,) = server.worker_pids()
        http = requests.Session()
        http.headers["X-Requested-With"] = "jemput-bola"
        resp = http.post(f"{server.url}/api/v1/auth/login", json={"username": "sup.bench", "password": PASSWORD})
        assert resp.status_code == 200, resp.text
        out = {"signed_in_peak_mb": _peak_rss_kb(worker) / 1024, "idle_rss_mb": _peak_rss_kb(worker, "VmRSS") / 1024}
        for name, path in (
            ("csv", "/api/v1/exports/assists.csv"),
            ("xlsx", f"/api/v1/exports/assists.xlsx?from={xlsx_from}"),
        ):
            _reset_peak(worker)
            started = time.perf_counter()
            size = 0
            with http.get(f"{server.url}{path}", stream=True, timeout=600) as r:
                assert r.status_code == 200, r.text[:300]
                for chunk in r.iter_content(1 << 16):
                    size += len(chunk)
            seconds = time.perf_counter() - started
            count = _exported_rows(url)
            out[name] = {"rows": count, "seconds": seconds, "bytes": size, "peak_rss_mb": _peak_rss_kb(worker) / 1024}
        out["csv_job"] = _job(http, server.url)
        return out
    finally:
        jobs.stop()
        server.stop()


def _exported_rows(url):
    """Return the row count the server audited for its last export (voided records are not exported)."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT details->>'rows' FROM audit_events WHERE action = 'export.assists_done' ORDER BY id DESC")
        ).scalar()
    engine.dispose()
    return int(rows)


def _job(http, base):
    """Time the same CSV as a background job (what the PWA uses): start, poll, download."""
    started = time.perf_counter()
    job = http.post(f"{base}/api/v1/exports/jobs", json={"kind": "assists", "format": "csv"}).json()
    while job["status"] in ("queued", "running"):
        time.sleep(0.2)
        job = http.get(f"{base}/api/v1/exports/jobs/{job['id']}").json()
    assert job["status"] == "done", job
    ready = time.perf_counter() - started
    size = sum(len(c) for c in http.get(base + job["download_url"], stream=True).iter_content(1 << 16))
    return {"rows": job["rows_done"], "ready_seconds": ready, "seconds": time.perf_counter() - started, "bytes": size}


def _copy(url, extra, limit):
    dsn = sa.engine.make_url(url).set(drivername="postgresql").render_as_string(False)
    started = time.perf_counter()
    size = 0
    with psycopg.connect(dsn) as conn, conn.cursor() as cur, cur.copy(COPY_SQL.format(extra=extra, limit=limit)) as c:
        for block in c:
            size += len(block)
    return {"seconds": time.perf_counter() - started, "bytes": size}


def _report(r):
    csv_rate = r["csv"]["rows"] / r["csv"]["seconds"]
    xlsx_rate = r["xlsx"]["rows"] / r["xlsx"]["seconds"]
    copy_rate = r["csv"]["rows"] / r["copy_csv"]["seconds"]
    copy_xlsx_rate = r["xlsx"]["rows"] / r["copy_xlsx_rows"]["seconds"]
    print(
        f"\nWorker RSS before the exports: {r['idle_rss_mb']:.0f} MB "
        f"(peak {r['signed_in_peak_mb']:.0f} MB while signing in: Argon2id's memory)"
    )
    print(
        f"CSV  {r['csv']['rows']:,} rows, {r['csv']['bytes'] / 1e6:.0f} MB in {r['csv']['seconds']:.1f} s: "
        f"{csv_rate:,.0f} rows/s, worker peak RSS {r['csv']['peak_rss_mb']:.0f} MB"
    )
    print(
        f"XLSX {r['xlsx']['rows']:,} rows, {r['xlsx']['bytes'] / 1e6:.0f} MB in {r['xlsx']['seconds']:.1f} s: "
        f"{xlsx_rate:,.0f} rows/s, worker peak RSS {r['xlsx']['peak_rss_mb']:.0f} MB"
    )
    job = r["csv_job"]
    print(
        f"CSV as a background job: {job['rows']:,} rows ready in {job['ready_seconds']:.1f} s, "
        f"downloaded after {job['seconds']:.1f} s ({job['rows'] / job['seconds']:,.0f} rows/s)"
    )
    print(f"COPY of the same rows: {copy_rate:,.0f} rows/s (CSV set), {copy_xlsx_rate:,.0f} rows/s (XLSX set)")
    print(f"Ratio export / COPY: CSV {csv_rate / copy_rate:.2f}, XLSX {xlsx_rate / copy_xlsx_rate:.2f}\n")
    print(f"bench: export_csv_rows {r['csv']['rows']} rows")
    print(f"bench: export_csv_rows_per_s {csv_rate:.0f} 1/s")
    print(f"bench: export_csv_peak_rss_mb {r['csv']['peak_rss_mb']:.0f} MB")
    print(f"bench: export_xlsx_rows {r['xlsx']['rows']} rows")
    print(f"bench: export_xlsx_rows_per_s {xlsx_rate:.0f} 1/s")
    print(f"bench: export_xlsx_peak_rss_mb {r['xlsx']['peak_rss_mb']:.0f} MB")
    print(f"bench: export_csv_job_rows_per_s {job['rows'] / job['seconds']:.0f} 1/s")
    print(f"bench: copy_rows_per_s {copy_rate:.0f} 1/s")
    print(f"bench: export_csv_to_copy_ratio {csv_rate / copy_rate:.3f} ratio")
    print(f"bench: export_xlsx_to_copy_ratio {xlsx_rate / copy_xlsx_rate:.3f} ratio")


if __name__ == "__main__":
    main()
