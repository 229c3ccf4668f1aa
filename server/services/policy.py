"""The one permission table: which role may do what, and where. Services ask `require` before any lock.

Where a role may act is its area scope (services/scope.py): an action on an area outside it is refused as if
the area did not exist (404), so a refusal never tells what lies beyond one's scope.
"""

from flask import current_app

from server.errors import Problem
from server.extensions import db
from server.models import Area
from server.models import area as area_model
from server.models.user import ROLES
from server.services import scope

STAFF = frozenset({"coordinator", "supervisor", "province_supervisor", "admin"})
REVIEWERS = frozenset({"coordinator", "supervisor", "admin"})
MANAGERS = frozenset({"supervisor", "admin"})
# Those who answer for a kabupaten or a provinsi: targets, the office's official figures, the audit log.
OVERSEERS = frozenset({"supervisor", "province_supervisor", "admin"})
# The roles a supervisor may give; only an admin creates supervisors and admins.
SUPERVISED = ("enumerator", "coordinator")

TABLE = {
    "records.log": frozenset({"enumerator", "coordinator"}),  # upload households helped, from a phone
    "figures.view": STAFF,  # tallies, rankings, the daily report, silent phones
    "review.view": STAFF,  # the review list, one record, duplicates
    "review.decide": REVIEWERS,  # approve / flag / reject, bulk approve, void a duplicate (a provinsi only looks)
    "exports.create": STAFF,
    "exports.unmask": None,  # EXPORT_UNMASK_ROLES, configured per deployment
    "users.manage": MANAGERS,  # accounts, their phones and sign-in codes, the users import
    "targets.manage": OVERSEERS,
    "progress.import": OVERSEERS,  # the census office's own figures (e.g. SP Online), per area and date
    "audit.view": STAFF,  # a coordinator: the people of their kecamatan; a supervisor: of their kabupaten
}


def _roles(action):
    roles = TABLE[action]
    return current_app.config["EXPORT_UNMASK_ROLES"] if roles is None else roles


def can(user, action, area=None):
    """Return whether user may do action (in area, a code, when given)."""
    if user.role not in _roles(action):
        return False
    return area is None or scope.area_in_scope(user, area)


def require(user, action):
    """Raise 403 unless the user's role may do action (areas are checked by scope.resolve_area: 404)."""
    if not can(user, action):
        raise Problem("auth.forbidden")


def resolve_area(user, code, action="figures.view", national=False):
    """Return the area a staff user acts on (default: their own) after the role check; outside scope is 404.

    With national, an admin without an area gets the whole country; anyone else without a single area of
    their own is asked to choose one.
    """
    require(user, action)
    if code is None and national and user.role == "admin":
        return area_model.national()
    if code is None:
        if len(user.area_codes) != 1:
            raise Problem("area.choose")
        code = user.area_codes[0]
    area = db.session.get(Area, code)
    if area is None or not scope.area_in_scope(user, code):
        raise Problem("area.not_found")
    return area


def capabilities(user):
    """Return the actions the user's role may do: what the app shows them, so it never guesses from role names."""
    return [action for action in TABLE if can(user, action)]


def assignable_roles(user):
    """Return the roles this user may give an account (none unless they manage users)."""
    if user.role == "admin":
        return list(ROLES)
    return list(SUPERVISED) if can(user, "users.manage") else []


def may_assign(actor, role, area_codes):
    """Return whether actor may give an account this role and these areas."""
    if role not in assignable_roles(actor):
        return False
    return actor.role == "admin" or all(scope.area_in_scope(actor, c) for c in area_codes)


def may_manage(actor, user):
    """Return whether actor may change this account (never a supervisor's own, nor one reaching outside)."""
    if actor.role == "admin":
        return True
    return user.id != actor.id and bool(user.area_codes) and may_assign(actor, user.role, user.area_codes)
