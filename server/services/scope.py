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
    inside = under_scope(user, Area.code)
    if inside is not None:
        query = query.where(inside)
    return list(db.session.scalars(query.order_by(Area.code)))


def areas_by_code(codes):
    """Return {code: Area} for the given codes."""
    if not codes:
        return {}
    return {a.code: a for a in db.session.scalars(select(Area).where(Area.code.in_(list(codes))))}


# Who runs the administration: a supervisor within their kabupaten, an admin everywhere.
MANAGER_ROLES = ("supervisor", "admin")
# The roles a supervisor may give; only an admin creates supervisors and admins.
SUPERVISED_ROLES = ("enumerator", "coordinator")


def may_assign(actor, role, area_codes):
    """Return whether actor may give an account this role and these areas."""
    if actor.role == "admin":
        return True
    return actor.role == "supervisor" and role in SUPERVISED_ROLES and all(area_in_scope(actor, c) for c in area_codes)


def may_manage(actor, user):
    """Return whether actor may change this account (never a supervisor's own, nor one reaching outside)."""
    if actor.role == "admin":
        return True
    return user.id != actor.id and bool(user.area_codes) and may_assign(actor, user.role, user.area_codes)


def under_scope(user, column):
    """Return a SQL condition: column (an area code) lies in the user's areas; None for an admin."""
    if user.role == "admin":
        return None
    codes = user.area_codes
    return or_(column.in_(codes), *[column.startswith(c + ".") for c in codes]) if codes else column.is_(None)
