"""Wire contract of /areas."""

from marshmallow import fields, validate

from server.api.schemas_base import StrictSchema

AREA_CODE = validate.Regexp(r"^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$", error="Not a valid area code.")


class AreaQueryArgsSchema(StrictSchema):
    """Which children to list: none given means the top of the user's scope."""

    parent = fields.String(load_default=None, validate=AREA_CODE)


class AreaSchema(StrictSchema):
    """One node of the area tree."""

    code = fields.String()
    name = fields.String()
    level = fields.Integer()
    parent_code = fields.String(allow_none=True)
    bps_code = fields.String(allow_none=True)


class AreaSearchArgsSchema(StrictSchema):
    """A part of an area's name (or the start of its code) to look for."""

    FROM_QUERY = True

    q = fields.String(required=True, validate=validate.Length(2, 60))
    limit = fields.Integer(load_default=20, validate=validate.Range(1, 50))
    level = fields.Integer(
        load_default=None,
        validate=validate.Range(1, 4),
        metadata={"description": "only areas of this level (1 provinsi … 4 desa), e.g. the desa a petugas gets"},
    )


class AreaMatchSchema(StrictSchema):
    """An area found by name, with the names above it, nearest first."""

    code = fields.Function(lambda m: m["area"].code)
    name = fields.Function(lambda m: m["area"].name)
    level = fields.Function(lambda m: m["area"].level)
    parent_code = fields.Function(lambda m: m["area"].parent_code)
    path = fields.List(fields.String())
