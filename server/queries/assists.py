"""Assists as staff read them: the joined select, the list filters, the area condition, pages and one record.

Review, duplicates and exports read through here, so a filter or a joined field is written once. Rows come back
as Assist objects with `outreach`, `owner` and `live` (how many live assists carry the KK number) loaded in the
same statement; the wire schemas dump them directly.
"""

import re

from sqlalchemy import and_, case, exists, func, select, true
from sqlalchemy.orm import contains_eager, joinedload, selectinload, with_expression

from server.extensions import db
from server.models import Assist, HouseholdCount, Outreach, ReviewEvent, User
from server.queries import outreaches, paging
from server.services import scope


def joined(user=None):
    """Return the select of assists with outreach, petugas and household count; `in_scope` is set for user."""
    query = (
        select(Assist)
        .join(Assist.outreach)
        .join(Assist.owner)
        .outerjoin(HouseholdCount, HouseholdCount.kk_number == Assist.kk_number)
        .options(
            contains_eager(Assist.outreach),
            contains_eager(Assist.owner),
            with_expression(Assist.live, HouseholdCount.live),
            with_expression(Assist.corrected, corrected()),
        )
    )
    if user is not None:
        inside = scope.under_scope(user, Assist.desa_code)
        query = query.options(with_expression(Assist.in_scope, true() if inside is None else inside))
    return query


def corrected():
    """Return the condition: the petugas sent a new version after a reviewer flagged this assist."""
    flagged = ReviewEvent.assist_id == Assist.id, ReviewEvent.to_state == "flagged"
    return exists().where(*flagged, ReviewEvent.assist_version < Assist.version)


def in_area(area):
    """Return the condition: the assist lies in this area (a desa, a kecamatan, or anything above)."""
    if area.level == 4:
        return Assist.desa_code == area.code
    if area.level == 3:
        return Assist.kecamatan_code == area.code
    return Assist.kecamatan_code.startswith(area.code + ".")


def filtered(query, area, args):
    """Add the list filters (area, desa, petugas, dates, outcome, state) to any select joining Outreach."""
    a = Assist
    query = outreaches.where_and_when(query.where(in_area(area)), a, args)
    if args.get("outcome"):
        query = query.where(a.outcome == args["outcome"])
    if args.get("outreach"):
        query = query.where(a.outreach_id == args["outreach"])
    if args.get("q"):
        query = query.where(_matches(args["q"]))
    if args.get("corrected"):
        query = query.where(corrected())
    state = args.get("state")
    if state == "voided":
        query = query.where(a.voided.is_(True))
    else:
        query = query.where(a.voided.is_(False))
        if state:
            query = query.where(a.review_state == state)
    return query


def _matches(text):
    """Return the search condition: a whole KK number (16 digits) exactly, anything else in the head's name."""
    text = text.strip()
    if _KK.fullmatch(text):
        return Assist.kk_number == text
    return Assist.head_name.icontains(text, autoescape=True)


_KK = re.compile(r"[0-9]{16}")


def listed(area, args):
    """Return the joined select of the review list: the shared filters plus "duplicated or not"."""
    query = filtered(joined(), area, args)
    if args.get("duplicate") is not None:
        duplicated = and_(HouseholdCount.live.is_not(None), HouseholdCount.live > 1)
        query = query.where(duplicated if args["duplicate"] else ~duplicated)
    return query


def page(area, args, limit):
    """Return (assists, next) of the review list, newest change first."""
    return paging.keyset(listed(area, args), Assist.change_seq, args.get("cursor"), limit, "r", descending=True)


def by_id(assist_id, refresh=False):
    """Return one assist with everything its detail shows (history, versions, same household), or None."""
    query = (
        joined()
        .where(Assist.id == assist_id)
        .options(
            joinedload(Assist.desa),
            selectinload(Assist.review_events).joinedload(ReviewEvent.actor),
            selectinload(Assist.versions),
            selectinload(Assist.same_household).options(joinedload(Assist.outreach), joinedload(Assist.owner)),
        )
    )
    if refresh:
        # After a write in this unit: read the stored values (and the recounted household) again.
        query = query.execution_options(populate_existing=True)
    return db.session.scalars(query).unique().first()


def duplicated_households(user, area, cursor, limit, typos=False):
    """Return (groups, next): households logged more than once with a live assist in the area, by KK number.

    Each group is (kk_number, its live assists anywhere, oldest first), read in one query for the whole page.
    `typos` picks the groups whose heads of household have different names (likely a mistyped KK number, not the
    same household twice) instead of those with one name (true duplicates).
    """
    names = (
        select(Assist.kk_number, func.count(func.distinct(func.lower(func.trim(Assist.head_name)))).label("n"))
        .join(HouseholdCount, HouseholdCount.kk_number == Assist.kk_number)
        .where(HouseholdCount.live > 1, Assist.voided.is_(False))
        .group_by(Assist.kk_number)
        .subquery()
    )
    kks = (
        select(HouseholdCount.kk_number)
        .join(Assist, Assist.kk_number == HouseholdCount.kk_number)
        .join(names, names.c.kk_number == HouseholdCount.kk_number)
        .where(HouseholdCount.live > 1, Assist.voided.is_(False), in_area(area))
        .where(names.c.n > 1 if typos else names.c.n == 1)
        .group_by(HouseholdCount.kk_number)
        .order_by(HouseholdCount.kk_number)
    )
    # By position, not by KK number: a cursor travels in URLs and access logs, and a KK number must not.
    numbers, following = paging.offset(kks, cursor, limit, "d")
    if not numbers:
        return [], following
    rows = db.session.scalars(
        joined(user)
        .where(Assist.kk_number.in_(numbers), Assist.voided.is_(False))
        .order_by(Assist.kk_number, Assist.received_at, Assist.id)
    ).all()
    groups = {kk: [] for kk in numbers}
    for assist in rows:
        groups[assist.kk_number].append(assist)
    return list(groups.items()), following


# Which outcome of a household wins when it was logged more than once (berhasil: no visit needed).
OUTCOME_ORDER = {"berhasil": 0, "sebagian": 1, "ditunda": 2, "gagal": 3}


def follow_up(area, args):
    """Return the select of the interview phase's list: one assist per household and desa (its best outcome, the
    latest first), with how many times it was logged; voided and rejected records are not households helped."""
    a = Assist
    best = best_per_household(area, args)
    query = joined().join(best, best.c.id == a.id)
    query = query.options(joinedload(a.desa), with_expression(a.times, best.c.times))
    return follow_up_order(follow_up_filtered(query, args))


def best_per_household(area, args):
    """Return the subquery (id, times) of each household's best assist in the area and its filters (desa, petugas,
    dates), and how many times the household was logged; the follow-up list and its export join it."""
    a, o = Assist, Outreach
    household = (a.desa_code, a.kk_number)
    best = case(*[(a.outcome == k, v) for k, v in OUTCOME_ORDER.items()], else_=9)
    ranked = select(
        a.id,
        func.row_number().over(partition_by=household, order_by=(best, o.date.desc(), a.id)).label("n"),
        func.count().over(partition_by=household).label("times"),
    ).join(o, o.id == a.outreach_id)
    ranked = filtered(ranked, area, {**args, "outcome": None, "state": None}).where(a.review_state != "rejected")
    ranked = ranked.subquery()
    return select(ranked.c.id, ranked.c.times).where(ranked.c.n == 1).subquery()


def follow_up_filtered(query, args):
    """Add the filters on the household's best outcome (an outcome, or whether to visit) to a select joining it."""
    a = Assist
    if args.get("outcome"):
        query = query.where(a.outcome == args["outcome"])
    if args.get("visit") is not None:
        query = query.where((a.outcome != "berhasil") if args["visit"] else (a.outcome == "berhasil"))
    return query


def follow_up_order(query):
    """Order the follow-up list as the interview phase walks it: by desa, then the head's name."""
    a = Assist
    return query.order_by(a.desa_code, a.head_name, a.kk_number)


def columns_joined(*columns):
    """Return a select of plain columns (an export's) over assists joined to their outreach and petugas."""
    return select(*columns).join(Outreach, Outreach.id == Assist.outreach_id).join(User, User.id == Assist.owner_id)
