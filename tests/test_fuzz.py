"""Scenario 23: schemathesis fuzzes every operation of the running app's own OpenAPI document, signed in as each
role, against real gunicorn on PostgreSQL: never a 5xx, every response as documented, invalid input refused.

`make test` runs a few examples per operation and role (FUZZ_EXAMPLES, default 6); `make fuzz` runs many more.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from server.api.spec import SESSION_SCHEME
from tests.conftest import create_pg_database, drop_pg_database, make_app, postgres_available, prepare_database
from tests.factories import PASSWORD, assist_data, make_user, mutation, outreach_data
from tests.live import Server

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
PHASES = os.environ.get("FUZZ_PHASES", "examples,coverage,fuzzing")
SEED = int(os.environ.get("FUZZ_SEED", "2020"))
TIMEOUT_S = int(os.environ.get("FUZZ_TIMEOUT_S", "600"))
# `make test` replays the same cases every run (one worker, deterministic generation); `make fuzz` explores.
REPEATABLE = os.environ.get("FUZZ_REPEATABLE", "1") == "1"
ST = Path(sys.executable).parent / "st"
ROLES = ("anonymous", "enumerator", "coordinator", "supervisor", "admin")
# Schema-valid requests may still be refused with 422 for rules a JSON Schema cannot state: an area code that
# does not exist, a KK number's calendar date, a record date in the census window, a taken username. Every
# other check runs, 5xx and response conformance included.
SKIPPED_CHECKS = ["positive_data_acceptance"]
REJECTIONS = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429"]


@pytest.fixture(scope="module")
def fuzz_site():
    """A live server on its own PostgreSQL database, with an account of each role and some field data."""
    if not postgres_available():
        pytest.skip("PostgreSQL not reachable; required when CI=true")
    url = create_pg_database("jb_fuzz")
    prepare_database(url)
    app = make_app(url)
    with app.app_context():
        from server.extensions import db

        # Accounts far from the small ids the fuzzer tries, so it cannot disable or re-key them by chance.
        db.session.execute(sa.text("ALTER SEQUENCE users_id_seq RESTART WITH 900001"))
        db.session.commit()
        for role in ROLES[1:]:
            make_user(role=role, username=f"fuzz.{role}")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    server = Server(url, workers=2)
    try:
        cookies = {role: _sign_in(server.url, f"fuzz.{role}") for role in ROLES[1:]}
        _field_data(server.url, cookies["enumerator"])
        yield server, cookies
    finally:
        server.stop()
        drop_pg_database(url)


def _sign_in(base, username):
    resp = requests.post(
        f"{base}/api/v1/auth/login",
        json={"username": username, "password": PASSWORD},
        headers={"X-Requested-With": "t"},
        timeout=30,
    )
    assert resp.status_code == 200, resp.text
    return resp.cookies["jb_session"]


def _field_data(base, cookie):
    headers = {"X-Requested-With": "t", "Cookie": f"jb_session={cookie}"}
    device = str(uuid.uuid4())
    assert (
        requests.post(f"{base}/api/v1/devices", json={"device_id": device}, headers=headers, timeout=30).status_code
        == 201
    )
    oid = uuid.uuid4()
    muts = [mutation("outreach", outreach_data(), oid)] + [
        mutation("assist", assist_data(oid, n), None) for n in range(1, 4)
    ]
    resp = requests.post(
        f"{base}/api/v1/sync/push", json={"device_id": device, "mutations": muts}, headers=headers, timeout=60
    )
    assert resp.status_code == 200 and {r["status"] for r in resp.json()["results"]} == {"applied"}


def run_schemathesis(base, role, cookie, out_dir, extra=()):
    """Run schemathesis' CLI against the live server as one role; return (exit code, its report)."""
    config = out_dir / f"{role}.toml"
    lines = ["[headers]", 'X-Requested-With = "schemathesis"']
    # 413: a body over MAX_BODY_BYTES (a 1,000,000-character CSV of non-ASCII text is several MB of JSON) is
    # refused before it is parsed; that is a rejection too.
    lines += ["[checks.negative_data_rejection]", f"expected-statuses = {REJECTIONS!r}"]
    if cookie:
        lines += [f"[auth.openapi.{SESSION_SCHEME}]", f'api_key = "{cookie}"']
    config.write_text("\n".join(lines) + "\n")
    cmd = [
        str(ST), "--config-file", str(config), "run", f"{base}/api/v1/openapi.json",
        "--checks", "all", "--exclude-checks", ",".join(SKIPPED_CHECKS),
        "--max-examples", str(EXAMPLES), "--seed", str(SEED), "--phases", PHASES, "--no-color",
        *(("--workers", "1", "--generation-deterministic") if REPEATABLE else ("--workers", "2")), *extra,
    ]  # fmt: skip
    # cwd: schemathesis keeps a cache in the folder it runs in; it belongs to the test's temporary folder.
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False, cwd=out_dir)
    # The failures come first in schemathesis' report, the summary last: keep both ends.
    return done.returncode, done.stdout[:12000] + "\n…\n" + done.stdout[-4000:] + done.stderr[-3000:]


@pytest.mark.parametrize("role", ROLES)
def test_every_operation_as_every_role(fuzz_site, role, tmp_path):
    server, cookies = fuzz_site
    if role != "anonymous":
        # Signing out ends the session the other cases use: it goes first, in a run of its own, on a session of
        # its own (later cases may change this account's password, so no new session can be had afterwards).
        cookie = _sign_in(server.url, f"fuzz.{role}")
        code, report = run_schemathesis(server.url, role, cookie, tmp_path, ("--include-path", "/api/v1/auth/logout"))
        assert code == 0, report
    code, report = run_schemathesis(
        server.url, role, cookies.get(role), tmp_path, ("--exclude-path", "/api/v1/auth/logout")
    )
    assert code == 0, report
