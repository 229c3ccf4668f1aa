"""Wire contract of /devices."""

from marshmallow import fields, validate

from server.api.schemas_base import StrictSchema, Text


class DeviceRegisterSchema(StrictSchema):
    """A device id made by the app, and its version."""

    device_id = fields.UUID(required=True)
    app_version = Text(load_default=None, allow_none=True, validate=validate.Length(max=32))


class DeviceSchema(StrictSchema):
    """A registered device."""

    id = fields.UUID()
    created_at = fields.DateTime()
    last_sync_at = fields.DateTime(allow_none=True)
    app_version = fields.String(allow_none=True)
    pending_count = fields.Integer(allow_none=True)


class DeviceInfoSchema(DeviceSchema):
    """A phone of an account, as its supervisor sees it."""

    last_seen_at = fields.DateTime(allow_none=True)
    user_agent = fields.String(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
