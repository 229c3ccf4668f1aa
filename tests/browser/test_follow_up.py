"""The follow-up list as a screen (issue 16.6): the phone captures an optional address and RT/RW (folded away,
never in the way of the four answers), and the office sees each household to visit with where to find it,
filtered by desa and outcome, unmasked only by a role that may (audited)."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.extensions import db
from server.models import Assist, AuditEvent
from tests.browser.conftest import Browser
from tests.browser.pwa import audit, expect_unsent, fill_assist, log_assist, send_now, sign_in, start_outreach
from tests.factories import kk
from tests.helpers_field import staff_client

# Issue 16's screens: on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends


def test_phone_address_reaches_the_follow_up_screen(playwright_driver, site, tmp_path):
    from tests.browser.test_no_dead_ends import coordinator_client

    phone_browser = Browser(playwright_driver, tmp_path / "phone")
    desk_browser = Browser(playwright_driver, tmp_path / "desk", bypass_csp=True)  # axe-core is injected
    try:
        phone = phone_browser.page
        sign_in(phone, site)
        start_outreach(phone)
        fill_assist(phone, 1)
        # The address is folded away: the four answers and Simpan come first.
        expect(phone.locator("#assist-address")).to_be_hidden()
        phone.get_by_text("Alamat untuk kunjungan (boleh kosong)").click()
        phone.fill("#assist-address", "Dusun Krajan, Jl. Mawar 3")
        phone.fill("#assist-rt_rw", "3-5")
        phone.get_by_role("button", name="Simpan").click()
        expect(phone.locator("#assist-rt_rw-msg")).to_contain_text("seperti 003/005")
        phone.fill("#assist-rt_rw", "003/005")
        phone.get_by_role("button", name="Simpan").click()
        expect(phone.locator("#assist-kk")).to_have_value("")
        log_assist(phone, 2)
        send_now(phone)
        expect_unsent(phone, 0)
        with site.app.app_context():
            stored = db.session.scalar(select(Assist).where(Assist.kk_number == kk(serial=1)))
            assert (stored.address, stored.rt_rw) == ("Dusun Krajan, Jl. Mawar 3", "003/005")
            coordinator_client(site)  # the suite's API client for the app
            sup = staff_client(site.app, "supervisor", ["35.09"])
            username, password = sup.user.username, sup.user.password

        desk = desk_browser.page
        desk.goto(site.url)
        desk.fill("#login-username", username)
        desk.fill("#login-password", password)
        desk.get_by_role("button", name="Masuk", exact=True).click()
        desk.goto(f"{site.url}/#/review")
        desk.get_by_role("link", name="Daftar kunjungan tahap wawancara").click()
        table = desk.get_by_test_id("follow-up")
        # Both were submitted (berhasil): nothing to visit until the filter is widened.
        expect(table).to_contain_text("Tidak ada rumah tangga")
        desk.get_by_text("Hanya yang perlu dikunjungi").click()
        desk.get_by_role("button", name="Terapkan").click()
        rows = table.locator("tbody tr[data-id]")
        expect(rows).to_have_count(2)
        first = table.locator("tr", has_text="Kepala Keluarga 1")
        expect(first).to_contain_text("Dusun Krajan, Jl. Mawar 3, RT/RW 003/005")
        expect(first).to_contain_text("350919••••••0001")
        for width, height in ((360, 640), (1280, 800)):
            desk.set_viewport_size({"width": width, "height": height})
            desk.wait_for_timeout(150)
            audit(desk, f"staff-follow-up-{width}")
        desk.get_by_test_id("unmask").click()
        expect(table.locator("tr", has_text="Kepala Keluarga 1")).to_contain_text(kk(serial=1))
        expect(desk.get_by_text("dicatat di log audit")).to_be_visible()
        with site.app.app_context():
            actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "follow_up.unmasked"))
            assert list(actions) == ["follow_up.unmasked"]
    finally:
        phone_browser.close()
        desk_browser.close()
