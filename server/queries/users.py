"""Accounts as the administration screens read them: with a summary of their phones, in the same statement."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload, with_expression

from server.extensions import db
from server.models import Device, User


def with_phones(query):
    """Add the phone summary (count, last sync, unsent records of phones not revoked) to a select of users."""
    live = (Device.user_id == User.id) & Device.revoked_at.is_(None)
    # populate_existing: an account already in the session (the signed-in admin) gets its summary too.
    return query.execution_options(populate_existing=True).options(
        with_expression(User.device_count, select(func.count()).where(live).scalar_subquery()),
        with_expression(User.last_sync_at, select(func.max(Device.last_sync_at)).where(live).scalar_subquery()),
        with_expression(
            User.pending_count, select(func.coalesce(func.sum(Device.pending_count), 0)).where(live).scalar_subquery()
        ),
    )


def with_devices(user_id):
    """Return one account with its phone summary and every phone, newest first (None when there is none)."""
    query = with_phones(select(User).where(User.id == user_id)).options(selectinload(User.devices))
    return db.session.scalars(query).first()
