"""Benchmark the PWA in headless Chromium with 4× CPU throttling and a slow-3G network (issues 3 and 12).

Figures: first load to a usable login screen; repeat load offline to a usable outreach screen; tap on
"Simpan" to the record durable in IndexedDB with 5,000 records already stored (p50/p95); upload of 1,000
queued assists to a local server; the app shell's JavaScript + CSS gzipped; and a scripted household entry on
the 360×640 form at a person's pace (taps, keys and scrolls counted, seconds per household).
"""

import gzip
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PWA_DIST
from tests.browser.pwa import log_assist, server_counts, sign_in, start_outreach
from tests.conftest import make_app, prepare_database
from tests.factories import make_user
from tests.live import Server

# Slow 3G as stated in docs/benchmarks.md: 400 ms round trip, 400 kbit/s each way.
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
CPU_SLOWDOWN = int(os.environ.get("JB_BENCH_CPU_SLOWDOWN", "4"))


class Site:
    """A SQLite database with two petugas, served by gunicorn with the built PWA."""

    def __init__(self, folder):
        url = f"sqlite:///{folder / 'bench.db'}"
        prepare_database(url)
        self.app = make_app(url)
        with self.app.app_context():
            self.users = [
                (u.username, u.password)
                for u in (make_user(role="enumerator", areas=["35.09.19.1001"]) for _ in range(2))
            ]
        self.server = Server(url, env={"PWA_DIR": str(PWA_DIST)})
        self.url = self.server.url
        self.user = type("U", (), {"username": self.users[0][0]})


def throttle(page, network=True):
    """Apply the CPU slowdown and (optionally) the slow-3G profile to a page; return the CDP session."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    cdp.send("Network.enable")
    if network:
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    return cdp


def first_load(browser, site):
    """Milliseconds from navigation to a usable login screen, with an empty cache."""
    context = browser.new_context(viewport={"width": 360, "height": 640})
    page = context.new_page()
    throttle(page)
    started = time.perf_counter()
    page.goto(site.url, wait_until="commit")
    page.locator("#login-username").wait_for(state="visible")
    elapsed = (time.perf_counter() - started) * 1000
    context.close()
    return elapsed


def offline_and_saves(browser, site):
    """Repeat-load-offline times, and the Simpan-to-durable durations (all, and IndexedDB's part) with 5,000 stored."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="id-ID")
    page = context.new_page()
    sign_in(page, site)
    start_outreach(page)
    outreach_id = page.evaluate("location.hash.split('/')[2]")
    context.set_offline(True)
    cdp = throttle(page, network=False)
    loads = []
    for _ in range(5):
        page.goto("about:blank")  # a real load each time, not a same-document hash change
        started = time.perf_counter()
        page.goto(f"{site.url}/#/outreach/{outreach_id}", wait_until="commit")
        page.locator("#assist-kk").wait_for(state="visible")
        loads.append((time.perf_counter() - started) * 1000)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})  # fill the phone quickly, then measure throttled
    # 5,000 records on the phone, as 50 earlier outreaches of 100 households (a petugas' weeks of work).
    page.evaluate(
        """async () => {
            const app = window.jemputBola;
            for (let o = 0; o < 50; o += 1) {
              const outreach = await app.saveRecord({entity: 'outreach', data: {desa_code: '35.09.19.1001',
                place_kind: 'kantor_desa', place_name: 'Balai Desa ' + o, date: '2026-10-01', started_at: null,
                ended_at: null, lat: null, lon: null}});
              for (let i = 0; i < 99; i += 1) {
                // Distinct KK numbers of another kecamatan: none is a duplicate of the households logged below.
                const serial = String(o * 99 + i + 1).padStart(4, '0');
                await app.saveRecord({entity: 'assist', data: {outreach_id: outreach.id,
                  kk_number: '350920010190' + serial, head_name: 'Isi ' + i, members: 3, outcome: 'berhasil',
                  reasons: ['tidak_paham'], device_used: 'hp_petugas', phone: null, notes: null}});
              }
            }
        }"""
    )
    page.goto(f"{site.url}/#/outreach/{outreach_id}")
    page.locator("#assist-kk").wait_for(state="visible")
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    for n in range(1, 101):
        log_assist(page, n)
    saves, commits = (
        page.evaluate(f"performance.getEntriesByName('{name}').map(e => e.duration)")
        for name in ("jb-save", "jb-save-commit")
    )
    context.close()
    return loads, saves, commits


def upload(browser, site, count=1000):
    """Milliseconds to upload `count` queued assists over slow 3G with the CPU slowed down."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="id-ID")
    page = context.new_page()
    site.user.username = site.users[1][0]
    sign_in(page, site)
    context.set_offline(True)
    page.evaluate(
        """async (count) => {
            const app = window.jemputBola;
            const o = await app.saveRecord({entity: 'outreach', data: {desa_code: '35.09.19.1001',
              place_kind: 'pkh_bansos', place_name: 'Penyaluran PKH', date: new Date().toISOString().slice(0, 10),
              started_at: null, ended_at: null, lat: null, lon: null}});
            for (let i = 0; i < count; i += 1) {
              const serial = String(i + 1).padStart(4, '0');
              await app.saveRecord({entity: 'assist', data: {outreach_id: o.id, kk_number: '350919010190' + serial,
                head_name: 'Kepala Keluarga ' + i, members: 1 + (i % 6), outcome: 'berhasil',
                reasons: ['tidak_paham'], device_used: 'hp_warga', phone: null, notes: null}});
            }
        }""",
        count,
    )
    page.evaluate("() => window.jemputBola.sync.emitStatus()")
    assert page.evaluate("() => window.jemputBola.lastStatus.unsent") == count + 1
    throttle(page)
    # The app starts uploading by itself when the network returns ("online"): time from that moment.
    started = time.perf_counter()
    context.set_offline(False)
    page.wait_for_function("() => window.jemputBola.lastStatus?.unsent === 0", polling=50, timeout=180_000)
    upload_ms = (time.perf_counter() - started) * 1000
    page.wait_for_function("() => !window.jemputBola.sync.running", polling=50, timeout=180_000)
    sync_ms = (time.perf_counter() - started) * 1000
    context.close()
    return upload_ms, sync_ms


# A person's pace on a cheap phone (issue 12): a pause before each tap, per key, per scroll.
TAP_S, KEY_S, SCROLL_S = 0.6, 0.18, 0.8
IN_VIEW = """(selector) => {
    const el = document.querySelector(selector);
    const box = el.getBoundingClientRect();
    const top = document.elementFromPoint(box.left + box.width / 2, box.top + Math.min(box.height / 2, 20));
    return box.top >= 0 && box.bottom <= innerHeight && Boolean(top) && (el.contains(top) || top.contains(el));
}"""


def assist_entry(browser, site, households=10):
    """Log households on the 360×640 form at a person's pace; return seconds, taps, keys, scrolls per household."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, locale="id-ID")
    page = context.new_page()
    site.user.username = site.users[0][0]
    sign_in(page, site)
    context.set_offline(True)  # a gathering point without signal: every save is the phone's alone
    start_outreach(page)
    throttle(page, network=False)
    counts = {"taps": 0, "keys": 0, "scrolls": 0}

    def reach(selector):
        if not page.evaluate(IN_VIEW, selector):
            counts["scrolls"] += 1
            time.sleep(SCROLL_S)
            page.locator(selector).first.scroll_into_view_if_needed()

    def tap(selector):
        reach(selector)
        time.sleep(TAP_S)
        page.locator(selector).first.click()
        counts["taps"] += 1

    def type_into(selector, text):
        if page.evaluate(f"document.activeElement === document.querySelector('{selector}')"):
            reach(selector)  # already focused (after a save the form puts the cursor on KK): no tap
        else:
            tap(selector)
        page.keyboard.type(text, delay=KEY_S * 1000)
        counts["keys"] += len(text)

    started = time.perf_counter()
    for n in range(1, households + 1):
        type_into("#assist-kk", f"350919010190{n:04d}")
        type_into("#assist-head", f"Siti Aminah {n:02d}")
        tap("#outcome .chip:nth-of-type(1)")
        tap("#reasons .chip:nth-of-type(3)")
        tap(".actionbar button")
        page.wait_for_function(
            "(n) => document.querySelector('[data-testid=outreach-households]')?.textContent === String(n)"
            " && document.activeElement?.id === 'assist-kk'",
            arg=n,
        )
    elapsed = time.perf_counter() - started
    context.close()
    return elapsed / households, {k: v / households for k, v in counts.items()}


def reference_ms(browser):
    """A fixed piece of JavaScript work under the same CPU slowdown: the yardstick the figures are divided by."""
    context = browser.new_context()
    page = context.new_page()
    throttle(page, network=False)
    runs = page.evaluate(
        """() => [1, 2, 3, 4, 5].map(() => {
            const started = performance.now();
            let text = '';
            for (let i = 0; i < 2000; i += 1) text = JSON.stringify({i, kk: '3509190101900001', list: [i, i * 2]});
            const rows = Array.from({length: 20000}, (_, i) => ({id: i, key: String(i * 7919 % 10007)}));
            rows.sort((a, b) => a.key.localeCompare(b.key));
            return performance.now() - started + text.length * 0;
        })"""
    )
    context.close()
    return statistics.median(runs)


def shell_kb():
    """Gzipped size of the app shell (the JavaScript and CSS index.html loads) and of the lazy chunks, in KB."""
    html = (PWA_DIST / "index.html").read_text()
    files = [p for p in (PWA_DIST / "assets").iterdir() if p.suffix in {".js", ".css"}]
    size = {True: 0.0, False: 0.0}
    for p in files:
        size[f"/assets/{p.name}" in html] += len(gzip.compress(p.read_bytes(), 9)) / 1024
    return size[True], size[False]


def main():
    """Run the PWA benchmark."""
    folder = Path(tempfile.mkdtemp(prefix="jb-bench-pwa-"))
    site = Site(folder)
    try:
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            first = [first_load(browser, site) for _ in range(3)]
            loads, saves, commits = offline_and_saves(browser, site)
            upload_ms, sync_ms = upload(browser, site)
            entry_s, entry = assist_entry(browser, site)
            reference = reference_ms(browser)
            browser.close()
        assert server_counts(site)[1] == 1000, server_counts(site)
    finally:
        site.server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    saves_p95 = statistics.quantiles(saves, n=20)[18]
    commits_p95 = statistics.quantiles(commits, n=20)[18]
    size, lazy = shell_kb()
    pacing = entry["taps"] * TAP_S + entry["keys"] * KEY_S + entry["scrolls"] * SCROLL_S
    print(f"\nPWA in headless Chromium, CPU slowed {CPU_SLOWDOWN}×, slow 3G (400 ms RTT, 400 kbit/s):")
    print(f"  first load to usable login screen: median {statistics.median(first):.0f} ms (runs: {first_fmt(first)})")
    print(
        f"  repeat load offline to usable outreach screen: median {statistics.median(loads):.0f} ms, "
        f"max {max(loads):.0f} ms"
    )
    print(
        f"  Simpan to durable in IndexedDB, 5,000 records stored: p50 {statistics.median(saves):.1f} ms, "
        f"p95 {saves_p95:.1f} ms ({len(saves)} saves); of which IndexedDB's commit: "
        f"p50 {statistics.median(commits):.1f} ms, p95 {commits_p95:.1f} ms"
    )
    print(
        f"  upload of 1,000 queued assists: {upload_ms / 1000:.1f} s (with the pull after it: {sync_ms / 1000:.1f} s)"
    )
    print(f"  app shell (JS + CSS, gzipped): {size:.1f} KB; chunks loaded later (staff screens): {lazy:.1f} KB")
    print(
        f"  household entry at {TAP_S} s per tap, {KEY_S} s per key, {SCROLL_S} s per scroll: {entry_s:.1f} s, "
        f"{entry['taps']:.1f} taps, {entry['keys']:.1f} keys, {entry['scrolls']:.1f} scrolls per household "
        f"(of which the app's own time: {entry_s - pacing:.2f} s)"
    )
    print(
        f"  reference (fixed JavaScript work, same slowdown): {reference:.0f} ms; "
        f"save p95 = {saves_p95 / reference:.2f}× reference, "
        f"offline reload = {statistics.median(loads) / reference:.2f}× reference\n"
    )
    print(f"bench: pwa_first_load_ms {statistics.median(first):.0f} ms")
    print(f"bench: pwa_offline_reload_ms {statistics.median(loads):.0f} ms")
    print(f"bench: pwa_save_durable_p50_ms {statistics.median(saves):.1f} ms")
    print(f"bench: pwa_save_durable_p95_ms {saves_p95:.1f} ms")
    print(f"bench: pwa_save_commit_p95_ms {commits_p95:.1f} ms")
    print(f"bench: pwa_upload_1000_s {upload_ms / 1000:.2f} s")
    print(f"bench: pwa_sync_1000_s {sync_ms / 1000:.2f} s")
    print(f"bench: pwa_shell_gzip_kb {size:.1f} KB")
    print(f"bench: pwa_lazy_chunks_gzip_kb {lazy:.1f} KB")
    print(f"bench: assist_entry_s {entry_s:.2f} s")
    print(f"bench: assist_entry_taps {entry['taps']:.1f}")
    print(f"bench: assist_entry_keys {entry['keys']:.1f}")
    print(f"bench: assist_entry_scrolls {entry['scrolls']:.1f}")
    print(f"bench: assist_entry_app_s {entry_s - pacing:.2f} s")
    print(f"bench: pwa_reference_ms {reference:.0f} ms")


def first_fmt(values):
    """Format a list of timings."""
    return ", ".join(f"{v:.0f}" for v in values)


if __name__ == "__main__":
    main()
