"""An operator's view: health and readiness probes, request ids, Prometheus metrics, and logs without personal data."""

import json
import logging
import subprocess
import uuid

import pytest

from tests.conftest import ApiClient, make_app
from tests.factories import assist_data, kk, make_user, mutation, outreach_data, outreach_with_assists, push
from tests.live import FLASK, ROOT, Phone, Server, free_port, process_env


@pytest.mark.one_backend
def test_healthz_says_alive_and_readyz_checks_database_and_schema(client, tmp_path):
    alive = client.get("/healthz")
    assert alive.status_code == 200 and alive.get_json() == {"status": "ok"}
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "ok" and ready["checks"]["database"] == {"ok": True}
    assert ready["checks"]["migrations"]["ok"] is True
    # A server on a database whose schema was never migrated is alive, and not ready.
    fresh = make_app(f"sqlite:///{tmp_path / 'empty.db'}")
    fresh.test_client_class = ApiClient
    with fresh.app_context():
        not_ready = fresh.test_client().get("/readyz")
    assert not_ready.status_code == 503 and not_ready.headers["Retry-After"]
    body = not_ready.get_json()
    assert body["status"] == "unavailable" and body["checks"]["migrations"]["ok"] is False
    assert body["checks"]["migrations"]["expected"]


@pytest.mark.one_backend
def test_readyz_and_metrics_check_the_job_queue(app, db_url):
    ready = app.test_client().get("/readyz").get_json()
    assert ready["checks"]["queue"] == {"ok": True, "pending": 0}
    # Its Redis down: exports could not start, so the server is not ready (and the metric says -1).
    cut_off = make_app(db_url, QUEUE_URL=f"redis://127.0.0.1:{free_port()}/0")
    with cut_off.app_context():
        answer = cut_off.test_client().get("/readyz")
        text = cut_off.test_client().get("/metrics").get_data(as_text=True)
    assert answer.status_code == 503
    assert answer.get_json()["checks"]["queue"] == {"ok": False, "error": "ConnectionError"}
    assert "jb_queue_tasks -1.0" in text


@pytest.mark.one_backend
def test_every_answer_carries_a_request_id(client):
    given = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a9c21"})
    assert given.headers["X-Request-ID"] == "lb-7f3a9c21"
    made = client.get("/api/v1/nowhere")  # an error answer too
    assert made.status_code == 404 and len(made.headers["X-Request-ID"]) == 32
    # Something that is not an id (spaces, too long) is replaced, never echoed into logs and answers.
    odd = client.get("/healthz", headers={"X-Request-ID": "drop table; " + "x" * 80})
    assert odd.headers["X-Request-ID"] != "drop table; " + "x" * 80 and " " not in odd.headers["X-Request-ID"]


def test_metrics_count_requests_push_items_and_busy_answers(app, petugas):
    push(petugas, outreach_with_assists(3))
    text = app.test_client().get("/metrics").get_data(as_text=True)
    assert 'jb_push_items_total{result="applied"}' in text
    assert 'jb_http_request_duration_seconds_count{method="POST",route="/api/v1/sync/push",status="200"}' in text
    assert "jb_change_stream_lock_wait_seconds_count" in text
    assert 'jb_export_jobs{status="queued"} 0.0' in text and "jb_export_oldest_queued_seconds 0.0" in text


@pytest.mark.one_backend
def test_metrics_are_for_the_operator_only(db_url):
    app = make_app(db_url)
    with app.app_context():
        public = app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": "8.8.4.4"})
        assert public.status_code == 403 and public.get_json()["problem"] == "auth.forbidden"
        assert app.test_client().get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    guarded = make_app(db_url, METRICS_TOKEN="s3cret-scrape-token")
    with guarded.app_context():
        assert guarded.test_client().get("/metrics").status_code == 403
        token = {"Authorization": "Bearer s3cret-scrape-token"}
        assert guarded.test_client().get("/metrics", headers=token).status_code == 200


@pytest.mark.one_backend
def test_json_logs_carry_the_request_id(db_url, capsys):
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        app = make_app(db_url, LOG_FORMAT="json")
        with app.app_context():

            @app.get("/_log_probe")
            def _probe():
                logging.getLogger("server.probe").warning("probe %s", "written")
                return "ok"

            app.test_client().get("/_log_probe", headers={"X-Request-ID": "req-12345678"})
        line = [json.loads(x) for x in capsys.readouterr().err.splitlines() if "probe" in x][-1]
        assert line["message"] == "probe written" and line["request_id"] == "req-12345678"
        assert line["level"] == "WARNING" and line["name"] == "server.probe" and line["time"]
    finally:
        root.handlers[:], _ = saved
        root.setLevel(saved[1])


@pytest.mark.one_backend
def test_the_release_step_logs_json_lines(tmp_path):
    """`flask db upgrade` (the Procfile's release) with LOG_FORMAT=json: the migrations' lines are JSON too."""
    env = process_env(f"sqlite:///{tmp_path / 'release.db'}", LOG_FORMAT="json", LOG_LEVEL="INFO")
    cmd = [str(FLASK), "--app", "server:create_app", "db", "upgrade"]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True)
    lines = [json.loads(x) for x in done.stderr.splitlines()]
    assert any(line["name"].startswith("alembic") and "Running upgrade" in line["message"] for line in lines)


@pytest.mark.slow
def test_no_personal_data_in_any_log_line(app, db_url, tmp_path):
    """Access log, error log and app log of a real gunicorn: no KK, NIK, name or phone number, ever."""
    secrets_ = {"kk": kk(serial=4242), "nik": "3509194101900003", "name": "Siti Rahasiawati", "phone": "081298765432"}
    petugas = make_user(role="enumerator", areas=["35.09.19.1001"])
    supervisor = make_user(role="supervisor", areas=["35.09"])
    log_file = tmp_path / "server.log"
    server = Server(db_url, log=log_file)
    try:
        phone = Phone(server.url, petugas.username, petugas.password)
        oid = uuid.uuid4()
        data = assist_data(oid, kk_number=secrets_["kk"], head_name=secrets_["name"], phone=secrets_["phone"])
        data["notes"] = f"NIK {secrets_['nik']}, telp {secrets_['phone']}"
        accepted = phone.push([mutation("outreach", outreach_data(), oid), mutation("assist", data)])
        assert accepted.status_code == 200
        bad = assist_data(oid, kk_number=secrets_["kk"][:-1], head_name=secrets_["name"], phone=secrets_["nik"])
        assert phone.push([mutation("assist", bad)]).json()["results"][0]["status"] == "rejected"
        staff = Phone(server.url, supervisor.username, supervisor.password)
        assert staff.http.get(f"{server.url}/api/v1/users", params={"q": secrets_["name"]}).status_code == 200
        export = staff.http.get(f"{server.url}/api/v1/exports/assists.csv", params={"unmask": "true"})
        assert secrets_["kk"] in export.text  # the export has it; the logs must not
        traced = staff.http.get(f"{server.url}/api/v1/review/assists", headers={"X-Request-ID": "trace-0001-abcd"})
        assert traced.headers["X-Request-ID"] == "trace-0001-abcd"
    finally:
        server.stop()
    text = log_file.read_text()
    for kind, secret in secrets_.items():
        variants = {secret, secret.lstrip("0"), "62" + secret[1:] if kind == "phone" else secret}
        assert not any(v in text for v in variants), kind
    access = [json.loads(x) for x in text.splitlines() if x.startswith('{"time"') and '"path"' in x]
    assert any(a["request_id"] == "trace-0001-abcd" and a["path"] == "/api/v1/review/assists" for a in access)
    assert all("?" not in a["path"] for a in access)  # no query strings (a search holds a name)
