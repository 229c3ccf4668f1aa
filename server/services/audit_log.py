"""Reading the audit log: searchable and paged, a supervisor's view limited to their kabupaten's people, a
coordinator's to their kecamatan's; one row per export (its end and downloads folded into its start)."""

from collections import Counter

from sqlalchemy import String, cast, literal, or_, select
from sqlalchemy.orm import contains_eager

from server.extensions import db
from server.models import AuditEvent, Device, User, UserArea
from server.queries import paging
from server.services import audit_labels, policy, scope

# What follows an export's start: shown on its row, not as rows of their own.
_EXPORT_ENDS = (
    "export.assists_done",
    "export.follow_up_done",
    "export.tallies_done",
    "export.outreaches_done",
    "export.downloaded",
)


def search(actor, args):
    """Return one page of audit events, newest first, matching the filters; `cursor` continues a listing."""
    policy.require(actor, "audit.view")
    e = AuditEvent
    query = select(e).outerjoin(e.actor).options(contains_eager(e.actor))
    inside = scope.under_scope(actor, UserArea.area_code)
    if inside is not None:
        # A supervisor answers for the people of their kabupaten: what they did, and what was done to them
        # or their phones (by anyone, an admin included).
        people = select(UserArea.user_id).where(inside).union(select(literal(actor.id)))
        people_ids = select(cast(people.subquery().c[0], String))
        query = query.where(
            or_(
                e.actor_id.in_(people),
                (e.entity == "user") & e.entity_id.in_(people_ids),
                e.device_id.in_(select(Device.id).where(Device.user_id.in_(people))),
            )
        )
    query = _filtered(query, args).where(e.action.not_in(_EXPORT_ENDS))
    items, following = paging.keyset(query, e.id, args.get("cursor"), args["limit"], "e", descending=True)
    _fold_exports(items)
    return {"items": items, "next": following, "groups": audit_labels.groups()}


def _fold_exports(events):
    """Give each export start on the page its end (`done`: rows, complete) and how often its file was fetched."""
    starts = {_export_key(e): e for e in events if e.action.startswith("export.") and _export_key(e)}
    for event in events:
        event.done, event.downloads = None, 0
    if not starts:
        return
    e = AuditEvent
    keys = list(starts)
    follow = select(e).where(
        e.action.in_(_EXPORT_ENDS),
        or_(e.details["export"].as_string().in_(keys), e.details["job"].as_string().in_(keys), e.entity_id.in_(keys)),
    )
    downloads = Counter()
    for end in db.session.scalars(follow):
        key = _export_key(end) or end.entity_id
        if end.action == "export.downloaded":
            downloads[key] += 1
        elif key in starts:
            starts[key].done = end.details or {}
    for key, start in starts.items():
        start.downloads = downloads[key]


def _export_key(event):
    details = event.details or {}
    return details.get("export") or details.get("job")


def _filtered(query, args):
    e = AuditEvent
    if args.get("action"):
        action = args["action"]
        query = query.where(or_(e.action == action, e.action.startswith(action + ".")))
    if args.get("actor"):
        query = query.where(User.username == args["actor"].lower())
    if args.get("entity_id"):
        query = query.where(e.entity_id == args["entity_id"])
    if args.get("at_from"):
        query = query.where(e.at >= args["at_from"])
    if args.get("at_to"):
        query = query.where(e.at < args["at_to"])
    if args.get("q"):
        pattern = f"%{args['q'].lower()}%"
        query = query.where(
            or_(e.action.like(pattern), e.entity_id.like(pattern), User.username.like(pattern), e.ip.like(pattern))
        )
    return query
