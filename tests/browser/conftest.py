"""Browser fixtures: headless Debian Chromium (never a downloaded build) driving the built PWA on real gunicorn."""

import contextlib
import os
import shutil
import signal
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest

from server import unit_of_work
from server.services.demo import seed_demo
from tests.conftest import (
    IN_CI,
    create_pg_database,
    drop_pg_database,
    make_app,
    postgres_available,
    prepare_database,
)
from tests.factories import make_user
from tests.live import ROOT, Server, Worker

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
PWA_DIST = ROOT / "pwa" / "dist"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def playwright_driver():
    """The Playwright driver, or a skip (a failure in CI) when Chromium or the PWA build is missing."""
    missing = [what for what, ok in (("chromium", Path(CHROMIUM).exists()), ("pwa/dist", PWA_DIST.exists())) if not ok]
    if missing:
        if IN_CI:
            pytest.fail(f"browser tests need {', '.join(missing)} in CI")
        pytest.skip(f"missing {', '.join(missing)} (run `make test`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@contextlib.contextmanager
def serve_site(tmp_path, sqlite_template, areas, prepare=None, env=None, backend="sqlite"):
    """Serve a copy of the test database (or a fresh PostgreSQL one), after `prepare(app)`, with a petugas of
    `areas`; yield the Site."""
    if backend == "postgresql":
        if not postgres_available():
            pytest.skip("PostgreSQL not reachable (set TEST_DATABASE_URL); required when CI=true")
        url = create_pg_database("jb_browser")
        try:
            prepare_database(url)
            with _served(tmp_path, url, areas, prepare, env) as served:
                yield served
        finally:
            drop_pg_database(url)
        return
    path = tmp_path / "browser.db"
    shutil.copy(sqlite_template, path)
    with _served(tmp_path, f"sqlite:///{path}", areas, prepare, env) as served:
        yield served


@contextlib.contextmanager
def _served(tmp_path, url, areas, prepare, env):
    app = make_app(url)
    with app.app_context():
        if prepare:
            prepare(app)
        made = make_user(role="enumerator", areas=areas, display_name="Sri Wahyuni")
        user = SimpleNamespace(id=made.id, username=made.username, password=made.password)
    pwa_dir = tmp_path / "pwa"
    shutil.copytree(PWA_DIST, pwa_dir)
    queue = f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    server = Server(url, env={"PWA_DIR": str(pwa_dir), "QUEUE_URL": queue, "QUEUE_NAME": "browser", **(env or {})})
    worker = Worker(url, queue, "browser", log=tmp_path / "worker.log")
    try:
        yield Site(server, url, user, pwa_dir, app)
    finally:
        worker.stop()
        server.stop()


def pytest_generate_tests(metafunc):
    """Sites run on SQLite; the screens of a module marked `both_backends` run on PostgreSQL as well."""
    if "site_backend" in metafunc.fixturenames:
        both = metafunc.definition.get_closest_marker("both_backends")
        metafunc.parametrize("site_backend", ["sqlite", "postgresql"] if both else ["sqlite"])


@pytest.fixture
def demo_site(tmp_path, sqlite_template, site_backend):
    """The demo (a small one: its official figures told as the articles tell them) plus a fresh petugas of
    Mangli, Kaliwates, on gunicorn with the built PWA."""

    def small_demo(app):
        with unit_of_work.unit():
            seed_demo(seed=7, end=date.today(), days=10, assists_target=1500)

    with serve_site(tmp_path, sqlite_template, ["35.09.19.1001"], small_demo, backend=site_backend) as served:
        yield served


@pytest.fixture
def site(tmp_path, sqlite_template, site_backend):
    """A database with a petugas of two Kaliwates desa, served by gunicorn with the built PWA."""
    with serve_site(tmp_path, sqlite_template, ["35.09.19.1001", "35.09.19.1002"], backend=site_backend) as served:
        yield served


class Site:
    """What a browser test needs to know about the server side."""

    def __init__(self, server, db_url, user, pwa_dir, app):
        self.server, self.db_url, self.user, self.pwa_dir, self.app = server, db_url, user, pwa_dir, app
        self.url = server.url


class Browser:
    """A Chromium with a persistent profile, so it can be killed and relaunched like a phone's browser."""

    def __init__(self, driver, profile_dir, **options):
        self.driver, self.profile_dir, self.options = driver, Path(profile_dir), options
        self.launch()

    def launch(self):
        """Start Chromium on the profile and open one page at 360×640."""
        self.context = self.driver.chromium.launch_persistent_context(
            str(self.profile_dir),
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            **{
                "viewport": {"width": 360, "height": 640},
                "locale": "id-ID",
                "service_workers": "allow",
                **self.options,
            },
        )
        self.context.set_default_timeout(15000)
        self.page = self.context.pages[0] if self.context.pages else self.context.new_page()
        self.console = []
        self.page.on("console", lambda msg: self.console.append(f"{msg.type}: {msg.text}"))
        return self.page

    def kill(self):
        """SIGKILL every Chromium process of this profile, as when a phone kills the browser."""
        marker = f"--user-data-dir={self.profile_dir}"
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit():
                continue
            try:
                cmdline = (proc / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if marker in cmdline:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(int(proc.name), signal.SIGKILL)
        time.sleep(0.5)
        # The browser is already dead; the driver may complain while closing its side.
        with contextlib.suppress(Exception):
            self.context.close()

    def close(self):
        """Close normally."""
        self.context.close()


@pytest.fixture
def browser(playwright_driver, tmp_path):
    """A fresh phone browser."""
    b = Browser(playwright_driver, tmp_path / "profile")
    yield b
    with contextlib.suppress(Exception):  # already killed by the test
        b.close()


def screenshot(page, name):
    """Save a 360×640 screenshot as a test artifact."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
