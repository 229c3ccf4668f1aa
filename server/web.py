"""Serving the built PWA: index.html and sw.js never cached stale, hashed assets cached for good."""

import mimetypes
from pathlib import Path

from flask import current_app, send_from_directory
from werkzeug.exceptions import NotFound
from werkzeug.routing import PathConverter

ROOT = Path(__file__).resolve().parent.parent / "pwa"
_NO_CACHE = {"index.html", "sw.js", "manifest.webmanifest"}
mimetypes.add_type("application/manifest+json", ".webmanifest")


def pwa_dir():
    """Return the folder of the built PWA (PWA_DIR, else pwa/dist)."""
    return Path(current_app.config.get("PWA_DIR") or ROOT / "dist")


def serve(path="index.html"):
    """Serve a file of the PWA; unknown paths get the app shell so client-side routes work."""
    folder = pwa_dir()
    if not (folder / "index.html").exists():
        return (
            "Jemput Bola: the PWA is not built yet. Run `make run` (or `make pwa`).\n",
            503,
            {"Content-Type": "text/plain; charset=utf-8"},
        )
    try:
        response = send_from_directory(folder, path)
    except NotFound:
        if path.startswith("api/") or "." in Path(path).name:
            raise
        path = "index.html"
        response = send_from_directory(folder, path)
    # The app's files are small: read them now, so compression works on bytes and the file is closed at once.
    body = response.response
    response.direct_passthrough = False
    data = b"".join(response.iter_encoded())
    if hasattr(body, "close"):
        body.close()
    response.set_data(data)
    name = Path(path).name
    if name in _NO_CACHE:
        response.headers["Cache-Control"] = "no-cache"
    if name == "sw.js":
        response.headers["Service-Worker-Allowed"] = "/"
    elif "/assets/" in f"/{path}":
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


class AppPathConverter(PathConverter):
    """A path of the PWA: anything but /api/, so an API path with a wrong method is a 405, not the app shell."""

    regex = r"(?!api/)[^/].*?"


def init_app(app):
    """Register the PWA routes."""
    app.url_map.converters["app_path"] = AppPathConverter
    app.add_url_rule("/", "pwa_index", serve)
    app.add_url_rule("/<app_path:path>", "pwa_file", serve)
