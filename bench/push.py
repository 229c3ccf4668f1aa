"""Benchmark: assists/second through POST /sync/push against a raw batched INSERT of the same rows.

Real gunicorn (2 workers of 4 threads, as gunicorn.conf.py sets them) on PostgreSQL, 4 concurrent HTTP clients,
batches of 100 (request bodies encoded beforehand, a new connection per batch unless --keep-alive), 20,000
assists; then the CPU of a pull that finds nothing new, as a phone with signal makes after every push. Prints a
readable report and one `bench: NAME VALUE UNIT` line per figure.
"""

import argparse
import json
import os
import statistics
import threading
import time
import timeit
import uuid
from datetime import UTC, datetime
from unittest import mock

import psycopg
import sqlalchemy as sa

from tests.conftest import create_pg_database, drop_pg_database, make_app, postgres_available, prepare_database
from tests.factories import assist_data, mutation, outreach_data
from tests.live import Phone, Server

# The tests' servers load every item twice to compare the loaders; a benchmark measures what production runs.
NO_CROSSCHECK = {"FAST_LOAD_CROSSCHECK": "false"}
JSON_BODY = {"Content-Type": "application/json"}


def main():
    """Run the push benchmark."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assists", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--pulls", type=int, default=200, help="pulls per client after the pushes, each finding nothing new"
    )
    parser.add_argument(
        "--keep-alive",
        action="store_true",
        help="send every batch of a client on one kept-alive connection (which worker serves each client is then "
        "left to chance: all four on one worker halves the throughput)",
    )
    args = parser.parse_args()
    if not postgres_available():
        raise SystemExit("PostgreSQL is not reachable at TEST_DATABASE_URL; the benchmark needs it.")
    url = create_pg_database("jb_bench")
    try:
        prepare_database(url)
        parse = _bench_parse(url)
        users = _make_users(url, args.clients)
        push = _bench_push(url, users, args)
        db_cpu, client_cpu = cpu_seconds(postgres_pids()), time.process_time()
        raw = _bench_raw_insert(url, args)
        # The reference's CPU: PostgreSQL's and this process's (the client that builds and sends the rows).
        raw_cpu_ms = (cpu_seconds(postgres_pids()) - db_cpu + time.process_time() - client_cpu) * 1000 / args.assists
    finally:
        drop_pg_database(url)
    ratio = push["rate"] / raw
    print(
        f"\nPush through the API: {args.assists} assists, batches of {args.batch}, {args.clients} clients, "
        f"gunicorn {args.workers} workers, PostgreSQL"
    )
    print(f"  {push['rate']:,.0f} assists/s   request latency p50 {push['p50']:.0f} ms, p95 {push['p95']:.0f} ms")
    cpu = push["app_cpu_ms"] + push["db_cpu_ms"]
    print(
        f"  server CPU per assist: {cpu:.3f} ms (app {push['app_cpu_ms']:.3f} + PostgreSQL {push['db_cpu_ms']:.3f});"
        " ODK Central: about 10 ms"
    )
    client = push["client_cpu_ms"]
    print(f"  the busiest gunicorn worker did {push['busiest_worker']:.0%} of the workers' CPU")
    print(f"  the load generator's CPU ({args.clients} clients, on this machine too): {client:.3f} ms per assist")
    print(
        f"  parsing one assist item: {parse['fast']:.1f} µs as the push does it (msgspec first), "
        f"{parse['marshmallow']:.1f} µs through marshmallow alone"
    )
    pull = push["pull"]
    print(
        f"  a pull that finds nothing new (as after every push): app {pull['app_cpu_ms']:.2f} + PostgreSQL "
        f"{pull['db_cpu_ms']:.2f} ms of CPU ({args.pulls} per client)"
    )
    print(f"Raw batched INSERT of the same rows ({args.batch} per commit): {raw:,.0f} rows/s")
    print(f"  its CPU per row: {raw_cpu_ms:.3f} ms (PostgreSQL + client)")
    print(f"Ratio push / raw insert: {ratio:.2f}\n")
    print(f"bench: push_assists_per_s {push['rate']:.0f} 1/s")
    print(f"bench: push_request_p50_ms {push['p50']:.1f} ms")
    print(f"bench: push_request_p95_ms {push['p95']:.1f} ms")
    print(f"bench: push_app_cpu_per_assist {push['app_cpu_ms']:.3f} ms")
    print(f"bench: push_db_cpu_per_assist {push['db_cpu_ms']:.3f} ms")
    print(f"bench: push_server_cpu_per_assist {cpu:.3f} ms")
    print(f"bench: push_busiest_worker_share {push['busiest_worker']:.2f} ratio")
    print(f"bench: push_client_cpu_per_assist {push['client_cpu_ms']:.3f} ms")
    print(f"bench: pull_empty_app_cpu {pull['app_cpu_ms']:.2f} ms")
    print(f"bench: pull_empty_db_cpu {pull['db_cpu_ms']:.2f} ms")
    print(f"bench: push_parse_item_us {parse['fast']:.1f} us")
    print(f"bench: push_parse_item_marshmallow_us {parse['marshmallow']:.1f} us")
    print(f"bench: raw_insert_rows_per_s {raw:.0f} 1/s")
    print(f"bench: raw_insert_cpu_per_row {raw_cpu_ms:.3f} ms")
    print(f"bench: push_to_raw_ratio {ratio:.3f} ratio")


def _bench_parse(url, count=2000):
    """Return the microseconds one assist item takes to parse: as the push does, and with marshmallow alone."""
    from server.api.fast_load import FastLoader
    from server.api.sync.items import parse_item

    items = [mutation("assist", assist_data(uuid.uuid4(), n + 1)) for n in range(count)]
    app = make_app(url, FAST_LOAD_CROSSCHECK=False)

    def best():
        return min(timeit.repeat(lambda: [parse_item(raw) for raw in items], number=1, repeat=7)) * 1e6 / count

    with app.test_request_context():
        fast = best()
        with mock.patch.object(FastLoader, "attempt", return_value=None):  # never sure: marshmallow loads all
            slow = best()
    return {"fast": fast, "marshmallow": slow}


def _make_users(url, n):
    from tests.factories import make_user

    app = make_app(url)
    with app.app_context():
        return [
            (u.username, u.password) for u in (make_user(role="enumerator", areas=["35.09.19.1001"]) for _ in range(n))
        ]


def _bench_push(url, users, args):
    server = Server(url, workers=args.workers, env=NO_CROSSCHECK)
    try:
        phones = [Phone(server.url, username, password) for username, password in users]
        per_client = args.assists // args.clients
        push_url = f"{server.url}/api/v1/sync/push"
        # A new connection per batch by default: four clients stand for many phones, and which worker serves a
        # batch is then the server's choice (a free worker accepts), not where four connections once landed.
        headers = JSON_BODY if args.keep_alive else {**JSON_BODY, "Connection": "close"}
        plans = [_plan(phone, per_client, args.batch) for phone in phones]
        latencies, lock = [], threading.Lock()

        def run(phone, batches):
            for body in batches:
                started = time.perf_counter()
                resp = phone.http.post(push_url, data=body, headers=headers, timeout=120)
                elapsed = (time.perf_counter() - started) * 1000
                results = resp.json()["results"]
                assert resp.status_code == 200 and all(r["status"] == "applied" for r in results), resp.text[:300]
                with lock:
                    latencies.append(elapsed)

        threads = [threading.Thread(target=run, args=(p, b)) for p, b in zip(phones, plans, strict=True)]
        per_worker = [cpu_seconds([pid]) for pid in server.worker_pids()]
        client_cpu = time.process_time()
        elapsed, app_cpu, db_cpu = _run(threads, server)
        client_cpu = time.process_time() - client_cpu
        per_worker = [cpu_seconds([pid]) - before for pid, before in zip(server.worker_pids(), per_worker, strict=True)]
        pull = _bench_pull(server, phones, args.pulls)
    finally:
        server.stop()
    quantiles = statistics.quantiles(latencies, n=100)
    done = per_client * args.clients
    return {
        "pull": pull,
        "rate": done / elapsed,
        "p50": quantiles[49],
        "p95": quantiles[94],
        "app_cpu_ms": app_cpu * 1000 / done,
        "db_cpu_ms": db_cpu * 1000 / done,
        "client_cpu_ms": client_cpu * 1000 / done,
        "busiest_worker": max(per_worker) / sum(per_worker),
    }


def _bench_pull(server, phones, count):
    """Return the app and PostgreSQL CPU milliseconds of one pull that finds nothing new, as a phone with signal
    makes after every push (each client first catches up to the end of the change stream)."""
    pull_url = f"{server.url}/api/v1/sync/pull"
    cursors = []
    for phone in phones:
        params = {"device_id": phone.device_id}
        while True:
            page = phone.http.get(pull_url, params=params, timeout=120).json()
            params["cursor"] = page["next"]
            if not page["has_more"]:
                break
        cursors.append(params)

    def run(phone, params):
        for _ in range(count):
            resp = phone.http.get(pull_url, params=params, headers={"Connection": "close"}, timeout=120)
            assert resp.status_code == 200 and not resp.json()["assists"], resp.text[:300]

    _, app_cpu, db_cpu = _run(
        [threading.Thread(target=run, args=pair) for pair in zip(phones, cursors, strict=True)], server
    )
    done = max(1, count * len(phones))
    return {"app_cpu_ms": app_cpu * 1000 / done, "db_cpu_ms": db_cpu * 1000 / done}


def _run(threads, server):
    """Run the client threads to their end; return (seconds, the server's app CPU seconds, PostgreSQL's)."""
    app_pids = [server.proc.pid, *server.worker_pids()]
    app_cpu, db_cpu = cpu_seconds(app_pids), cpu_seconds(postgres_pids())
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - started, cpu_seconds(app_pids) - app_cpu, cpu_seconds(postgres_pids()) - db_cpu


def postgres_pids():
    """Return the pids of every PostgreSQL process on this machine (the server the benchmark runs on)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as f:
                    if f.read().strip() == "postgres":
                        found.append(int(entry))
            except OSError:
                continue
    return found


def cpu_seconds(pids):
    """Return the user + system CPU seconds the given processes have used (those still alive)."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def _plan(phone, count, size):
    """Return the phone's batches as request bodies, encoded before the clock starts: a phone encodes its
    own JSON, and this machine's cores are better spent on the server (the raw INSERT's rows are built
    beforehand too)."""
    outreach_id = uuid.uuid4()
    assert phone.push([mutation("outreach", outreach_data(), outreach_id)]).status_code == 200
    muts = [mutation("assist", assist_data(outreach_id, n + 1)) for n in range(count)]
    batches = [muts[i : i + size] for i in range(0, count, size)]
    return [
        json.dumps({"device_id": phone.device_id, "pending_count": len(b), "mutations": b}).encode() for b in batches
    ]


def _bench_raw_insert(url, args):
    """Insert the same number of assist rows with plain SQL, `batch` rows per commit, as the reference."""
    dsn = sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn) as conn:
        owner_id, outreach_id = conn.execute("SELECT owner_id, id FROM outreaches LIMIT 1").fetchone()
        conn.execute("DELETE FROM assists")
        conn.commit()
        now = datetime.now(UTC)
        rows = [
            (
                uuid.uuid4(),
                outreach_id,
                owner_id,
                "35.09.19.1001",
                "35.09.19",
                f"350919010190{n % 10000:04d}",
                f"Kepala Keluarga {n}",
                4,
                "berhasil",
                '["tidak_paham"]',
                "hp_petugas",
                now,
                now,
                now,
                "x" * 64,
                n,
            )
            for n in range(args.assists)
        ]
        sql = (
            "INSERT INTO assists (id, outreach_id, owner_id, desa_code, kecamatan_code, kk_number, head_name, "
            "members, outcome, reasons, device_used, device_time, received_at, updated_at, content_hash, "
            "change_seq, version, voided, clock_suspect, review_state) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 1, false, false, 'received')"
        )
        started = time.perf_counter()
        with conn.cursor() as cur:
            for i in range(0, len(rows), args.batch):
                cur.executemany(sql, rows[i : i + args.batch])
                conn.commit()
        return len(rows) / (time.perf_counter() - started)


if __name__ == "__main__":
    main()
