"""What a phone pulls: its profile and reference lists, and changes to its user's own records, in pages."""

import base64
import binascii

from flask import current_app
from sqlalchemy import or_, select

from server.errors import Problem
from server.extensions import db
from server.models import Assist, Outreach, SyncCounter
from server.models.types import utcnow
from server.services import reference, scope


def pull_changes(user, cursor=None, limit=None, device_id=None):
    """Return the next page of the user's record changes after cursor (and the reference data on the first).

    With device_id, changes last made by that device are skipped (the phone has them); the cursor still moves
    past them.
    """
    after = decode_cursor(cursor)
    limit = limit or current_app.config["SYNC_PULL_PAGE"]
    # Read the counter first: every change numbered up to it is committed, so capping at it means a change
    # committed later with a lower number than one we return cannot exist, and no change is ever skipped.
    high = db.session.scalar(select(SyncCounter.value).where(SyncCounter.id == 1)) or 0
    rows = []
    for model in (Outreach, Assist):
        query = select(model).where(model.owner_id == user.id, model.change_seq > after, model.change_seq <= high)
        if device_id is not None:
            query = query.where(or_(model.changed_by_device.is_(None), model.changed_by_device != device_id))
        query = query.order_by(model.change_seq).limit(limit + 1)
        rows.extend(db.session.scalars(query))
    rows.sort(key=lambda r: r.change_seq)
    page, has_more = rows[:limit], len(rows) > limit
    body = {
        "server_time": utcnow(),
        # A last page has seen every change up to `high`, including skipped ones.
        "cursor": encode_cursor(page[-1].change_seq if has_more else max(after, high)),
        "has_more": has_more,
        "outreaches": [r for r in page if isinstance(r, Outreach)],
        "assists": [r for r in page if isinstance(r, Assist)],
    }
    if cursor is None:
        body["reference"] = reference.reference_lists()
        body["areas"] = scope.scope_desa(user)
        body["rules"] = reference.record_rules()
    return body


def encode_cursor(seq, prefix="s"):
    """Return the opaque cursor for a change number (prefix tells one list's cursors from another's)."""
    return base64.urlsafe_b64encode(f"{prefix}{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor, prefix="s"):
    """Return the change number of a cursor (0 for none), or raise a problem for a forged one."""
    if not cursor:
        return 0
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.b64decode(padded, altchars=b"-_", validate=True).decode()
        if not text.startswith(prefix) or not text[len(prefix) :].isdigit():
            raise ValueError(text)
        return int(text[len(prefix) :])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Problem("sync.bad_cursor", {"cursor": ["Invalid value."]}) from None
