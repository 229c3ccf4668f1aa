"""What a petugas does in the PWA, as steps for the browser tests."""

import re

from playwright.sync_api import expect
from sqlalchemy import func, select

from server.extensions import db
from server.models import Assist, Mutation, Outreach
from tests.browser.conftest import ROOT, screenshot
from tests.factories import PASSWORD, kk


def sign_in(page, site, password=PASSWORD):
    """Open the app and sign in as the site's petugas; wait until the service worker controls the app."""
    page.goto(site.url)
    page.fill("#login-username", site.user.username)
    page.fill("#login-password", password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    expect(page.get_by_role("heading", name="Hari ini")).to_be_visible()
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")


def start_outreach(page, place="Balai Desa Mangli", desa="35.09.19.1001"):
    """Start an outreach at a kantor desa."""
    page.get_by_role("link", name="Mulai kegiatan baru").click()
    page.select_option("#outreach-desa", desa)
    page.get_by_text("Kantor desa/kelurahan").click()
    page.fill("#outreach-place", place)
    page.get_by_role("button", name="Mulai").click()
    expect(page.get_by_role("heading", name=place)).to_be_visible()


def log_assist(page, n, members=3, phone=None):
    """Log one household and wait until the form is ready for the next."""
    fill_assist(page, n, members, phone)
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#assist-kk")).to_have_value("")


def fill_assist(page, n, members=3, phone=None):
    """Fill the assist form for household n, without saving."""
    page.fill("#assist-kk", kk(serial=n))
    page.fill("#assist-head", f"Kepala Keluarga {n}")
    page.fill("#assist-members", str(members))
    page.get_by_text("Berhasil", exact=True).click()
    page.get_by_text("Tidak paham caranya").click()
    page.get_by_text("HP petugas").click()
    if phone:
        page.fill("#assist-phone", phone)


def unsent(page):
    """Return the status bar's text."""
    return page.get_by_test_id("unsent")


def expect_unsent(page, count):
    """Wait until the status bar says count records are unsent (0: everything sent)."""
    text = "Semua data terkirim" if count == 0 else re.compile(rf"^{count} belum terkirim")
    expect(unsent(page)).to_have_text(text, timeout=30000)


def send_now(page):
    """Press "Kirim sekarang" in the status bar."""
    page.locator("#status").get_by_role("button", name="Kirim sekarang").click()


def server_counts(site):
    """Return (outreaches, assists, mutations) in the server's database."""
    with site.app.app_context():
        db.session.rollback()
        return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Outreach, Assist, Mutation))


def server_persons(site):
    """Return the sum of members over the server's assists."""
    with site.app.app_context():
        return db.session.scalar(select(func.coalesce(func.sum(Assist.members), 0)))


AXE = ROOT / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
TARGETS = "button, a.button, .chip span, #nav a, .row, input:not([type=radio]):not([type=checkbox]), select"


def audit(page, name):
    """Run axe-core on the page, check touch targets, and save a screenshot."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
             .filter(v => ['serious', 'critical'].includes(v.impact))
             .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`))"""
    )
    assert violations == [], f"{name}: {violations}"
    small = page.evaluate(
        """(selector) => [...document.querySelectorAll(selector)]
             .filter(el => el.offsetParent !== null)
             .map(el => [el.outerHTML.slice(0, 60), el.getBoundingClientRect().height])
             .filter(([, h]) => h < 48)""",
        TARGETS,
    )
    assert small == [], f"{name}: touch targets under 48 px: {small}"
    screenshot(page, f"screen-{name}")
