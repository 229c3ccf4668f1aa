"""Outreaches as staff read them: the area condition, the list filters, and each event's households and persons.

The map, the outreaches export and the "kinds of place by yield" figures read through here.
"""

from sqlalchemy import and_, case, func, select, true

from server.models import Area, Assist, Outreach, User


def in_area(area):
    """Return the condition: the outreach lies in this area (a desa, a kecamatan, anything above, the country)."""
    if area.level == 4:
        return Outreach.desa_code == area.code
    if area.level == 3:
        return Outreach.kecamatan_code == area.code
    if area.level == 0:
        return true()
    return Outreach.kecamatan_code.startswith(area.code + ".")


def filtered(query, area, args):
    """Add the area, desa, petugas and date filters (voided outreaches left out) to a select over outreaches."""
    return where_and_when(query.where(Outreach.voided.is_(False), in_area(area)), Outreach, args)


def where_and_when(query, record, args):
    """Add the desa, petugas and outreach-date filters to a select over records (assists or outreaches) that
    joins Outreach."""
    if args.get("desa"):
        query = query.where(record.desa_code == args["desa"])
    if args.get("enumerator"):
        query = query.where(record.owner_id == args["enumerator"])
    if args.get("date_from"):
        query = query.where(Outreach.date >= args["date_from"])
    if args.get("date_to"):
        query = query.where(Outreach.date <= args["date_to"])
    return query


def with_yield(*columns):
    """Return a select of outreach columns with the households and persons each helped (voided and rejected
    assists not counted), joined to its petugas, grouped by the columns; filter it with `filtered`."""
    a, o = Assist, Outreach
    counted = and_(a.voided.is_(False), a.review_state != "rejected")
    return (
        select(
            *columns,
            func.coalesce(func.sum(case((counted, 1), else_=0)), 0).label("households"),
            func.coalesce(func.sum(case((counted, a.members), else_=0)), 0).label("persons"),
        )
        .join(User, User.id == o.owner_id)
        .outerjoin(a, a.outreach_id == o.id)
        .group_by(*columns)
    )


def located(area, args, limit):
    """Return the select of the area's newest `limit` outreaches that carry GPS, with what each helped."""
    o = Outreach
    # The newest first, then the households of those alone: never an aggregate over every outreach's assists.
    newest = filtered(select(o.id), area, args).where(o.lat.is_not(None), o.lon.is_not(None))
    newest = newest.order_by(o.date.desc(), o.id).limit(limit).subquery()
    columns = (
        o.id,
        o.date,
        o.place_kind,
        o.place_name,
        o.lat,
        o.lon,
        o.desa_code,
        Area.name.label("desa_name"),
        User.display_name.label("enumerator"),
    )
    query = with_yield(*columns).join(newest, newest.c.id == o.id).join(Area, Area.code == o.desa_code)
    return query.order_by(o.date.desc(), o.id)


def count_located(area, args):
    """Return the select counting the area's outreaches with GPS (the map says when it shows only some)."""
    o = Outreach
    query = select(func.count()).select_from(o)
    return filtered(query, area, args).where(o.lat.is_not(None), o.lon.is_not(None))
