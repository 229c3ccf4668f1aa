"""gunicorn's own error answers (a request line too long, headers too large, a request it cannot parse) as the
same RFC 9457 problem body the app sends, instead of gunicorn's HTML page."""

import json

from gunicorn import util

from server.errors import CATALOGUE, PROBLEM_MEDIA_TYPE, TYPE_PREFIX

BY_STATUS = {414: "request.uri_too_long", 431: "request.headers_too_large", 403: "auth.forbidden"}


def problem_bytes(status, reason, code=None, headers=""):
    """Return a whole HTTP/1.1 answer carrying a problem body for one of gunicorn's own errors."""
    code = code or BY_STATUS.get(status, "request.malformed" if status < 500 else "server.error")
    indonesian = CATALOGUE[code][2]  # no request, so no Accept-Language: Indonesian first
    body = json.dumps(
        {
            "type": TYPE_PREFIX + code,
            "title": reason,
            "status": status,
            "detail": indonesian.format(limit=8190),
            "problem": code,
        }
    ).encode()
    head = f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: {PROBLEM_MEDIA_TYPE}\r\n{headers}"
    return head.encode("latin1") + f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def busy_page():
    """Return the load balancer's own 503 (no server can answer) as the app's busy problem, with Retry-After."""
    return problem_bytes(503, "Service Unavailable", "service.busy", "Retry-After: 10\r\nCache-Control: no-store\r\n")


def _write_error(sock, status_int, reason, mesg):
    # gunicorn's message may echo the bad request: it stays out of the answer (and out of logs).
    util.write_nonblock(sock, problem_bytes(status_int, reason))


def install():
    """Make gunicorn answer its own errors with problem bodies (called from gunicorn.conf.py)."""
    util.write_error = _write_error
