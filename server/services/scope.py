"""Which areas a user works in (their scope), decided from the session, never the payload; roles: policy.py."""

from sqlalchemy import or_, select

from server.extensions import db
from server.models import Area


def area_in_scope(user, code):
    """Return whether an area code lies inside (or is) one of the user's assigned areas."""
    if user.role == "admin":
        return True
    return any(code == c or code.startswith(c + ".") for c in user.area_codes)


def scope_desa(user):
    """Return the desa the user may work in, ordered by code."""
    query = select(Area).where(Area.level == 4)
    inside = under_scope(user, Area.code)
    if inside is not None:
        query = query.where(inside)
    return list(db.session.scalars(query.order_by(Area.code)))


def areas_by_code(codes):
    """Return {code: Area} for the given codes."""
    if not codes:
        return {}
    return {a.code: a for a in db.session.scalars(select(Area).where(Area.code.in_(list(codes))))}


def under_scope(user, column):
    """Return a SQL condition: column (an area code) lies in the user's areas; None for an admin."""
    if user.role == "admin":
        return None
    codes = user.area_codes
    return or_(column.in_(codes), *[column.startswith(c + ".") for c in codes]) if codes else column.is_(None)
