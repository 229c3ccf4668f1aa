"""Prometheus counters, safe with several gunicorn workers (PROMETHEUS_MULTIPROC_DIR, set by gunicorn.conf.py):
requests by route and status, push items by result, waits for an account's push lock, 503 answers. Served at /metrics
by health.py, with the export queue's depth and age.
"""

import time

from flask import g, request
from prometheus_client import Counter, Histogram

_FAST = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
REQUESTS = Histogram(
    "jb_http_request_duration_seconds", "HTTP requests by route, method and status", ["route", "method", "status"],
    buckets=_FAST,
)  # fmt: skip
PUSH_ITEMS = Counter("jb_push_items_total", "Pushed items by result (counted once committed)", ["result"])
LOCK_WAIT = Histogram("jb_change_stream_lock_wait_seconds", "Waits of a push for its account's lock", buckets=_FAST)
BUSY = Counter("jb_busy_answers_total", "503 answers (with Retry-After), by problem", ["problem"])


def observe_lock_wait(seconds):
    """Record how long a push waited for its account's lock (another batch of the same account)."""
    LOCK_WAIT.observe(seconds)


def count_push_items(statuses):
    """Count one batch's item results (call once the batch has committed)."""
    for status in statuses:
        PUSH_ITEMS.labels(status).inc()


def count_busy(problem):
    """Count a 503 answer."""
    BUSY.labels(problem).inc()


def init_app(app):
    """Time every request (the numbers are served by health.py at /metrics)."""

    @app.before_request
    def _start_timer():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        if "metrics_started" in g:
            route = request.url_rule.rule if request.url_rule else "unmatched"
            elapsed = time.perf_counter() - g.metrics_started
            REQUESTS.labels(route, request.method, str(response.status_code)).observe(elapsed)
        return response
