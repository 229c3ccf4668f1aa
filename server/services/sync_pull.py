"""What a phone pulls: its profile and reference lists, and changes to its user's own records, in pages."""

from flask import current_app
from sqlalchemy import or_, select

from server.extensions import db
from server.models import Assist, Outreach
from server.models.types import utcnow
from server.services import changes, reference, scope


def pull_changes(user, cursor=None, limit=None, device_id=None):
    """Return the next page of the user's record changes after cursor (and the reference data on the first).

    With device_id, changes last made by that device are skipped (the phone has them); the cursor still moves
    past them.
    """
    after = changes.decode(cursor, "s", problem="sync.bad_cursor")
    limit = limit or current_app.config["SYNC_PULL_PAGE"]
    # Read the horizon first: no change at or before it can still commit, so capping there means a change
    # committed later can only land after what we return, and no change is ever skipped.
    upto = changes.horizon()
    rows = []
    for model in (Outreach, Assist):
        query = select(model).where(model.owner_id == user.id, changes.after(model, after), changes.until(model, upto))
        if device_id is not None:
            query = query.where(or_(model.changed_by_device.is_(None), model.changed_by_device != device_id))
        query = query.order_by(*changes.order(model)).limit(limit + 1)
        rows.extend(db.session.scalars(query))
    rows.sort(key=changes.position)
    page, has_more = rows[:limit], len(rows) > limit
    # Unlike a staff list, a change feed always has a next position: where the following sync resumes.
    position = changes.encode(changes.position(page[-1]) if has_more else max(after, upto), "s")
    body = {
        "server_time": utcnow(),
        # A last page has seen every change up to the horizon, including skipped ones.
        "next": position,
        "cursor": position,  # the same, under the name phones installed before `next` still read
        "has_more": has_more,
        "sync_interval_s": current_app.config["SYNC_INTERVAL_SECONDS"],
        "upload_delay_s": current_app.config["SYNC_UPLOAD_DELAY_SECONDS"],
        "outreaches": [r for r in page if isinstance(r, Outreach)],
        "assists": [r for r in page if isinstance(r, Assist)],
    }
    if cursor is None:
        body["reference"] = reference.reference_lists()
        body["areas"] = scope.scope_desa(user)
        body["rules"] = reference.record_rules()
    return body
