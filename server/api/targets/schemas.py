"""Wire contract of /targets."""

from decimal import Decimal

from marshmallow import fields, post_load, validate

from server.api.areas.schemas import AREA_CODE, AreaSchema
from server.api.schemas_base import StrictSchema


class TargetQueryArgsSchema(StrictSchema):
    """Which area's targets to list (default: the caller's own area)."""

    FROM_QUERY = True

    area = fields.String(load_default=None, validate=AREA_CODE)


class TargetInputSchema(StrictSchema):
    """An area's census target."""

    population = fields.Integer(required=True, validate=validate.Range(0, 999_999_999))
    households = fields.Integer(required=True, validate=validate.Range(0, 999_999_999))
    # A number on the wire (a Decimal field would publish its bounds as strings); stored to two places.
    target_pct = fields.Float(required=True, validate=validate.Range(0, 100))

    @post_load
    def _two_places(self, data, **_kwargs):
        data["target_pct"] = Decimal(str(round(data["target_pct"], 2)))
        return data


class TargetRowSchema(StrictSchema):
    """One area with its target (null figures: none set yet)."""

    code = fields.String()
    name = fields.String()
    level = fields.Integer()
    population = fields.Function(lambda a: a.target and a.target.population, allow_none=True)
    households = fields.Function(lambda a: a.target and a.target.households, allow_none=True)
    target_pct = fields.Function(lambda a: a.target and float(a.target.target_pct), allow_none=True)
    target_persons = fields.Function(lambda a: a.target and a.target.target_persons, allow_none=True)
    # ISO 8601, as fields.DateTime writes it.
    updated_at = fields.Function(lambda a: a.target and a.target.updated_at.isoformat(), allow_none=True)


class TargetListSchema(StrictSchema):
    """An area and its children with their targets."""

    area = fields.Nested(AreaSchema)
    rows = fields.List(fields.Nested(TargetRowSchema))
