"""Request guards and response headers: CSRF defence for cookie sessions, and strict browser headers."""

from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app, request

from server.errors import Problem

_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:{tiles}; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'; manifest-src 'self'; worker-src 'self'"
)


@lru_cache(maxsize=4)
def content_security_policy(tile_url):
    """Return the page's CSP: only our own origin, plus the map tiles' origin for images."""
    parts = urlsplit(tile_url or "")
    origin = f" {parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") and parts.netloc else ""
    return CSP.format(tiles=origin)


def check_cross_site():
    """Refuse API writes that lack the custom header or that the browser says come from another site."""
    if request.method in _SAFE_METHODS or not request.path.startswith("/api/") or request.routing_exception:
        return  # no route or a wrong method: nothing will run, routing answers 404/405
    # A cross-site form cannot set a custom header, and a cross-site fetch that sets one needs CORS we never grant.
    if not request.headers.get("X-Requested-With"):
        raise Problem("csrf.rejected")
    if request.headers.get("Sec-Fetch-Site", "same-origin") not in {"same-origin", "none"}:
        raise Problem("csrf.rejected")
    origin = request.headers.get("Origin")
    # Compare hosts only: behind a TLS-terminating proxy the scheme the app sees may differ from the browser's.
    if origin and (origin == "null" or urlsplit(origin).netloc != request.host):
        raise Problem("csrf.rejected")


def add_security_headers(response):
    """Set the headers every response carries; personal data is never cached."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy(current_app.config["MAP_TILE_URL"]))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(self), geolocation=(self), microphone=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", f"max-age={current_app.config['HSTS_SECONDS']}")
    if request.path.startswith("/api/"):
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app):
    """Register the guards and headers on the app."""
    app.before_request(check_cross_site)
    app.after_request(add_security_headers)
