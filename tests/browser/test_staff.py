"""Coordinator in the browser: the kecamatan ranked, a record flagged, corrected on the petugas' phone, approved.

Every staff screen is checked with axe-core and saved as a screenshot at 360×640 and at 1280×800.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.extensions import db
from server.models import Assist, AuditEvent, ReviewEvent
from server.services.demo import DEMO_PASSWORD
from tests.browser.conftest import Browser
from tests.browser.pwa import audit, expect_unsent, log_assist, send_now, sign_in, start_outreach
from tests.factories import kk

# Issue 16's screens (and what they share with earlier issues): on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends

SIZES = ((360, 640), (1280, 800))


def staff_sign_in(page, site, username, heading):
    """Sign in as a demo coordinator or supervisor and wait for the overview."""
    page.goto(site.url)
    page.fill("#login-username", username)
    page.fill("#login-password", DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()


def audit_both(page, name):
    """Audit a screen and save it at phone and desk sizes."""
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)
        audit(page, f"staff-{name}-{width}")
    page.set_viewport_size({"width": 360, "height": 640})


def test_flag_correct_approve_round_trip(playwright_driver, demo_site, tmp_path):
    phone_browser = Browser(playwright_driver, tmp_path / "phone")
    desk_browser = Browser(playwright_driver, tmp_path / "desk", bypass_csp=True)  # axe-core is injected
    try:
        phone, desk = phone_browser.page, desk_browser.page
        sign_in(phone, demo_site)
        start_outreach(phone)
        log_assist(phone, 1, members=3)
        send_now(phone)
        expect_unsent(phone, 0)

        staff_sign_in(desk, demo_site, "kor.kaliwates", "Kaliwates")
        ranking = desk.get_by_test_id("ranking")
        expect(ranking.locator("tbody tr")).to_have_count(7)  # the seven desa of Kaliwates, ranked
        expect(ranking.locator("tbody tr").first).to_contain_text("Tertinggi")
        expect(ranking.locator("tbody tr").last).to_contain_text("Terendah")
        expect(desk.get_by_test_id("achievement")).to_be_visible()
        audit_both(desk, "overview")

        desk.get_by_role("link", name="Periksa").click()
        row = desk.get_by_test_id("review-list").locator("li", has_text="Kepala Keluarga 1")
        expect(row).to_contain_text("350919••••••0001")  # masked for the coordinator
        audit_both(desk, "review-list")
        row.locator("a").click()
        desk.fill("#review-comment", "Jumlah anggota tidak sesuai KK.")
        audit_both(desk, "review-record")
        desk.get_by_role("button", name="Perlu perbaikan").click()
        expect(desk.locator("main .badge.review")).to_have_text("Perlu perbaikan")

        # The petugas' phone pulls the verdict, shows the comment, and the petugas corrects and resends.
        send_now(phone)
        phone.get_by_role("link", name="Data").click()
        record = phone.locator("[data-state]", has_text="Kepala Keluarga 1")
        expect(record).to_contain_text("Perlu perbaikan")
        record.locator("a").click()
        expect(phone.get_by_role("note")).to_contain_text("Jumlah anggota tidak sesuai KK.")
        phone.fill("#assist-members", "4")
        phone.get_by_role("button", name="Simpan").click()
        send_now(phone)
        expect_unsent(phone, 0)

        desk.reload()
        expect(desk.locator("main .badge.review")).to_have_text("Diterima")
        expect(desk.get_by_test_id("history")).to_contain_text("Jumlah anggota tidak sesuai KK.")
        expect(desk.locator(".facts")).to_contain_text("4")
        desk.get_by_role("button", name="Setujui").click()
        expect(desk.locator("main .badge.review")).to_have_text("Disetujui")
        with demo_site.app.app_context():
            assist = db.session.scalars(select(Assist).where(Assist.owner_id == demo_site.user.id)).one()
            assert (assist.version, assist.members, assist.review_state) == (2, 4, "approved")
            states = db.session.scalars(select(ReviewEvent.to_state).where(ReviewEvent.assist_id == assist.id))
            assert list(states) == ["flagged", "approved"]
        send_now(phone)
        phone.get_by_role("link", name="Data").click()
        expect(phone.locator("[data-state]", has_text="Kepala Keluarga 1")).to_contain_text("Disetujui")

        # The office downloads the follow-up list: streamed, masked, and the download is audited.
        desk.get_by_role("link", name="Periksa").click()
        # Prepared in the background with its progress shown, then downloaded through a signed link.
        desk.get_by_role("button", name="Siapkan Daftar kunjungan tahap wawancara (CSV)").click()
        # It says first what it will hold: the exact rows, the filter, masked, the separator; then it starts.
        confirm = desk.get_by_test_id("export-confirm")
        expect(confirm).to_contain_text(re.compile(r"Daftar kunjungan tahap wawancara \(CSV\): \d+ baris"))
        expect(confirm).to_contain_text("Tanpa filter")
        expect(confirm).to_contain_text("disamarkan")
        expect(confirm).to_contain_text("titik koma")
        audit_both(desk, "export-confirm")
        confirm.get_by_role("button", name="Mulai siapkan").click()
        with desk.expect_download() as download:
            desk.get_by_role("link", name=re.compile(r"^Unduh jemput-bola-follow-up")).click()
        text = Path(download.value.path()).read_text(encoding="utf-8-sig")
        assert "350919••••••0001" in text and kk(serial=1) not in text
        assert text.startswith("Kode provinsi;Provinsi;")
        with demo_site.app.app_context():
            done = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.follow_up_done")).one()
            assert done.details["complete"] is True and done.details["job"]
            assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.downloaded")).one()

        for hash_, name, ready in (
            ("#/petugas", "enumerators", "enumerators"),
            ("#/places/35.09.19", "places", "places"),
            ("#/duplicates", "duplicates", "duplicates"),
            ("#/report/35.09.19", "report", "report"),
        ):
            desk.goto(f"{demo_site.url}/{hash_}")
            expect(desk.get_by_test_id(ready)).to_be_visible()
            audit_both(desk, name)
            if name == "places":  # yield per event beside volume, ranked by yield
                expect(desk.get_by_test_id("places").locator("thead")).to_contain_text("RT per kegiatan")
                expect(desk.get_by_test_id("places").locator("tbody tr").first).to_contain_text("Tertinggi")
    finally:
        phone_browser.close()
        desk_browser.close()


def test_supervisor_sees_kecamatan_ranked_and_figures_stay_readable_offline(playwright_driver, demo_site, tmp_path):
    desk_browser = Browser(playwright_driver, tmp_path / "sup", bypass_csp=True)
    try:
        desk = desk_browser.page
        staff_sign_in(desk, demo_site, "sup.jember", "Kabupaten Jember")
        ranking = desk.get_by_test_id("ranking")
        expect(ranking.locator("tbody tr")).to_have_count(31)
        audit_both(desk, "supervisor-overview")
        ranking.get_by_role("link", name="Kaliwates").click()
        expect(desk.get_by_role("heading", name="Kaliwates", exact=True)).to_be_visible()
        desk.get_by_role("link", name="Kembali ke Kabupaten Jember").click()
        expect(desk.get_by_test_id("as-of")).to_contain_text("Data per")
        # No signal: the last loaded figures stay readable, marked with their time.
        desk_browser.context.set_offline(True)
        desk.reload()
        expect(desk.get_by_test_id("as-of")).to_contain_text("Tidak ada sinyal")
        expect(desk.get_by_test_id("ranking").locator("tbody tr")).to_have_count(31)
        desk_browser.context.set_offline(False)

        # Silent phones a supervisor can act on: grouped by kecamatan, each with a call and a WhatsApp link.
        desk.goto(f"{demo_site.url}/#/petugas")
        groups = desk.get_by_test_id("silent-group")
        expect(groups.first).to_be_visible()
        assert groups.count() > 1, "the demo's silent petugas span several kecamatan"
        first = groups.first
        expect(first.locator("h3")).to_contain_text("Kecamatan ")
        call = first.get_by_role("link", name=re.compile("^Telepon ")).first
        assert re.fullmatch(r"tel:\+62810\d{7}", call.get_attribute("href"))
        whatsapp = first.get_by_role("link", name=re.compile("^WhatsApp ")).first
        assert re.match(r"https://wa\.me/62810\d{7}\?text=", whatsapp.get_attribute("href"))
        expect(first.locator(".contact .mono").first).to_contain_text("•")  # the number masked on screen
        audit_both(desk, "silent-phones")
    finally:
        desk_browser.close()
