"""Wire contract of /progress."""

from marshmallow import fields, validate

from server.api.areas.schemas import AREA_CODE, AreaSchema
from server.api.schemas_base import StrictSchema


class ProgressQueryArgsSchema(StrictSchema):
    """Whose figures to list: an area's children as of a day (default: the caller's area, today)."""

    FROM_QUERY = True

    area = fields.String(load_default=None, validate=AREA_CODE)
    date = fields.Date(load_default=None)


class ProgressItemSchema(StrictSchema):
    """One area's figure on one day, as the office published it (households may be unknown)."""

    area_code = fields.String(required=True, validate=[validate.Length(max=13)])
    date = fields.Date(required=True)
    persons = fields.Integer(required=True, validate=validate.Range(0, 999_999_999))
    households = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 999_999_999))


class ProgressRowsSchema(StrictSchema):
    """Figures sent by a program (the same checks and replacement as a file); with dry_run nothing is written."""

    rows = fields.List(fields.Nested(ProgressItemSchema), required=True, validate=validate.Length(1, 5000))
    dry_run = fields.Boolean(load_default=True)


class ProgressRowSchema(StrictSchema):
    """A child area with its latest figure on or before the day (null: none yet)."""

    code = fields.String()
    name = fields.String()
    level = fields.Integer()
    day = fields.Date(allow_none=True)
    persons = fields.Integer(allow_none=True)
    households = fields.Integer(allow_none=True)
    derived = fields.Boolean(allow_none=True)


class ProgressListSchema(StrictSchema):
    """An area, the days on which its children have figures, and its children as of the day asked."""

    area = fields.Nested(AreaSchema)
    day = fields.Date()
    days = fields.List(fields.Date())
    total = fields.Nested(ProgressRowSchema)
    rows = fields.List(fields.Nested(ProgressRowSchema))
