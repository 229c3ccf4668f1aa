"""Wire contract of /audit-events."""

from marshmallow import fields, validate

from server.api.schemas_base import StrictSchema, Text, UTCDateTimeField
from server.services import audit_labels


class AuditQueryArgsSchema(StrictSchema):
    """Search filters; `cursor` (from the previous page) continues the listing."""

    FROM_QUERY = True

    q = Text(load_default=None, validate=validate.Length(max=64))
    action = fields.String(load_default=None, validate=validate.Regexp(r"^[a-z_.]{1,40}$"))
    actor = Text(load_default=None, validate=validate.Length(max=64))
    entity_id = Text(load_default=None, validate=validate.Length(max=64))
    at_from = UTCDateTimeField(data_key="from", load_default=None)
    at_to = UTCDateTimeField(data_key="to", load_default=None)
    cursor = fields.String(load_default=None, validate=validate.Length(max=40))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 200))


class ActorSchema(StrictSchema):
    """Who did it."""

    id = fields.Integer()
    username = fields.String(allow_none=True)
    role = fields.String(allow_none=True)


class AuditEventSchema(StrictSchema):
    """One audited action."""

    id = fields.Integer()
    at = fields.DateTime()
    action = fields.String()
    label = fields.Function(lambda e: audit_labels.action_label(e.action), metadata={"description": "in words"})
    summary = fields.Function(audit_labels.summary, metadata={"description": "the details in a sentence"})
    actor = fields.Nested(ActorSchema, allow_none=True)
    entity = fields.String(allow_none=True)
    entity_id = fields.String(allow_none=True)
    device_id = fields.UUID(allow_none=True)
    ip = fields.String(allow_none=True)
    details = fields.Function(lambda e: e.details or {})
    # An export's row: its end (rows written, complete or cut off; null while running) and downloads.
    done = fields.Raw(allow_none=True)
    downloads = fields.Integer()


class GroupSchema(StrictSchema):
    """A kind of action to filter by."""

    code = fields.String()
    label = fields.String()


class AuditPageSchema(StrictSchema):
    """A page of the audit log, newest first; `next` continues the list."""

    items = fields.List(fields.Nested(AuditEventSchema))
    next = fields.String(allow_none=True)
    groups = fields.List(fields.Nested(GroupSchema))
