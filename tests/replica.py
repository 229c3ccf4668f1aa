"""A PostgreSQL primary and its streaming replica of the test's own (Debian's binaries, free ports, a temp dir).

The machine's PostgreSQL is left alone: replication needs settings (`pg_hba` replication entries) that belong to
the cluster, so the test makes a small cluster of its own, then a hot standby of it with `pg_basebackup -R`.
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from tests.live import free_port

BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)


def available():
    """Return whether the PostgreSQL server binaries are installed."""
    return BIN is not None and (BIN / "initdb").exists()


def _as_postgres(*cmd, check=True):
    # The server refuses to run as root; Debian's `postgres` account runs it.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *map(str, cmd)], check=check, capture_output=True, timeout=60)


class ReplicatedPostgres:
    """A primary on one port and a hot-standby replica streaming from it on another."""

    def __init__(self):
        self.root = Path(tempfile.mkdtemp(prefix="jb-replica-"))
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
        self.primary_port, self.replica_port = free_port(), free_port()
        primary, replica = self.root / "primary", self.root / "replica"
        _as_postgres(BIN / "initdb", "-D", primary, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        with open(primary / "pg_hba.conf", "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        self._start(primary, self.primary_port)
        _as_postgres(
            BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", self.primary_port, "-U", "postgres", "-D", replica, "-R"
        )
        self._start(replica, self.replica_port)
        self.dirs = (primary, replica)

    def _start(self, data, port):
        options = f"-p {port} -c listen_addresses=127.0.0.1 -k {self.root} -c fsync=off -c max_connections=40"
        _as_postgres(BIN / "pg_ctl", "-D", data, "-o", options, "-l", data / "server.log", "-w", "start")

    def url(self, which, database="postgres"):
        """Return a SQLAlchemy URL to the primary's or the replica's database."""
        port = self.primary_port if which == "primary" else self.replica_port
        return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"

    def wait_caught_up(self, engine_primary, engine_replica, timeout=20):
        """Wait until the replica has replayed everything the primary has written so far."""
        with engine_primary.connect() as conn:
            target = conn.exec_driver_sql("SELECT pg_current_wal_lsn()::text").scalar()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with engine_replica.connect() as conn:
                done = conn.exec_driver_sql(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn").scalar()
            if done:
                return
            time.sleep(0.05)
        raise AssertionError("the replica did not catch up")

    def stop(self):
        """Stop both servers and delete their files."""
        for data in reversed(getattr(self, "dirs", ())):
            _as_postgres(BIN / "pg_ctl", "-D", data, "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)
