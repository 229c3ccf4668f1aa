"""Outreaches for staff: the map of gathering points."""

from flask_login import current_user, login_required

from server.api.blueprint import Blueprint
from server.api.outreaches.schemas import MapArgsSchema, MapSchema
from server.services import outreach_map

bp = Blueprint("outreaches", __name__, description="Gathering points (outreach events) on a map")


@bp.get("/map")
@login_required
@bp.arguments(MapArgsSchema, location="query")
@bp.response(200, MapSchema)
def map_points(args):
    """List the area's outreaches with GPS as GeoJSON, with each one's households and persons, and the tiles."""
    return outreach_map.outreach_map(current_user, args)
