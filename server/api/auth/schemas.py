"""Wire contract of /auth."""

from marshmallow import fields, validate

from server.api.schemas_base import StrictSchema, Text
from server.api.users.schemas import AccountSchema
from server.services import policy


class LoginSchema(StrictSchema):
    """Credentials."""

    username = Text(required=True, validate=validate.Length(1, 64))
    password = fields.String(required=True, validate=validate.Length(1, 256), load_only=True)


class CodeLoginSchema(StrictSchema):
    """A one-time sign-in code, as shown by the supervisor (dashes and spaces ignored)."""

    code = Text(required=True, validate=validate.Length(4, 32))


class MeSchema(AccountSchema):
    """The signed-in user."""

    capabilities = fields.Function(
        policy.capabilities,
        metadata={"description": "What this user may do (the permission table's actions); the app shows only these."},
    )
    assignable_roles = fields.Function(
        policy.assignable_roles, metadata={"description": "Roles this user may give an account."}
    )
