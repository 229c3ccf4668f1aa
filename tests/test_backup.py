"""The restore drill: back up while the app runs, wipe the database, restore, and every record is back."""

import hashlib
import os

import sqlalchemy as sa

from server.extensions import db
from tests.factories import kk, outreach_with_assists, push
from tests.helpers_field import log_households, petugas_client, staff_client

TABLES = ("users", "areas", "outreaches", "assists", "mutations", "review_events", "tally_cells", "audit_events")


def _fingerprint():
    """Return {table: (rows, digest of every row)} of the tables that hold the census' records."""
    found = {}
    for table in TABLES:
        rows = db.session.execute(sa.text(f"SELECT * FROM {table}")).all()
        digest = hashlib.sha256("\n".join(sorted(repr(tuple(r)) for r in rows)).encode()).hexdigest()
        found[table] = (len(rows), digest)
    db.session.rollback()
    return found


def _wipe(backend, url):
    """Lose the database: SQLite's file is gone, PostgreSQL's schema dropped with everything in it."""
    if backend == "postgresql":
        db.session.execute(sa.text("DROP SCHEMA public CASCADE"))
        db.session.execute(sa.text("CREATE SCHEMA public"))
        db.session.commit()
    db.session.remove()
    db.engine.dispose()
    if backend == "sqlite":
        path = sa.engine.make_url(url).database
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.unlink(path + suffix)


def test_back_up_wipe_restore_and_every_record_is_back(app, runner, backend, db_url, tmp_path):
    phone = petugas_client(app, ["35.09.19.1001"])
    _, ids = log_households(phone, "35.09.19.1001", [kk(serial=n) for n in range(1, 26)])
    coord = staff_client(app, "coordinator", ["35.09.19"])
    etag = coord.get(f"/api/v1/review/assists/{ids[0]}").headers["ETag"]
    decided = coord.post(
        f"/api/v1/review/assists/{ids[0]}/decision", json={"action": "approve"}, headers={"If-Match": etag}
    )
    assert decided.status_code == 200
    before = _fingerprint()
    assert before["assists"][0] == 25 and before["review_events"][0] == 1
    path = str(tmp_path / ("backup.sqlite3" if backend == "sqlite" else "backup.dump"))
    made = runner.invoke(args=["backup", "create", path])
    assert made.exit_code == 0, made.output
    # Written after the backup: a restore brings the database back to the backup, not to now.
    push(phone, outreach_with_assists(3, start=500))
    _wipe(backend, db_url)
    assert runner.invoke(args=["backup", "restore", path]).exit_code != 0  # without --yes: refused
    restored = runner.invoke(args=["backup", "restore", path, "--yes"])
    assert restored.exit_code == 0, restored.output
    assert _fingerprint() == before
    ready = app.test_client().get("/readyz").get_json()
    assert ready["checks"]["migrations"]["ok"] and ready["status"] == "ok"
    # The restored app goes on: the phone resends what came after the backup, and it lands once.
    again = push(phone, outreach_with_assists(2, start=700)).get_json()["results"]
    assert {r["status"] for r in again} == {"applied"}
    seen = phone.get("/api/v1/sync/pull").get_json()
    assert len(seen["assists"]) == 27 and {a["review_state"] for a in seen["assists"]} == {"received", "approved"}
