"""One-time sign-in codes: a supervisor sets up a phone without typing a password into it.

The code is random, short-lived and single use; only its keyed hash is stored, and the QR code carries
nothing but the code itself (no password, no long-lived secret). Issuing, using and failing are audited.
"""

import base64
import hashlib
import hmac
import io
import secrets
from datetime import timedelta

import qrcode
import qrcode.image.svg
from flask import current_app
from sqlalchemy import update

from server import unit_of_work
from server.errors import Problem
from server.extensions import db
from server.models import SignInCode, User
from server.models.types import utcnow
from server.services import auth
from server.services.audit import record_event
from server.services.users import managed_user

# No 0/O, 1/I/L: a code read aloud or typed from a screen must not be mistaken.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8


def issue(actor, user_id, origin):
    """Make a new code for an account (earlier unused ones stop working) and return it with its QR."""
    unit_of_work.writes()
    user = managed_user(actor, user_id)
    if not user.active:
        raise Problem("user.disabled")
    now = utcnow()
    db.session.execute(
        update(SignInCode).where(SignInCode.user_id == user.id, SignInCode.used_at.is_(None)).values(expires_at=now)
    )
    code = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    minutes = current_app.config["SIGN_IN_CODE_MINUTES"]
    row = SignInCode(
        user_id=user.id, code_hash=_digest(code), created_by=actor.id, expires_at=now + timedelta(minutes=minutes)
    )
    db.session.add(row)
    record_event("sign_in_code.issued", actor, "user", user.id, minutes=minutes)
    db.session.flush()  # the row's expiry is read back below
    link = f"{origin.rstrip('/')}/#/code/{code}"
    return {
        "code": f"{code[:4]}-{code[4:]}",
        "expires_at": row.expires_at,
        "link": link,
        "qr_svg": _qr_data_uri(link),
        "username": user.username,
    }


def redeem(text):
    """Sign in with a code: it works once, before it expires; failures count towards the throttle."""
    unit_of_work.writes()
    code = "".join(ch for ch in text.upper() if ch.isalnum())
    key = (auth.client_address() or "-")[:64]
    throttle = auth.check_throttle("code", key)
    now = utcnow()
    code_hash = _digest(code)
    used = _spend(code_hash, now).first()
    user = db.session.get(User, used[0]) if used else None
    if user is None or not user.active:
        # A code of a disabled account stays spent: it must not work once the account is enabled again.
        auth.record_failure("code", key, "auth.code_failed", also=lambda: _spend(code_hash, now).all())
        raise Problem("auth.code_invalid")
    auth.clear_throttle(throttle)
    record_event("auth.code_login", user, "user", user.id, issued_by=used[1])
    return auth.start_session(user)


def _spend(code_hash, now):
    # One UPDATE both checks and uses the code, so two phones racing with the same code cannot both win.
    return db.session.execute(
        update(SignInCode)
        .where(SignInCode.code_hash == code_hash, SignInCode.used_at.is_(None), SignInCode.expires_at > now)
        .values(used_at=now)
        .returning(SignInCode.user_id, SignInCode.created_by)
    )


def _digest(code):
    # Keyed, so a copy of the table is no use for guessing codes offline.
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def _qr_data_uri(text):
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()
