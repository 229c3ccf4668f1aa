"""Background exports: a long export is written to a file by a thread of the server, with its progress in
the database, and fetched through a signed link that expires.

No queue or worker service is needed: the thread runs in the app server that took the request. The file is
kept in EXPORT_DIR (shared storage when several app servers run behind a load balancer) and removed after
EXPORT_KEEP_HOURS; a job whose thread stopped (the server restarted) is reported as interrupted.
"""

import logging
import os
import threading
import time
import uuid
from datetime import date, timedelta

from flask import current_app, send_file
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update

from server import unit_of_work
from server.errors import Problem
from server.extensions import db
from server.models import ExportJob, User
from server.models.types import utcnow
from server.services import exports
from server.services.audit import record_event

log = logging.getLogger(__name__)
# A running job writes its progress at least this often; silence for STALE_AFTER means its thread is gone.
HEARTBEAT_SECONDS = 1.0
STALE_AFTER = timedelta(seconds=90)
_DATES = ("date_from", "date_to")


def start(user, kind, fmt, args):
    """Check and audit an export like a direct one, then run it in the background; return the job."""
    unit_of_work.writes()
    _mark_interrupted(user)
    running = db.session.scalar(
        select(func.count()).where(ExportJob.user_id == user.id, ExportJob.status.in_(("queued", "running")))
    )
    if running >= current_app.config["EXPORT_JOBS_PER_USER"]:
        raise Problem("export.busy")
    job_id = uuid.uuid4()
    plan = exports.plan(user, kind, fmt, args)
    exports.audit_start(plan, job=str(job_id))
    stored = {k: v.isoformat() if isinstance(v, date) else v for k, v in args.items() if v is not None}
    job = ExportJob(id=job_id, user_id=user.id, kind=kind, fmt=fmt, args=stored, filename=plan.filename)
    job.heartbeat_at = utcnow()
    db.session.add(job)
    db.session.flush()  # its defaults (created_at) are in the answer
    _sweep(current_app.config["EXPORT_DIR"], current_app.config["EXPORT_KEEP_HOURS"])
    app = current_app._get_current_object()
    # The thread starts once the request's unit has committed: it reads the job's row.
    thread = threading.Thread(target=_run, args=(app, job_id), name=f"export-{job_id}", daemon=True)
    unit_of_work.after_commit(thread.start)
    return job


def list_jobs(user):
    """Return the user's recent export jobs, newest first."""
    jobs = db.session.scalars(
        select(ExportJob).where(ExportJob.user_id == user.id).order_by(ExportJob.created_at.desc()).limit(20)
    )
    return list(jobs)


def get_job(user, job_id):
    """Return one of the user's jobs with its progress and, when done, a fresh signed download link."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.user_id != user.id:
        raise Problem("export.not_found")
    return job


def _stale(job):
    return job.status in ("queued", "running") and job.heartbeat_at and utcnow() - job.heartbeat_at > STALE_AFTER


def _mark_interrupted(user):
    # Jobs whose thread went silent (a restart) are failed for good here, in a write, so they stop counting.
    for job in db.session.scalars(
        select(ExportJob).where(ExportJob.user_id == user.id, ExportJob.status.in_(("queued", "running")))
    ):
        if _stale(job):
            job.status, job.error, job.finished_at = "failed", "interrupted", utcnow()


def shown_status(job):
    """Return (status, error) as the API shows them: a job whose thread went silent is failed, interrupted."""
    return ("failed", "interrupted") if _stale(job) else (job.status, job.error)


def download_link(job):
    """Return a fresh signed download link and when it expires, or (None, None) unless the job is done."""
    if shown_status(job)[0] != "done":
        return None, None
    minutes = current_app.config["EXPORT_LINK_MINUTES"]
    url = f"/api/v1/exports/files/{_signer().dumps([str(job.id), job.user_id])}"
    return url, utcnow() + timedelta(minutes=minutes)


def download(user, token):
    """Send a finished export's file when the link is genuine, unexpired and the user's own; audited."""
    try:
        job_id, owner = _signer().loads(token, max_age=current_app.config["EXPORT_LINK_MINUTES"] * 60)
    except SignatureExpired:
        raise Problem("export.link_expired") from None
    except (BadSignature, ValueError, TypeError):
        raise Problem("export.not_found") from None
    job = db.session.get(ExportJob, uuid.UUID(job_id))
    if job is None or owner != user.id or job.user_id != user.id or job.status != "done":
        raise Problem("export.not_found")
    path = _path(job)
    if not os.path.exists(path):
        raise Problem("export.link_expired")
    user_id, job_id, kind, fmt, filename = user.id, job.id, job.kind, job.fmt, job.filename
    unit_of_work.apart(lambda: record_event("export.downloaded", user_id, "export", job_id, kind=kind, format=fmt))
    response = send_file(path, as_attachment=True, download_name=filename)
    response.content_type = exports.FORMATS[fmt]  # as given: send_file's mimetype would add a second charset
    return response


def _run(app, job_id):
    with app.app_context():
        try:
            _write(db.session.get(ExportJob, job_id))
        except Exception:  # the thread must record any failure, or the job would hang as "running"
            log.exception("export job %s failed", job_id)
            db.session.rollback()
            _set(job_id, status="failed", error="server_error", finished_at=utcnow())
        finally:
            db.session.remove()


def _write(job):
    job_id, fmt, kind = job.id, job.fmt, job.kind
    user = db.session.get(User, job.user_id)
    args = {k: date.fromisoformat(v) if k in _DATES else v for k, v in job.args.items()}
    # Checked again as it runs, not only when it was asked for: the user's rights may have changed meanwhile.
    plan = exports.plan(user, kind, fmt, args)
    _set(job_id, status="running", rows_total=exports.count_rows(plan), heartbeat_at=utcnow())
    path = _path(job)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    partial = path + ".part"
    rows = exports.source(plan)
    rows.progress = _Heartbeat(job_id)
    with open(partial, "wb") as out:
        for chunk in exports.stream(plan, rows, job=str(job_id)):
            out.write(chunk)
    os.replace(partial, path)
    _set(job_id, status="done", finished_at=utcnow(), size_bytes=os.path.getsize(path), rows_done=rows.count)


def _set(job_id, **values):
    # Each its own short write transaction: on SQLite a write that follows a long read could fail at once.
    with db.engine.begin() as conn:
        conn.execute(update(ExportJob).where(ExportJob.id == job_id).values(**values))


class _Heartbeat:
    """A row source's progress callback: writes the job's row count and heartbeat about once a second."""

    def __init__(self, job_id):
        self.job_id, self.last = job_id, time.monotonic()

    def __call__(self, count):
        """Write how many rows are done, at most about once a second."""
        if time.monotonic() - self.last >= HEARTBEAT_SECONDS:
            self.last = time.monotonic()
            _set(self.job_id, rows_done=count, heartbeat_at=utcnow())


def _path(job):
    return os.path.join(current_app.config["EXPORT_DIR"], f"{job.id}.{job.fmt}")


def _signer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="export-file")


def _sweep(folder, hours):
    """Remove export files older than the keeping time (they hold personal data)."""
    if not os.path.isdir(folder):
        return
    cutoff = time.time() - hours * 3600
    for name in os.listdir(folder):
        path = os.path.join(folder, name)
        if os.path.isfile(path) and os.path.getmtime(path) < cutoff:
            os.unlink(path)
