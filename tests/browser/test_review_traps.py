"""Review without traps (issue 16.3), as a busy coordinator meets it in the browser: search by KK or name, a
correction after a flag marked with its diff, a void that asks first, likely typos apart from duplicates, bulk
approve that says exactly how many, and no signal said in words."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from server.extensions import db
from server.models import Assist
from tests.browser.conftest import Browser
from tests.browser.pwa import audit
from tests.browser.test_no_dead_ends import coordinator_client
from tests.factories import assist_data, kk, mutation, push
from tests.helpers_field import log_households, petugas_client

# Issue 16's screens: on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends


def _fieldwork(site):
    """A petugas' records: a household logged twice, one KK under two names, one record flagged and fixed."""
    with site.app.app_context():
        coordinator = coordinator_client(site)  # also gives the app the suite's API client
        phone = petugas_client(site.app, ["35.09.19.1001"])
        log_households(phone, "35.09.19.1001", [kk(serial=1)], head_name="Siti Aminah")
        log_households(phone, "35.09.19.1001", [kk(serial=1)], head_name="Siti Aminah")
        log_households(phone, "35.09.19.1001", [kk(serial=2)], head_name="Budi Santoso")
        log_households(phone, "35.09.19.1001", [kk(serial=2)], head_name="Yohanes Tefa")
        oid, (fixed_id, *_) = log_households(
            phone, "35.09.19.1001", [kk(serial=7)] + [kk(serial=n) for n in range(10, 20)], head_name="Maria Ulu"
        )
        etag = coordinator.get(f"/api/v1/review/assists/{fixed_id}").headers["ETag"]
        coordinator.post(
            f"/api/v1/review/assists/{fixed_id}/decision",
            json={"action": "flag", "comment": "Cek jumlah anggota."},
            headers={"If-Match": etag},
        )
        fixed = assist_data(oid, kk_number=kk(serial=7), head_name="Maria Ulu", members=6)
        assert push(phone, [mutation("assist", fixed, fixed_id, base_version=1)]).status_code == 200
        return (coordinator.user.username, coordinator.user.password), str(fixed_id)


def test_review_without_traps(playwright_driver, site, tmp_path):
    (username, password), fixed_id = _fieldwork(site)
    browser = Browser(playwright_driver, tmp_path / "desk", bypass_csp=True)  # axe-core is injected
    try:
        page = browser.page
        page.goto(site.url)
        page.fill("#login-username", username)
        page.fill("#login-password", password)
        page.get_by_role("button", name="Masuk", exact=True).click()
        page.get_by_role("link", name="Periksa").click()
        items = page.get_by_test_id("review-list").locator("li[data-id]")
        expect(items).to_have_count(15)

        # Search by a whole KK number: found, still masked in the list.
        page.fill("#f-q", kk(serial=7))
        page.get_by_role("button", name="Terapkan").click()
        expect(items).to_have_count(1)
        expect(items.first).to_contain_text("350919••••••0007")
        expect(page.get_by_test_id("review-list")).not_to_contain_text(kk(serial=7))
        expect(items.first.locator(".badge.corrected")).to_have_text("Diperbaiki")
        audit(page, "review-search-corrected")
        items.first.locator("a").click()
        changes = page.get_by_test_id("changes")
        expect(changes).to_contain_text("Anggota terdaftar")
        expect(changes.locator("del")).to_have_text("4")
        expect(changes.locator("ins")).to_have_text("6")
        audit(page, "review-record-changes")

        # Bulk approve names its exact number before, and approves exactly that many.
        page.get_by_role("link", name="Kembali ke daftar").click()
        page.fill("#f-q", "")
        page.get_by_role("button", name="Terapkan").click()
        expect(items).to_have_count(15)  # the list of the new filter, not the search's
        page.get_by_role("button", name="Setujui semua yang berstatus Diterima…").click()
        expect(page.get_by_role("status").filter(has_text="15 data akan disetujui")).to_be_visible()
        page.get_by_role("button", name="Ya, setujui 15 data").click()
        expect(page.get_by_text("15 data disetujui.")).to_be_visible()
        with site.app.app_context():
            approved = select(func.count()).where(Assist.review_state == "approved")
            assert db.session.scalar(approved) == 15

        # Duplicates: the household logged twice can be voided, after a confirmation; the KK under two names
        # stands apart as a likely typo, with no void button.
        page.goto(f"{site.url}/#/duplicates")
        group = page.get_by_test_id("dup-group")
        expect(group).to_have_count(1)
        typo = page.get_by_test_id("typo-group")
        expect(typo).to_contain_text("Budi Santoso")
        expect(typo).to_contain_text("Yohanes Tefa")
        expect(typo.get_by_role("button")).to_have_count(0)
        group.get_by_role("button", name="Batalkan data ini").first.click()
        expect(page.get_by_test_id("void-confirm")).to_contain_text("Batalkan data Siti Aminah")
        audit(page, "duplicates-void-confirm")
        page.get_by_role("button", name="Jangan").click()
        with site.app.app_context():
            assert not db.session.scalar(select(func.count()).where(Assist.voided.is_(True)))
        group.get_by_role("button", name="Batalkan data ini").first.click()
        page.get_by_role("button", name="Ya, batalkan").click()
        expect(page.get_by_test_id("duplicates")).to_contain_text("Tidak ada KK ganda.")
        with site.app.app_context():
            assert db.session.scalar(select(func.count()).where(Assist.voided.is_(True))) == 1

        # No signal: the review screen says so in words.
        browser.context.set_offline(True)
        page.goto(f"{site.url}/#/review/{fixed_id}")
        expect(page.locator("#view [role=alert]")).to_have_text(re.compile("Tidak ada sinyal"))
        browser.context.set_offline(False)
    finally:
        browser.close()
