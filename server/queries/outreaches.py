"""Outreaches as staff read them: the area condition, the list filters, and each event's households and persons.

The map, the outreaches export and the "kinds of place by yield" figures read through here.
"""

from sqlalchemy import false, func, select, true

from server.models import Area, Outreach, User


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
    # `= false`, not `IS FALSE`: PostgreSQL proves the map's partial index (ix_outreaches_gps_newest) only from it.
    return where_and_when(query.where(Outreach.voided == false(), in_area(area)), Outreach, args)


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
    """Return a select of outreach columns with the households and persons each helped (kept on the outreach by
    services/tally_cells.py), joined to its petugas; filter it with `filtered`."""
    return select(*columns, Outreach.households, Outreach.persons).join(User, User.id == Outreach.owner_id)


def located(area, args, limit):
    """Return the select of the area's newest `limit` outreaches that carry GPS, with what each helped.

    Outreach columns alone: names of desa and petugas are looked up for the few the points name (`names_of`), so
    the newest are picked from one narrow table (ix_outreaches_gps_newest), not from a join of every outreach.
    """
    o = Outreach
    columns = (o.id, o.date, o.place_kind, o.place_name, o.lat, o.lon, o.desa_code, o.owner_id, o.households, o.persons)
    return _with_gps(select(*columns), area, args).order_by(o.date.desc(), o.id.desc()).limit(limit)


def names_of(desa_codes, owner_ids):
    """Return the selects of the given desa's names (code, name) and petugas' display names (id, name)."""
    desa = select(Area.code, Area.name).where(Area.code.in_(sorted(desa_codes)))
    people = select(User.id, User.display_name).where(User.id.in_(sorted(owner_ids)))
    return desa, people


def count_located(area, args):
    """Return the select counting the area's outreaches with GPS (the map says when it shows only some)."""
    return _with_gps(select(func.count()).select_from(Outreach), area, args)


def _with_gps(query, area, args):
    return filtered(query, area, args).where(Outreach.lat.is_not(None), Outreach.lon.is_not(None))
