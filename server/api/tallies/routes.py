"""Tallies: households, persons and achievement against target, grouped and ranked."""

from flask_login import current_user, login_required

from server.api.blueprint import Blueprint
from server.api.tallies.schemas import TallyArgsSchema, TallySchema
from server.services import tallies

bp = Blueprint("tallies", __name__, description="Progress against targets (coordinators, supervisors)")


@bp.get("")
@login_required
@bp.arguments(TallyArgsSchema, location="query")
@bp.response(200, TallySchema)
def get_tallies(args):
    """Return an area's figures grouped by child area, petugas, day, kind of place or outcome."""
    return tallies.tallies(current_user, args)
