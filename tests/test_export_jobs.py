"""Background exports: progress, a signed link that only its owner can use and that expires, same rows."""

import io
import time
from datetime import timedelta

import openpyxl
from sqlalchemy import select, update

from server.extensions import db
from server.models import AuditEvent, ExportJob
from server.models.types import utcnow
from tests.factories import kk
from tests.helpers_field import log_households, petugas_client, staff_client


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


def test_job_runs_in_the_background_and_its_file_equals_the_direct_export(app):
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


def test_xlsx_job_opens_with_the_same_rows(app):
    sup = _setup(app, n=12)
    job = _wait(sup, sup.post("/api/v1/exports/jobs", json={"kind": "follow-up", "format": "xlsx"}).get_json())
    book = openpyxl.load_workbook(io.BytesIO(_fetch(sup, job["download_url"]).get_data()), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    assert rows[0][0] == "Kode desa" and len(rows) == 13 and job["rows_total"] == 12


def test_link_is_only_for_its_owner_and_expires(app):
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


def test_roles_unmask_and_busy_limits_apply_to_jobs(app):
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
    # Two unfinished jobs are the limit; a job whose thread went silent is reported interrupted and frees a place.
    for _ in range(2):
        db.session.add(ExportJob(user_id=sup.user.id, kind="assists", fmt="csv", args={}, heartbeat_at=utcnow()))
    db.session.commit()
    busy = sup.post("/api/v1/exports/jobs", json={"kind": "assists", "format": "csv"})
    assert (busy.status_code, busy.get_json()["problem"]) == (429, "export.busy")
    db.session.execute(update(ExportJob).values(heartbeat_at=utcnow() - timedelta(minutes=5)))
    db.session.commit()
    listed = sup.get("/api/v1/exports/jobs").get_json()
    assert {(j["status"], j["error"]) for j in listed} == {("failed", "interrupted")}
    started = sup.post("/api/v1/exports/jobs", json={"kind": "assists", "format": "csv"})
    assert started.status_code == 202
    assert _wait(sup, started.get_json())["status"] == "done"
