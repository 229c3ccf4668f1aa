"""The job queue (huey): SQLite storage on one machine, Redis with several servers, the same tasks on both.

The database stays the record of every job (services/export_jobs.py); the queue only carries "run job X now".
huey forgets a task once a worker took it, so a worker killed mid-job would lose it: the scheduled sweep
(every minute, and when a worker starts) sends a job whose heartbeat went silent to the queue again. Running a
job twice is harmless: the first step claims it, and a job that is no longer waiting is left alone.
"""

import logging
import os
from urllib.parse import urlsplit

from flask import current_app
from huey import RedisHuey, SqliteHuey, crontab
from huey.exceptions import RetryTask

log = logging.getLogger(__name__)


def init_app(app):
    """Build the app's queue from QUEUE_URL and register its tasks."""
    app.extensions["jobs"] = Jobs(app)


def queue():
    """Return the current app's Jobs."""
    return current_app.extensions["jobs"]


def make_huey(url, name):
    """Return a huey on `sqlite:///path` or `redis://host:port/db` (the queue's key prefix is its name)."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = url.removeprefix("sqlite:///")
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        return SqliteHuey(name, filename=path, results=False, utc=True)
    if parts.scheme in ("redis", "rediss"):
        return RedisHuey(name, url=url, results=False, utc=True)
    raise ValueError(f"QUEUE_URL must be sqlite:///… or redis://…, not {parts.scheme}://")


class Jobs:
    """The app's huey and its tasks; each task runs in an app context, as one unit of work per step."""

    def __init__(self, app):
        self.app = app
        self.huey = make_huey(app.config["QUEUE_URL"], app.config["QUEUE_NAME"])
        huey = self.huey

        @huey.task(name="export")
        def export(job_id):
            from server.services import export_jobs

            with app.app_context():
                again = export_jobs.run(job_id)
            if again:
                # Every running place is taken, or this attempt failed and another is due: the job's row
                # counts the attempts, huey only brings the task back after the delay.
                raise RetryTask(delay=again)

        @huey.periodic_task(crontab(minute="*"), name="sweep")
        def sweep():
            self.sweep()

        @huey.on_startup()
        def swept_at_start():
            self.sweep()

        self._export = export

    def enqueue_export(self, job_id):
        """Put a job on the queue; if the queue is down, the sweep sends it when it is back."""
        try:
            self._export(str(job_id))
        except Exception:
            log.warning("queue unreachable: export %s waits for the sweep", job_id)

    def sweep(self):
        """Delete expired files and send silent jobs to the queue again (the periodic task)."""
        from server.services import export_jobs

        with self.app.app_context():
            for job_id in export_jobs.sweep():
                self.enqueue_export(job_id)

    def pending(self):
        """Return how many tasks wait in the queue (raises when the queue is unreachable)."""
        return self.huey.pending_count()

    def consumer(self, workers):
        """Return a consumer running this queue's tasks in `workers` threads."""
        return self.huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
