"""The map of gathering points: outreaches with GPS, coloured by kind and sized by households (GeoJSON is the
outreaches export's, services/exports.py)."""

from flask import current_app

from server import unit_of_work
from server.extensions import db
from server.queries import outreaches
from server.services.policy import resolve_area

# What each point's row holds, in order: the answer names its columns once (a GeoJSON feature per point was three
# times the size, and its encoding and compression most of the answer's time).
COLUMNS = (
    "id",
    "date",
    "place_kind",
    "place_name",
    "lat",
    "lon",
    "desa_code",
    "enumerator_id",
    "households",
    "persons",
)


def outreach_map(user, args):
    """Return the area's outreaches with GPS in the date range as rows of COLUMNS, the names of the desa and
    petugas they name, and the tiles."""
    unit_of_work.from_replica()
    area = resolve_area(user, args.get("area"))
    limit = current_app.config["MAP_MAX_POINTS"]
    # Plain rows through the session's connection: the ORM's result machinery cost as much again for 5,000 rows.
    rows = db.session.connection().execute(outreaches.located(area, args, limit)).all()
    total = db.session.scalar(outreaches.count_located(area, args)) if len(rows) == limit else len(rows)
    desa, people = outreaches.names_of({r.desa_code for r in rows}, {r.owner_id for r in rows})
    return {
        "area": area,
        "total": total,
        "shown": len(rows),
        "tiles": tiles(),
        "points": {"columns": COLUMNS, "rows": [_point(*row) for row in rows]},
        "desa_names": dict(db.session.execute(desa).all()) if rows else {},
        "enumerators": {str(k): v for k, v in db.session.execute(people)} if rows else {},
    }


def _point(id_, day, place_kind, place_name, lat, lon, desa_code, owner_id, households, persons):
    # 5 decimals are about a metre, finer than a phone's GPS.
    return (
        str(id_),
        day.isoformat(),
        place_kind,
        place_name,
        round(lat, 5),
        round(lon, 5),
        desa_code,
        owner_id,
        households,
        persons,
    )


def tiles():
    """Return where the map's tiles come from (MAP_TILE_URL) and the attribution its provider asks for."""
    cfg = current_app.config
    return {"url": cfg["MAP_TILE_URL"], "attribution": cfg["MAP_TILE_ATTRIBUTION"], "max_zoom": cfg["MAP_MAX_ZOOM"]}
