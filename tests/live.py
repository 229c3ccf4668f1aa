"""Real gunicorn servers and HTTP phones for the concurrency and crash tests."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
FLASK = Path(sys.executable).parent / "flask"


def free_port():
    """Return a free TCP port on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def process_env(db_url, **settings):
    """Return the environment of a server or worker process of the tests on db_url (one shared secret)."""
    return {
        **os.environ,
        "DATABASE_URL": db_url,
        "SECRET_KEY": "live-test-secret-0123456789-abcdefghij",
        "JB_ENV": "test",
        "PUBLIC_URL": "http://127.0.0.1",
        "DB_LOCK_TIMEOUT_MS": "20000",
        "FAST_LOAD_CROSSCHECK": "true",
        **settings,
    }


class Server:
    """A gunicorn master with its workers, serving the app on a database URL."""

    def __init__(self, db_url, workers=2, env=None, timeout=60, log=None):
        """Start the server; with log (a path), its access and error logs are written there."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = process_env(db_url, PUBLIC_URL=f"http://127.0.0.1:{self.port}", **(env or {}))
        # Requests it serves at once: workers × threads (4 threads is gunicorn.conf.py's default).
        self.concurrency = workers * int(env.get("GUNICORN_THREADS", "4"))
        cmd = [str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}", "--timeout", str(timeout)]
        self.budget = None
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (closed in stop)
        self.log = out if log else None
        self.proc = subprocess.Popen([*cmd, "server:create_app()"], cwd=ROOT, env=env, stdout=out, stderr=out)
        self._wait_ready()

    def _wait_ready(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/api/v1/openapi.json", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def hold_to(self, cores):
        """From now on the master and its workers (and those it starts later) share that much CPU (a CpuBudget),
        as if the server had a machine of its own."""
        self.budget = CpuBudget(cores)
        self.budget.enter([self.proc.pid, *self.worker_pids()])

    def worker_pids(self):
        """Return the pids of the current workers."""
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    def kill_workers(self):
        """SIGKILL every worker (the master starts new ones)."""
        for pid in self.worker_pids():
            os.kill(pid, signal.SIGKILL)

    def kill(self):
        """SIGKILL the master and then its workers: the server dies mid-request, as in a crash."""
        workers = self.worker_pids()
        self.proc.kill()
        for pid in workers:
            with contextlib.suppress(ProcessLookupError):  # already gone with its master
                os.kill(pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        """Stop the master and its workers."""
        stop_process(self.proc)
        if self.log:
            self.log.close()
        if self.budget:
            self.budget.remove()


class CpuBudget:
    """A share of the machine's CPU (a Linux cgroup with a CFS quota) that the processes in it share.

    For benchmarks that stand several servers on one machine: each gets the same fixed budget, so adding a
    server adds CPU as another machine would. Needs root and a cgroup `cpu` controller (v1, or v2 with `cpu`
    enabled for children)."""

    PERIOD_US = 100_000

    def __init__(self, cores):
        v2 = Path("/sys/fs/cgroup/cgroup.controllers").exists()
        base = Path("/sys/fs/cgroup") if v2 else Path("/sys/fs/cgroup/cpu")
        self.dir = base / f"jb_budget_{uuid.uuid4().hex[:10]}"
        quota = int(cores * self.PERIOD_US)
        try:
            self.dir.mkdir()
            if v2:
                (self.dir / "cpu.max").write_text(f"{quota} {self.PERIOD_US}")
            else:
                (self.dir / "cpu.cfs_period_us").write_text(str(self.PERIOD_US))
                (self.dir / "cpu.cfs_quota_us").write_text(str(quota))
        except OSError as exc:
            self.remove()
            raise RuntimeError(f"cannot make a CPU budget in {base} (root and a cgroup cpu controller): {exc}") from exc

    def enter(self, pids):
        """Move running processes (with all their threads) into the budget; their children are born in it."""
        for pid in pids:
            (self.dir / "cgroup.procs").write_text(str(pid))

    def remove(self):
        """Remove the cgroup (once its processes are gone)."""
        deadline = time.monotonic() + 5
        while self.dir.exists():
            try:
                self.dir.rmdir()
            except OSError:
                if time.monotonic() > deadline:
                    return
                time.sleep(0.1)


def installed(binary, package):
    """Return whether a Debian package's program is there; in CI its absence is an error, not a skip."""
    if os.path.exists(binary):
        return True
    if os.environ.get("CI", "").lower() == "true":
        raise RuntimeError(f"{package} is not installed (.ci/run installs Debian's package)")
    return False


class Worker:
    """A job-queue worker process (`flask jobs worker`) on a database and a queue."""

    def __init__(self, db_url, queue_url, queue_name, env=None, log=None):
        """Start the worker; with log (a path), what it logs is written there."""
        env = process_env(db_url, QUEUE_URL=queue_url, QUEUE_NAME=queue_name, **(env or {}))
        out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 (closed in stop)
        self.log = out if log else None
        cmd = [str(FLASK), "--app", "server:create_app", "jobs", "worker", "--workers", "2"]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out)

    def kill(self):
        """SIGKILL the worker: its running jobs stop mid-way, as when its machine dies."""
        self.proc.kill()
        self.proc.wait()
        if self.log:
            self.log.close()

    def stop(self):
        """Stop the worker."""
        stop_process(self.proc)
        if self.log:
            self.log.close()


def stop_process(process, timeout=10):
    """Terminate a child process, killing it if it does not end within timeout seconds."""
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def push_same_batch_at_once(phones, batch, timeout=60):
    """Send one batch from each phone at the same moment; assert one applied and the rest duplicates per item."""
    barrier = threading.Barrier(len(phones))
    answers = [None] * len(phones)

    def send(i):
        barrier.wait()
        answers[i] = phones[i].push(batch)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(phones))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert all(a is not None and a.status_code == 200 for a in answers), [a and a.text[:200] for a in answers]
    for results in zip(*(a.json()["results"] for a in answers), strict=True):
        assert sorted(r["status"] for r in results) == ["applied"] + ["duplicate"] * (len(phones) - 1)
    return answers


class Phone:
    """A phone talking HTTP to a server: its own cookie jar and device id."""

    def __init__(self, base_url, username, password):
        self.base_url = base_url
        self.http = requests.Session()
        self.http.headers["X-Requested-With"] = "jemput-bola"
        self.device_id = str(uuid.uuid4())
        resp = self.post("/api/v1/auth/login", {"username": username, "password": password})
        assert resp.status_code == 200, resp.text
        assert self.post("/api/v1/devices", {"device_id": self.device_id}).status_code in (200, 201)

    def post(self, path, body, base_url=None, timeout=30):
        """POST JSON to the server (or another base URL, e.g. a proxy)."""
        return self.http.post(f"{base_url or self.base_url}{path}", json=body, timeout=timeout)

    def push(self, mutations, base_url=None, timeout=30):
        """Push a batch with this phone's device."""
        body = {"device_id": self.device_id, "pending_count": len(mutations), "mutations": mutations}
        return self.post("/api/v1/sync/push", body, base_url, timeout)


class DroppingProxy:
    """Forwards one request to the server, reads the whole answer, then closes the client's connection.

    This is the connection dying after the server committed but before the phone heard back.
    """

    def __init__(self, target_port):
        self.target_port = target_port
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.forwarded = threading.Event()
        threading.Thread(target=self._serve_one, daemon=True).start()

    def _serve_one(self):
        client, _ = self.sock.accept()
        with client, socket.create_connection(("127.0.0.1", self.target_port)) as upstream:
            request = _read_http_message(client)
            upstream.sendall(request)
            _read_http_message(upstream)  # the server answered: its commit is done
            self.forwarded.set()
        self.sock.close()


def _read_http_message(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    while len(body) < length:
        body += sock.recv(65536)
    return data[: len(head) + 4] + body
