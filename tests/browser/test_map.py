"""The map of gathering points (issue 16.1) in the browser, against a tile server of the test's own on
127.0.0.1: nothing leaves the machine. Points sized by households open their outreach; offline, the list."""

import struct
import threading
import uuid
import zlib
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Browser, serve_site
from tests.browser.pwa import audit
from tests.browser.test_no_dead_ends import coordinator_client
from tests.factories import assist_data, kk, mutation, outreach_data, push
from tests.helpers_field import petugas_client

# Issue 16's screens: on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_backends


def _png(size=256):
    """Return a plain light-grey PNG tile."""
    raw = b"".join(b"\x00" + b"\xe8\xe8\xe8" * size for _ in range(size))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class _Tiles(BaseHTTPRequestHandler):
    """Answers every /z/x/y.png with the same tile and counts the requests."""

    tile = _png()
    served = []

    def do_GET(self):
        """Serve the tile."""
        self.served.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.tile)))
        self.end_headers()
        self.wfile.write(self.tile)

    def log_message(self, *args):
        """Stay quiet."""


@pytest.fixture
def tile_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Tiles.served = []
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def map_site(tmp_path, sqlite_template, tile_server, site_backend):
    env = {"MAP_TILE_URL": f"{tile_server}/{{z}}/{{x}}/{{y}}.png", "MAP_TILE_ATTRIBUTION": "Peta uji"}
    with serve_site(tmp_path, sqlite_template, ["35.09.19.1001"], env=env, backend=site_backend) as served:
        yield served


def _outreach(phone, desa, place_kind, name, households, lat, lon):
    oid = uuid.uuid4()
    data = outreach_data(desa_code=desa, place_kind=place_kind, place_name=name, date=date.today().isoformat())
    muts = [mutation("outreach", {**data, "lat": lat, "lon": lon}, oid)]
    muts += [mutation("assist", assist_data(oid, kk_number=kk(serial=n), members=2)) for n in households]
    assert push(phone, muts).status_code == 200


def test_map_of_gathering_points_opens_outreaches_and_falls_back_to_the_list(playwright_driver, map_site, tmp_path):
    with map_site.app.app_context():
        coordinator = coordinator_client(map_site)
        phone = petugas_client(map_site.app, ["35.09.19.1001", "35.09.19.1002"])
        _outreach(phone, "35.09.19.1001", "pasar", "Pasar Tanjung", range(1, 6), -8.171, 113.701)
        _outreach(phone, "35.09.19.1002", "kantor_desa", "Balai Desa Kaliwates", [9], -8.182, 113.688)
        username, password = coordinator.user.username, coordinator.user.password
    browser = Browser(playwright_driver, tmp_path / "desk", bypass_csp=True)  # axe-core is injected
    hosts = set()
    try:
        page = browser.page
        page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname))
        page.goto(map_site.url)
        page.fill("#login-username", username)
        page.fill("#login-password", password)
        page.get_by_role("button", name="Masuk", exact=True).click()
        page.get_by_role("link", name="Peta titik kumpul").click()
        expect(page.get_by_test_id("map-count")).to_contain_text("2 kegiatan dengan lokasi GPS")
        circles = page.locator("[data-testid=map] path.leaflet-interactive")
        expect(circles).to_have_count(2)
        expect(page.locator(".leaflet-tile-loaded").first).to_be_visible()
        assert _Tiles.served, "the tiles come from the configured (local) server"
        expect(page.locator(".leaflet-control-attribution")).to_contain_text("Peta uji")
        # Sized by households: the market (5) is drawn larger than the village office (1).
        sizes = sorted(box["width"] for box in (c.bounding_box() for c in circles.all()))
        assert sizes[1] > sizes[0] * 1.3, sizes
        expect(page.get_by_test_id("map-list").locator("tbody tr")).to_have_count(2)
        expect(page.get_by_role("button", name="Siapkan Titik kumpul dengan GPS (GEOJSON)")).to_be_visible()
        for width, height in ((360, 640), (1280, 800)):
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_timeout(300)
            audit(page, f"staff-map-{width}")
        page.set_viewport_size({"width": 360, "height": 640})
        # A point opens its outreach: the households it helped, in Periksa.
        biggest = max(circles.all(), key=lambda c: c.bounding_box()["width"])
        page.get_by_test_id("map").scroll_into_view_if_needed()
        biggest.click(force=True)
        popup = page.locator(".leaflet-popup")
        expect(popup).to_contain_text("Pasar Tanjung")
        expect(popup).to_contain_text("5 RT · 10 jiwa dibantu")
        popup.get_by_role("link", name="Lihat rumah tangga yang dibantu").click()
        expect(page.get_by_test_id("outreach-filter")).to_contain_text("Pasar Tanjung")
        expect(page.get_by_test_id("review-list").locator("li[data-id]")).to_have_count(5)
        assert hosts <= {"127.0.0.1"}, hosts  # nothing left the machine

        # No signal: the last loaded list, said plainly; no map without tiles.
        page.goto(f"{map_site.url}/#/map/35.09.19")
        expect(page.get_by_test_id("map")).to_be_visible()
        browser.context.set_offline(True)
        page.reload()
        expect(page.get_by_role("status").filter(has_text="peta perlu koneksi")).to_be_visible()
        expect(page.get_by_test_id("map")).to_have_count(0)
        expect(page.get_by_test_id("map-list").locator("tbody tr")).to_have_count(2)
        audit(page, "staff-map-offline")
        browser.context.set_offline(False)
    finally:
        browser.close()
