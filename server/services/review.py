"""Coordinators review assists: a paged, filtered list; approve / flag / reject with optimistic concurrency.

Every review action is a server-side write to a phone-visible record: it takes the change-stream lock, a new
change_seq and changed_by_device = NULL, so the petugas' phone receives it on its next pull.
"""

from flask import current_app
from sqlalchemy import and_, func, select

from server import unit_of_work
from server.errors import Problem, problem_message
from server.extensions import db
from server.models import Area, Assist, HouseholdCount, Mutation, Outreach, ReviewEvent, SyncCounter, User
from server.models.types import utcnow
from server.services import scope, tally_cells
from server.services.audit import record_event
from server.services.changes import lock_change_stream, stamp_changes
from server.services.identity import mask_kk, mask_phone
from server.services.sync_pull import decode_cursor, encode_cursor
from server.services.tallies import VIEW_ROLES, resolve_area

ACTIONS = {"approve": "approved", "flag": "flagged", "reject": "rejected"}


def etag(assist):
    """Return the entity tag of an assist: its change number, which moves on every edit and review."""
    return f'"a{assist.change_seq}"'


def list_assists(user, args):
    """Return one page of assists in the user's scope, newest change first, with masked identity numbers."""
    area = resolve_area(user, args.get("area"))
    limit = args.get("limit") or current_app.config["REVIEW_PAGE"]
    query = _filtered(area, args)
    if args.get("cursor"):
        query = query.where(Assist.change_seq < decode_cursor(args["cursor"], "r"))
    rows = db.session.execute(query.order_by(Assist.change_seq.desc()).limit(limit + 1)).all()
    page = rows[:limit]
    as_of = db.session.scalar(select(SyncCounter.value).where(SyncCounter.id == 1)) or 0
    return {
        "area": area,
        "as_of": args.get("as_of") or as_of,
        "cursor": encode_cursor(page[-1][0].change_seq, "r") if len(rows) > limit else None,
        "items": [_summary(*row) for row in page],
    }


def _filtered(area, args):
    """Return the select of (assist, outreach, petugas, live count) for the list filters."""
    query = (
        select(Assist, Outreach, User, HouseholdCount.live)
        .join(Outreach, Outreach.id == Assist.outreach_id)
        .join(User, User.id == Assist.owner_id)
        .outerjoin(HouseholdCount, HouseholdCount.kk_number == Assist.kk_number)
    )
    query = filter_assists(query, area, args)
    if args.get("duplicate") is not None:
        duplicated = and_(HouseholdCount.live.is_not(None), HouseholdCount.live > 1)
        query = query.where(duplicated if args["duplicate"] else ~duplicated)
    return query


def filter_assists(query, area, args):
    """Add the shared filters (area, desa, petugas, dates, outcome, state) to a select joining Outreach."""
    a = Assist
    query = query.where(_in_area(area))
    if args.get("desa"):
        query = query.where(a.desa_code == args["desa"])
    if args.get("enumerator"):
        query = query.where(a.owner_id == args["enumerator"])
    if args.get("date_from"):
        query = query.where(Outreach.date >= args["date_from"])
    if args.get("date_to"):
        query = query.where(Outreach.date <= args["date_to"])
    if args.get("outcome"):
        query = query.where(a.outcome == args["outcome"])
    state = args.get("state")
    if state == "voided":
        query = query.where(a.voided.is_(True))
    else:
        query = query.where(a.voided.is_(False))
        if state:
            query = query.where(a.review_state == state)
    return query


def _in_area(area):
    if area.level == 4:
        return Assist.desa_code == area.code
    if area.level == 3:
        return Assist.kecamatan_code == area.code
    return Assist.kecamatan_code.startswith(area.code + ".")


def _summary(assist, outreach, owner, live):
    return {
        "id": assist.id,
        "etag": etag(assist),
        "version": assist.version,
        "desa_code": assist.desa_code,
        "kk_number": mask_kk(assist.kk_number),
        "head_name": assist.head_name,
        "members": assist.members,
        "outcome": assist.outcome,
        "review_state": assist.review_state,
        "review_comment": assist.review_comment,
        "voided": assist.voided,
        "duplicate": bool(live and live > 1),
        "date": outreach.date,
        "place_kind": outreach.place_kind,
        "place_name": outreach.place_name,
        "enumerator": {"id": owner.id, "name": owner.display_name},
        "received_at": assist.received_at,
        "updated_at": assist.updated_at,
    }


def get_assist(user, assist_id):
    """Return one assist with its review history and versions; the access is audited (personal data)."""
    # The access is audited on its own short unit; the read itself writes nothing.
    user_id = user.id
    unit_of_work.apart(lambda: record_event("review.viewed", user_id, "assist", assist_id))
    assist, outreach, owner, live = _load(user, assist_id)
    return _detail(assist, outreach, owner, live)


def _load(user, assist_id):
    scope.require_role(user, VIEW_ROLES)
    row = db.session.execute(
        select(Assist, Outreach, User, HouseholdCount.live)
        .join(Outreach, Outreach.id == Assist.outreach_id)
        .join(User, User.id == Assist.owner_id)
        .outerjoin(HouseholdCount, HouseholdCount.kk_number == Assist.kk_number)
        .where(Assist.id == assist_id)
    ).first()
    # Outside the scope answers exactly like a record that does not exist.
    if row is None or not scope.area_in_scope(user, row[0].desa_code):
        raise Problem("record.not_found")
    return row


def _detail(assist, outreach, owner, live):
    body = _summary(assist, outreach, owner, live)
    events = db.session.execute(
        select(ReviewEvent, User.display_name)
        .join(User, User.id == ReviewEvent.actor_id)
        .where(ReviewEvent.assist_id == assist.id)
        .order_by(ReviewEvent.id)
    ).all()
    versions = db.session.scalars(
        select(Mutation)
        .where(Mutation.record_id == assist.id, Mutation.status == "applied")
        .order_by(Mutation.received_at, Mutation.version)
    ).all()
    desa = db.session.get(Area, assist.desa_code)
    body.update(
        desa_name=desa.name if desa else None,
        reasons=assist.reasons,
        device_used=assist.device_used,
        phone=mask_phone(assist.phone),
        notes=assist.notes,
        void_reason=assist.void_reason,
        clock_suspect=assist.clock_suspect,
        history=[
            {
                "at": e.at,
                "actor": name,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "version": e.assist_version,
                "comment": e.comment,
            }
            for e, name in events
        ],
        versions=[{"version": m.version, "op": m.op, "received_at": m.received_at} for m in versions],
        same_household=_same_household(assist) if live and live > 1 else [],
    )
    return body


def _same_household(assist):
    """Return the other live assists with this KK number (anywhere: duplicates cross kecamatan borders)."""
    rows = db.session.execute(
        select(Assist, Outreach, User)
        .join(Outreach, Outreach.id == Assist.outreach_id)
        .join(User, User.id == Assist.owner_id)
        .where(Assist.kk_number == assist.kk_number, Assist.voided.is_(False), Assist.id != assist.id)
        .order_by(Assist.received_at)
    ).all()
    return [
        {
            "id": a.id,
            "desa_code": a.desa_code,
            "date": o.date,
            "place_name": o.place_name,
            "enumerator": {"id": u.id, "name": u.display_name},
            "head_name": a.head_name,
            "outcome": a.outcome,
            "review_state": a.review_state,
        }
        for a, o, u in rows
    ]


def decide(user, assist_id, if_match, action, comment):
    """Approve, flag or reject one assist, only if it is still the version the reviewer saw (If-Match)."""
    unit_of_work.writes()
    scope.require_role(user, VIEW_ROLES)  # the role first: a refused caller never waits for the lock
    lock_change_stream()
    assist, outreach, owner, live = _load(user, assist_id)
    _check_four_eyes(user, assist)
    _check_precondition(assist, if_match)
    if assist.voided:
        raise Problem("review.voided")
    if action in ("flag", "reject") and not comment:
        raise Problem("review.comment_required", {"comment": [problem_message("review.comment_required")]})
    _apply_state(user, [assist], ACTIONS[action], comment)
    record_event(f"review.{action}", user, "assist", assist.id, version=assist.version)
    return _detail(assist, outreach, owner, live)


def _check_four_eyes(user, assist):
    # Four eyes: nobody approves, flags, rejects or voids a record they logged themselves.
    if current_app.config["REVIEW_FOUR_EYES"] and assist.owner_id == user.id:
        raise Problem("review.own_record")


def _check_precondition(assist, if_match):
    if not if_match:
        raise Problem("review.precondition_required")
    if etag(assist) not in [tag.strip() for tag in if_match.split(",")]:
        raise Problem("review.stale", headers={"ETag": etag(assist)})


def _apply_state(user, assists, state, comment):
    """Move assists to a review state, with history, a new change number and their tallies, in this transaction."""
    now = utcnow()
    with tally_cells.tracked([a.id for a in assists]):
        for a in assists:
            db.session.add(
                ReviewEvent(
                    assist_id=a.id,
                    actor_id=user.id,
                    from_state=a.review_state,
                    to_state=state,
                    assist_version=a.version,
                    comment=comment or None,
                    at=now,
                )
            )
            a.review_state, a.review_comment = state, (comment or None) if state != "approved" else None
            a.changed_by_device, a.updated_at = None, now
        stamp_changes(assists)


def bulk_approve(user, args):
    """Approve the received assists of a filtered list that have not changed since the list was loaded."""
    unit_of_work.writes()
    scope.require_role(user, VIEW_ROLES)  # the role first: a refused caller never waits for the lock
    lock_change_stream()
    area = resolve_area(user, args.get("area"))
    limit = current_app.config["REVIEW_BULK_MAX"]
    base = _filtered(area, {**args, "state": "received"})
    if current_app.config["REVIEW_FOUR_EYES"]:
        base = base.where(Assist.owner_id != user.id)
    query = base.where(Assist.change_seq <= args["as_of"]).order_by(Assist.change_seq).limit(limit + 1)
    assists = [row[0] for row in db.session.execute(query)]
    batch = assists[:limit]
    changed_since = db.session.scalar(
        select(func.count()).select_from(base.where(Assist.change_seq > args["as_of"]).subquery())
    )
    _apply_state(user, batch, "approved", None)
    filters = {k: str(v) for k, v in args.items() if v is not None and k != "as_of"}
    record_event("review.bulk_approve", user, "area", area.code, count=len(batch), filters=filters)
    return {"approved": len(batch), "more": len(assists) > limit, "changed_since": changed_since}


def void_duplicate(user, assist_id, if_match, reason):
    """Void one of several assists of the same household (a coordinator resolving a duplicate)."""
    unit_of_work.writes()
    scope.require_role(user, VIEW_ROLES)  # the role first: a refused caller never waits for the lock
    lock_change_stream()
    assist, outreach, owner, live = _load(user, assist_id)
    _check_four_eyes(user, assist)
    _check_precondition(assist, if_match)
    if assist.voided or not (live and live > 1):
        raise Problem("duplicate.not_duplicate")
    with tally_cells.tracked([assist.id]):
        # A content change: the version moves, so a phone still editing the old one gets a kept conflict.
        assist.voided, assist.void_reason = True, reason
        assist.version += 1
        assist.changed_by_device, assist.updated_at = None, utcnow()
        stamp_changes([assist])
    record_event("review.void_duplicate", user, "assist", assist.id, version=assist.version)
    return _detail(assist, outreach, owner, live - 1)


def list_duplicates(user, args):
    """Return households logged more than once with at least one live assist in the area, a page at a time."""
    area = resolve_area(user, args.get("area"))
    limit = args.get("limit") or current_app.config["REVIEW_PAGE"]
    offset = (args.get("page", 1) - 1) * limit
    kks = (
        select(HouseholdCount.kk_number)
        .join(Assist, Assist.kk_number == HouseholdCount.kk_number)
        .where(HouseholdCount.live > 1, Assist.voided.is_(False), _in_area(area))
        .group_by(HouseholdCount.kk_number)
        .order_by(HouseholdCount.kk_number)
    )
    page = db.session.scalars(kks.offset(offset).limit(limit + 1)).all()
    groups = []
    for kk in page[:limit]:
        rows = db.session.execute(
            select(Assist, Outreach, User, HouseholdCount.live)
            .join(Outreach, Outreach.id == Assist.outreach_id)
            .join(User, User.id == Assist.owner_id)
            .join(HouseholdCount, HouseholdCount.kk_number == Assist.kk_number)
            .where(Assist.kk_number == kk, Assist.voided.is_(False))
            .order_by(Assist.received_at)
        ).all()
        items = [{**_summary(*row), "in_scope": scope.area_in_scope(user, row[0].desa_code)} for row in rows]
        groups.append({"kk_number": mask_kk(kk), "count": len(items), "assists": items})
    return {"area": area, "page": args.get("page", 1), "more": len(page) > limit, "groups": groups}
