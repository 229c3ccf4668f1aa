"""Devices: one installation of the app per user, registered idempotently and checked on every push."""

from sqlalchemy.exc import IntegrityError

from server import unit_of_work
from server.errors import Problem
from server.extensions import db
from server.models import Device
from server.models.types import utcnow
from server.services.audit import record_event
from server.services.users import managed_user


def register_device(user, device_id, app_version=None, user_agent=None):
    """Bind a phone-made device id to the user; registering again is harmless. Return (device, created)."""
    unit_of_work.writes()
    device = db.session.get(Device, device_id)
    if device is None:
        device = Device(id=device_id, user_id=user.id, app_version=app_version, user_agent=user_agent)
        device.last_seen_at = utcnow()
        try:
            with db.session.begin_nested():
                db.session.add(device)
            record_event("device.registered", user, "device", device_id, device_id=device_id)
            return device, True
        except IntegrityError:
            # Two tabs registered the same id at once: the other one won; carry on as a re-registration.
            device = db.session.get(Device, device_id)
    _check_owner(user, device)
    device.last_seen_at = utcnow()
    if app_version:
        device.app_version = app_version
    return device, False


def require_usable_device(user, device_id):
    """Return the user's own, unrevoked device, or raise the problem the phone will explain."""
    device = db.session.get(Device, device_id)
    if device is None:
        raise Problem("device.unknown")
    _check_owner(user, device)
    return device


def _check_owner(user, device):
    if device.user_id != user.id:
        user_id, device_id = user.id, device.id
        unit_of_work.apart(
            lambda: record_event("device.foreign_use", user_id, "device", device_id, device_id=device_id)
        )
        raise Problem("device.not_yours")
    if device.revoked_at is not None:
        raise Problem("device.revoked")


def touch_device(device, envelope, now, skew):
    """Record what the phone reported on this sync, so a coordinator can chase a silent phone."""
    device.last_sync_at = now
    device.last_seen_at = now
    device.app_version = envelope.get("app_version") or device.app_version
    device.schema_version = envelope.get("schema_version") or device.schema_version
    if envelope.get("pending_count") is not None:
        device.pending_count = envelope["pending_count"]
    device.last_clock_skew_s = skew


def set_revoked(actor, device_id, revoked):
    """Block a lost phone (its uploads are refused from now on) or unblock a found one; audited."""
    unit_of_work.writes()
    device = db.session.get(Device, device_id)
    if device is None:
        raise Problem("device.not_found")
    managed_user(actor, device.user_id)
    if revoked and device.revoked_at is None:
        device.revoked_at = utcnow()
        record_event("device.revoked", actor, "device", device.id, device_id=device.id, user_id=device.user_id)
    elif not revoked and device.revoked_at is not None:
        device.revoked_at = None
        record_event("device.restored", actor, "device", device.id, device_id=device.id, user_id=device.user_id)
    return device
