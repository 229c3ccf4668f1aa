"""Signing in and out: Argon2id passwords, a per-account throttle shared by all workers, and session epochs."""

import math
from datetime import timedelta

from flask import current_app, has_request_context, request, session
from flask_login import login_user, logout_user
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from server.errors import Problem
from server.extensions import db, login_manager
from server.models import LoginThrottle, User
from server.models.types import utcnow
from server.services.audit import record_event
from server.services.passwords import hash_password, needs_rehash, verify_password


def normalize_username(username):
    """Return the canonical (case-folded, trimmed) form of a username."""
    return username.strip().lower()


def sign_in(username, password):
    """Check credentials and start a session; raise a generic problem on any failure."""
    key = normalize_username(username)[:64]
    throttle = check_throttle(key)
    user = db.session.scalar(select(User).where(User.username == key))
    valid = verify_password(user.password_hash if user else None, password)
    if not (valid and user.active):
        count_failure(throttle)
        record_event("auth.login_failed", user if user else None, username=key)
        db.session.commit()
        raise Problem("auth.invalid_credentials")
    clear_throttle(throttle)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    record_event("auth.login", user)
    return start_session(user)


def start_session(user):
    """Commit the sign-in's changes and start a fresh session cookie for user."""
    db.session.commit()
    session.clear()
    session.permanent = True
    login_user(user)
    return user


def check_throttle(key):
    """Return the throttle row of a key (a username, or a client for one-time codes); raise while it is locked."""
    throttle = _throttle_row(key)
    now = utcnow()
    if throttle.locked_until and throttle.locked_until > now:
        seconds = math.ceil((throttle.locked_until - now).total_seconds())
        record_event("auth.login_throttled", username=key)
        db.session.commit()
        raise Problem("auth.throttled", headers={"Retry-After": str(seconds)}, seconds=seconds)
    return throttle


def clear_throttle(throttle):
    """Forget the failures counted in a throttle row after a successful sign-in."""
    throttle.failures, throttle.locks, throttle.locked_until = 0, 0, None


def client_address():
    """Return the client's address as the app sees it (after the trusted proxies)."""
    return request.remote_addr if has_request_context() else None


def sign_out(user):
    """End the current session."""
    record_event("auth.logout", user)
    db.session.commit()
    logout_user()
    session.clear()


def set_password(user, password):
    """Change a password and end every session of that user."""
    user.password_hash = hash_password(password)
    user.session_epoch += 1


def set_active(user, active):
    """Enable or disable an account; disabling ends its sessions at once."""
    user.active = active
    user.session_epoch += 1


def _throttle_row(key):
    # Insert-if-missing is atomic on both databases, so two workers failing at once do not collide.
    dialect = db.session.get_bind().dialect.name
    stmt = (postgresql if dialect == "postgresql" else sqlite).insert(LoginThrottle)
    db.session.execute(stmt.values(username=key, failures=0, locks=0, window_start=utcnow()).on_conflict_do_nothing())
    return db.session.scalar(select(LoginThrottle).where(LoginThrottle.username == key).with_for_update())


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
    """Return the session's user, or None when the account was disabled or its sessions were ended."""
    try:
        user_id, epoch = (int(part) for part in identity.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.session_epoch != epoch:
        return None
    return user


@login_manager.unauthorized_handler
def _unauthorized():
    raise Problem("auth.required")
