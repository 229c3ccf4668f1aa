"""Browse the area tree within one's scope."""

from flask_login import current_user, login_required

from server.api.areas.schemas import AreaQueryArgsSchema, AreaSchema
from server.api.blueprint import Blueprint
from server.services import areas

bp = Blueprint("areas", __name__, description="Administrative areas (Kemendagri codes)")


@bp.get("")
@login_required
@bp.arguments(AreaQueryArgsSchema, location="query")
@bp.response(200, AreaSchema(many=True))
def list_areas(args):
    """List the child areas of a parent inside the user's scope (the user's own areas without a parent)."""
    return areas.list_children(current_user, args["parent"])
