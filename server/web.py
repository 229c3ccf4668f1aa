"""Serving the PWA: index.html and sw.js never cached stale, hashed assets cached for good."""

from pathlib import Path

from flask import current_app, send_from_directory
from werkzeug.exceptions import NotFound

ROOT = Path(__file__).resolve().parent.parent / "pwa"
_NO_CACHE = {"index.html", "sw.js", "manifest.webmanifest"}


def pwa_dir():
    """Return the folder of the built PWA, or the unbuilt placeholder when there is no build."""
    configured = current_app.config.get("PWA_DIR")
    if configured:
        return Path(configured)
    dist = ROOT / "dist"
    return dist if (dist / "index.html").exists() else ROOT / "public"


def serve(path="index.html"):
    """Serve a file of the PWA; unknown paths get the app shell so client-side routes work."""
    folder = pwa_dir()
    try:
        response = send_from_directory(folder, path)
    except NotFound:
        if path.startswith("api/") or "." in Path(path).name:
            raise
        path = "index.html"
        response = send_from_directory(folder, path)
    name = Path(path).name
    if name in _NO_CACHE:
        response.headers["Cache-Control"] = "no-cache"
    elif "/assets/" in f"/{path}":
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


def init_app(app):
    """Register the PWA routes."""
    app.add_url_rule("/", "pwa_index", serve)
    app.add_url_rule("/<path:path>", "pwa_file", serve)
