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
