"""Areas with their census targets, as the targets screen reads them."""

from sqlalchemy import String, any_, cast, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import selectinload

from server.extensions import db
from server.models import Area


def with_targets(code, children=True):
    """Return the area (first; the country has no row) and, unless children is False, its children, each with
    its target loaded."""
    if code == "":  # the country: its provinsi
        where = Area.parent_code.is_(None)
    else:
        where = or_(Area.code == code, Area.parent_code == code) if children else Area.code == code
    # The area's code sorts before its children's (35.09 < 35.09.01); populate_existing reads a target just set.
    query = select(Area).where(where).options(selectinload(Area.target)).order_by(Area.code)
    return list(db.session.scalars(query.execution_options(populate_existing=True)))


def below(area, depth=1):
    """Return the areas `depth` levels below an area (its children, or theirs), by code; the country's are the
    provinsi."""
    inside = Area.parent_code.is_(None) if area.level == 0 else Area.parent_code == area.code
    for _ in range(depth - 1):
        inside = Area.parent_code.in_(select(Area.code).where(inside))
    # Plain rows (code, name, level, parent_code): a national ranking reads 514 of them.
    query = select(Area.code, Area.name, Area.level, Area.parent_code).where(inside).order_by(Area.code)
    return list(db.session.execute(query))


def codes_in(column, codes):
    """Return the condition column IN codes: on PostgreSQL one array parameter (hundreds of codes, a national
    ranking's, would otherwise be hundreds of parameters to bind and plan)."""
    codes = sorted(codes)
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(cast(codes, ARRAY(String)))
    return column.in_(codes)
