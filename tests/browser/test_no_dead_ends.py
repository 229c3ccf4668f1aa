"""The petugas' day without dead ends (issue 12), at 360×640 in Debian Chromium against real gunicorn: every
rejection explained and fixable, a queue that never stalls, verdicts that always arrive, withdrawing offline,
sign-out with choices, the duplicate warning, one screen per household, and the app's own words."""

import re
import uuid
from pathlib import Path

from playwright.sync_api import expect
from sqlalchemy import select

from server.extensions import db
from server.models import Assist, Outreach, User
from tests.browser.conftest import screenshot
from tests.browser.pwa import (
    expect_unsent,
    fill_assist,
    log_assist,
    send_now,
    server_counts,
    sign_in,
    start_outreach,
)
from tests.browser.test_sync_faults import wait_for
from tests.conftest import ApiClient
from tests.factories import kk
from tests.helpers_field import staff_client

# What an older app version (or a rule changed on the server) may have queued: the form today refuses it.
QUEUE_ASSISTS = """async ([count, members, first]) => {
    const app = window.jemputBola;
    const outreach = location.hash.split('/')[2];
    for (let i = 0; i < count; i += 1) {
      await app.saveRecord({entity: 'assist', data: {outreach_id: outreach,
        kk_number: '350919010190' + String(first + i).padStart(4, '0'), head_name: 'Keluarga ' + (first + i),
        members, outcome: 'berhasil', reasons: ['tidak_paham'], device_used: 'hp_petugas', phone: null,
        notes: null}});
    }
    app.changed();
}"""


def queue_assists(page, count, members=2, first=500):
    """Queue households straight into the phone's outbox (as an older app version would have)."""
    page.evaluate(QUEUE_ASSISTS, [count, members, first])


def coordinator_client(site):
    """A coordinator of Kaliwates signed in to the site's app (inside an app context)."""
    site.app.test_client_class = ApiClient
    return staff_client(site.app, "coordinator", ["35.09.19"])


def needs_correction(page):
    """The status bar's "n perlu perbaikan" link."""
    return page.get_by_test_id("needs-correction")


def test_a_refused_record_shows_the_servers_reason_beside_the_field_and_is_fixed(browser, site):
    page = browser.page
    sign_in(page, site)
    start_outreach(page)
    log_assist(page, 1)
    queue_assists(page, 1, members=0)
    expect(needs_correction(page)).to_have_text("1 perlu perbaikan", timeout=20000)
    expect_unsent(page, 0)  # counted apart: it never blocks the queue
    assert server_counts(site)[:2] == (1, 1)
    # The phone's tally leaves it out, as the server does, and says so.
    expect(page.get_by_test_id("outreach-households")).to_have_text("1")
    needs_correction(page).click()
    expect(page.get_by_test_id("tab-fix")).to_have_text("Perlu perbaikan (1)")
    screenshot(page, "list-needs-correction")
    page.locator("[data-state=rejected] a").click()
    expect(page.locator("#assist-members")).to_have_value("0")  # exactly what was sent
    expect(page.locator("#assist-members-msg")).to_have_text("Harus antara 1 dan 30.")
    screenshot(page, "record-refused")
    page.fill("#assist-members", "2")
    page.get_by_role("button", name="Simpan perbaikan").click()
    expect(needs_correction(page)).to_have_count(0)
    wait_for(page, lambda: server_counts(site)[:2] == (1, 2), timeout=20)
    expect_unsent(page, 0)
    # The phone checks the server's rules itself: members 31 is refused before saving.
    page.get_by_role("link", name="Beranda").click()
    page.locator(".list a.row").first.click()
    fill_assist(page, 3, members=31)
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#assist-members-msg")).to_have_text("Isi 1 sampai 30 orang.")
    expect(page.get_by_test_id("outreach-households")).to_have_text("2")


def test_203_households_of_a_refused_outreach_never_stall_the_queue_and_a_verdict_still_arrives(browser, site):
    page = browser.page
    sign_in(page, site)
    browser.context.set_offline(True)
    start_outreach(page, "Balai Desa Mangli")
    refused_id = page.evaluate("location.hash.split('/')[2]")
    queue_assists(page, 203)
    page.get_by_role("link", name="Beranda").click()
    start_outreach(page, "Pasar Kaliwates", desa="35.09.19.1002")
    log_assist(page, 1)
    # Meanwhile the supervisor moved this petugas: Mangli is no longer theirs.
    with site.app.app_context():
        user = db.session.get(User, site.user.id)
        user.areas = [a for a in user.areas if a.area_code == "35.09.19.1002"]
        db.session.commit()
    browser.context.set_offline(False)
    send_now(page)
    expect(needs_correction(page)).to_have_text(
        "1 perlu perbaikan (203 menunggu kegiatannya diperbaiki)", timeout=30000
    )
    expect_unsent(page, 0)
    assert server_counts(site)[:2] == (1, 1)
    screenshot(page, "group-needs-correction")
    # A coordinator flags the household that went; the next round pulls it despite the stuck group.
    with site.app.app_context():
        assist_id = db.session.scalar(select(Assist.id))
        coordinator = coordinator_client(site)
        etag = coordinator.get(f"/api/v1/review/assists/{assist_id}").headers["ETag"]
        decided = coordinator.post(
            f"/api/v1/review/assists/{assist_id}/decision",
            json={"action": "flag", "comment": "Nama kepala keluarga tidak sesuai KK"},
            headers={"If-Match": etag},
        )
        assert decided.status_code == 200, decided.get_json()
    send_now(page)
    page.get_by_role("link", name="Data").click()
    expect(page.get_by_test_id("tab-fix")).to_have_text("Perlu perbaikan (2)", timeout=20000)
    expect(page.locator(f"[data-id='{assist_id}']")).to_contain_text("Perlu perbaikan dari koordinator")
    # The fix: the outreach goes first, then its 203 households.
    page.locator(f"[data-id='{refused_id}'] a").click()
    expect(page.get_by_text("Kegiatan ini ditolak server")).to_be_visible()
    expect(page.get_by_text("203 rumah tangga menunggu kegiatan ini diperbaiki.")).to_be_visible()
    page.get_by_role("link", name="Perbaiki kegiatan").click()
    page.select_option("#outreach-desa", "35.09.19.1002")
    page.get_by_role("button", name="Simpan perbaikan").click()
    expect(needs_correction(page)).to_have_count(0)
    wait_for(page, lambda: server_counts(site)[:2] == (2, 204), timeout=30)
    expect_unsent(page, 0)
    with site.app.app_context():
        db.session.rollback()
        assert db.session.get(Outreach, uuid.UUID(refused_id)).desa_code == "35.09.19.1002"


def test_a_record_withdrawn_offline_reaches_the_server_as_voided_and_tallies_agree(browser, site):
    page = browser.page
    sign_in(page, site)
    start_outreach(page)
    for n in (1, 2, 3):
        log_assist(page, n)
    expect_unsent(page, 0)
    with site.app.app_context():
        db.session.rollback()
        ids = {a.head_name: a.id for a in db.session.scalars(select(Assist))}
        coordinator = coordinator_client(site)
        etag = coordinator.get(f"/api/v1/review/assists/{ids['Kepala Keluarga 3']}").headers["ETag"]
        coordinator.post(
            f"/api/v1/review/assists/{ids['Kepala Keluarga 3']}/decision",
            json={"action": "reject", "comment": "Bukan warga"},
            headers={"If-Match": etag},
        )
    send_now(page)  # the verdict comes down
    browser.context.set_offline(True)
    page.get_by_role("link", name="Data").click()
    page.get_by_test_id("tab-sent").click()
    page.locator(f"[data-id='{ids['Kepala Keluarga 1']}'] a").click()
    page.get_by_text("Batalkan data ini").click()
    page.get_by_text("Salah catat").click()
    page.get_by_role("button", name="Batalkan data").click()
    expect(page.get_by_role("dialog")).to_contain_text('Batalkan "Kepala Keluarga 1"?')
    screenshot(page, "withdraw-confirm")
    page.get_by_role("dialog").get_by_role("button", name="Batalkan data").click()
    expect_unsent(page, 1)
    browser.context.set_offline(False)
    send_now(page)
    expect_unsent(page, 0)
    with site.app.app_context():
        db.session.rollback()
        voided = db.session.get(Assist, ids["Kepala Keluarga 1"])
        assert (voided.voided, voided.void_reason) == (True, "Salah catat")
        total = coordinator.get("/api/v1/tallies", query_string={"area": "35.09.19", "by": "enumerator"}).get_json()
        total = total["total"]
    page.get_by_role("link", name="Beranda").click()
    # One definition of a count: the phone's tally is the server's (voided and rejected left out, shown apart).
    expect(page.get_by_test_id("today-households")).to_have_text(str(total["households"]))
    expect(page.get_by_test_id("today-persons")).to_have_text(str(total["persons"]))
    assert total["households"] == 1
    expect(page.get_by_text("Tidak dihitung: 1 dibatalkan, 1 ditolak koordinator")).to_be_visible()


def test_sign_out_with_records_that_need_correction_is_never_a_dead_end(browser, site):
    page = browser.page
    sign_in(page, site)
    start_outreach(page)
    queue_assists(page, 1, members=31)
    expect(needs_correction(page)).to_have_text("1 perlu perbaikan", timeout=20000)
    page.get_by_role("link", name="Pengaturan").click()
    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_text("1 data perlu perbaikan dan tidak bisa dikirim")).to_be_visible()
    expect(page.get_by_role("link", name="Buka yang perlu perbaikan")).to_be_visible()
    screenshot(page, "sign-out-choices")
    with page.expect_download() as download:
        page.get_by_role("button", name="Ekspor data belum terkirim").click()
    assert Path(download.value.path()).stat().st_size > 0
    page.get_by_role("button", name="Keluar").click()
    page.get_by_role("button", name="Keluar dan hapus dari HP").click()
    page.get_by_role("dialog").get_by_role("button", name="Keluar dan hapus dari HP").click()
    expect(page.locator("#login-username")).to_be_visible()


def test_the_same_kk_twice_asks_first_and_shows_the_earlier_record(browser, site):
    page = browser.page
    sign_in(page, site)
    browser.context.set_offline(True)
    start_outreach(page)
    log_assist(page, 1)
    fill_assist(page, 1)
    expect(page.locator("#assist-kk-msg")).to_contain_text("KK ini sudah dicatat di HP ini: Kepala Keluarga 1")
    page.get_by_role("button", name="Simpan").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Kepala Keluarga 1, Balai Desa Mangli")
    screenshot(page, "duplicate-kk")
    dialog.get_by_role("button", name="Jangan simpan").click()
    expect(page.get_by_test_id("outreach-households")).to_have_text("1")
    expect(page.locator("#assist-head")).to_have_value("Kepala Keluarga 1")  # nothing typed is lost
    page.get_by_role("button", name="Simpan").click()
    page.get_by_role("dialog").get_by_role("button", name="Tetap simpan").click()
    expect(page.get_by_test_id("outreach-households")).to_have_text("2")


IN_VIEW = """(selector) => {
    const el = document.querySelector(selector);
    const box = el.getBoundingClientRect();
    const [x, y] = [box.left + box.width / 2, box.top + Math.min(box.height / 2, 20)];
    const top = document.elementFromPoint(x, y);
    return box.top >= 0 && box.bottom <= innerHeight && (el === top || el.contains(top) || top.contains(el));
}"""


def test_one_household_fits_one_screen_and_finishing_asks_first(browser, site):
    page = browser.page
    sign_in(page, site)
    start_outreach(page)
    for round_ in (1, 2):
        targets = ["#assist-kk", "#assist-head", "#outcome .chip", "#reasons .chip", ".actionbar button"]
        for selector in targets:
            assert page.evaluate(IN_VIEW, selector), f"{selector} is not on screen (round {round_})"
        # The four required answers; members, device, phone and notes keep their defaults below.
        page.fill("#assist-kk", kk(serial=round_))
        page.fill("#assist-head", f"Kepala Keluarga {round_}")
        page.get_by_text("Berhasil", exact=True).click()
        page.get_by_text("Tidak paham caranya").click()
        assert page.evaluate("scrollY") == 0
        page.get_by_role("button", name="Simpan").click()
        expect(page.get_by_test_id("outreach-households")).to_have_text(str(round_))
        assert page.evaluate("document.activeElement.id") == "assist-kk"
        assert page.evaluate(IN_VIEW, "[data-testid=outreach]")
    screenshot(page, "one-screen-household")
    page.get_by_role("button", name="Selesaikan kegiatan").click()
    expect(page.get_by_role("dialog")).to_contain_text("2 rumah tangga tercatat")
    page.get_by_role("dialog").get_by_role("button", name="Batal").click()
    expect(page.locator("#assist-kk")).to_be_visible()
    page.get_by_role("button", name="Selesaikan kegiatan").click()
    page.get_by_role("dialog").get_by_role("button", name="Ya, selesaikan").click()
    expect(page.get_by_role("heading", name="Kegiatan selesai")).to_be_visible()
    page.locator(".list a.row").first.click()
    page.get_by_role("button", name="Buka lagi kegiatan").click()
    expect(page.locator("#assist-kk")).to_be_visible()


def test_the_apps_own_words_everywhere(browser, site):
    page = browser.page
    page.goto(site.url)
    expect(page.get_by_text("Jemput Bola", exact=True)).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Sign in", exact=True)).to_be_visible()
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_text("Required.")).to_be_visible()  # not the browser's "Please fill out this field."
    screenshot(page, "login-english")
    page.fill("#login-username", site.user.username)
    page.fill("#login-password", site.user.password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    page.get_by_role("link", name="Start a new outreach").click()
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#outreach-place-msg")).to_have_text("Required.")
    expect(page.locator("#place_kind-msg")).to_have_text("Required.")
    page.get_by_text("Village office").click()
    page.fill("#outreach-place", "Balai Desa Mangli")
    page.fill("#outreach-date", "2099-01-01")
    page.get_by_role("button", name="Start").click()
    expect(page.locator("#outreach-date-msg")).to_have_text("The date cannot be after today.")
    page.fill("#outreach-date", page.evaluate("new Date().toISOString().slice(0, 10)"))
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", name="Balai Desa Mangli")).to_be_visible()
    page.fill("#assist-kk", "3509 1901.0190-0001")
    expect(page.locator("#assist-kk")).to_have_value("3509190101900001")
    expect(page.locator("#assist-kk-msg")).to_have_text("Spaces, dots and dashes were removed.")
    page.fill("#assist-kk", "35091901019000012")
    expect(page.locator("#assist-kk")).to_have_value("3509190101900001")
    expect(page.locator("#assist-kk-msg")).to_contain_text("The last digit was dropped")
    page.fill("#assist-head", "A" * 101)
    expect(page.locator("#assist-head-msg")).to_have_text("101/100 characters — 1 too many, please shorten.")
    page.fill("#assist-head", "Siti Aminah")
    page.get_by_text("Submitted", exact=True).click()
    page.get_by_text("Did not know how").click()
    with page.expect_request("**/api/v1/sync/push") as pushed:
        page.get_by_role("button", name="Save", exact=True).click()
    assert pushed.value.headers["accept-language"] == "en"  # the app's language, not the browser's (id-ID)
    page.get_by_role("link", name="Home").click()
    expect(page.locator(".list .count").first).to_have_text("1 household")
    browser.context.set_offline(True)
    page.locator("#status").get_by_role("button", name="Send now").click()
    expect(page.get_by_test_id("sync-detail")).to_have_text("No signal — the data is safe on this phone")
    screenshot(page, "offline-english")
    page.evaluate("localStorage.setItem('jb-lang', 'id')")
    page.reload()
    expect(page.get_by_test_id("sync-detail")).to_contain_text(re.compile("Terkirim terakhir|Tidak ada sinyal"))


def test_the_data_lists_count_search_and_say_what_the_last_upload_did(browser, site):
    page = browser.page
    sign_in(page, site)
    start_outreach(page)
    for n in (1, 2, 3):
        log_assist(page, n)
    queue_assists(page, 1, members=0, first=700)
    expect(needs_correction(page)).to_have_text("1 perlu perbaikan", timeout=20000)
    page.fill("#assist-head", "Ibu Setengah Jalan")  # a half-filled form: a draft
    page.wait_for_timeout(600)
    page.get_by_role("link", name="Data").click()
    # The upload's result: how many were accepted, which need correction.
    summary = page.get_by_test_id("upload-summary")
    expect(summary).to_contain_text("1 perlu perbaikan")
    expect(summary.get_by_role("link", name="Keluarga 700")).to_be_visible()
    for tab, label in (("draft", "Draf (1)"), ("unsent", "Belum terkirim (0)"), ("fix", "Perlu perbaikan (1)")):
        expect(page.get_by_test_id(f"tab-{tab}")).to_have_text(label)
    expect(page.get_by_test_id("tab-sent")).to_have_text("Terkirim (3)")
    page.get_by_test_id("tab-sent").click()
    # Newest first by the record's own date, then by when it was saved.
    expect(page.locator("[data-state=sent] strong")).to_have_text(
        ["Kepala Keluarga 3", "Kepala Keluarga 2", "Kepala Keluarga 1"]
    )
    page.fill("#records-search", "keluarga 2")
    expect(page.locator("[data-state] strong")).to_have_text(["Kepala Keluarga 2"])
    expect(page.get_by_test_id("tab-sent")).to_have_text("Terkirim (1)")
    page.fill("#records-search", kk(serial=3)[-6:])
    expect(page.locator("[data-state] strong")).to_have_text(["Kepala Keluarga 3"])
    page.fill("#records-search", "tidak ada")
    expect(page.get_by_text('Tidak ada yang cocok dengan "tidak ada".')).to_be_visible()
    page.fill("#records-search", "")
    page.get_by_test_id("tab-draft").click()
    expect(page.locator("[data-state=draft]")).to_contain_text("Ibu Setengah Jalan")
    screenshot(page, "list-drafts")
    page.locator("[data-state=draft] a").click()
    expect(page.locator("#assist-head")).to_have_value("Ibu Setengah Jalan")
