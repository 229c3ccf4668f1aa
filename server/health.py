"""What an operator and a load balancer ask: is the process alive (/healthz), may it take traffic (/readyz),
and how is it doing (/metrics, Prometheus text format).

/metrics answers requests from loopback and private addresses, or with `Authorization: Bearer METRICS_TOKEN`.
"""

import functools
import hmac
import ipaddress
import os
import time

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Response, abort, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Gauge, generate_latest, multiprocess
from sqlalchemy import func, select, text

from server import jobs
from server.config import INSTANCE_DIR
from server.extensions import db
from server.models import ExportJob

MIGRATIONS = INSTANCE_DIR.parent / "migrations"


def healthz():
    """Answer 200 while the process runs: nothing else is checked (a restart would not fix a database)."""
    return jsonify(status="ok")


def readyz():
    """Answer 200 when this server can do its work (database, schema current, job queue), else 503 and why."""
    checks = {"database": _database(), "migrations": _migrations(), "queue": _queue()}
    ready = all(c["ok"] for c in checks.values())
    response = jsonify(status="ok" if ready else "unavailable", checks=checks)
    response.status_code = 200 if ready else 503
    if not ready:
        response.headers["Retry-After"] = "5"
    response.headers["Cache-Control"] = "no-store"
    return response


def _database():
    try:
        db.session.execute(text("SELECT 1"))
        return {"ok": True}
    except Exception as exc:  # any failure means "not ready"; its kind is reported, never its text
        db.session.rollback()
        return {"ok": False, "error": type(exc).__name__}


def _queue():
    try:
        return {"ok": True, "pending": jobs.queue().pending()}
    except Exception as exc:  # Redis down, the queue file unreadable: jobs could not be started
        return {"ok": False, "error": type(exc).__name__}


@functools.cache
def _head():
    # The migrations of the code this process runs: read once, not on every probe (twice a second per balancer).
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def _migrations():
    head = _head()
    try:
        current = MigrationContext.configure(db.session.connection()).get_current_revision()
    except Exception as exc:  # no migration table, or no database at all
        db.session.rollback()
        return {"ok": False, "error": type(exc).__name__, "expected": head}
    return {"ok": current == head, "current": current, "expected": head}


def _allowed():
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return hmac.compare_digest(given.encode(), token.encode())
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return address.is_loopback or address.is_private


def _queue_metrics():
    # Read now from the jobs table: the queue's state is shared by every server, not kept per process.
    registry = CollectorRegistry()
    depth = Gauge("jb_export_jobs", "Export jobs waiting or running, by status", ["status"], registry=registry)
    age = Gauge("jb_export_oldest_queued_seconds", "Age of the oldest export job still queued", registry=registry)
    rows = db.session.execute(
        select(ExportJob.status, func.count(), func.min(ExportJob.created_at))
        .where(ExportJob.status.in_(("queued", "running")))
        .group_by(ExportJob.status)
    ).all()
    found = {status: (count, oldest) for status, count, oldest in rows}
    for status in ("queued", "running"):
        depth.labels(status).set(found.get(status, (0, None))[0])
    oldest = found.get("queued", (0, None))[1]
    age.set(0 if oldest is None else max(0.0, time.time() - oldest.timestamp()))
    tasks = Gauge("jb_queue_tasks", "Tasks waiting in the job queue (-1: unreachable)", registry=registry)
    try:
        tasks.set(jobs.queue().pending())
    except Exception:
        tasks.set(-1)
    return generate_latest(registry)


def metrics_view():
    """Answer the Prometheus text format: this server's processes' counters, and the queue."""
    if not _allowed():
        abort(403)  # the problem body, as every refusal
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry) + _queue_metrics()
    return Response(body, content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


def init_app(app):
    """Register the probes and the metrics (outside /api/v1: they are for machines, not clients)."""
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/readyz", "readyz", readyz)
    app.add_url_rule("/metrics", "metrics", metrics_view)
