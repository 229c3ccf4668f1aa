"""Progress figures for coordinators and supervisors, read from tally_cells (kept exact by tally_cells.py)."""

from collections import defaultdict
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, literal, or_, select, true

from server import unit_of_work
from server.errors import Problem
from server.extensions import db
from server.models import Area, Device, Outreach, TallyCell, Target, User, UserArea
from server.models.record import OUTCOMES, PLACE_KINDS
from server.models.tally import MEASURES, STATUSES, SUMMARY, measure, summarize
from server.models.types import utcnow
from server.queries import areas as area_queries
from server.queries import outreaches as outreach_queries
from server.queries.areas import codes_in
from server.services import progress
from server.services.policy import resolve_area

# The tally_cells column holding the code of the areas of one level (a provinsi's is its kabupaten's prefix).
LEVEL_COLUMN = {
    1: func.substr(TallyCell.kabupaten_code, 1, 2),
    2: TallyCell.kabupaten_code,
    3: TallyCell.kecamatan_code,
    4: TallyCell.desa_code,
}
# How many levels down a ranking may reach (a provinsi's kecamatan, the country's kabupaten).
MAX_DEPTH = 2


def cell_filter(area):
    """Return the tally_cells condition selecting one area's cells."""
    if area.level == 0:
        return true()
    if area.level == 1:
        return TallyCell.kabupaten_code.startswith(area.code + ".")
    return LEVEL_COLUMN[area.level] == area.code


def tallies(user, args):
    """Return the total and the rows of one area grouped `by` a dimension, with targets, official progress and
    ranks."""
    unit_of_work.from_replica()
    area = resolve_area(user, args.get("area"), national=True)
    by = args["by"]
    level = args.get("level") or area.level + 1
    if by == "child" and area.level == 4:
        raise Problem("tally.no_children")
    if by == "child" and not area.level < level <= min(4, area.level + MAX_DEPTH):
        raise Problem("request.invalid", {"level": [f"Must be between {area.level + 1} and {area.level + 2}."]})
    if by == "enumerator" and area.level == 0:
        raise Problem("area.choose")
    group = {"enumerator": TallyCell.owner_id, "day": TallyCell.day, "place_kind": TallyCell.place_kind}
    column = LEVEL_COLUMN[level] if by == "child" else group.get(by)
    args = {**args, "level": level}
    where = _conditions(area, args)
    if args.get("state") or by == "outcome":
        # Outcome and state are column families, not keys: sum the forty detail columns and pick.
        statuses = [args["state"]] if args.get("state") else list(STATUSES)
        raw = _raw_sums(where, column, MEASURES)
        if by == "outcome":
            total = _add(raw.values())
            sums = {o: _pick(total, statuses, [o]) for o in OUTCOMES}
        else:
            sums = {key: _pick(values, statuses, OUTCOMES) for key, values in raw.items()}
    else:
        sums = _raw_sums(where, column, SUMMARY)
    rows, rank_by = _ROWS[by](area, sums, args)
    total = _figures(_add(sums.values()))
    _targets(total, _target_of([area.code]).get(area.code))
    # The country is not a row: its figures are its provinsi's (shown in the rows), never a published total.
    official = progress.figures([area.code], args.get("date_from"), args.get("date_to")) if area.level else {}
    _official(total, official.get(area.code, dict(progress.EMPTY)))
    standing = _standing(area, args) if by == "child" and area.level >= 1 else None
    return {
        "area": area,
        "by": by,
        "rank_by": rank_by,
        "as_of": utcnow(),
        "total": total,
        "rows": rows,
        "standing": standing,
    }


def _standing(area, args):
    """Return where an area stands among its parent's children by participation at the end of the range (as
    the provinsi office ranks its kabupaten): only the rank and counts, never the others' figures."""
    parent = Area.parent_code.is_(None) if area.parent_code is None else Area.parent_code == area.parent_code
    siblings = list(db.session.scalars(select(Area.code).where(parent)))
    targets = _target_of(siblings)
    official = progress.figures(siblings, None, args.get("date_to"))
    rows = []
    for code in siblings:
        row = {"key": code, "persons": 0}
        _targets(row, targets.get(code))
        _official(row, official[code])
        rows.append(row)
    ranked = _rank(rows, "participation")
    mine = next(r for r in ranked if r["key"] == area.code)
    if mine["rank"] is None:
        return None
    return {
        "rank": mine["rank"],
        "ranked": sum(r["rank"] is not None for r in ranked),
        "siblings": len(siblings),
        "parent_code": area.parent_code or "",
        "parent_name": db.session.get(Area, area.parent_code).name if area.parent_code else "Indonesia",
    }


def _conditions(area, args):
    where = [cell_filter(area)]
    if args.get("date_from"):
        where.append(TallyCell.day >= args["date_from"])
    if args.get("date_to"):
        where.append(TallyCell.day <= args["date_to"])
    return where


def _raw_sums(where, column, columns):
    """Return {group key: {column: sum}} with one GROUP BY over the cells (one row when column is None)."""
    sums = [func.sum(getattr(TallyCell, c)) for c in columns]
    query = select(column if column is not None else literal(None), *sums).where(*where)
    if column is not None:
        query = query.group_by(column)
    return {key: dict(zip(columns, values, strict=True)) for key, *values in db.session.execute(query) if any(values)}


def _pick(values, statuses, outcomes):
    """Return the summary figures of only some statuses and outcomes."""
    chosen = {measure(kind, o, s): values.get(measure(kind, o, s)) for kind in "hp" for o in outcomes for s in statuses}
    return summarize(chosen)


def _add(many):
    total = defaultdict(int)
    for s in many:
        for k, v in s.items():
            total[k] += v
    return total


def _figures(s, **extra):
    households = s.get("households", 0)
    return {
        **extra,
        "households": households,
        "persons": s.get("persons", 0),
        "successful": s.get("successful", 0),
        "success_rate": round(100 * s.get("successful", 0) / households, 1) if households else None,
        "excluded_households": s.get("excluded_households", 0),
        "excluded_persons": s.get("excluded_persons", 0),
    }


def _target_of(codes):
    """Return {code: (area_code, population, target_pct) row} (plain rows: a national ranking reads 514)."""
    query = select(Target.area_code, Target.population, Target.target_pct)
    return {row.area_code: row for row in db.session.execute(query.where(codes_in(Target.area_code, codes)))}


def _targets(row, target):
    """Add population, target and our own assisted persons against the target to a row."""
    if target is None:
        row.update(population=None, target_pct=None, target_persons=None, assisted_of_target_pct=None)
        return
    target_persons = round(target.population * float(target.target_pct) / 100)
    row.update(
        population=target.population,
        target_pct=float(target.target_pct),
        target_persons=target_persons,
        assisted_of_target_pct=round(100 * row["persons"] / target_persons, 1) if target_persons else None,
    )


def _official(row, figures):
    """Add the office's figures and what follows from them: participation against population and target, the
    gap to the target, and the jemput bola share (persons we assisted of those who took part)."""
    row.update(figures)
    total, population, target = figures["took_part_total"], row.get("population"), row.get("target_pct")
    participation = round(100 * total / population, 2) if total is not None and population else None
    took = figures["took_part"]
    row.update(
        participation_pct=participation,
        gap_pct=round(participation - target, 2) if participation is not None and target is not None else None,
        achievement_pct=round(100 * participation / target, 1) if participation is not None and target else None,
        share_pct=round(100 * row["persons"] / took, 1) if took and took > 0 else None,
    )


def _rank(rows, measure):
    """Give rows a competition rank (1, 2, 2, 4) by a measure, highest first; rows without it (no official
    figure, no target) get no rank and come last. Rows are returned in rank order."""
    key = _RANK_KEYS[measure]
    keyed = [(key(r), r) for r in rows]
    ranked = sorted((kr for kr in keyed if kr[0] is not None), key=lambda kr: kr[0], reverse=True)
    previous, rank = None, 0
    for i, (value, row) in enumerate(ranked, start=1):
        if value != previous:
            rank, previous = i, value
        row["rank"] = rank
    unranked = [row for value, row in keyed if value is None]
    for row in unranked:
        row["rank"] = None
    return [row for _, row in ranked] + unranked


def _child_rows(area, sums, args):
    children = area_queries.below(area, args["level"] - area.level)
    codes = [c.code for c in children]
    targets = _target_of(codes)
    official = progress.figures(codes, args.get("date_from"), args.get("date_to"))
    rows = []
    for child in children:
        row = _figures(sums.get(child.code, {}), key=child.code, label=child.name)
        _targets(row, targets.get(child.code))
        _official(row, official[child.code])
        rows.append(row)
    measure = args.get("rank_by")
    if measure is None:
        # The offices rank by participation; until they publish, by what we did ourselves.
        measure = "participation" if any(r["participation_pct"] is not None for r in rows) else "households"
    return _rank(rows, measure), measure


def _enumerator_rows(area, sums, args):
    people = {u.id: u for u in _enumerators_in(area)}
    missing = [k for k in sums if k not in people]
    if missing:
        # Someone who worked here and was moved since still counts here.
        people.update({u.id: u for u in db.session.scalars(select(User).where(User.id.in_(missing)))})
    devices = latest_devices(people)
    kecamatan = _kecamatan_of(people)
    rows = []
    for uid, user in people.items():
        row = _figures(sums.get(uid, {}), key=str(uid), label=user.display_name, username=user.username)
        row.update(device_fields(devices.get(uid)), phone=user.phone)
        row.update(kecamatan.get(uid, {"kecamatan_code": None, "kecamatan_name": None}))
        rows.append(row)
    measure = args.get("rank_by") or "households"
    return _rank(rows, measure), measure


def _kecamatan_of(users):
    """Return {user id: {kecamatan_code, kecamatan_name}} of each petugas' first assigned desa (one query)."""
    kec = func.substr(UserArea.area_code, 1, 8)
    query = (
        select(UserArea.user_id, Area.code, Area.name)
        .join(Area, Area.code == kec)
        .where(UserArea.user_id.in_(list(users)))
        .order_by(UserArea.user_id, UserArea.area_code)
    )
    found = {}
    for uid, code, name in db.session.execute(query):
        found.setdefault(uid, {"kecamatan_code": code, "kecamatan_name": name})
    return found


def _day_rows(area, sums, args):
    published = [r.day for r in progress.series(area.code, args.get("date_to") or utcnow().date())]
    start, end = day_span(sorted({*sums, *published}), args.get("date_from"), args.get("date_to"))
    rows, cumulative, day = [], 0, start
    official = progress.daily(area.code, start, end) if start is not None else {}
    target = _target_of([area.code]).get(area.code)
    # Every day of the span, worked or not, so the chart's line has no gaps.
    while day is not None and day <= end:
        row = _figures(sums.get(day, {}), key=day.isoformat(), label=day.isoformat())
        cumulative += row["persons"]
        total, gained = official.get(day, (None, None))
        row.update(cumulative_persons=cumulative, rank=None, took_part=gained, took_part_total=total)
        if total is not None and target is not None and target.population:
            row["participation_pct"] = round(100 * total / target.population, 2)
        rows.append(row)
        day += timedelta(days=1)
    return rows, None


def day_span(days, date_from, date_to):
    """Return the (start, end) days a by-day listing covers: the asked range, else the days with data; never
    outside the census window, never more than MAX_RANGE_DAYS (without a range, the latest days are kept)."""
    cfg = current_app.config
    first = date_from or (days[0] if days else None)
    last = date_to or (days[-1] if days else None)
    if first is None and last is None:
        return None, None
    first, last = first or last, last or first
    last = max(last, first)  # `from` after the last data: that day, empty
    first = max(first, cfg["CENSUS_DATE_FROM"])
    last = min(last, cfg["CENSUS_DATE_TO"], utcnow().date() + timedelta(days=1))
    if last < first:
        return None, None
    longest = cfg["MAX_RANGE_DAYS"]
    if date_from and date_to and (last - first).days >= longest:
        raise Problem("request.invalid", {"to": [f"At most {longest} days from from."]})
    return max(first, last - timedelta(days=longest - 1)), last


def _code_rows(codes, events=None):
    """Return the row builder of a fixed code list (kinds of place, outcomes), with each row's share of the
    households and, for kinds of place, the yield per outreach event (the office's "which place works best")."""

    def build(area, sums, args):
        rows = [_figures(sums.get(code, {}), key=code, label=code) for code in codes]
        households = sum(r["households"] for r in rows)
        counted = events(area, args) if events else None
        for row in rows:
            row["households_share_pct"] = round(100 * row["households"] / households, 1) if households else None
            if counted is not None:
                n = row["events"] = counted.get(row["key"], 0)
                row["households_per_event"] = round(row["households"] / n, 1) if n else None
                row["persons_per_event"] = round(row["persons"] / n, 1) if n else None
        allowed = ("persons", "households", "yield") if events else ("persons", "households")
        measure = args.get("rank_by") if args.get("rank_by") in allowed else "households"
        return _rank(rows, measure), measure

    return build


def _events_by_kind(area, args):
    """Return {place kind: outreach events} of the area in the date range (voided outreaches left out)."""
    query = select(Outreach.place_kind, func.count()).group_by(Outreach.place_kind)
    return dict(db.session.execute(outreach_queries.filtered(query, area, args)).all())


def _then(field, *more):
    """Return a ranking key: field (None when missing: the row is not ranked), ties broken by the others."""
    return lambda r: None if r.get(field) is None else (r[field], *(r.get(m) or 0 for m in more))


# What rows can be ranked by (the measures the offices report, and our own work).
_RANK_KEYS = {
    "participation": _then("participation_pct", "took_part_total"),
    "took_part": _then("took_part", "took_part_total"),
    "achievement": _then("achievement_pct", "participation_pct"),
    "share": _then("share_pct", "persons"),
    "persons": _then("persons", "households"),
    "households": _then("households", "persons"),
    "yield": _then("households_per_event", "households"),
}
RANK_MEASURES = tuple(_RANK_KEYS)

_ROWS = {
    "child": _child_rows,
    "enumerator": _enumerator_rows,
    "day": _day_rows,
    "place_kind": _code_rows(PLACE_KINDS, _events_by_kind),
    "outcome": _code_rows(OUTCOMES),
}


def _enumerators_in(area):
    """Return the petugas assigned to a desa inside the area (or to the area itself)."""
    prefix = area.code + "."
    query = (
        select(User)
        .join(UserArea, UserArea.user_id == User.id)
        .where(User.role == "enumerator", or_(UserArea.area_code == area.code, UserArea.area_code.startswith(prefix)))
        .distinct()
        .order_by(User.id)
    )
    return db.session.scalars(query).all()


def latest_devices(users):
    """Return {user id: the device that synced last} for the given users."""
    if not users:
        return {}
    devices = db.session.scalars(select(Device).where(Device.user_id.in_(list(users))))
    latest = {}
    for d in devices:
        best = latest.get(d.user_id)
        if best is None or (d.last_sync_at or d.created_at) > (best.last_sync_at or best.created_at):
            latest[d.user_id] = d
    return latest


def device_fields(device):
    """Return what a coordinator sees of a petugas' phone, and whether it has gone silent."""
    if device is None:
        return {"last_sync_at": None, "app_version": None, "pending_count": None, "silent": "never_synced"}
    return {
        "last_sync_at": device.last_sync_at,
        "app_version": device.app_version,
        "pending_count": device.pending_count,
        "silent": silence(device),
    }


def silence(device, now=None):
    """Return why a phone counts as silent (None when it does not): no sync for long, or stale pending."""
    now = now or utcnow()
    cfg = current_app.config
    if device.revoked_at is not None:
        return None
    if device.last_sync_at is None:
        return "never_synced"
    age = now - device.last_sync_at
    if age > timedelta(hours=cfg["SILENT_AFTER_HOURS"]):
        return "no_sync"
    if device.pending_count and age > timedelta(hours=cfg["SILENT_PENDING_HOURS"]):
        return "pending_stale"
    return None
