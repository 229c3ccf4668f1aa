"""The app's chosen language, not the browser's, for every server message (issue 16.7): a used sign-in code on a
phone whose browser is set to English is refused in Indonesian while the app is in Indonesian, and in English
once the app is switched to English."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Browser
from tests.helpers_field import petugas_client, staff_client

# Issue 16's screens: on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends


def test_server_messages_follow_the_apps_language_not_the_browsers(playwright_driver, site, tmp_path):
    from tests.browser.test_no_dead_ends import coordinator_client

    with site.app.app_context():
        coordinator_client(site)  # the suite's API client for the app
        sup = staff_client(site.app, "supervisor", ["35.09"])
        phone = petugas_client(site.app, ["35.09.19.1001"])
        code = sup.post(f"/api/v1/users/{phone.user.id}/sign-in-codes").get_json()["code"].replace("-", "")
        used = site.app.test_client().post("/api/v1/auth/code", json={"code": code})
        assert used.status_code == 200  # the code is spent: a second use is refused
    browser = Browser(playwright_driver, tmp_path / "phone", locale="en-US")
    try:
        page = browser.page
        assert page.evaluate("navigator.language") == "en-US"
        page.goto(f"{site.url}/#/code/{code}")
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("kode")  # the app is in Indonesian, so is the server's refusal
        indonesian = alert.inner_text()
        page.evaluate("localStorage.setItem('jb-lang', 'en')")  # the app switched to English
        page.goto("about:blank")
        page.goto(f"{site.url}/#/code/{code}")
        expect(page.get_by_role("alert")).not_to_have_text(indonesian)
        expect(page.get_by_role("alert")).to_contain_text("code")
    finally:
        browser.close()
