"""Wire contract of /auth."""

from marshmallow import fields, validate

from server.api.areas.schemas import AreaSchema
from server.api.schemas_base import StrictSchema, Text


class LoginSchema(StrictSchema):
    """Credentials."""

    username = Text(required=True, validate=validate.Length(1, 64))
    password = fields.String(required=True, validate=validate.Length(1, 256), load_only=True)


class CodeLoginSchema(StrictSchema):
    """A one-time sign-in code, as shown by the supervisor (dashes and spaces ignored)."""

    code = Text(required=True, validate=validate.Length(4, 32))


class MeSchema(StrictSchema):
    """The signed-in user."""

    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    role_label = fields.String()
    areas = fields.List(fields.Nested(AreaSchema))
    capabilities = fields.List(
        fields.String(),
        metadata={"description": "What this user may do (the permission table's actions); the app shows only these."},
    )
    assignable_roles = fields.List(fields.String(), metadata={"description": "Roles this user may give an account."})
