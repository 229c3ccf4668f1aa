"""Signing in and out: Argon2id passwords, throttles shared by all workers, and server-side sessions.

The session cookie is signed and carries a random session token; the server keeps the token's hash in
`user_sessions`. Deleting that row (sign-out) or all of a user's rows (disable, password change) ends those
sessions on every app server at once, whatever copies of the cookie exist.
"""

import hashlib
import logging
import math
import secrets
from datetime import timedelta

from flask import current_app, has_request_context, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import lazyload

from server import unit_of_work
from server.errors import Problem
from server.extensions import db, login_manager
from server.models import LoginThrottle, User, UserSession
from server.models.types import utcnow
from server.services.audit import record_event
from server.services.passwords import hash_password, needs_rehash, verify_password

log = logging.getLogger(__name__)


def normalize_username(username):
    """Return the canonical (case-folded, trimmed) form of a username."""
    return username.strip().lower()


def sign_in(username, password):
    """Check credentials and start a session; raise a generic problem on any failure."""
    unit_of_work.writes()
    key = normalize_username(username)[:64]
    throttle = check_throttle("login", key)
    user = db.session.scalar(select(User).where(User.username == key))
    valid = verify_password(user.password_hash if user else None, password)
    if not (valid and user.active):
        user_id = user.id if user else None
        record_failure("login", key, "auth.login_failed", user_id, username=key)
        raise Problem("auth.invalid_credentials")
    clear_throttle(throttle)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record_event("auth.login", user)
    return start_session(user)


def start_session(user):
    """Record a new server-side session and set a fresh session cookie for user (the unit commits it)."""
    token = secrets.token_urlsafe(32)
    today = utcnow().date()
    # Sessions unused for longer than the cookie lifetime can no longer be presented: forget them.
    cutoff = today - current_app.config["PERMANENT_SESSION_LIFETIME"]
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id, UserSession.seen_on < cutoff))
    db.session.add(UserSession(id=_token_hash(token), user_id=user.id, seen_on=today))
    session.clear()
    session.permanent = True
    session["sid"] = token
    login_user(user)
    return user


def end_all_sessions(user, keep_current=False):
    """End every session of user on every server (disable, password change); keep_current spares the caller's."""
    stmt = delete(UserSession).where(UserSession.user_id == user.id)
    token = session.get("sid") if keep_current else None
    if token:
        stmt = stmt.where(UserSession.id != _token_hash(token))
    db.session.execute(stmt)


def check_throttle(kind, key):
    """Return the throttle row of a key in its space (`login`: a username, `code`: a client address);
    raise while it is locked."""
    throttle = _throttle_row(kind, key)
    now = utcnow()
    if throttle.locked_until and throttle.locked_until > now:
        seconds = math.ceil((throttle.locked_until - now).total_seconds())
        unit_of_work.apart(lambda: record_event("auth.login_throttled", kind=kind, username=key))
        raise Problem("auth.throttled", headers={"Retry-After": str(seconds)}, seconds=seconds)
    return throttle


def record_failure(kind, key, action, user_id=None, also=None, **details):
    """Count a failed attempt of a key and audit it (with `also()`, if given), apart from the failed unit: they
    must survive its rollback."""

    def record():
        if also:
            also()
        count_failure(_throttle_row(kind, key))
        record_event(action, user_id, **details)

    unit_of_work.apart(record)


def clear_throttle(throttle):
    """Forget the failures counted in a throttle row after a successful sign-in."""
    throttle.failures, throttle.locks, throttle.locked_until = 0, 0, None


def client_address():
    """Return the client's address as the app sees it (after the trusted proxies)."""
    return request.remote_addr if has_request_context() else None


def sign_out(user):
    """End the current session here and on every other server."""
    unit_of_work.writes()
    record_event("auth.logout", user)
    token = session.get("sid")
    if token:
        db.session.execute(delete(UserSession).where(UserSession.id == _token_hash(token)))
    logout_user()
    session.clear()


def set_password(user, password):
    """Change a password and end the sessions of that user (all but the caller's own, for one's own password)."""
    user.password_hash = hash_password(password)
    # Changing one's own password signs out every other session, not the one that did it.
    own = has_request_context() and current_user.is_authenticated and current_user.id == user.id
    end_all_sessions(user, keep_current=own)


def set_active(user, active):
    """Enable or disable an account; disabling ends its sessions at once."""
    user.active = active
    end_all_sessions(user)


def _throttle_row(kind, key):
    # Insert-if-missing is atomic on both databases, so two workers failing at once do not collide.
    dialect = db.session.get_bind().dialect.name
    stmt = (postgresql if dialect == "postgresql" else sqlite).insert(LoginThrottle)
    row = {"kind": kind, "username": key, "failures": 0, "locks": 0, "window_start": utcnow()}
    db.session.execute(stmt.values(**row).on_conflict_do_nothing())
    where = (LoginThrottle.kind == kind, LoginThrottle.username == key)
    return db.session.scalar(select(LoginThrottle).where(*where).with_for_update())


def count_failure(throttle):
    """Count a failed sign-in in a throttle row; enough of them lock its key for a while."""
    cfg = current_app.config
    now = utcnow()
    if now - throttle.window_start > timedelta(seconds=cfg["LOGIN_WINDOW_SECONDS"]):
        throttle.failures, throttle.window_start = 0, now
    throttle.failures += 1
    if throttle.failures >= cfg["LOGIN_MAX_FAILURES"]:
        # Each lock doubles, up to a cap: slows guessing to a crawl without locking a real user out for long.
        seconds = min(cfg["LOGIN_LOCK_SECONDS"] * 2**throttle.locks, cfg["LOGIN_LOCK_MAX_SECONDS"])
        throttle.locked_until = now + timedelta(seconds=seconds)
        throttle.locks += 1
        throttle.failures = 0


@login_manager.user_loader
def load_user(identity):
    """Return the session's user, or None when the account was disabled or this session was ended."""
    token = session.get("sid")
    if not (isinstance(token, str) and identity.isdigit()):
        return None  # e.g. a cookie from before server-side sessions: sign in again
    user_id = int(identity)
    found = db.session.execute(
        select(User, UserSession.seen_on)
        .join(UserSession, UserSession.user_id == User.id)
        .where(User.id == user_id, UserSession.id == _token_hash(token))
        # Areas on first use, not with every request: a phone's push of households never reads them.
        .options(lazyload(User.areas))
    ).first()
    if found is None or not found[0].active:
        return None
    if found[1] != utcnow().date():
        _mark_seen(_token_hash(token))
    return found[0]


def _mark_seen(token_hash):
    # At most once a day per session, and only with a unit that writes anyway: a read never writes.
    unit_of_work.after_write(update(UserSession).where(UserSession.id == token_hash).values(seen_on=utcnow().date()))


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


@login_manager.unauthorized_handler
def _unauthorized():
    raise Problem("auth.required")
