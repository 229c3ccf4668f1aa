"""A real HAProxy (Debian's package) balancing app servers on the loopback interface, with health checks."""

import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
import requests

from server.gunicorn_errors import busy_page
from tests.live import free_port, installed, stop_process

BINARY = shutil.which("haproxy") or "/usr/sbin/haproxy"


def available():
    """Return whether HAProxy is installed (in CI its absence is an error)."""
    return installed(BINARY, "haproxy")


class HAProxy:
    """Least connections over the given servers' ports, each checked on /readyz twice a second."""

    def __init__(self, ports, wait=True, maxconn=None):
        """Balance the servers on `ports`; with maxconn, each server gets at most that many requests at once
        (its workers × threads) and the rest wait in the balancer's queue, as docs/deploy.md advises."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.dir = tempfile.mkdtemp(prefix="jb-haproxy-")
        limit = f" maxconn {maxconn}" if maxconn else ""
        servers = "".join(
            f"  server app{i} 127.0.0.1:{p} check inter 500ms fall 3 rise 2{limit}\n" for i, p in enumerate(ports)
        )
        busy = os.path.join(self.dir, "503.http")
        with open(busy, "wb") as f:
            f.write(busy_page())  # what `flask balancer-busy-page` prints
        config = os.path.join(self.dir, "haproxy.cfg")
        with open(config, "w") as f:
            f.write(
                "global\n  maxconn 500\n"
                "defaults\n  mode http\n  timeout connect 2s\n  timeout client 60s\n  timeout server 60s\n"
                "  timeout check 5s\n"
                # An idle phone's connection goes after 5 s: with only `timeout client`, 500 phones done with
                # their upload kept every slot of `maxconn` for a minute and the next sign-in waited.
                "  timeout http-keep-alive 5s\n"
                # A request waiting for a server's free thread (maxconn) gets the busy answer after 15 s, before
                # the phone's own 30 s timeout (the default, `timeout connect`, would turn it away after 2 s).
                "  timeout queue 15s\n"
                f"  option forwardfor\n  errorfile 503 {busy}\n"
                "frontend web\n"
                f"  bind 127.0.0.1:{self.port}\n  default_backend app\n"
                # A request id for every request, as a production balancer adds one: the app echoes it.
                "  http-request set-header X-Request-ID %[uuid] unless { req.hdr(X-Request-ID) -m found }\n"
                "backend app\n  balance leastconn\n  option httpchk GET /readyz\n  http-check expect status 200\n"
                + servers
            )
        self.process = subprocess.Popen(
            [BINARY, "-db", "-f", config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if wait:
            self._wait(len(ports))
        else:
            self._listening()

    def _listening(self):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("haproxy did not listen")

    def _wait(self, servers):
        # Up once every server has passed its checks (rise 2 at 500 ms): then answers alternate between them.
        deadline = time.monotonic() + 20
        ok = 0
        while time.monotonic() < deadline and ok < 2 * servers:
            if self.process.poll() is not None:
                raise RuntimeError("haproxy exited")
            try:
                ok = ok + 1 if requests.get(f"{self.url}/readyz", timeout=2).status_code == 200 else 0
            except requests.RequestException:
                ok = 0
            time.sleep(0.3)
        if ok < 2 * servers:
            self.stop()
            raise RuntimeError("haproxy did not start")

    def stop(self):
        """Stop HAProxy and remove its files."""
        stop_process(self.process)
        shutil.rmtree(self.dir, ignore_errors=True)


def require():
    """Skip (outside CI) when HAProxy is missing."""
    if not available():
        pytest.skip("haproxy not installed (apt-get install haproxy); required when CI=true")
