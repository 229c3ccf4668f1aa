"""gunicorn settings read from the project folder (the Procfile, `make run` and the tests start gunicorn here)."""

import gc
import os
import shutil
import tempfile

# Metrics from every worker, summed at /metrics: the folder must be known before prometheus_client is imported.
_OWN_METRICS_DIR = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _OWN_METRICS_DIR:
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="jb-metrics-")

from prometheus_client import multiprocess  # noqa: E402

from server.gunicorn_errors import install  # noqa: E402

# Threads, not one process per connection: an idle keep-alive connection (a phone on a slow link, a browser
# tab) waits in the poller instead of holding a worker until it times out.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# One JSON line per request with the request id; the path without its query string (a search may hold a name).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
access_log_format = (
    '{"time": "%(t)s", "request_id": "%({x-request-id}o)s", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "bytes": %(B)s, "duration_ms": %(M)s, "remote": "%(h)s"}'
)

# gunicorn's own errors (e.g. a request line over 8,190 bytes: 414) are problem bodies like the app's.
install()


def on_starting(_server):
    """Start with an empty metrics folder: counts of an earlier run must not be added to this one's."""
    folder = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)


def on_exit(_server):
    """Remove the metrics folder this master made for itself."""
    if _OWN_METRICS_DIR:
        shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)


def child_exit(_server, worker):
    """Drop a dead worker's live gauges (its counters stay in the sums)."""
    multiprocess.mark_process_dead(worker.pid)


def post_worker_init(_worker):
    """Freeze what loading the app made (modules, models, schemas) out of the garbage collector's reach.

    A full collection otherwise walks every one of those objects again: on a large answer (5,000 map points) it
    came mid-request and added ~60 ms; frozen, it walks only what requests allocate.
    """
    gc.freeze()
