"""The petugas' day: sign in, lose the signal, log 30 households, survive reloads and a killed browser,
and upload everything exactly once when the signal returns (issue 3)."""

import json
from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import screenshot, serve_site
from tests.browser.pwa import (
    expect_unsent,
    fill_assist,
    log_assist,
    send_now,
    server_counts,
    server_persons,
    sign_in,
    start_outreach,
)


def test_thirty_households_offline_then_exactly_once(browser, site):
    page = browser.page
    sign_in(page, site)
    screenshot(page, "home")
    # Chromium writes cookies to disk lazily; a normal restart (the next morning) persists the session.
    browser.close()
    page = browser.launch()
    browser.context.set_offline(True)
    page.goto(site.url)
    expect(page.get_by_role("heading", name="Hari ini")).to_be_visible()

    start_outreach(page)
    screenshot(page, "outreach")
    for n in range(1, 31):
        log_assist(page, n, members=1 + n % 5)
    expect(page.get_by_test_id("outreach-households")).to_have_text("30")
    expect_unsent(page, 31)

    page.reload()
    expect(page.get_by_test_id("outreach-households")).to_have_text("30")

    browser.kill()
    page = browser.launch()
    browser.context.set_offline(True)
    page.goto(site.url)
    expect(page.get_by_test_id("today-households")).to_have_text("30")
    expect_unsent(page, 31)
    assert server_counts(site) == (0, 0, 0)

    browser.context.set_offline(False)
    send_now(page)
    expect_unsent(page, 0)
    assert server_counts(site) == (1, 30, 31)
    persons = sum(1 + n % 5 for n in range(1, 31))
    assert server_persons(site) == persons
    expect(page.get_by_test_id("today-persons")).to_have_text(str(persons))

    page.get_by_role("link", name="Data").click()
    expect(page.get_by_role("heading", name="Data", exact=True)).to_be_visible()
    expect(page.locator("[data-state=sent]")).to_have_count(30)
    screenshot(page, "records")
    assert not [line for line in browser.console if "Content Security Policy" in line]


def test_half_filled_form_survives_reload_and_logout_is_refused(browser, site):
    """A draft survives a reload; sign-out is refused while records are unsent; unsent records can be exported."""
    page = browser.page
    sign_in(page, site)
    browser.context.set_offline(True)
    start_outreach(page)
    page.fill("#assist-kk", "3509190101900077")
    page.fill("#assist-head", "Ibu Setengah Jalan")
    page.wait_for_timeout(600)  # the draft is written a moment after typing stops
    page.reload()
    expect(page.locator("#assist-kk")).to_have_value("3509190101900077")
    expect(page.locator("#assist-head")).to_have_value("Ibu Setengah Jalan")
    page.get_by_role("link", name="Pengaturan").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Ekspor data belum terkirim").click()
    exported = json.loads(Path(download.value.path()).read_text())
    assert [m["entity"] for m in exported["mutations"]] == ["outreach"]
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_text("Belum bisa keluar: 1 data belum terkirim")).to_be_visible()
    browser.context.set_offline(False)
    send_now(page)
    expect_unsent(page, 0)
    page.get_by_role("button", name="Keluar").click()
    expect(page.locator("#login-username")).to_be_visible()
    assert page.evaluate("indexedDB.databases().then((dbs) => dbs.map((d) => d.name))") == ["jb-app"]


def test_a_double_tap_on_simpan_logs_the_household_once(browser, site):
    """Two submits in a row (an impatient thumb) while the first save is still running keep one record."""
    page = browser.page
    sign_in(page, site)
    browser.context.set_offline(True)
    start_outreach(page)
    fill_assist(page, 1)
    page.evaluate(
        "() => { const form = document.querySelector('#assist-kk').form; form.requestSubmit(); form.requestSubmit(); }"
    )
    expect(page.locator("#assist-kk")).to_have_value("")
    page.wait_for_timeout(500)
    expect(page.get_by_test_id("outreach-households")).to_have_text("1")
    expect_unsent(page, 2)  # the outreach and one assist


def test_a_busy_fleet_waits_as_long_after_a_save_as_the_server_says(browser, tmp_path, sqlite_template):
    """SYNC_UPLOAD_DELAY_SECONDS: with signal, saved households wait on the phone that long after the last save
    (the default is 2 s), then go up together."""
    env = {"SYNC_UPLOAD_DELAY_SECONDS": "8", "SYNC_INTERVAL_SECONDS": "600"}
    with serve_site(tmp_path, sqlite_template, ["35.09.19.1001"], env=env) as site:
        page = browser.page
        sign_in(page, site)
        page.wait_for_function("window.jemputBola.sync.uploadDelayMs === 8000")  # the first pull brought it
        start_outreach(page)
        log_assist(page, 1)
        log_assist(page, 2)
        page.wait_for_timeout(3000)  # past the default wait: these would be on the server by now
        assert server_counts(site) == (0, 0, 0)
        expect_unsent(page, 0)
        assert server_counts(site) == (1, 2, 3)
