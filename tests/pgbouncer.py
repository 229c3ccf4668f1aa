"""A real PgBouncer (Debian's package) in transaction pooling mode, in front of the test PostgreSQL."""

import os
import shutil
import subprocess
import tempfile
import time

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL
from tests.live import free_port, installed, stop_process

BINARY = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


def available():
    """Return whether PgBouncer is installed (in CI its absence is an error)."""
    return installed(BINARY, "pgbouncer")


class PgBouncer:
    """PgBouncer on a free loopback port, transaction mode, trusting the local PostgreSQL's users."""

    def __init__(self, pool_size=4):
        target = sa.engine.make_url(PG_URL)
        self.port = free_port()
        # PgBouncer refuses to run as root: as root it drops to the postgres user (-u), who must write its log.
        self.dir = tempfile.mkdtemp(prefix="jb-pgbouncer-")
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        users = os.path.join(self.dir, "users.txt")
        with open(users, "w") as f:
            f.write(f'"{target.username}" ""\n')
        config = os.path.join(self.dir, "pgbouncer.ini")
        with open(config, "w") as f:
            f.write(
                "[databases]\n"
                f"* = host={target.host} port={target.port or 5432}\n"
                "[pgbouncer]\n"
                f"listen_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
                f"auth_type = trust\nauth_file = {users}\n"
                f"pool_mode = transaction\ndefault_pool_size = {pool_size}\nmax_client_conn = 200\n"
                "ignore_startup_parameters = extra_float_digits,options\n"
                f"logfile = {self.dir}/pgbouncer.log\npidfile = {self.dir}/pgbouncer.pid\n"
            )
        for path in (users, config):
            os.chmod(path, 0o644)
        command = [BINARY, config]
        if os.geteuid() == 0:
            command[1:1] = ["-u", "postgres"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._wait()

    def url(self, database_url):
        """Return database_url (a test database) reached through this PgBouncer."""
        return sa.engine.make_url(database_url).set(host="127.0.0.1", port=self.port).render_as_string(False)

    def _wait(self):
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pgbouncer exited: {self.process.stderr.read().decode()[-500:]}")
            try:
                engine = sa.create_engine(self.url(PG_URL), connect_args={"prepare_threshold": None})
                with engine.connect() as conn:
                    conn.execute(sa.text("select 1"))
                engine.dispose()
                return
            except sa.exc.OperationalError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("pgbouncer did not start")

    def stop(self):
        """Stop PgBouncer and remove its files."""
        stop_process(self.process)
        self.process.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def pgbouncer():
    """A running PgBouncer for one test."""
    if not available():
        pytest.skip("pgbouncer not installed (apt-get install pgbouncer); required when CI=true")
    bouncer = PgBouncer()
    yield bouncer
    bouncer.stop()
