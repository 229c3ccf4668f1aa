"""The census office's figures in the browser, for every staff role: periods, rankings by any measure, the
provinsi level, areas picked by name (never a dead end for an admin), the import, and the daily report's
sentences. New screens are checked with axe-core and saved at 360×640 and 1280×800."""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from server.extensions import db
from server.models import OfficialProgress
from tests.browser.conftest import Browser
from tests.browser.test_staff import audit_both, staff_sign_in

# Issue 15's screens: on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends


def _rows(page, test_id="ranking"):
    return page.get_by_test_id(test_id).locator("tbody tr")


def test_supervisor_ranks_by_any_measure_over_any_period_and_reads_the_report(playwright_driver, demo_site, tmp_path):
    desk_browser = Browser(playwright_driver, tmp_path / "sup", bypass_csp=True)
    try:
        desk = desk_browser.page
        staff_sign_in(desk, demo_site, "sup.jember", "Kabupaten Jember")
        expect(desk.get_by_test_id("achievement")).to_contain_text("36.464 jiwa ikut serta")
        expect(desk.get_by_test_id("standing")).to_contain_text("Peringkat 1 dari 38 wilayah di Jawa Timur")
        expect(_rows(desk)).to_have_count(31)
        desk.select_option("#rank-by", "took_part")
        expect(_rows(desk).first).to_contain_text("Kaliwates")
        expect(_rows(desk).first).to_contain_text("4.040")
        expect(_rows(desk).last).to_contain_text("Jelbuk")
        expect(_rows(desk).last).to_contain_text("Terendah")
        # Today: who took part today, and which kecamatan had no one helped (zeros are ranked, not hidden).
        desk.get_by_role("button", name="Hari ini").click()
        expect(desk.get_by_role("heading", name="Peringkat kecamatan · Hari ini")).to_be_visible()
        desk.select_option("#rank-by", "households")
        expect(_rows(desk)).to_have_count(31)
        expect(_rows(desk).last).to_contain_text("0")
        audit_both(desk, "figures-today")
        desk.get_by_role("button", name="Pilih tanggal").click()
        desk.fill("#range-from", (date.today() - timedelta(days=3)).isoformat())
        expect(desk.get_by_role("heading", name="Peringkat kecamatan ·", exact=False)).to_contain_text(" – ")
        desk.get_by_role("button", name="Seluruh periode").click()

        desk.get_by_role("link", name="Laporan harian").click()
        sentences = desk.get_by_test_id("report-sentences")
        expect(sentences).to_contain_text("tingkat partisipasi Kabupaten Jember mencapai")
        expect(sentences).to_contain_text("di bawah target 50 persen")
        expect(sentences).to_contain_text("peringkat 1 dari 38 kabupaten di Jawa Timur")
        expect(sentences).to_contain_text(
            "Angka tertinggi tercatat pada Kecamatan Kaliwates sebanyak 4.040, terendah Kecamatan Jelbuk sebanyak 344."
        )
        expect(_rows(desk, "report-ranking").first).to_contain_text("Kaliwates")
        audit_both(desk, "report-sentences")
        # Printed, it is one A4 page with all 31 kecamatan.
        desk.emulate_media(media="print")
        pdf = desk.pdf(format="A4")
        (tmp_path / "report.pdf").write_bytes(pdf)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
        desk.emulate_media(media="screen")
        # The same report in English.
        desk.goto(f"{demo_site.url}/#/settings")
        desk.get_by_role("button", name="English").click()
        desk.goto(f"{demo_site.url}/#/report/35.09")
        expect(desk.get_by_test_id("report-sentences")).to_contain_text(
            "The highest figure was in Sub-district Kaliwates with 4,040, the lowest in Sub-district Jelbuk with 344."
        )
    finally:
        desk_browser.close()


def test_province_and_admin_see_kabupaten_ranked_and_pick_areas_by_name(playwright_driver, demo_site, tmp_path):
    browser = Browser(playwright_driver, tmp_path / "prov", bypass_csp=True)
    admin_browser = Browser(playwright_driver, tmp_path / "admin", bypass_csp=True)
    try:
        page = browser.page
        staff_sign_in(page, demo_site, "prov.ntt", "Nusa Tenggara Timur")
        expect(_rows(page)).to_have_count(22)
        expect(_rows(page).nth(0)).to_contain_text("Flores Timur")
        expect(_rows(page).nth(1)).to_contain_text("Timor Tengah Utara")
        expect(page.get_by_test_id("achievement")).to_contain_text("target 18%")
        audit_both(page, "province-overview")
        page.get_by_role("link", name="Kabupaten Timor Tengah Utara").click()
        expect(page.get_by_role("heading", name="Kabupaten Timor Tengah Utara")).to_be_visible()
        expect(page.get_by_test_id("achievement")).to_contain_text("Melampaui target 18%")
        expect(_rows(page)).to_have_count(24)
        page.get_by_role("link", name="Kembali ke Nusa Tenggara Timur").click()
        page.select_option("#rank-level", "3")
        expect(page.get_by_role("heading", name="Peringkat kecamatan · Seluruh periode")).to_be_visible()

        admin = admin_browser.page
        staff_sign_in(admin, demo_site, "admin", "Indonesia")
        expect(_rows(admin)).to_have_count(2)  # the provinsi this test's area list holds
        expect(_rows(admin).first).to_contain_text("Nusa Tenggara Timur")  # 20 % or more, against Jawa Timur's 1 %
        # Screens of one area ask for it by name instead of failing.
        admin.goto(f"{demo_site.url}/#/petugas")
        expect(admin.get_by_role("heading", name="Pilih wilayah")).to_be_visible()
        admin.fill("#choose-q", "kaliwa")
        admin.get_by_test_id("choose-matches").get_by_role("button", name="Kaliwates").first.click()
        expect(admin.get_by_role("heading", name="Per petugas")).to_be_visible()
        expect(admin.locator(".area-line")).to_contain_text("Kaliwates")
        audit_both(admin, "admin-petugas-picked")
        for hash_, heading in (("#/review", "Periksa data"), ("#/duplicates", "KK ganda"), ("#/targets", "Target")):
            admin.goto(f"{demo_site.url}/{hash_}")
            expect(admin.get_by_role("heading", name=heading, exact=False).first).to_be_visible()
            expect(admin.locator("#view [role=alert]")).to_have_count(0)
    finally:
        browser.close()
        admin_browser.close()


def test_the_office_figures_are_imported_from_a_file_on_screen(playwright_driver, demo_site, tmp_path):
    browser = Browser(playwright_driver, tmp_path / "imp", bypass_csp=True)
    try:
        page = browser.page
        staff_sign_in(page, demo_site, "sup.jember", "Kabupaten Jember")
        page.goto(f"{demo_site.url}/#/progress")
        expect(page.get_by_test_id("progress").locator("tbody tr")).to_have_count(32)
        audit_both(page, "progress-import")
        day = date.today().isoformat()
        upload = Path(tmp_path / "progres.csv")
        upload.write_text(f"area_code;date;persons\n35.09.19;{day};4100\n35.09.25;{day};400\n", encoding="utf-8")
        page.set_input_files("#progress-import-file", str(upload))
        page.get_by_role("button", name="Periksa berkas").click()
        expect(page.get_by_test_id("progress-import-report")).to_contain_text("Semua 2 baris valid")
        expect(page.get_by_test_id("progress-import-report")).to_contain_text("Mengganti 2 angka")
        page.get_by_role("button", name="Impor 2 baris").click()
        expect(page.locator("#toast")).to_contain_text("2 baris diimpor")
        expect(page.locator('tr[data-code="35.09.19"]')).to_contain_text("4.100")
        with demo_site.app.app_context():
            # Re-importing today replaced the whole table of Jember's kecamatan for today (29 figures removed);
            # TTU's kecamatan, another table, kept theirs.
            count = select(func.count()).where(OfficialProgress.day == date.today(), OfficialProgress.level == 3)
            assert db.session.scalar(count.where(OfficialProgress.parent_code == "35.09")) == 2
            assert db.session.scalar(count.where(OfficialProgress.parent_code == "53.03")) == 24
    finally:
        browser.close()
