"""The census office's official progress (people who took part, e.g. in SP Online): imported, rolled up, read.

An office publishes cumulative counts per area and date. Re-importing a date replaces the figures of that date
for every area that shares a parent with the file's rows (the office's table of its kecamatan, say), so a
corrected table also removes a row published by mistake. An area without figures of its own gets the sum of
its children, but only on days every child has a figure: a partial sum is never shown as a total.
"""

from collections import defaultdict
from datetime import timedelta

from flask import current_app
from sqlalchemy import and_, delete, func, insert, or_, select, text

from server import unit_of_work
from server.extensions import db
from server.models import Area, OfficialProgress
from server.models.types import utcnow
from server.queries import areas as area_queries
from server.services import csv_import, policy, scope
from server.services.areas import dotted
from server.services.audit import record_event

# `name` is for the person filling the file in (the template lists it); the code decides.
COLUMNS = ("area_code", "name", "date", "persons", "households")
REQUIRED = ("area_code", "date", "persons")
# The class of the advisory lock that puts imports in a row: each rewrites the sums of the areas above it.
_IMPORT_LOCK = 0x4A44
_CHUNK = 500


def import_file(actor, upload, dry_run):
    """Check every row of a progress file (CSV or XLSX); unless dry_run and only if all are valid, save them."""
    return import_rows(actor, csv_import.read_rows(upload, COLUMNS, REQUIRED), dry_run)


def import_items(actor, items, dry_run):
    """Import rows sent as JSON (checked by the schema's types); the same checks and replacement as a file."""
    rows = [
        (
            n,
            {
                "area_code": item["area_code"],
                "date": item["date"].isoformat(),
                "persons": str(item["persons"]),
                "households": "" if item["households"] is None else str(item["households"]),
            },
        )
        for n, item in enumerate(items, start=1)
    ]
    return import_rows(actor, rows, dry_run)


def import_rows(actor, rows, dry_run):
    """Check [(line, {column: text})]; unless dry_run and only if all are valid, replace their dates' figures."""
    unit_of_work.writes()
    policy.require(actor, "progress.import")
    for _, row in rows:
        row["area_code"] = dotted(row.get("area_code", ""))
    known = scope.areas_by_code({row["area_code"] for _, row in rows})
    checked = csv_import.check_rows(rows, _checker(actor, known))
    groups = {(values["day"], values["parent_code"]) for values in checked}
    existing = _existing(groups)
    incoming = {(v["area_code"], v["day"]) for v in checked}
    report = {
        "dry_run": dry_run,
        "rows": len(checked),
        "created": len(incoming - existing),
        "updated": len(incoming & existing),
        "removed": len(existing - incoming),
    }
    if dry_run:
        return report
    unit_of_work.exclusive(_IMPORT_LOCK)
    _replace(groups, checked)
    rollup({code for code, _ in existing | incoming})
    days = sorted({v["day"] for v in checked})
    record_event(
        "progress.imported",
        actor,
        None,
        None,
        rows=len(checked),
        removed=report["removed"],
        date_from=days[0].isoformat(),
        date_to=days[-1].isoformat(),
    )
    return report


def _checker(actor, known):
    cfg, seen = current_app.config, {}
    latest = utcnow().date() + timedelta(days=1)  # the office's date may be a timezone ahead of UTC

    def check(line, row):
        errors, code = {}, row["area_code"]
        area = known.get(code)
        if area is None or not scope.area_in_scope(actor, code):
            errors["area_code"] = ["Area not found."]
        day = csv_import.day(row.get("date", ""))
        if day is None:
            errors["date"] = ["Not a valid date (YYYY-MM-DD)."]
        elif not cfg["CENSUS_DATE_FROM"] <= day <= min(cfg["CENSUS_DATE_TO"], latest):
            errors["date"] = ["Outside the census period, or in the future."]
        elif not errors and (repeat := csv_import.first_seen(seen, (code, day), line)):
            errors["date"] = repeat
        persons = csv_import.whole_number(row.get("persons", ""))
        if persons is None:
            errors["persons"] = ["Not a valid integer."]
        households = row.get("households", "")
        households = csv_import.whole_number(households) if households else None
        if row.get("households") and households is None:
            errors["households"] = ["Not a valid integer."]
        values = {
            "area_code": code,
            "day": day,
            "level": area.level if area else None,
            "parent_code": area.parent_code if area else None,
            "persons": persons,
            "households": households,
        }
        return values, errors

    return check


def _group_filter(groups):
    """Return the condition selecting the imported rows of the given (day, parent code) groups."""
    return or_(
        *[
            and_(OfficialProgress.day == day, OfficialProgress.parent_code.is_(parent))
            if parent is None
            else and_(OfficialProgress.day == day, OfficialProgress.parent_code == parent)
            for day, parent in groups
        ]
    )


def _group_chunks(groups):
    """Yield the (day, parent code) groups in a fixed order, a chunk at a time (bounded statements)."""
    groups = sorted(groups, key=lambda g: (g[0], g[1] or ""))
    for start in range(0, len(groups), _CHUNK):
        yield groups[start : start + _CHUNK]


def _existing(groups):
    """Return {(area code, day)} of the imported rows the file's groups would replace."""
    found = set()
    for chunk in _group_chunks(groups):
        where = _group_filter(chunk)
        query = select(OfficialProgress.area_code, OfficialProgress.day).where(~OfficialProgress.derived, where)
        found.update(tuple(row) for row in db.session.execute(query))
    return found


def _replace(groups, checked):
    for chunk in _group_chunks(groups):
        db.session.execute(delete(OfficialProgress).where(_group_filter(chunk)))
    own = sorted({v["area_code"] for v in checked})
    # An area with figures of its own no longer shows the sum of its children.
    for start in range(0, len(own), _CHUNK):
        chunk = own[start : start + _CHUNK]
        db.session.execute(
            delete(OfficialProgress).where(OfficialProgress.derived, OfficialProgress.area_code.in_(chunk))
        )
    now = utcnow()
    db.session.execute(
        insert(OfficialProgress), [{**v, "derived": False, "is_demo": False, "updated_at": now} for v in checked]
    )


def overview(actor, code, day):
    """Return an area, the days its children have figures on, and each child's latest figure on or before day."""
    area = policy.resolve_area(actor, code, "figures.view", national=True)
    day = day or utcnow().date()
    children = area_queries.below(area)
    found = latest(day, [c.code for c in children])
    own = latest(day, [area.code]).get(area.code)
    inside = OfficialProgress.level == 1 if area.level == 0 else OfficialProgress.parent_code == area.code
    days = db.session.scalars(
        select(OfficialProgress.day).where(inside).distinct().order_by(OfficialProgress.day.desc()).limit(400)
    )
    return {
        "area": area,
        "day": day,
        "days": list(days),
        "total": _row(area, own),
        "rows": [_row(child, found.get(child.code)) for child in children],
    }


def _row(area, figure):
    return {
        "code": area.code,
        "name": area.name,
        "level": area.level,
        "day": figure and figure.day,
        "persons": figure and figure.persons,
        "households": figure and figure.households,
        "derived": figure and figure.derived,
    }


def rollup(codes):
    """Rewrite the sums of the given areas (those without figures of their own) and of every area above them."""
    todo = defaultdict(set)
    for code in codes:
        parts = code.split(".")
        for depth in range(1, len(parts) + 1):
            todo[depth].add(".".join(parts[:depth]))
    for level in (3, 2, 1):  # a desa has no children to sum
        _sum_children(sorted(todo[level]))


def _sum_children(parents):
    for start in range(0, len(parents), _CHUNK):
        chunk = parents[start : start + _CHUNK]
        own = set(
            db.session.scalars(
                select(OfficialProgress.area_code)
                .where(OfficialProgress.area_code.in_(chunk), ~OfficialProgress.derived)
                .distinct()
            )
        )
        chunk = [code for code in chunk if code not in own]
        if not chunk:
            continue
        db.session.execute(
            delete(OfficialProgress).where(OfficialProgress.derived, OfficialProgress.area_code.in_(chunk))
        )
        children = defaultdict(int)
        for parent, count in db.session.execute(
            select(Area.parent_code, func.count()).where(Area.parent_code.in_(chunk)).group_by(Area.parent_code)
        ):
            children[parent] = count
        query = (
            select(OfficialProgress)
            .where(OfficialProgress.parent_code.in_(chunk))
            .order_by(OfficialProgress.parent_code, OfficialProgress.day)
        )
        series = defaultdict(list)
        for row in db.session.scalars(query):
            series[row.parent_code].append(row)
        rows = [s for parent, items in series.items() for s in _sums(parent, items, children[parent])]
        if rows:
            db.session.execute(insert(OfficialProgress), rows)


def _sums(parent, items, children):
    """Return the derived rows of one parent from its children's rows (sorted by day)."""
    latest, out, now = {}, [], utcnow()
    level = parent.count(".") + 1
    by_day = defaultdict(list)
    for row in items:
        by_day[row.day].append(row)
    for day in sorted(by_day):
        latest.update((row.area_code, row) for row in by_day[day])
        if len(latest) < children:
            continue
        households = [r.households for r in latest.values()]
        out.append(
            {
                "area_code": parent,
                "day": day,
                "level": level,
                "parent_code": parent.rpartition(".")[0] or None,
                "persons": sum(r.persons for r in latest.values()),
                "households": None if None in households else sum(households),
                "derived": True,
                "is_demo": all(r.is_demo for r in latest.values()),
                "updated_at": now,
            }
        )
    return out


_COLUMNS = (
    OfficialProgress.area_code,
    OfficialProgress.day,
    OfficialProgress.persons,
    OfficialProgress.households,
    OfficialProgress.derived,
    OfficialProgress.is_demo,
)
# PostgreSQL: one backward index probe per area (514 for the country's kabupaten), not every day of each.
_LATEST_PG = text(
    """SELECT p.area_code, p.day, p.persons, p.households, p.derived, p.is_demo
    FROM unnest(CAST(:codes AS text[])) AS c(code)
    CROSS JOIN LATERAL (SELECT * FROM official_progress o WHERE o.area_code = c.code AND o.day <= :day
                        ORDER BY o.day DESC LIMIT 1) p"""
)


def latest(day, codes):
    """Return {area code: row} of each area's latest figure on or before day (areas without one are absent)."""
    codes = sorted(codes)
    if not codes:
        return {}
    if db.session.get_bind().dialect.name == "postgresql":
        return {row.area_code: row for row in db.session.execute(_LATEST_PG, {"codes": codes, "day": day})}
    found, p = {}, OfficialProgress
    for start in range(0, len(codes), _CHUNK):
        where = (p.day <= day, p.area_code.in_(codes[start : start + _CHUNK]))
        newest = select(p.area_code, func.max(p.day).label("day")).where(*where).group_by(p.area_code).subquery()
        query = select(*_COLUMNS).where(*where)
        query = query.join(newest, and_(p.area_code == newest.c.area_code, p.day == newest.c.day))
        found.update((row.area_code, row) for row in db.session.execute(query))
    return found


def figures(codes, date_from, date_to):
    """Return {code: official figures of the range} for the given areas (None where the office has none).

    took_part counts who took part within the range (the figure at its end less the one before it starts);
    took_part_total everyone up to its end. Where the office published nothing inside the range, or nothing
    before it to subtract, the range's count is unknown (None), never taken as zero.
    """
    start = current_app.config["CENSUS_DATE_FROM"]
    end_day = date_to or utcnow().date()
    ends = latest(end_day, codes)
    from_start = date_from is None or date_from <= start
    bases = {} if from_start else latest(date_from - timedelta(days=1), list(ends))
    out = {}
    for code in codes:
        end = ends.get(code)
        if end is None:
            out[code] = dict(EMPTY)
            continue
        base = None if from_start else bases.get(code)
        if from_start:
            took, took_households = end.persons, end.households
        elif end.day < date_from or base is None:
            took = took_households = None
        else:
            took = end.persons - base.persons
            took_households = None if None in (end.households, base.households) else end.households - base.households
        out[code] = {
            "took_part": took,
            "took_part_households": took_households,
            "took_part_total": end.persons,
            "official_as_of": end.day,
        }
    return out


EMPTY = {"took_part": None, "took_part_households": None, "took_part_total": None, "official_as_of": None}


def daily(code, first, last):
    """Return {day: (cumulative persons as of that day, persons taking part that day or None)} for a span."""
    rows = series(code, last)
    out, figure, previous = {}, None, None
    i, day = 0, first
    while i < len(rows) and rows[i].day < first:
        figure = rows[i]
        i += 1
    while day <= last:
        published = i < len(rows) and rows[i].day == day
        if published:
            previous, figure = figure, rows[i]
            i += 1
        total = figure.persons if figure else None
        # A day's own count is known only when the office published that day and the day before it.
        gained = None
        if published and previous is not None and previous.day == day - timedelta(days=1):
            gained = figure.persons - previous.persons
        elif published and day == current_app.config["CENSUS_DATE_FROM"]:
            gained = figure.persons
        out[day] = (total, gained)
        day += timedelta(days=1)
    return out


def series(code, last):
    """Return the area's figures up to `last`, oldest first."""
    query = (
        select(OfficialProgress)
        .where(OfficialProgress.area_code == code, OfficialProgress.day <= last)
        .order_by(OfficialProgress.day)
    )
    return list(db.session.scalars(query))
