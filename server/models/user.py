"""People, their area scope, their phones (devices) and the per-account login throttle."""

import uuid
from datetime import date

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

ROLES = ("enumerator", "coordinator", "supervisor", "province_supervisor", "admin")
# The area level a role's scope is expressed at.
SCOPE_LEVEL = {"enumerator": 4, "coordinator": 3, "supervisor": 2, "province_supervisor": 1}


class User(UserMixin, db.Model):
    """An account; its sessions are rows of user_sessions (`session_epoch` is a legacy column, no longer read)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(24))
    active: Mapped[bool] = mapped_column(default=True)
    # Where a coordinator calls a silent petugas (E.164); personal data, masked wherever it is listed.
    phone: Mapped[str | None] = mapped_column(String(16))
    session_epoch: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    areas: Mapped[list["UserArea"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserArea.area_code"
    )
    devices: Mapped[list["Device"]] = relationship(
        lazy="raise_on_sql", order_by="Device.created_at.desc()", viewonly=True
    )
    # A summary of the account's phones that are not revoked, when the query asked for it (queries/users.py).
    device_count: Mapped[int | None] = query_expression()
    last_sync_at: Mapped[object | None] = query_expression()
    pending_count: Mapped[int | None] = query_expression()

    __table_args__ = (CheckConstraint(f"role IN {ROLES!r}", name="role"),)

    def get_id(self):
        """Return the session identity (the session itself is a row of user_sessions, checked on each request)."""
        return str(self.id)

    @property
    def is_active(self):
        """Return whether the account may sign in."""
        return self.active

    @property
    def area_codes(self):
        """Return the codes of the areas this user is assigned to."""
        return [a.area_code for a in self.areas]


class UserArea(db.Model):
    """One area in a user's scope (desa for petugas, kecamatan for coordinators, kabupaten for supervisors)."""

    __tablename__ = "user_areas"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"), primary_key=True, index=True)

    # Loaded with the row: an account is never shown without the names of its areas.
    area: Mapped["Area"] = relationship(lazy="joined", viewonly=True)  # noqa: F821


class Device(db.Model):
    """One installation of the app for one user, with what it last told us about itself."""

    __tablename__ = "devices"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[object | None] = mapped_column(UTCDateTime)
    last_sync_at: Mapped[object | None] = mapped_column(UTCDateTime)
    app_version: Mapped[str | None] = mapped_column(String(32))
    schema_version: Mapped[int | None] = mapped_column(Integer)
    pending_count: Mapped[int | None] = mapped_column(Integer)
    last_clock_skew_s: Mapped[int | None] = mapped_column(Integer)
    user_agent: Mapped[str | None] = mapped_column(String(200))
    revoked_at: Mapped[object | None] = mapped_column(UTCDateTime)


class LoginThrottle(db.Model):
    """Failed attempts per key, shared by all workers: per username for passwords (existing or not, so it reveals
    nothing), per client address for one-time codes. `kind` keeps the two key spaces apart."""

    __tablename__ = "login_throttle"

    kind: Mapped[str] = mapped_column(String(8), primary_key=True, default="login")
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    locks: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[object | None] = mapped_column(UTCDateTime)


class UserSession(db.Model):
    """One signed-in browser or phone: the cookie carries a random token, the server keeps only its hash, and
    deleting the row ends that session on every app server at once (sign-out, disable, password change)."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    # The day it was last used (written at most once a day), so long-unused sessions can be swept.
    seen_on: Mapped[date] = mapped_column(Date)


class SignInCode(db.Model):
    """A one-time code that signs one phone in: only its keyed hash is stored; it is short-lived and single use."""

    __tablename__ = "sign_in_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[object] = mapped_column(UTCDateTime)
    used_at: Mapped[object | None] = mapped_column(UTCDateTime)
