"""Browse the area tree within one's scope."""

from flask_login import current_user, login_required

from server.api.areas.schemas import AreaMatchSchema, AreaQueryArgsSchema, AreaSchema, AreaSearchArgsSchema
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


@bp.get("/search")
@login_required
@bp.arguments(AreaSearchArgsSchema, location="query")
@bp.response(200, AreaMatchSchema(many=True))
def search_areas(args):
    """Find areas inside the user's scope by name (or code), with the names of the areas above each."""
    return areas.search(current_user, args["q"], args["limit"], args["level"])
