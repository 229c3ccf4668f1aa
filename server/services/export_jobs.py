"""Background exports: a worker of the job queue (server/jobs.py) writes the file into the database in chunks,
with its progress; any app server sends it through a signed link that expires.

The job's row is the truth: queued → running (claimed by one worker, with a heartbeat) → done, or failed after
EXPORT_ATTEMPTS. A job is audited once, when it is asked for, and its rows once, when its file is complete. At
most EXPORTS_RUNNING_MAX jobs run at once in the whole installation; the others wait queued. The sweep deletes
files after EXPORT_KEEP_HOURS and sends jobs whose worker went silent to the queue again.
"""

import logging
import time
import uuid
from datetime import date, timedelta

from flask import Response, current_app, stream_with_context
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select, update

from server import jobs, unit_of_work
from server.errors import Problem
from server.extensions import db
from server.models import ExportChunk, ExportJob, User
from server.models.types import utcnow
from server.services import exports
from server.services.audit import record_event

log = logging.getLogger(__name__)
# A running job writes its progress at least this often; silence for EXPORT_STALE_SECONDS means its worker is gone.
HEARTBEAT_SECONDS = 1.0
_DATES = ("date_from", "date_to")
_UNFINISHED = ("queued", "running")
# The class of the advisory lock under which a worker claims one of the running places (PostgreSQL).
_CLAIM_LOCK = 0x4A43
# How long a job waits before asking again for a running place, and before a failed attempt's retry.
WAIT_SECONDS, RETRY_SECONDS = 3, 10


def start(user, kind, fmt, args):
    """Check and audit an export like a direct one, then queue it; return the job."""
    unit_of_work.writes()
    running = db.session.scalar(
        select(func.count()).where(ExportJob.user_id == user.id, ExportJob.status.in_(_UNFINISHED))
    )
    if running >= current_app.config["EXPORT_JOBS_PER_USER"]:
        raise Problem("export.busy")
    job_id = uuid.uuid4()
    plan = exports.plan(user, kind, fmt, args)
    exports.audit_start(plan, job=str(job_id))
    # The plan's arguments: the separator chosen from the asker's language stays the file's.
    stored = {k: _stored(v) for k, v in plan.args.items() if v is not None}
    job = ExportJob(id=job_id, user_id=user.id, kind=kind, fmt=fmt, args=stored, filename=plan.filename)
    job.heartbeat_at = utcnow()
    db.session.add(job)
    db.session.flush()  # its defaults (created_at) are in the answer
    # Queued once the request's unit has committed: the worker reads the job's row.
    queue = jobs.queue()
    unit_of_work.after_commit(lambda: queue.enqueue_export(job_id))
    return job


def _stored(value):
    """Return a filter's value as the job's JSON keeps it (dates and ids as text; _write reads them back)."""
    if isinstance(value, date):
        return value.isoformat()
    return str(value) if isinstance(value, uuid.UUID) else value


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


def download_link(job):
    """Return a fresh signed download link and when it expires, or (None, None) unless the job is done."""
    if job.status != "done":
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
    if job is None or owner != user.id or job.user_id != user.id or job.status not in ("done", "expired"):
        raise Problem("export.not_found")
    if job.status == "expired":
        raise Problem("export.link_expired")
    user_id, job_id, kind, fmt, filename, size = user.id, job.id, job.kind, job.fmt, job.filename, job.size_bytes
    unit_of_work.apart(lambda: record_event("export.downloaded", user_id, "export", job_id, kind=kind, format=fmt))
    response = Response(stream_with_context(_chunks(job_id)), content_type=exports.FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Content-Length"] = str(size)
    return response


def _chunks(job_id):
    # One chunk per query: a file of any size goes out in constant memory.
    n = 0
    while True:
        data = db.session.scalar(select(ExportChunk.data).where(ExportChunk.job_id == job_id, ExportChunk.n == n))
        db.session.rollback()  # no transaction stays open while the client reads
        if data is None:
            return
        yield data
        n += 1


def run(job_id):
    """Run one attempt of a job (the queue's task); return seconds after which to try again, or None."""
    job_id = uuid.UUID(str(job_id))
    claimed = _claim(job_id)
    if claimed is not True:
        return claimed
    try:
        _write(db.session.get(ExportJob, job_id))
    except Exception:  # the worker must record any failure, or the job would hang as "running"
        log.exception("export job %s failed", job_id)
        db.session.rollback()
        unit_of_work.writes()  # what follows reads the job's row on the primary, never a replica
        if db.session.get(ExportJob, job_id).attempts >= current_app.config["EXPORT_ATTEMPTS"]:
            _set(job_id, status="failed", error="server_error", finished_at=utcnow())
            return None
        _set(job_id, status="queued", heartbeat_at=utcnow())
        return RETRY_SECONDS
    finally:
        db.session.remove()
    return None


def _claim(job_id):
    """Take a running place for the job: True, or seconds to wait, or None when there is nothing to do."""
    with unit_of_work.unit():
        # Counting the running jobs and taking a place are one step for every worker of every machine.
        unit_of_work.exclusive(_CLAIM_LOCK)
        job = db.session.get(ExportJob, job_id)
        if job is None or job.status != "queued":
            return None  # done, failed, or another worker has it: a second delivery of the same task
        running = db.session.scalar(select(func.count()).where(ExportJob.status == "running"))
        if running >= current_app.config["EXPORTS_RUNNING_MAX"]:
            job.heartbeat_at = utcnow()  # waiting, not lost: the sweep leaves it to this task
            return WAIT_SECONDS
        job.status, job.attempts, job.heartbeat_at = "running", job.attempts + 1, utcnow()
        return True


def _write(job):
    job_id, fmt, kind = job.id, job.fmt, job.kind
    user = db.session.get(User, job.user_id)
    args = {k: date.fromisoformat(v) if k in _DATES else v for k, v in job.args.items()}
    if args.get("outreach"):
        args["outreach"] = uuid.UUID(args["outreach"])
    # Checked again as it runs, not only when it was asked for: the user's rights may have changed meanwhile.
    plan = exports.plan(user, kind, fmt, args)
    _set(job_id, rows_total=exports.count_rows(plan), rows_done=0, heartbeat_at=utcnow())
    with db.engine.begin() as conn:  # what an interrupted attempt left
        conn.execute(delete(ExportChunk).where(ExportChunk.job_id == job_id))
    rows = exports.source(plan)
    rows.progress = _Heartbeat(job_id)
    limit = current_app.config["EXPORT_CHUNK_BYTES"]
    n, size, buffer = 0, 0, bytearray()
    for chunk in rows.body():
        buffer += chunk
        if len(buffer) >= limit:
            _store(job_id, n, bytes(buffer))
            n, size, buffer = n + 1, size + len(buffer), bytearray()
    if buffer or n == 0:
        _store(job_id, n, bytes(buffer))
        size += len(buffer)
    db.session.rollback()  # the long read is over; what follows is one short write
    with unit_of_work.unit():
        # Done and audited in one transaction: a retry after a crash here audits nothing twice.
        db.session.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id)
            .values(status="done", finished_at=utcnow(), size_bytes=size, rows_done=rows.count, heartbeat_at=utcnow())
        )
        exports.audit_done(plan, rows.count, job=str(job_id))


def _store(job_id, n, data):
    with db.engine.begin() as conn:
        conn.execute(ExportChunk.__table__.insert().values(job_id=job_id, n=n, data=data))
        conn.execute(update(ExportJob).where(ExportJob.id == job_id).values(heartbeat_at=utcnow()))


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


def sweep():
    """Delete files past EXPORT_KEEP_HOURS; return the ids of silent jobs that go back to the queue."""
    config, now = current_app.config, utcnow()
    silent = now - timedelta(seconds=config["EXPORT_STALE_SECONDS"])
    again = []
    with unit_of_work.unit():
        expired = select(ExportJob.id).where(
            ExportJob.status == "done", ExportJob.finished_at < now - timedelta(hours=config["EXPORT_KEEP_HOURS"])
        )
        ids = list(db.session.scalars(expired))
        if ids:
            db.session.execute(delete(ExportChunk).where(ExportChunk.job_id.in_(ids)))
            db.session.execute(update(ExportJob).where(ExportJob.id.in_(ids)).values(status="expired"))
        for job in db.session.scalars(
            select(ExportJob).where(ExportJob.status.in_(_UNFINISHED), ExportJob.heartbeat_at < silent)
        ):
            if job.status == "running" and job.attempts >= config["EXPORT_ATTEMPTS"]:
                job.status, job.error, job.finished_at = "failed", "interrupted", now
                continue
            job.status, job.heartbeat_at = "queued", now
            again.append(job.id)
    if ids or again:
        log.info("export sweep: %d files deleted, %d jobs queued again", len(ids), len(again))
    return again


def _signer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="export-file")
