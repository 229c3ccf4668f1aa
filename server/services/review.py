"""Coordinators review assists: a paged, filtered list; approve / flag / reject with optimistic concurrency.

Every review action is a server-side write to a phone-visible record: it locks the assists it changes (a
batch from the phone editing one of them waits, or is waited for), gives them a new place in the change stream
and changed_by_device = NULL, so the petugas' phone receives it on its next pull.
"""

from flask import current_app
from sqlalchemy import func, select

from server import unit_of_work
from server.errors import Problem, problem_message
from server.extensions import db
from server.models import Assist, ReviewEvent
from server.models.types import utcnow
from server.queries import assists, paging
from server.services import changes, policy, scope, tally_cells
from server.services.audit import record_event
from server.services.changes import stamp_changes
from server.services.identity import mask_kk, mask_phone
from server.services.policy import resolve_area

AS_OF = "v"  # the prefix of a list's "as of" marker (a place in the change stream)
ACTIONS = {"approve": "approved", "flag": "flagged", "reject": "rejected"}
# What a reviewer's flag or rejection keeps of the record, to show after a correction what the petugas changed.
SNAPSHOT_FIELDS = ("kk_number", "head_name", "members", "outcome", "reasons", "device_used", "phone", "notes")


def etag(assist):
    """Return the entity tag of an assist: its change number, which moves on every edit and review."""
    return f'"a{assist.change_seq}"'


def list_assists(user, args):
    """Return one page of assists in the user's scope, newest change first."""
    area = resolve_area(user, args.get("area"), "review.view")
    limit = args.get("limit") or current_app.config["REVIEW_PAGE"]
    items, following = assists.page(area, args, limit)
    as_of = args.get("as_of") or changes.encode(changes.horizon(), AS_OF)
    return {"area": area, "as_of": as_of, "next": following, "items": items}


def _approvable(user, area, args):
    """Return the select of what bulk approve may approve: received, listed by the filters, not one's own."""
    query = assists.listed(area, {**args, "state": "received"})
    if current_app.config["REVIEW_FOUR_EYES"]:
        query = query.where(Assist.owner_id != user.id)
    return query


def corrections(assist):
    """Return what the petugas changed since the last flag, field by field ({field, before, after}; identity
    numbers masked), or [] when the record was not corrected after a flag."""
    flags = [e for e in assist.review_events if e.to_state == "flagged" and e.snapshot is not None]
    if not flags or flags[-1].assist_version >= assist.version:
        return []
    before, after = flags[-1].snapshot, _snapshot(assist)
    mask = {"kk_number": mask_kk, "phone": mask_phone}
    shown = lambda field, value: mask[field](value) if field in mask and value else value  # noqa: E731
    return [
        {"field": field, "before": shown(field, before.get(field)), "after": shown(field, after[field])}
        for field in SNAPSHOT_FIELDS
        if before.get(field) != after[field]
    ]


def _snapshot(assist):
    return {field: getattr(assist, field) for field in SNAPSHOT_FIELDS}


def get_assist(user, assist_id):
    """Return one assist with its review history and versions; the access is audited (personal data)."""
    # The access is audited on its own short unit; the read itself writes nothing.
    user_id = user.id
    unit_of_work.apart(lambda: record_event("review.viewed", user_id, "assist", assist_id))
    return _load(user, assist_id)


def _load(user, assist_id, refresh=False):
    policy.require(user, "review.view")
    assist = assists.by_id(assist_id, refresh)
    # Outside the scope answers exactly like a record that does not exist.
    if assist is None or not scope.area_in_scope(user, assist.desa_code):
        raise Problem("record.not_found")
    return assist


def decide(user, assist_id, if_match, action, comment):
    """Approve, flag or reject one assist, only if it is still the version the reviewer saw (If-Match)."""
    unit_of_work.writes()
    policy.require(user, "review.decide")  # the role first: a refused caller never waits for the lock
    assist = _load(user, _locked(assist_id))
    _check_four_eyes(user, assist)
    _check_precondition(assist, if_match)
    if assist.voided:
        raise Problem("review.voided")
    if action in ("flag", "reject") and not comment:
        raise Problem("review.comment_required", {"comment": [problem_message("review.comment_required")]})
    _apply_state(user, [assist], ACTIONS[action], comment)
    record_event(f"review.{action}", user, "assist", assist.id, version=assist.version)
    return _reloaded(user, assist)


def _locked(assist_id):
    """Lock one assist for this transaction (a phone's batch changing it waits, or is waited for); return its id."""
    db.session.execute(select(Assist.id).where(Assist.id == assist_id).with_for_update())
    return assist_id


def _reloaded(user, assist):
    """Return the assist as stored after this unit's write, with its new history and household count."""
    db.session.flush()
    return _load(user, assist.id, refresh=True)


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
                    snapshot=_snapshot(a) if state in ("flagged", "rejected") else None,
                )
            )
            a.review_state, a.review_comment = state, (comment or None) if state != "approved" else None
            a.changed_by_device, a.updated_at = None, now
        stamp_changes(assists)


def bulk_approve(user, args):
    """Approve the received assists of a filtered list that have not changed since the list was loaded; a dry
    run says exactly how many that is (every page of the list, one's own records left out) and writes nothing."""
    policy.require(user, "review.decide")
    area = resolve_area(user, args.get("area"), "review.decide")
    base = _approvable(user, area, args)
    seen = changes.decode(args["as_of"], AS_OF, "request.invalid", field="as_of")
    if args.get("dry_run"):
        # Counted only when asked, not with every list: over a kabupaten's received records it is a long count.
        approvable = db.session.scalar(
            select(func.count()).select_from(base.where(changes.until(Assist, seen)).subquery())
        )
        return {"approved": 0, "approvable": approvable, "more": False, "changed_since": 0}
    unit_of_work.writes()
    limit = current_app.config["REVIEW_BULK_MAX"]
    # Rows a phone's batch is changing right now are skipped, not waited for: they are not the ones listed.
    query = (
        base.where(changes.until(Assist, seen))
        .order_by(*changes.order(Assist))
        .limit(limit + 1)
        .with_for_update(of=Assist, skip_locked=True)
    )
    found = db.session.scalars(query).all()
    batch = found[:limit]
    changed_since = db.session.scalar(
        select(func.count()).select_from(base.where(changes.after(Assist, seen)).subquery())
    )
    _apply_state(user, batch, "approved", None)
    filters = {k: str(v) for k, v in args.items() if v is not None and k != "as_of"}
    record_event("review.bulk_approve", user, "area", area.code, count=len(batch), filters=filters)
    return {"approved": len(batch), "more": len(found) > limit, "changed_since": changed_since}


def void_duplicate(user, assist_id, if_match, reason):
    """Void one of several assists of the same household (a coordinator resolving a duplicate)."""
    unit_of_work.writes()
    policy.require(user, "review.decide")  # the role first: a refused caller never waits for the lock
    assist = _load(user, _locked(assist_id))
    _check_four_eyes(user, assist)
    _check_precondition(assist, if_match)
    if assist.voided or not (assist.live and assist.live > 1):
        raise Problem("duplicate.not_duplicate")
    with tally_cells.tracked([assist.id]):
        # A content change: the version moves, so a phone still editing the old one gets a kept conflict.
        assist.voided, assist.void_reason = True, reason
        assist.version += 1
        assist.changed_by_device, assist.updated_at = None, utcnow()
        stamp_changes([assist])
    record_event("review.void_duplicate", user, "assist", assist.id, version=assist.version)
    return _reloaded(user, assist)


def follow_up_list(user, args):
    """Return a page of the interview phase's list (a household per desa, its best outcome, whether to visit);
    full identity numbers only when asked for by a role that may, and then the access is audited."""
    area = resolve_area(user, args.get("area"), "review.view")
    unmask = bool(args.get("unmask"))
    if unmask:
        policy.require(user, "exports.unmask")
        user_id, code = user.id, area.code
        filters = {k: str(v) for k, v in args.items() if v not in (None, False) and k not in ("cursor", "limit")}
        unit_of_work.apart(lambda: record_event("follow_up.unmasked", user_id, "area", code, filters=filters))
    limit = args.get("limit") or current_app.config["REVIEW_PAGE"]
    items, following = paging.offset(assists.follow_up(area, args), args.get("cursor"), limit, "f")
    return {"area": area, "unmasked": unmask, "next": following, "items": items}


def list_duplicates(user, args):
    """Return households logged more than once with at least one live assist in the area, a page at a time."""
    area = resolve_area(user, args.get("area"), "review.view")
    limit = args.get("limit") or current_app.config["REVIEW_PAGE"]
    typos = args.get("kind") == "typo"
    groups, following = assists.duplicated_households(user, area, args.get("cursor"), limit, typos)
    items = [{"kk_number": kk, "assists": found} for kk, found in groups]
    return {"area": area, "kind": args.get("kind"), "next": following, "items": items}
