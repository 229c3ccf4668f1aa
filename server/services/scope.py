"""Who may see and touch which area: roles and area scopes, decided from the session, never the payload."""

from sqlalchemy import or_, select

from server.errors import Problem
from server.extensions import db
from server.models import Area


def require_role(user, roles):
    """Raise 403 unless the user's role is one of roles."""
    if user.role not in roles:
        raise Problem("auth.forbidden")


def area_in_scope(user, code):
    """Return whether an area code lies inside (or is) one of the user's assigned areas."""
    if user.role == "admin":
        return True
    return any(code == c or code.startswith(c + ".") for c in user.area_codes)


def scope_desa(user):
    """Return the desa the user may work in, ordered by code."""
    query = select(Area).where(Area.level == 4)
    if user.role != "admin":
        codes = user.area_codes
        if not codes:
            return []
        query = query.where(or_(Area.code.in_(codes), *[Area.code.startswith(c + ".") for c in codes]))
    return list(db.session.scalars(query.order_by(Area.code)))


def areas_by_code(codes):
    """Return {code: Area} for the given codes."""
    if not codes:
        return {}
    return {a.code: a for a in db.session.scalars(select(Area).where(Area.code.in_(list(codes))))}
