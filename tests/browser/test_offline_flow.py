"""The petugas' day: sign in, lose the signal, log 30 households, survive reloads and a killed browser,
and upload everything exactly once when the signal returns (issue 3)."""

from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.pwa import (
    expect_unsent,
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
    expect(page.locator("[data-state=sent]")).to_have_count(30)
    screenshot(page, "records")
    assert not [line for line in browser.console if "Content Security Policy" in line]
