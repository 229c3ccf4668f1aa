"""The map of gathering points: outreaches with GPS as GeoJSON, coloured by kind and sized by households."""

from flask import current_app

from server import unit_of_work
from server.extensions import db
from server.queries import outreaches
from server.services.policy import resolve_area


def outreach_map(user, args):
    """Return the area's outreaches with GPS in the date range as a GeoJSON FeatureCollection, and the tiles."""
    unit_of_work.from_replica()
    area = resolve_area(user, args.get("area"))
    limit = current_app.config["MAP_MAX_POINTS"]
    rows = db.session.execute(outreaches.located(area, args, limit)).all()
    total = db.session.scalar(outreaches.count_located(area, args)) if len(rows) == limit else len(rows)
    features = [_feature(row) for row in rows]
    return {
        "area": area,
        "total": total,
        "shown": len(features),
        "tiles": tiles(),
        "outreaches": {"type": "FeatureCollection", "features": features},
    }


def _feature(row):
    return {
        "type": "Feature",
        # GeoJSON order: longitude, then latitude.
        "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
        "properties": {
            "id": str(row.id),
            "date": row.date.isoformat(),
            "place_kind": row.place_kind,
            "place_name": row.place_name,
            "desa_code": row.desa_code,
            "desa_name": row.desa_name,
            "enumerator": row.enumerator,
            "households": int(row.households),
            "persons": int(row.persons),
        },
    }


def tiles():
    """Return where the map's tiles come from (MAP_TILE_URL) and the attribution its provider asks for."""
    cfg = current_app.config
    return {"url": cfg["MAP_TILE_URL"], "attribution": cfg["MAP_TILE_ATTRIBUTION"], "max_zoom": cfg["MAP_MAX_ZOOM"]}
