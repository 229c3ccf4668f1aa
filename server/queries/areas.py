"""Areas with their census targets, as the targets screen reads them."""

from sqlalchemy import or_, select
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
    return list(db.session.scalars(select(Area).where(inside).order_by(Area.code)))
