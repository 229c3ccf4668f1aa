"""Scenarios 7, 8, 10, 16 and 17 of docs/sync-promise.md in a real browser against the real server (scenario 9, one
refused record corrected and resent, is in test_no_dead_ends.py)."""

import time

from playwright.sync_api import expect

from tests.browser.pwa import (
    expect_unsent,
    log_assist,
    send_now,
    server_counts,
    sign_in,
    start_outreach,
)

PUSH = "**/api/v1/sync/push"


def restart(browser):
    """Close and reopen the browser normally (Chromium then writes the session cookie to disk)."""
    browser.close()
    page = browser.launch()
    return page


def wait_for(page, predicate, timeout=15):
    """Poll until predicate() is true, letting the page's route handlers run meanwhile (sync API)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not met in time"
        page.wait_for_timeout(100)


def test_captive_portal_page_is_not_counted_as_sent(browser, site):
    """Scenario 7: a 200 HTML page in front of the server → nothing counted as sent."""
    page = browser.page
    sign_in(page, site)
    hits = []

    def portal(route):
        hits.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<html><body>Masuk Wi-Fi Desa</body></html>")

    page.route(PUSH, portal)
    start_outreach(page)
    log_assist(page, 1)
    log_assist(page, 2)
    wait_for(page, lambda: hits)
    expect_unsent(page, 3)
    assert server_counts(site) == (0, 0, 0)
    page.unroute(PUSH)
    send_now(page)
    expect_unsent(page, 0)
    assert server_counts(site) == (1, 2, 3)


def test_503_with_retry_after_is_kept_and_retried(browser, site):
    """Scenario 8: 503 + Retry-After → kept, retried no sooner than asked, then delivered once."""
    page = browser.page
    sign_in(page, site)
    attempts = []

    def busy(route):
        attempts.append(time.monotonic())
        route.fulfill(
            status=503,
            headers={"Retry-After": "3"},
            content_type="application/problem+json",
            body='{"type": "urn:jemput-bola:problem:service.busy", "title": "Service Unavailable", "status": 503, '
            '"problem": "service.busy", "detail": "sibuk"}',
        )

    page.route(PUSH, busy)
    start_outreach(page)
    wait_for(page, lambda: attempts)
    expect(page.get_by_text("coba lagi")).to_be_visible()
    page.unroute(PUSH)
    wait_for(page, lambda: server_counts(site) == (1, 0, 1), timeout=20)
    assert time.monotonic() - attempts[0] >= 2.9
    expect_unsent(page, 0)


def test_session_expired_while_offline(browser, site):
    """Scenario 10: the session ended during days offline → 401 → sign in again → upload resumes, nothing lost."""
    page = queue_offline(browser, site, households=2)
    browser.context.clear_cookies()
    browser.context.set_offline(False)
    send_now(page)
    expect(page.get_by_text("Sesi Anda berakhir")).to_be_visible()
    page.fill("#login-password", "typing…")
    send_now(page)  # another 401 in the background must not wipe what the petugas is typing
    expect(page.locator("#login-password")).to_have_value("typing…")
    assert server_counts(site) == (0, 0, 0)
    expect(page.locator("#login-username")).to_have_value(site.user.username)
    page.fill("#login-password", site.user.password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect_unsent(page, 0)
    assert server_counts(site) == (1, 2, 3)


def test_browser_killed_mid_upload(browser, site):
    """Scenario 16: the server commits, the browser dies before hearing back → on relaunch, exactly once."""
    page = queue_offline(browser, site, households=3)
    delivered = []

    def forward_then_hang(route):
        delivered.append(route.fetch().status)  # the server commits; the page never gets the answer

    page.route(PUSH, forward_then_hang)
    browser.context.set_offline(False)  # the "online" event starts the upload
    wait_for(page, lambda: delivered)
    assert delivered == [200] and server_counts(site) == (1, 3, 4)
    browser.kill()
    page = browser.launch()
    page.goto(site.url)
    expect_unsent(page, 0)
    assert server_counts(site) == (1, 3, 4)


def test_new_version_with_queued_records(browser, site):
    """Scenario 17: a new app version arrives while records wait → announced, applied on request, nothing lost."""
    page = restart_after_sign_in(browser, site)

    def busy(route):
        route.fulfill(status=503, headers={"Retry-After": "600"}, content_type="application/json", body="{}")

    page.route(PUSH, busy)
    start_outreach(page)
    log_assist(page, 1)
    log_assist(page, 2)
    expect_unsent(page, 3)
    old_worker = page.evaluate("navigator.serviceWorker.controller.scriptURL")
    sw = site.pwa_dir / "sw.js"
    sw.write_text(sw.read_text() + "\n// release 0.1.1\n")
    page.goto(site.url)
    expect(page.get_by_text("Versi baru tersedia")).to_be_visible(timeout=20000)
    page.get_by_role("button", name="Perbarui").click()
    page.wait_for_function("navigator.serviceWorker.controller && !document.getElementById('banner').textContent")
    expect(page.get_by_role("heading", name="Hari ini")).to_be_visible()
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == old_worker  # same URL, new worker
    expect_unsent(page, 3)
    page.unroute(PUSH)
    send_now(page)
    expect_unsent(page, 0)
    assert server_counts(site) == (1, 2, 3)


def queue_offline(browser, site, households):
    """Sign in, lose the signal, start an outreach and log some households: they wait in the outbox."""
    page = restart_after_sign_in(browser, site)
    browser.context.set_offline(True)
    start_outreach(page)
    for n in range(1, households + 1):
        log_assist(page, n)
    return page


def restart_after_sign_in(browser, site):
    """Sign in, then restart the browser normally so the session cookie is on disk."""
    sign_in(browser.page, site)
    page = restart(browser)
    page.goto(site.url)
    expect(page.get_by_role("heading", name="Hari ini")).to_be_visible()
    return page


def test_one_uploader_across_tabs(browser, site):
    """Two tabs of the app on one phone: Web Locks let only one upload the outbox at a time."""
    page = queue_offline(browser, site, households=3)
    other = browser.context.new_page()
    other.goto(site.url)
    expect(other.get_by_role("heading", name="Hari ini")).to_be_visible()
    answered = []

    def slow_push(route):
        time.sleep(1)  # hold the first upload long enough for the other tab to try
        route.continue_()

    def on_finished(request):
        if request.url.endswith("/api/v1/sync/push"):
            answered.append(request.url)

    # Only pushes the server answered count: the "online" event can fire a moment before Chromium's network is
    # back, and an upload that fails there is retried after a back-off, which is the app working as intended.
    browser.context.on("requestfinished", on_finished)
    browser.context.route(PUSH, slow_push)
    browser.context.set_offline(False)
    for tab in (page, other):
        tab.evaluate("() => { window.jemputBola.sync.syncNow(); }")
    wait_for(page, lambda: server_counts(site) == (1, 3, 4), timeout=20)
    page.wait_for_timeout(1500)
    assert len(answered) == 1
