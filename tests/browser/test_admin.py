"""Supervisor in the browser: creates a petugas, sets up their phone with a one-time QR code, sees it sync,
then blocks it as lost; the phone explains why its records no longer go up. Every screen is audited."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.extensions import db
from server.models import Assist, AuditEvent, User
from tests.browser.conftest import Browser, serve_site
from tests.browser.pwa import audit, expect_unsent, log_assist, send_now, start_outreach, unsent
from tests.factories import PASSWORD, make_user

# Issue 16's screens (and what they share with earlier issues): on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends


def test_supervisor_creates_petugas_who_signs_in_by_code_and_syncs(
    playwright_driver, tmp_path, sqlite_template, site_backend
):
    def supervisor(app):
        make_user(role="supervisor", areas=["35.09"], username="sup.jember", display_name="Supervisor Jember")

    with serve_site(tmp_path, sqlite_template, ["35.09.19.1001"], supervisor, backend=site_backend) as site:
        desk_browser = Browser(playwright_driver, tmp_path / "desk", bypass_csp=True)  # axe-core is injected
        phone_browser = Browser(playwright_driver, tmp_path / "phone", bypass_csp=True)
        try:
            desk, phone = desk_browser.page, phone_browser.page
            desk.goto(site.url)
            desk.fill("#login-username", "sup.jember")
            desk.fill("#login-password", PASSWORD)
            desk.get_by_role("button", name="Masuk", exact=True).click()
            desk.get_by_role("link", name="Kelola").click()
            expect(desk.get_by_role("heading", name="Kelola")).to_be_visible()
            audit(desk, "admin-hub")

            # A new petugas, without a password: the phone will be set up by code.
            desk.get_by_role("link", name="Pengguna").click()
            expect(desk.get_by_test_id("users")).to_be_visible()
            audit(desk, "admin-users")
            desk.get_by_role("link", name="Tambah pengguna").click()
            desk.fill("#new-username", "Rina.Petugas")
            desk.fill("#new-display_name", "Rina Lestari")
            desk.get_by_role("button", name="Simpan pengguna").click()
            expect(desk.locator("#new-areas-msg")).to_contain_text("Pilih paling sedikit satu wilayah")
            # Areas are picked by name, no codes: a petugas' search finds desa only.
            desk.fill("#new-areas-pick-q", "mangli")
            matches = desk.get_by_test_id("new-areas-pick-matches")
            matches.get_by_role("button", name=re.compile("^Mangli.*Kaliwates")).first.click()
            expect(desk.locator("#new-areas .chips")).to_contain_text("Mangli")
            desk.select_option("#new-role", "coordinator")  # a desa is no coordinator's area: said in words
            desk.get_by_role("button", name="Simpan pengguna").click()
            expect(desk.locator("#new-areas-msg")).to_have_text(
                "Koordinator Kecamatan ditugaskan ke kecamatan; bukan: Mangli (desa/kelurahan)."
            )
            audit(desk, "admin-new-user")
            desk.select_option("#new-role", "enumerator")
            desk.get_by_role("button", name="Simpan pengguna").click()
            expect(desk.get_by_role("heading", name="Rina Lestari")).to_be_visible()
            desk.get_by_role("button", name="Siapkan HP dengan kode").click()
            code = desk.get_by_test_id("code").inner_text()
            expect(desk.get_by_role("img", name="Kode QR untuk masuk sebagai Rina Lestari")).to_be_visible()
            audit(desk, "admin-user-code")

            # The phone opens the QR's link: signed in at once, no password typed.
            phone.goto(f"{site.url}/#/code/{code.replace('-', '')}")
            expect(phone.get_by_role("heading", name="Hari ini")).to_be_visible()
            phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
            start_outreach(phone)
            log_assist(phone, 1)
            send_now(phone)
            expect_unsent(phone, 0)
            with site.app.app_context():
                rina = db.session.scalars(select(User).where(User.username == "rina.petugas")).one()
                assert db.session.scalars(select(Assist.owner_id)).all() == [rina.id]
            # The code worked once: a second phone cannot reuse it.
            other = desk_browser.context.new_page()
            other.goto(f"{site.url}/api/v1/users")  # any page of the site, to post from its origin
            status = other.evaluate(
                """(code) => fetch('/api/v1/auth/code', {method: 'POST', credentials: 'omit',
                     headers: {'Content-Type': 'application/json', 'X-Requested-With': 'x'},
                     body: JSON.stringify({code})}).then(r => r.status)""",
                code,
            )
            assert status == 401
            other.close()

            # The phone is lost: the supervisor blocks it; its next upload is refused and it says why.
            desk.reload()
            devices = desk.get_by_test_id("devices")
            expect(devices).to_contain_text("Sinkron terakhir")
            desk.once("dialog", lambda dialog: dialog.accept())
            desk.get_by_role("button", name="Blokir HP ini").click()
            expect(desk.get_by_test_id("devices")).to_contain_text("Diblokir")
            audit(desk, "admin-user-devices")
            log_assist(phone, 2)
            send_now(phone)
            expect(phone.get_by_role("alert").filter(has_text="HP ini diblokir supervisor")).to_be_visible(
                timeout=15000
            )
            expect(unsent(phone)).to_contain_text("1 belum terkirim")
            audit(phone, "phone-blocked")

            # The audit log tells who did what.
            desk.get_by_role("link", name="Kelola").click()
            desk.get_by_role("link", name="Log audit").click()
            table = desk.get_by_test_id("audit")
            for action in ("device.revoked", "auth.code_login", "sign_in_code.issued", "user.created"):
                expect(table.locator(f"tr[data-action='{action}']").first).to_be_visible()
            # In words, not codes: the action's name, and the details as a sentence.
            expect(table.locator("tr[data-action='device.revoked'] th").first).to_have_text("Memblokir HP")
            expect(table.locator("tr[data-action='user.created'] th").first).to_have_text("Membuat akun")
            expect(table).not_to_contain_text("{")
            audit(desk, "admin-audit")
            # Filtered to one kind of action and today's date.
            desk.select_option("#audit-action", label="HP")
            desk.fill("#audit-from", date.today().isoformat())
            desk.fill("#audit-to", date.today().isoformat())
            desk.get_by_role("button", name="Cari").click()
            expect(table.locator("tbody tr").first).to_have_attribute("data-action", re.compile(r"^device\."))
            expect(table.locator("tr[data-action='user.created']")).to_have_count(0)
            desk.get_by_role("link", name="Kelola").click()
            desk.get_by_role("link", name="Target").click()
            expect(desk.get_by_test_id("targets")).to_be_visible()
            audit(desk, "admin-targets")
            with site.app.app_context():
                actions = set(db.session.scalars(select(AuditEvent.action)))
                assert {"user.created", "sign_in_code.issued", "auth.code_login", "device.revoked"} <= actions

            # A code opened on a phone where someone is signed in never switches users; the app says why,
            # both when the link opens the app afresh and when the app is already open.
            notice = phone.get_by_role("status").filter(has_text="sudah masuk sebagai Rina Lestari")
            for fresh in (True, False):
                if fresh:
                    phone.goto("about:blank")
                else:
                    phone.evaluate("document.getElementById('toast').hidden = true")
                phone.goto(f"{site.url}/#/code/ABCD2345")
                expect(notice).to_be_visible()
                expect(phone.get_by_role("heading", name="Hari ini")).to_be_visible()
                expect(phone).to_have_url(f"{site.url}/#/")
            audit(phone, "phone-code-ignored")
            expect(unsent(phone)).to_contain_text("1 belum terkirim")
        finally:
            phone_browser.close()
            desk_browser.close()
