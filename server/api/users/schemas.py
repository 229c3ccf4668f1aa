"""Wire contract of /users (administration) and of CSV imports."""

import marshmallow as ma
from marshmallow import fields, validate

from server.api.areas.schemas import AREA_CODE, AreaSchema
from server.api.devices.schemas import DeviceInfoSchema
from server.api.schemas_base import StrictSchema, Text
from server.models.user import ROLES
from server.services.identity import mask_phone, normalize_phone
from server.services.passwords import NO_PASSWORD
from server.services.reference import role_label
from server.services.users import USERNAME, USERNAME_RULE

AREAS = fields.List(fields.String(validate=AREA_CODE), validate=validate.Length(max=50))


class Username(Text):
    """A username, compared and stored in lower case."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).lower()


class PhoneNumber(Text):
    """An Indonesian phone number, loaded as E.164 (+62…); empty stays empty (no number: the service stores none)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text:
            return ""  # a string still, for the field's length check
        number, error = normalize_phone(text)
        if error:
            raise ma.ValidationError(error)
        return number


PHONE = PhoneNumber(load_default=None, allow_none=True, validate=validate.Length(max=24))


class UserQueryArgsSchema(StrictSchema):
    """Filters and page of the accounts list."""

    FROM_QUERY = True

    q = Text(load_default=None, validate=validate.Length(max=64))
    role = fields.String(load_default=None, validate=validate.OneOf(ROLES))
    area = fields.String(load_default=None, validate=AREA_CODE)
    active = fields.Boolean(load_default=None)
    cursor = fields.String(load_default=None, validate=validate.Length(max=40))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class UserCreateSchema(StrictSchema):
    """A new account; without a password it signs in with one-time codes only."""

    username = Username(required=True, validate=validate.Regexp(USERNAME, error=USERNAME_RULE))
    display_name = Text(load_default=None, validate=validate.Length(1, 120))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    areas = AREAS
    password = fields.String(load_default=None, allow_none=True, validate=validate.Length(8, 256), load_only=True)
    phone = PHONE


class UserUpdateSchema(StrictSchema):
    """Changes to an account: only the fields given change."""

    display_name = Text(validate=validate.Length(1, 120))
    role = fields.String(validate=validate.OneOf(ROLES))
    areas = AREAS
    active = fields.Boolean()
    phone = PhoneNumber(allow_none=True, validate=validate.Length(max=24))


class PasswordSchema(StrictSchema):
    """A new password."""

    password = fields.String(required=True, validate=validate.Length(8, 256), load_only=True)


class AccountSchema(StrictSchema):
    """Who an account is: name, role (with its label in the request's language) and areas."""

    id = fields.Integer()
    username = fields.String()
    display_name = fields.String()
    role = fields.String()
    role_label = fields.Function(lambda user: role_label(user.role))
    areas = fields.Function(lambda user: AreaSchema(many=True).dump([a.area for a in user.areas]))


class UserSchema(AccountSchema):
    """An account as the administration screens show it."""

    active = fields.Boolean()
    phone = fields.Function(lambda user: mask_phone(user.phone), allow_none=True)
    has_password = fields.Function(lambda user: user.password_hash != NO_PASSWORD)
    created_at = fields.DateTime()
    device_count = fields.Integer()
    last_sync_at = fields.DateTime(allow_none=True)
    pending_count = fields.Integer()


class UserDetailSchema(UserSchema):
    """An account with its phones."""

    devices = fields.List(fields.Nested(DeviceInfoSchema))


class UserPageSchema(StrictSchema):
    """A page of accounts by username; `total` counts every match, `next` continues the list."""

    items = fields.List(fields.Nested(UserSchema))
    total = fields.Integer()
    next = fields.String(allow_none=True)


class SignInCodeSchema(StrictSchema):
    """A one-time code to sign a phone in: show the QR, or read out the short code."""

    code = fields.String()
    username = fields.String()
    expires_at = fields.DateTime()
    link = fields.String()
    qr_svg = fields.String(
        metadata={"description": "data: URI of an SVG image of the QR code"}, validate=validate.Length(max=200_000)
    )
