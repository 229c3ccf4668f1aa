"""Census targets per area: population, households and the participation % to reach; edited and imported."""

from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from server import unit_of_work
from server.extensions import db
from server.models import Target
from server.models.types import utcnow
from server.queries import areas
from server.services import csv_import, policy, scope
from server.services.audit import record_event
from server.services.policy import resolve_area

COLUMNS = ("area_code", "population", "households", "target_pct")
# The template adds each area's name, for the person filling it in; the import reads past it.
TEMPLATE_COLUMNS = ("area_code", "name", "population", "households", "target_pct")


def list_targets(actor, code):
    """Return an area and its children, each with its target (or none yet)."""
    area = resolve_area(actor, code, "targets.manage", national=True)
    return {"area": area, "rows": areas.with_targets(area.code)}


def set_target(actor, code, values):
    """Set one area's target; audited with the old and new figures."""
    unit_of_work.writes()
    area = resolve_area(actor, code, "targets.manage")
    target = db.session.get(Target, area.code)
    before = _figures(target)
    target = _apply(target, area.code, values)
    record_event("target.updated", actor, "area", area.code, before=before, after=_figures(target))
    db.session.flush()
    return areas.with_targets(area.code, children=False)[0]


def import_targets(actor, text, dry_run):
    """Check every row of a targets CSV; unless dry_run and only if all rows are valid, save them all."""
    unit_of_work.writes()
    policy.require(actor, "targets.manage")
    rows = csv_import.read_rows(text, TEMPLATE_COLUMNS, COLUMNS)
    known = scope.areas_by_code({row.get("area_code", "") for _, row in rows})
    seen = {}

    def check(line, row):
        errors, values = {}, {}
        code = row.get("area_code", "")
        if code not in known:
            errors["area_code"] = ["Area not found."]
        elif not scope.area_in_scope(actor, code):
            errors["area_code"] = ["Outside what your role may assign."]
        elif repeat := csv_import.first_seen(seen, code, line):
            errors["area_code"] = repeat
        for name in ("population", "households"):
            number = csv_import.whole_number(row.get(name, ""))
            if number is None:
                errors[name] = ["Not a valid integer."]
            values[name] = number
        values["target_pct"] = _percent(row.get("target_pct", ""))
        if values["target_pct"] is None:
            errors["target_pct"] = ["Must be greater than or equal to 0 and less than or equal to 100."]
        return (code, values), errors

    checked = csv_import.check_rows(rows, check)
    existing = {t.area_code: t for t in db.session.scalars(select(Target).where(Target.area_code.in_(list(known))))}
    report = {"dry_run": dry_run, "rows": len(checked), "created": 0, "updated": 0}
    for code, _ in checked:
        report["updated" if code in existing else "created"] += 1
    if dry_run:
        return report
    for code, values in checked:
        _apply(existing.get(code), code, values)
    record_event("target.imported", actor, None, None, rows=len(checked), created=report["created"])
    return report


def _apply(target, code, values):
    if target is None:
        target = Target(area_code=code, population=0, households=0, target_pct=0)
        db.session.add(target)
    target.population = values["population"]
    target.households = values["households"]
    target.target_pct = values["target_pct"]
    target.is_demo = False
    target.updated_at = utcnow()
    return target


def _figures(target):
    if target is None:
        return None
    return {"population": target.population, "households": target.households, "target_pct": float(target.target_pct)}


def _percent(text):
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value if 0 <= value <= 100 and value == value.quantize(Decimal("0.01")) else None
