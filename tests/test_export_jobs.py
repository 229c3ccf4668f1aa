"""Background exports on the real job queue: progress, a signed link only its owner can use and that expires,
the same rows as a direct export, a global cap, and a worker killed mid-job that loses nothing."""

import io
import time
import uuid
from datetime import datetime, timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from sqlalchemy import select, update

from server.extensions import db
from server.models import AuditEvent, ExportChunk, ExportJob
from server.models.types import utcnow
from tests.factories import kk
from tests.helpers_field import log_households, petugas_client, staff_client
from tests.live import Worker


def _wait(client, job):
    deadline = time.monotonic() + 30
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, job
        time.sleep(0.05)
        job = client.get(f"/api/v1/exports/jobs/{job['id']}").get_json()
    return job


def _fetch(client, url):
    """Download a file and close the response (send_file keeps the file open until then)."""
    resp = client.get(url)
    resp.get_data()  # read it all, then close
    resp.close()
    return resp


def _setup(app, n=30):
    phone = petugas_client(app, ["35.09.19.1001"])
    log_households(phone, "35.09.19.1001", [kk(serial=i) for i in range(1, n + 1)], phone="081234567890")
    return staff_client(app, "supervisor", ["35.09"])


def test_job_runs_in_the_background_and_its_file_equals_the_direct_export(app, worker):
    sup = _setup(app)
    resp = sup.post("/api/v1/exports/jobs", json={"kind": "assists", "format": "csv", "outcome": "berhasil"})
    assert resp.status_code == 202, resp.get_json()
    job = _wait(sup, resp.get_json())
    assert (job["status"], job["rows_total"], job["rows_done"]) == ("done", 30, 30)
    assert job["download_url"].startswith("/api/v1/exports/files/") and job["link_expires_at"]
    got = _fetch(sup, job["download_url"])
    assert got.status_code == 200 and "attachment" in got.headers["Content-Disposition"]
    direct = sup.get("/api/v1/exports/assists.csv", query_string={"outcome": "berhasil"})
    assert got.get_data() == direct.get_data()
    assert "••••" in got.get_data().decode()  # masked, as by default
    assert [j["id"] for j in sup.get("/api/v1/exports/jobs").get_json()] == [job["id"]]
    actions = [
        (e.action, (e.details or {}).get("job"))
        for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("export.%")).order_by(AuditEvent.id)
        )
    ]
    assert actions[:3] == [
        ("export.assists", job["id"]),
        ("export.assists_done", job["id"]),
        ("export.downloaded", None),
    ]


def test_xlsx_job_opens_with_the_same_rows(app, worker):
    sup = _setup(app, n=12)
    job = _wait(sup, sup.post("/api/v1/exports/jobs", json={"kind": "follow-up", "format": "xlsx"}).get_json())
    book = openpyxl.load_workbook(io.BytesIO(_fetch(sup, job["download_url"]).get_data()), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    assert rows[0][0] == "Kode provinsi" and len(rows) == 13 and job["rows_total"] == 12


def test_link_is_only_for_its_owner_and_expires(app, worker):
    sup = _setup(app, n=3)
    other = staff_client(app, "supervisor", ["35.09"])
    job = _wait(sup, sup.post("/api/v1/exports/jobs", json={"kind": "tallies", "format": "csv"}).get_json())
    assert other.get(job["download_url"]).get_json()["problem"] == "export.not_found"
    assert other.get(f"/api/v1/exports/jobs/{job['id']}").status_code == 404
    assert app.test_client().get(job["download_url"]).status_code == 401
    forged = job["download_url"][:-3] + ("AAA" if not job["download_url"].endswith("AAA") else "BBB")
    assert sup.get(forged).get_json()["problem"] == "export.not_found"
    app.config["EXPORT_LINK_MINUTES"] = 0
    time.sleep(1.1)
    expired = sup.get(job["download_url"])
    assert (expired.status_code, expired.get_json()["problem"]) == (410, "export.link_expired")


def test_roles_unmask_and_busy_limits_apply_to_jobs(app, worker):
    sup = _setup(app, n=2)
    coord = staff_client(app, "coordinator", ["35.09.19"])
    phone = petugas_client(app, ["35.09.19.1001"])
    assert phone.post("/api/v1/exports/jobs", json={"kind": "assists", "format": "csv"}).status_code == 403
    refused = coord.post("/api/v1/exports/jobs", json={"kind": "assists", "format": "csv", "unmask": True})
    assert refused.get_json()["problem"] == "export.unmask_forbidden"
    assert (
        sup.post("/api/v1/exports/jobs", json={"kind": "assists", "format": "csv", "area": "53.03"}).status_code == 404
    )
    assert sup.post("/api/v1/exports/jobs", json={"kind": "people", "format": "pdf"}).status_code == 422
    # Two unfinished jobs are the limit. These two never reached the queue (as if it was down when they were
    # asked for): the sweep sends them once they are silent, they run, and a place frees.
    lost = [ExportJob(user_id=sup.user.id, kind="tallies", fmt="csv", args={}, heartbeat_at=utcnow()) for _ in "ab"]
    db.session.add_all(lost)
    db.session.commit()
    busy = sup.post("/api/v1/exports/jobs", json={"kind": "assists", "format": "csv"})
    assert (busy.status_code, busy.get_json()["problem"]) == (429, "export.busy")
    worker.app.extensions["jobs"].sweep()
    assert {j["status"] for j in sup.get("/api/v1/exports/jobs").get_json()} == {"queued"}  # not silent yet
    db.session.execute(update(ExportJob).values(heartbeat_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    worker.app.extensions["jobs"].sweep()
    for job in sup.get("/api/v1/exports/jobs").get_json():
        assert _wait(sup, job)["status"] == "done"
    started = sup.post("/api/v1/exports/jobs", json={"kind": "assists", "format": "csv"})
    assert started.status_code == 202
    assert _wait(sup, started.get_json())["status"] == "done"


def _audits(job_id):
    return [
        e.action
        for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        if (e.details or {}).get("job") == job_id
    ]


def _wait_until(check, timeout=20):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline
        time.sleep(0.05)


def _lock_waits(engine):
    # Waits on the held export_chunks table only, in this test's database: a worker thread that waits a moment
    # on the claim's advisory lock (a second delivery of the same job) is not yet where the test holds it.
    query = (
        "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
        " WHERE NOT l.granted AND l.relation = 'export_chunks'::regclass AND d.datname = current_database()"
    )
    with engine.connect() as conn:
        return conn.exec_driver_sql(query).scalar()


def test_a_worker_killed_mid_job_loses_nothing_and_audits_once(app, worker, backend, db_url, tmp_path):
    """SIGKILL the worker holding a job: the sweep of the next worker runs it again, once, whole."""
    sup = _setup(app, n=40)
    worker.stop()
    quick = {"EXPORT_STALE_SECONDS": "1"}
    queue, name = app.config["QUEUE_URL"], app.config["QUEUE_NAME"]
    if backend == "postgresql":
        locker = sa.create_engine(db_url)
        with locker.connect() as conn:
            # The worker claims the job, then waits to write its file: killed there, it is "running".
            conn.exec_driver_sql("BEGIN")
            conn.exec_driver_sql("LOCK TABLE export_chunks IN SHARE ROW EXCLUSIVE MODE")
            job = sup.post("/api/v1/exports/jobs", json={"kind": "assists", "format": "csv"}).get_json()
            doomed = Worker(db_url, queue, name, env=quick, log=tmp_path / "doomed.log")
            try:
                _wait_until(lambda: _lock_waits(locker) > 0)
            finally:
                doomed.kill()
            conn.rollback()
        with locker.begin() as conn:  # what a half-written attempt could leave behind
            conn.execute(ExportChunk.__table__.insert().values(job_id=uuid.UUID(job["id"]), n=7, data=b"junk"))
        locker.dispose()
    else:
        # SQLite cannot hold a writer half-way without holding every writer: the task is taken off the queue
        # and dropped, exactly what a worker killed between taking it and claiming the job leaves.
        job = sup.post("/api/v1/exports/jobs", json={"kind": "assists", "format": "csv"}).get_json()
        assert app.extensions["jobs"].huey.storage.dequeue() is not None
        assert app.extensions["jobs"].pending() == 0
    stored = db.session.get(ExportJob, uuid.UUID(job["id"]))
    assert stored.status == ("running" if backend == "postgresql" else "queued")
    db.session.rollback()
    time.sleep(1.2)  # silent for longer than EXPORT_STALE_SECONDS
    second = Worker(db_url, queue, name, env=quick, log=tmp_path / "second.log")
    try:
        done = _wait(sup, job)
    finally:
        second.stop()
    assert (done["status"], done["rows_done"]) == ("done", 40)
    got = _fetch(sup, done["download_url"]).get_data()
    assert got == sup.get("/api/v1/exports/assists.csv").get_data()
    assert _audits(job["id"]) == ["export.assists", "export.assists_done"]
    assert db.session.get(ExportJob, uuid.UUID(job["id"])).attempts == (2 if backend == "postgresql" else 1)


@pytest.mark.postgresql_only
def test_running_exports_are_capped_for_the_whole_installation(app, worker, db_url, tmp_path):
    """EXPORTS_RUNNING_MAX=1: with two idle worker threads, the second job waits until the first is done."""
    sup = _setup(app, n=5)
    other = staff_client(app, "supervisor", ["35.09"])
    worker.stop()
    locker = sa.create_engine(db_url)
    capped = Worker(db_url, app.config["QUEUE_URL"], app.config["QUEUE_NAME"], env={"EXPORTS_RUNNING_MAX": "1"})
    try:
        with locker.connect() as conn:
            conn.exec_driver_sql("BEGIN")
            conn.exec_driver_sql("LOCK TABLE export_chunks IN SHARE ROW EXCLUSIVE MODE")
            jobs = [
                c.post("/api/v1/exports/jobs", json={"kind": "tallies", "format": "csv"}).get_json()
                for c in (sup, other)
            ]
            _wait_until(lambda: _lock_waits(locker) > 0)
            time.sleep(1.5)  # long enough for the second thread to have asked for a place, twice
            db.session.rollback()
            states = sorted(db.session.get(ExportJob, uuid.UUID(j["id"])).status for j in jobs)
            assert states == ["queued", "running"]
            conn.rollback()
        assert [_wait(c, j)["status"] for c, j in zip((sup, other), jobs, strict=True)] == ["done", "done"]
    finally:
        capped.stop()
        locker.dispose()


def test_the_sweep_deletes_expired_files_on_time(app, worker):
    """A file past EXPORT_KEEP_HOURS (personal data) is deleted by the every-minute sweep; its link says so."""
    sup = _setup(app, n=3)
    job = _wait(sup, sup.post("/api/v1/exports/jobs", json={"kind": "assists", "format": "csv"}).get_json())
    huey = app.extensions["jobs"].huey
    assert [t.name for t in huey.read_periodic(datetime(2026, 12, 3, 10, 17))] == ["sweep"]  # every minute
    app.extensions["jobs"].sweep()
    assert _fetch(sup, job["download_url"]).status_code == 200  # still within its keeping time
    db.session.execute(update(ExportJob).values(finished_at=utcnow() - timedelta(hours=24, seconds=1)))
    db.session.commit()
    app.extensions["jobs"].sweep()
    assert db.session.scalar(select(sa.func.count()).select_from(ExportChunk)) == 0
    gone = sup.get(job["download_url"])
    assert (gone.status_code, gone.get_json()["problem"]) == (410, "export.link_expired")
    assert sup.get(f"/api/v1/exports/jobs/{job['id']}").get_json()["status"] == "expired"
