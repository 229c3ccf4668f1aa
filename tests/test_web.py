"""The built PWA as the server delivers it: installable, cached correctly, under a strict CSP."""

import re

import pytest

from tests.conftest import IN_CI
from tests.live import ROOT

pytestmark = pytest.mark.one_backend  # HTTP, schemas and static files: the same on every engine

DIST = ROOT / "pwa" / "dist"


@pytest.fixture(autouse=True)
def _built():
    if not (DIST / "index.html").exists():
        if IN_CI:
            pytest.fail("pwa/dist is missing: `make test` builds it")
        pytest.skip("pwa/dist not built (run `make pwa`)")


def test_app_shell_and_headers(client):
    index = client.get("/")
    assert index.status_code == 200 and index.headers["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in index.headers["Content-Security-Policy"]
    html = index.get_data(as_text=True)
    assert "<script>" not in html and 'rel="manifest"' in html
    asset = re.search(r'src="(/assets/[^"]+\.js)"', html).group(1)
    cached = client.get(asset)
    assert cached.status_code == 200 and "immutable" in cached.headers["Cache-Control"]
    worker = client.get("/sw.js")
    assert worker.headers["Cache-Control"] == "no-cache" and worker.headers["Service-Worker-Allowed"] == "/"
    assert "denylist:[/^\\/api\\//]" in worker.get_data(as_text=True)  # navigations only, never /api/


def test_installable_manifest(client):
    resp = client.get("/manifest.webmanifest")
    assert resp.mimetype == "application/manifest+json"
    manifest = resp.get_json(force=True)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/" and manifest["lang"] == "id"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).mimetype == "image/png"


def test_client_routes_get_the_shell_but_api_stays_json(client):
    assert client.get("/outreach/abc").status_code == 200
    missing = client.get("/api/v1/unknown")
    assert missing.status_code == 404 and missing.get_json()["problem"] == "request.not_found"
    assert client.get("/nothing-here.js").status_code == 404


def test_compressed_shell(client):
    html = client.get("/").get_data(as_text=True)
    asset = re.search(r'src="(/assets/[^"]+\.js)"', html).group(1)
    resp = client.get(asset, headers={"Accept-Encoding": "br, gzip"})
    assert resp.headers.get("Content-Encoding") in {"br", "gzip"}
