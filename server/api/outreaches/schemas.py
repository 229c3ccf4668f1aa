"""Wire contract of /outreaches (the map of gathering points)."""

import marshmallow as ma
from marshmallow import fields, validate

from server.api.areas.schemas import AREA_CODE, AreaSchema
from server.api.schemas_base import StrictSchema
from server.api.sync.schemas import DESA_CODE
from server.api.tallies.schemas import DateRangeMixin


class MapArgsSchema(DateRangeMixin, StrictSchema):
    """Which area's outreaches, over which days, of which desa or petugas."""

    FROM_QUERY = True

    area = fields.String(load_default=None, validate=AREA_CODE)
    desa = fields.String(load_default=None, validate=DESA_CODE)
    enumerator = fields.Integer(load_default=None, validate=validate.Range(min=1))


class TilesSchema(ma.Schema):
    """Where the map's tiles come from."""

    url = fields.String()
    attribution = fields.String()
    max_zoom = fields.Integer()


class PointsSchema(ma.Schema):
    """The points, one row each, in the order of `columns`."""

    columns = fields.List(fields.String())
    # Raw: written as they are (each row is built by services/outreach_map.py), not item by item.
    rows = fields.Raw(
        metadata={
            "description": "[id, date, place_kind, place_name, lat, lon, desa_code, enumerator_id, households, "
            "persons] per outreach, newest first"
        },
    )


class MapSchema(ma.Schema):
    """The area's outreaches with GPS (newest first; `shown` of `total` when there are more than fit)."""

    area = fields.Nested(AreaSchema)
    total = fields.Integer()
    shown = fields.Integer()
    tiles = fields.Nested(TilesSchema)
    points = fields.Nested(PointsSchema)
    desa_names = fields.Dict(keys=fields.String(), values=fields.String(), metadata={"description": "code: name"})
    enumerators = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"description": "petugas id: display name"}
    )
