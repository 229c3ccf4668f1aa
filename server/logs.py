"""Structured logs: one JSON object per line with the request id, which also travels in X-Request-ID.

A request id comes from the load balancer or the phone (X-Request-ID, if it looks like one) or is made here,
and is sent back, so one line in the access log, the app log and a phone's report can be tied together.
Personal data never reaches a log: messages carry codes and counts, database errors hide their parameters,
and the access log records the path without its query string (a search may hold a name).
"""

import logging
import re
import uuid

from flask import g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"


def request_id():
    """Return the current request's id (None outside a request)."""
    return g.get("request_id") if has_request_context() else None


class RequestIdFilter(logging.Filter):
    """Add the request id to every record logged while a request runs."""

    def filter(self, record):
        """Stamp the record; never drop it."""
        record.request_id = request_id()
        return True


def configure(app):
    """Send the app's logs to stderr as JSON (LOG_FORMAT=json) or text, at LOG_LEVEL; tests keep pytest's."""
    fmt = app.config.get("LOG_FORMAT")
    if not fmt:
        return
    handler = logging.StreamHandler()
    handler.addFilter(RequestIdFilter())
    if fmt == "json":
        handler.setFormatter(JsonFormatter(FIELDS, rename_fields={"asctime": "time", "levelname": "level"}))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(app.config.get("LOG_LEVEL", "INFO"))


def init_app(app):
    """Give every request an id, and every answer its X-Request-ID header."""
    configure(app)

    @app.before_request
    def _assign_id():
        given = request.headers.get("X-Request-ID", "")
        g.request_id = given if REQUEST_ID.match(given) else uuid.uuid4().hex

    @app.after_request
    def _echo_id(response):
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response
