"""Reading the audit log: searchable and paged, a supervisor's view limited to their kabupaten's people."""

from sqlalchemy import String, cast, literal, or_, select
from sqlalchemy.orm import contains_eager

from server.models import AuditEvent, Device, User, UserArea
from server.queries import paging
from server.services import policy, scope


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
    query = _filtered(query, args)
    items, following = paging.keyset(query, e.id, args.get("cursor"), args["limit"], "e", descending=True)
    return {"items": items, "next": following}


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
