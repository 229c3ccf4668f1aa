"""Backups an operator can restore: SQLite's online backup (`VACUUM INTO`, never a file copy of a live database)
and PostgreSQL's `pg_dump` custom format, restored by `pg_restore` into an empty or damaged database.

docs/deploy.md tells when to use which, and point-in-time recovery for PostgreSQL (WAL archiving), which is set
up on the database server, not here.
"""

import os
import sqlite3
import subprocess

from sqlalchemy.engine import make_url


def _sqlite_path(url):
    return make_url(url).database


def _libpq(url):
    # pg_dump speaks libpq: the same URL without SQLAlchemy's driver name.
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create(url, path):
    """Write a consistent backup of the database at url to path (taken while the app runs)."""
    if os.path.exists(path):
        raise FileExistsError(path)
    if make_url(url).get_backend_name() == "sqlite":
        # VACUUM INTO reads one snapshot: writers may go on, and the copy is compact and whole.
        with sqlite3.connect(_sqlite_path(url)) as conn:
            conn.execute("VACUUM INTO ?", (path,))
        return
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={path}", f"--dbname={_libpq(url)}"],
        check=True,
        capture_output=True,
    )


def restore(url, path):
    """Replace the database at url with the backup at path (the app servers should be stopped)."""
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    if make_url(url).get_backend_name() == "sqlite":
        # The backup API writes every page into the live file under its lock, WAL included.
        with sqlite3.connect(path) as source, sqlite3.connect(_sqlite_path(url)) as target:
            source.backup(target)
        return
    subprocess.run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={_libpq(url)}",
            path,
        ],
        check=True,
        capture_output=True,
    )
