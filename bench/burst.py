"""Benchmark: the end-of-day upload burst, through HAProxy to two app servers, against one in the same run.

Hundreds of simulated phones in ten kabupaten each push a day's records (an outreach and 100-300 assists, in
batches of 200 as the PWA sends them). Some phones are on a slow, lossy link: they pause between batches and
sometimes lose an answer, so they send the same batch again. Every phone honours Retry-After with jitter of its
own, as the PWA does. Both layouts go through HAProxy and a real PgBouncer to one PostgreSQL, each on a fresh
database, and stand for the whole run with their phones signed in. Each round is another day: every phone uploads
that day's records to one layout, then to the other (the order alternating, one-two, two-one, ...), or with
`--together` to both at the same moment, each layout with its own phones: the two are then compared over the
seconds when both had every phone slot busy, so that the machine's drift from minute to minute weighs on both.
After each day the database is checked: every record there exactly once, and the tallies equal a direct count.

Prints a readable report and one `bench: NAME VALUE UNIT` line per figure.
"""

import argparse
import contextlib
import os
import random
import statistics
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests
import sqlalchemy as sa

from bench.push import NO_CROSSCHECK, cpu_seconds
from tests.conftest import make_app, postgres_available
from tests.factories import assist_data, kk, make_user, mutation, outreach_data
from tests.layout import balanced
from tests.live import CpuBudget, Phone

KABUPATEN = tuple(f"35.{n:02d}" for n in range(1, 11))  # ten kabupaten of Jawa Timur


def main():
    """Run the burst benchmark on both layouts, in alternating order over the rounds, and compare them."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--phones", type=int, default=500)
    parser.add_argument("--min-assists", type=int, default=100)
    parser.add_argument("--max-assists", type=int, default=300)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=100, help="phones uploading at the same moment")
    parser.add_argument("--lossy", type=float, default=0.1, help="share of phones on a slow, lossy link")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument(
        "--server-cores",
        type=float,
        default=None,
        help="give each app server this much CPU (a cgroup quota, needs root), as if it had a machine of its own; "
        "PostgreSQL, PgBouncer, HAProxy and the phones stay unlimited",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="days of uploads, each to both layouts in alternating order (one-two, two-one, ...), so that a drift "
        "in the machine's speed weighs on both alike",
    )
    parser.add_argument(
        "--together",
        action="store_true",
        help="each day, both layouts at the same moment (each with its own phones), compared over the seconds when "
        "both had every phone slot busy: a drift in the machine's speed then weighs on both at once",
    )
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if not postgres_available():
        raise SystemExit("PostgreSQL is not reachable at TEST_DATABASE_URL; the benchmark needs it.")
    if args.server_cores:
        try:
            CpuBudget(args.server_cores).remove()
        except RuntimeError as exc:
            raise SystemExit(f"{exc}; leave out --server-cores to let the servers use the whole machine") from exc
    if args.rounds * args.max_assists > 9999:
        raise SystemExit(
            "--rounds × --max-assists must stay under 10,000: each day's KK numbers need serials of their own"
        )
    runs, sides = {1: [], 2: []}, []
    with contextlib.ExitStack() as stack:
        # Both layouts stand for the whole run; a day goes to one and then the other, or to both at once.
        began = time.perf_counter()
        layouts = {servers: stack.enter_context(_Layout(args, servers)) for servers in (1, 2)}
        print(
            f"both layouts up, {args.phones} phones signed in to each: {time.perf_counter() - began:.0f} s", flush=True
        )
        for n in range(args.rounds):
            if args.together:
                with ThreadPoolExecutor(2) as pool:
                    one, two = (f.result() for f in [pool.submit(layouts[servers].day, n) for servers in (1, 2)])
                runs[1].append(one)
                runs[2].append(two)
                sides.append(_side_by_side(one, two))
                print(f"day {n + 1}, side by side: two / one {sides[-1]['ratio']:.2f}", flush=True)
                continue
            for servers in (1, 2) if n % 2 == 0 else (2, 1):
                runs[servers].append(layouts[servers].day(n))
                print(f"day {n + 1}, {servers} server(s): {runs[servers][-1]['rate']:,.0f} assists/s", flush=True)
    _print_results(args, runs, sides)


def _print_results(args, runs, sides):
    """Print each round, both layouts pooled, and the `bench:` lines; side by side (--together: `sides`) if so run."""
    if args.server_cores:
        print(f"\nEach app server limited to {args.server_cores:g} of this machine's {os.cpu_count()} cores")
    for n in range(args.rounds):
        if args.rounds > 1:
            print(f"\nRound {n + 1}")
        for name, r in (("one app server", runs[1][n]), ("two app servers", runs[2][n])):
            _report(name, r, args)
        if args.together:
            side = sides[n]
            print(
                f"  side by side, while both had every phone slot busy ({side['seconds']:.1f} s): one "
                f"{side['one']:,.0f}, two {side['two']:,.0f} assists/s; two / one {side['ratio']:.2f}"
            )
        else:
            burst, sustained = _ratio(runs[2][n], runs[1][n], "rate"), _ratio(runs[2][n], runs[1][n], "steady_rate")
            print(f"  two / one: {burst:.2f} over the burst, {sustained:.2f} sustained")
    one, two = _pooled(runs[1]), _pooled(runs[2])
    rounds = f" over {args.rounds} rounds (all assists / all seconds)" if args.rounds > 1 else ""
    if args.together:
        ratio = sum(s["two_assists"] for s in sides) / max(1, sum(s["one_assists"] for s in sides))
        print(f"\nTwo servers / one server side by side{rounds}: {ratio:.2f}\n")
    else:
        ratio, sustained = _ratio(two, one, "rate"), _ratio(two, one, "steady_rate")
        print(f"\nTwo servers / one server{rounds}: {ratio:.2f} over the whole burst, {sustained:.2f} sustained\n")
    for key, r in (("one", one), ("two", two)):
        print(f"bench: burst_{key}_assists_per_s {r['rate']:.0f} 1/s")
        print(f"bench: burst_{key}_sustained_assists_per_s {r['steady_rate']:.0f} 1/s")
        for q in ("p50", "p95", "p99"):
            print(f"bench: burst_{key}_{q}_ms {r[q]:.0f} ms")
        if not args.together:  # side by side, the machine's figures are both layouts' at once
            print(f"bench: burst_{key}_machine_busy {r['machine_busy'] * 100:.0f} %")
            print(f"bench: burst_{key}_server_cpu_per_assist {r['server_cpu_ms']:.2f} ms")
        print(f"bench: burst_{key}_app_cpu_per_assist {r['app_cpu_ms']:.3f} ms")
        print(f"bench: burst_{key}_lost {r['lost']} records")
        print(f"bench: burst_{key}_duplicated {r['duplicated']} records")
        print(f"bench: burst_{key}_5xx_not_503 {r['bad_5xx']} answers")
    print(f"bench: burst_two_to_one_ratio {ratio:.2f} ratio")
    if not args.together:
        print(f"bench: burst_two_to_one_sustained_ratio {sustained:.2f} ratio")


def _report(name, r, args):
    print(f"\n{name}, behind HAProxy: {r['phones']} phones, {r['assists']:,} assists in {r['seconds']:.1f} s")
    latency = f"p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms, p99 {r['p99']:.0f} ms"
    print(f"  {r['rate']:,.0f} assists/s   request {latency}")
    print(
        f"  sustained while all {args.concurrency} phone slots were busy ({r['steady_seconds']:.1f} s): "
        f"{r['steady_rate']:,.0f} assists/s"
    )
    print(f"  answers: {dict(sorted(r['statuses'].items()))}   resent after a lost answer: {r['resent']}")
    if args.together:
        print(f"  machine busy {r['machine_busy']:.0%} over this layout's burst, the other layout's work included")
    else:
        print(f"  machine busy {r['machine_busy']:.0%}, server CPU {r['server_cpu_ms']:.2f} ms per assist")
    budget = f", {r['app_budget_used']:.0%} of their CPU budget" if r["app_budget_used"] is not None else ""
    print(f"  app servers' CPU {r['app_cpu_ms']:.3f} ms per assist{budget}")
    tallies = "equal a direct count" if r["tallies_ok"] else "DIFFER from a direct count"
    print(f"  check: lost {r['lost']}, duplicated {r['duplicated']}, tallies {tallies}")


def _ratio(two, one, key):
    """Return two's figure over one's (not a number when one's is 0: too few phones to fill every slot)."""
    return two[key] / one[key] if one[key] else float("nan")


def _side_by_side(one, two):
    """Return both layouts' rates over the seconds when both had every phone slot busy (--together)."""
    start, end = max(one["started"], two["started"]), min(one["steady_end"], two["steady_end"])
    counts = [sum(n for when, n in r["stored"] if start <= when <= end) for r in (one, two)]
    seconds = max(end - start, 1e-9)
    return {
        "seconds": seconds,
        "one": counts[0] / seconds,
        "two": counts[1] / seconds,
        "one_assists": counts[0],
        "two_assists": counts[1],
        "ratio": counts[1] / counts[0] if counts[0] else float("nan"),
    }


def _pooled(results):
    """Return one layout's rounds as one: rates over all seconds, latency quantiles over all requests, sums."""
    seconds = sum(r["seconds"] for r in results)
    steady = sum(r["steady_seconds"] for r in results)
    assists = sum(r["assists"] for r in results)
    quantiles = statistics.quantiles([ms for r in results for ms in r["latencies"]], n=100)
    return {
        "rate": assists / seconds,
        "steady_rate": sum(r["steady_assists"] for r in results) / steady if steady > 0 else 0.0,
        "p50": quantiles[49],
        "p95": quantiles[94],
        "p99": quantiles[98],
        "machine_busy": sum(r["machine_busy"] * r["seconds"] for r in results) / seconds,
        "server_cpu_ms": sum(r["server_cpu_ms"] * r["assists"] for r in results) / assists,
        "app_cpu_ms": sum(r["app_cpu_ms"] * r["assists"] for r in results) / assists,
        **{key: sum(r[key] for r in results) for key in ("lost", "duplicated", "bad_5xx")},
    }


class _Layout:
    """One layout for the whole run: a fresh database, PgBouncer, app servers behind HAProxy, phones signed in."""

    def __init__(self, args, servers):
        self.args = args
        env = {"DB_POOL_SIZE": "4", "DB_MAX_OVERFLOW": "4", "LOG_FORMAT": "", "GUNICORN_ACCESS_LOG": "/dev/null"}
        env.update(NO_CROSSCHECK)
        self._stack = contextlib.ExitStack()
        with self._stack:  # stopped here only if setting up fails; then by stop()
            layout = balanced("jb_burst", servers, args.workers, env, KABUPATEN, pool_size=20, timeout=120)
            self.balancer, self.fleet, self.url, _ = self._stack.enter_context(layout)
            people = _make_users(self.url, args.phones)
            with ThreadPoolExecutor(16) as pool:
                self.phones = list(pool.map(lambda p: _signed_in(self.balancer.url, p), people[:-1]))
            self.admin = _signed_in(self.balancer.url, people[-1])
            if args.server_cores:  # only now: a quarter core would take minutes over 500 sign-ins (Argon2id)
                for server in self.fleet:
                    server.hold_to(args.server_cores)
            self.desa = [p[2] for p in people[:-1]]
            self._stack = self._stack.pop_all()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def day(self, n):
        """Run day n's burst (every phone uploads that day's records) and check what arrived."""
        result = _burst(self, n)
        result.update(_check(self.url, result["expected"], result["serials"]))
        result["tallies_ok"] = _tallies_ok(result)
        return result

    def stop(self):
        """Stop the balancer, the servers and PgBouncer, and drop the database."""
        self._stack.close()


def _make_users(url, n):
    """Return [(username, password, desa code)]: n petugas spread over the ten kabupaten, and an admin last."""
    from server.extensions import db
    from server.models import Area

    app = make_app(url)
    with app.app_context():
        desa = {}
        for kab in KABUPATEN:
            desa[kab] = db.session.scalar(
                sa.select(Area.code).where(Area.level == 4, Area.code.startswith(kab + ".")).order_by(Area.code)
            )
        people = []
        for i in range(n):
            code = desa[KABUPATEN[i % len(KABUPATEN)]]
            user = make_user(role="enumerator", areas=[code])
            people.append((user.username, user.password, code))
        admin = make_user(role="admin", areas=[])
        people.append((admin.username, admin.password, None))
        db.session.remove()
        db.engine.dispose()
    return people


def _plan(index, desa, rng, args, day):
    """Return one phone's day as batches: its outreach first, then 100-300 assists with KK numbers of its own
    (serials from day × --max-assists, so that no two days share one)."""
    oid = uuid.uuid4()
    region = desa[:8].replace(".", "")
    count = rng.randint(args.min_assists, args.max_assists)
    dd, month, year, first = 1 + index % 28, 1 + (index // 28) % 12, 60 + index // 336, day * args.max_assists
    muts = [mutation("outreach", outreach_data(desa_code=desa), oid)]
    for n in range(1, count + 1):
        number = kk(region=region, day=dd, month=month, year=year, serial=first + n)
        muts.append(mutation("assist", assist_data(oid, n, kk_number=number, members=1 + n % 6)))
    return [muts[i : i + args.batch] for i in range(0, len(muts), args.batch)], count


def _signed_in(base, person):
    """Return a signed-in phone with its device registered, retrying as the app does when the server is busy."""
    for _ in range(20):
        try:
            return Phone(base, person[0], person[1])
        except (AssertionError, requests.RequestException):
            time.sleep(1 + random.random())
    raise RuntimeError(f"{person[0]} could not sign in")


def _burst(layout, n):
    args, phones = layout.args, layout.phones
    rng = random.Random(args.seed + n)  # the same day's work for both layouts
    plans = [_plan(i, desa, rng, args, n) for i, desa in enumerate(layout.desa)]
    lossy = set(rng.sample(range(len(phones)), int(len(phones) * args.lossy)))
    latencies, statuses, resent, lock = [], Counter(), [0], threading.Lock()
    stored, day_starts = [], []  # (when, assists) of each batch's first 200; when each phone began
    answered = [0.0]  # when the servers sent their last answer

    def send(phone, batch, slow):
        first = True
        while True:
            started = time.perf_counter()
            try:
                resp = phone.push(batch, timeout=120)
                status = resp.status_code
            except requests.RequestException:
                resp, status = None, "network"
            with lock:
                answered[0] = time.perf_counter()
                latencies.append((answered[0] - started) * 1000)
                statuses[status] += 1
            if status == 200:
                if first:
                    first = False
                    with lock:
                        stored.append((time.perf_counter(), len(batch)))
                if slow and random.random() < 0.2:
                    with lock:
                        resent[0] += 1
                    continue  # the answer was lost on the way: the phone sends the same batch again
                return
            wait = float(resp.headers.get("Retry-After", 2)) if resp is not None else 2.0
            time.sleep(wait + random.random() * max(1.0, wait / 2))

    def day(i):
        batches, _ = plans[i]
        with lock:
            day_starts.append(time.perf_counter())
        for batch in batches:
            send(phones[i], batch, i in lossy)
            if i in lossy:
                time.sleep(0.3 + random.random() * 0.7)  # a slow link

    app_pids = [pid for server in layout.fleet for pid in (server.proc.pid, *server.worker_pids())]
    app_cpu = cpu_seconds(app_pids)
    started, machine, phones_cpu = time.perf_counter(), _machine_cpu(), time.process_time()
    with ThreadPoolExecutor(args.concurrency) as pool:
        list(pool.map(day, range(len(phones))))
    # The burst ends with the servers' last answer (not when the last slow phone has slept after it).
    seconds, measured = answered[0] - started, time.perf_counter() - started  # CPU is read over `measured`
    # Sustained: while every phone slot was busy (until the last phone began); after it, the burst drains and
    # a faster layout spends a larger share of its shorter run waiting on the last few phones' slow links.
    steady = max(day_starts) - started
    steady_end = started + steady
    steady_assists = sum(n for when, n in stored if when <= steady_end)
    (busy, total), phones_cpu = _machine_cpu(machine), time.process_time() - phones_cpu
    app_cpu = cpu_seconds(app_pids) - app_cpu
    expected = sum(count for _, count in plans)
    quantiles = statistics.quantiles(latencies, n=100)
    base = layout.balancer.url
    tally = layout.admin.http.get(f"{base}/api/v1/tallies", params={"area": "35", "by": "child"}, timeout=60)
    return {
        "phones": len(phones),
        "assists": expected,
        "expected": expected,
        "seconds": seconds,
        "rate": expected / seconds,
        "steady_rate": steady_assists / steady if steady > 0 else 0.0,
        "steady_assists": steady_assists,
        "steady_seconds": steady,
        "started": started,
        "steady_end": steady_end,
        "stored": stored,
        "latencies": latencies,
        "p50": quantiles[49],
        "p95": quantiles[94],
        "p99": quantiles[98],
        "statuses": {str(k): v for k, v in statuses.items()},
        "bad_5xx": sum(v for k, v in statuses.items() if isinstance(k, int) and k >= 500 and k != 503),
        "resent": resent[0],
        # How busy the whole machine was, and the CPU the servers (app, PgBouncer, PostgreSQL, HAProxy) spent per
        # assist: the machine's busy time less this process, which plays the phones.
        "machine_busy": busy / total,
        "server_cpu_ms": max(0.0, busy - phones_cpu) * 1000 / expected,
        # The app servers alone (masters and workers), and how much of their CPU budget they used.
        "app_cpu_ms": app_cpu * 1000 / expected,
        "app_budget_used": app_cpu / (measured * args.server_cores * len(layout.fleet)) if args.server_cores else None,
        "serials": (n * args.max_assists + 1, (n + 1) * args.max_assists),
        "tally_households": tally.json()["total"]["households"],
        "tally_persons": tally.json()["total"]["persons"],
    }


def _machine_cpu(since=None):
    """Return (busy, total) CPU seconds of the whole machine from /proc/stat, or their change since `since`."""
    ticks = os.sysconf("SC_CLK_TCK")
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    now = ((sum(fields) - idle) / ticks, sum(fields) / ticks)
    return now if since is None else (now[0] - since[0], now[1] - since[1])


def _check(url, expected, serials):
    """Count in the database what arrived on one day (its KK serials): lost and duplicated records; and every
    day's records, for the tallies to be checked against a direct count."""
    day = sa.text(
        "SELECT count(*), count(DISTINCT kk_number) FROM assists"
        " WHERE substr(kk_number, 13, 4)::int BETWEEN :lo AND :hi"
    )
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            found, distinct = conn.execute(day, {"lo": serials[0], "hi": serials[1]}).one()
            total, persons = conn.execute(sa.text("SELECT count(*), coalesce(sum(members), 0) FROM assists")).one()
    finally:
        engine.dispose()
    return {"lost": expected - distinct, "duplicated": found - distinct, "found": total, "direct_persons": persons}


def _tallies_ok(result):
    return result["tally_households"] == result["found"] and result["tally_persons"] == result["direct_persons"]


if __name__ == "__main__":
    main()
