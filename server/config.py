"""Application settings: every value comes from the environment, with a safe default."""

import os
from datetime import date, timedelta
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"


def _bool(name, default):
    """Read a yes/no environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _date(name, default):
    """Read a YYYY-MM-DD environment variable."""
    value = os.environ.get(name)
    return date.fromisoformat(value) if value else default


def _int(name, default):
    """Read an integer environment variable."""
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


class Config:
    """Settings for a real deployment; development defaults only where they are harmless."""

    # Production unless told otherwise: only an explicit JB_ENV=development may run without a strong secret.
    ENV_NAME = os.environ.get("JB_ENV", "production")
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # Where people reach the app (e.g. https://sensus.example.go.id): sign-in links and QR codes are built from
    # it, never from the request's Host header. Required outside development.
    PUBLIC_URL = os.environ.get("PUBLIC_URL")
    # Any postgres:// or postgresql:// URL (what Heroku/Dokku-style platforms give) works: database.py picks psycopg.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'jemput-bola.db'}")
    # A streaming replica of it, for dashboards and exports (optional; any postgres:// URL form).
    DATABASE_READ_URL = os.environ.get("DATABASE_READ_URL") or None
    # hide_parameters: database errors must never carry KK numbers or names into logs.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    # Connections each app process keeps (and may add under load), and how long a request waits for one before
    # it answers 503 with Retry-After: size them with docs/deploy.md so processes × pool fits the database.
    DB_POOL_SIZE = _int("DB_POOL_SIZE", 5)
    DB_MAX_OVERFLOW = _int("DB_MAX_OVERFLOW", 5)
    DB_POOL_TIMEOUT_S = _int("DB_POOL_TIMEOUT_S", 10)
    # psycopg prepares a statement run this many times on a connection; off by default, because PgBouncer in
    # transaction mode (before 1.21) hands the next transaction another server connection without it.
    DB_PREPARE_THRESHOLD = _int("DB_PREPARE_THRESHOLD", 0)
    # How long a request waits for a database lock before answering 503 "busy, retry" (SQLite busy timeout,
    # PostgreSQL lock_timeout): bounded waits keep workers free during an end-of-day burst.
    DB_LOCK_TIMEOUT_MS = _int("DB_LOCK_TIMEOUT_MS", 15000)

    # Sessions: a signed HttpOnly cookie; long enough for weeks in the field.
    SESSION_COOKIE_NAME = "jb_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = os.environ.get("SESSION_COOKIE_SAMESITE", "Lax")
    # Secure (HTTPS only) except on a developer's machine or in tests over plain http on 127.0.0.1.
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", ENV_NAME not in ("development", "test"))
    PERMANENT_SESSION_LIFETIME = timedelta(days=_int("SESSION_LIFETIME_DAYS", 30))
    SESSION_REFRESH_EACH_REQUEST = True
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers are trusted.
    PROXY_FIX_HOPS = _int("PROXY_FIX_HOPS", 0)
    HSTS_SECONDS = _int("HSTS_SECONDS", 31536000)

    # Login throttling per account, kept in the database so every worker and server shares it.
    LOGIN_MAX_FAILURES = _int("LOGIN_MAX_FAILURES", 5)
    LOGIN_WINDOW_SECONDS = _int("LOGIN_WINDOW_SECONDS", 900)
    LOGIN_LOCK_SECONDS = _int("LOGIN_LOCK_SECONDS", 60)
    LOGIN_LOCK_MAX_SECONDS = _int("LOGIN_LOCK_MAX_SECONDS", 3600)

    # Sync limits (docs/sync-promise.md, scenario 22): a request body and a batch are bounded so memory stays bounded.
    MAX_CONTENT_LENGTH = _int("MAX_BODY_BYTES", 1024 * 1024)
    SYNC_MAX_MUTATIONS = _int("SYNC_MAX_MUTATIONS", 500)
    SYNC_PULL_PAGE = _int("SYNC_PULL_PAGE", 500)
    # How often an open app syncs (sent on every pull): raise it to slow the whole fleet during a peak.
    SYNC_INTERVAL_SECONDS = _int("SYNC_INTERVAL_SECONDS", 60)
    # How long an app waits after a save before it uploads (sent on every pull). With signal, every household
    # would otherwise be a push of its own, which costs the server half what a push of a hundred does: raise it
    # during a peak and a busy fleet sends its households in fewer, larger batches (they wait safely on the phone).
    SYNC_UPLOAD_DELAY_SECONDS = _int("SYNC_UPLOAD_DELAY_SECONDS", 2)
    MAX_CLOCK_SKEW_SECONDS = _int("MAX_CLOCK_SKEW_SECONDS", 1800)
    # The census window: record dates outside it (or more than a day ahead of the server) are refused, and
    # day-by-day tallies never span more than it.
    CENSUS_DATE_FROM = _date("CENSUS_DATE_FROM", date(2020, 1, 1))
    CENSUS_DATE_TO = _date("CENSUS_DATE_TO", date(2099, 12, 31))
    # The longest span a by-day tally or chart may cover in one request.
    MAX_RANGE_DAYS = _int("MAX_RANGE_DAYS", 400)

    # Monitoring: a phone is "silent" after this long without a sync, or this long with unsent records.
    SILENT_AFTER_HOURS = _int("SILENT_AFTER_HOURS", 24)
    SILENT_PENDING_HOURS = _int("SILENT_PENDING_HOURS", 6)
    REVIEW_PAGE = _int("REVIEW_PAGE", 50)
    # The map of gathering points: where its tiles come from (the page's CSP allows that origin for images),
    # the attribution the tile provider asks for, and how many points one answer carries at most.
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
    MAP_MAX_ZOOM = _int("MAP_MAX_ZOOM", 19)
    MAP_MAX_POINTS = _int("MAP_MAX_POINTS", 5000)
    # Bulk approve handles at most this many records per request (the PWA repeats until done).
    REVIEW_BULK_MAX = _int("REVIEW_BULK_MAX", 500)
    # Four eyes: a coordinator may not review assists they pushed themselves.
    REVIEW_FOUR_EYES = _bool("REVIEW_FOUR_EYES", True)
    # Roles that may export full KK numbers and phones (and then only when they ask for them).
    EXPORT_UNMASK_ROLES = tuple(
        r.strip() for r in os.environ.get("EXPORT_UNMASK_ROLES", "supervisor,admin").split(",") if r.strip()
    )

    # The job queue: huey on SQLite (one machine, the default) or Redis (several servers); QUEUE_NAME prefixes
    # its keys, so several installations can share one Redis.
    QUEUE_URL = os.environ.get("QUEUE_URL", f"sqlite:///{INSTANCE_DIR / 'queue.sqlite3'}")
    QUEUE_NAME = os.environ.get("QUEUE_NAME", "jemput-bola")
    # Background exports: their files live in the database (any app server sends them) this long, and a
    # download link works for EXPORT_LINK_MINUTES after it was handed out.
    EXPORT_KEEP_HOURS = _int("EXPORT_KEEP_HOURS", 24)
    EXPORT_LINK_MINUTES = _int("EXPORT_LINK_MINUTES", 60)
    EXPORT_JOBS_PER_USER = _int("EXPORT_JOBS_PER_USER", 2)
    # At most this many exports run at once in the whole installation (each holds a database read).
    EXPORTS_RUNNING_MAX = _int("EXPORTS_RUNNING_MAX", 2)
    # Attempts per job; a worker silent this long (killed, its machine gone) has its job tried again.
    EXPORT_ATTEMPTS = _int("EXPORT_ATTEMPTS", 3)
    EXPORT_STALE_SECONDS = _int("EXPORT_STALE_SECONDS", 90)
    EXPORT_CHUNK_BYTES = _int("EXPORT_CHUNK_BYTES", 1024 * 1024)
    # On PostgreSQL the assists CSV comes straight from COPY (the same bytes, several times faster).
    EXPORT_CSV_COPY = _bool("EXPORT_CSV_COPY", True)

    # Administration: how long a one-time phone sign-in code works, and the largest CSV import.
    SIGN_IN_CODE_MINUTES = _int("SIGN_IN_CODE_MINUTES", 10)
    IMPORT_MAX_ROWS = _int("IMPORT_MAX_ROWS", 5000)

    # Response compression (flask-compress): JSON answers and the app shell shrink 3-10× on slow links.
    COMPRESS_MIMETYPES = [
        "application/json",
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/manifest+json",
        "text/csv",
    ]
    COMPRESS_ALGORITHM = ["br", "gzip"]
    # Streams stay uncompressed for now: flask-compress's stream wrapper does not close the wrapped iterable.
    COMPRESS_STREAMS = False
    COMPRESS_MIN_SIZE = 1024

    # Where the built PWA is served from (default pwa/dist).
    PWA_DIR = os.environ.get("PWA_DIR")
    # Tests only: load every pushed item with marshmallow as well as msgspec and fail loudly if they differ.
    FAST_LOAD_CROSSCHECK = _bool("FAST_LOAD_CROSSCHECK", False)

    # Logs to stderr: "json" (one object per line, with the request id) or "text"; empty leaves logging alone.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if ENV_NAME == "development" else "json")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    # /metrics answers loopback and private addresses; with a token, only `Authorization: Bearer <token>`.
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN")

    API_TITLE = "Jemput Bola API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    # Every operation needs the session cookie unless it says otherwise (sign-in does).
    API_SPEC_OPTIONS = {"security": [{"cookieSession": []}]}
    JSON_SORT_KEYS = False


class TestConfig(Config):
    """Settings for the test suite: fast hashing, a throwaway key, and a database given by the fixture."""

    TESTING = True
    FAST_LOAD_CROSSCHECK = True
    ENV_NAME = "test"
    SECRET_KEY = "test-secret-key-not-for-production-0123456789"  # noqa: S105
    PUBLIC_URL = "http://localhost"
    SESSION_COOKIE_SECURE = False
    ARGON2_FAST = True
    LOG_FORMAT = None  # pytest captures the logs
