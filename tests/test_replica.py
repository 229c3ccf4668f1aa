"""DATABASE_READ_URL: dashboards and exports read from a real streaming replica; everything else from the primary."""

import pytest
import sqlalchemy as sa

from tests import replica
from tests.conftest import IN_CI, ApiClient, make_app, prepare_database
from tests.factories import kk
from tests.helpers_field import log_households, petugas_client, staff_client

pytestmark = pytest.mark.slow


@pytest.fixture
def replicated():
    """(app, primary engine, replica engine) on a primary and its hot standby, both of this test."""
    if not replica.available():
        if IN_CI:
            raise RuntimeError("PostgreSQL server binaries missing")
        pytest.skip("PostgreSQL server binaries not installed")
    pair = replica.ReplicatedPostgres()
    try:
        admin = sa.create_engine(pair.url("primary"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql("CREATE DATABASE jb")
        admin.dispose()
        prepare_database(pair.url("primary", "jb"))
        app = make_app(pair.url("primary", "jb"), DATABASE_READ_URL=pair.url("replica", "jb").replace("+psycopg", ""))
        app.test_client_class = ApiClient
        primary, standby = sa.create_engine(pair.url("primary", "jb")), sa.create_engine(pair.url("replica", "jb"))
        with app.app_context():
            yield app, pair, primary, standby
        primary.dispose()
        standby.dispose()
    finally:
        pair.stop()


def _households(client):
    return client.get("/api/v1/tallies", query_string={"area": "35.09.19", "by": "child"}).get_json()["total"]


def test_dashboards_and_exports_read_the_replica_and_writes_go_to_the_primary(replicated):
    app, pair, primary, standby = replicated
    phone = petugas_client(app, ["35.09.19.1001"])
    sup = staff_client(app, "supervisor", ["35.09"])
    log_households(phone, "35.09.19.1001", [kk(serial=n) for n in range(1, 6)])
    pair.wait_caught_up(primary, standby)
    assert _households(sup)["households"] == 5
    with standby.connect() as conn:
        conn.exec_driver_sql("SELECT pg_wal_replay_pause()")  # the replica falls behind on purpose
    try:
        log_households(phone, "35.09.19.1001", [kk(serial=n) for n in range(6, 9)])
        # The primary has all eight (the review list reads it); the paused replica still has five.
        assert len(sup.get("/api/v1/review/assists").get_json()["items"]) == 8
        assert _households(sup)["households"] == 5
        export = sup.get("/api/v1/exports/assists.csv").get_data(as_text=True)
        assert export.count("\n") == 1 + 5
    finally:
        with standby.connect() as conn:
            conn.exec_driver_sql("SELECT pg_wal_replay_resume()")
    pair.wait_caught_up(primary, standby)
    assert _households(sup)["households"] == 8
    # The export's audit row was written on the primary, as every write is.
    with primary.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM audit_events WHERE action = 'export.assists'").scalar() == 1
