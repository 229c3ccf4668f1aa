"""Wire contract of /review."""

import marshmallow as ma
from marshmallow import fields, validate

from server.api.areas.schemas import AREA_CODE, AreaSchema
from server.api.schemas_base import StrictSchema, Text, UTCDateTimeField
from server.api.sync.schemas import DESA_CODE
from server.api.tallies.schemas import STATES, DateRangeMixin
from server.models.record import OUTCOMES


class ReviewFilterSchema(DateRangeMixin, StrictSchema):
    """The filters of the review list (and of bulk approve)."""

    FROM_QUERY = True

    area = fields.String(load_default=None, validate=AREA_CODE)
    desa = fields.String(load_default=None, validate=DESA_CODE)
    enumerator = fields.Integer(load_default=None, validate=validate.Range(min=1))
    outcome = fields.String(load_default=None, validate=validate.OneOf(OUTCOMES))
    state = fields.String(load_default=None, validate=validate.OneOf(STATES))
    duplicate = fields.Boolean(load_default=None)


class ReviewListArgsSchema(ReviewFilterSchema):
    """A page of the review list."""

    cursor = fields.String(load_default=None, validate=validate.Length(max=40))
    limit = fields.Integer(load_default=None, validate=validate.Range(1, 200))
    as_of = fields.Integer(load_default=None, validate=validate.Range(min=0))


class BulkApproveSchema(ReviewFilterSchema):
    """Approve what the filtered list showed: only records unchanged since `as_of` (from the list)."""

    FROM_QUERY = False

    as_of = fields.Integer(required=True, validate=validate.Range(min=0))


class DecisionSchema(StrictSchema):
    """A reviewer's decision on one assist."""

    action = fields.String(required=True, validate=validate.OneOf(("approve", "flag", "reject")))
    comment = Text(load_default=None, allow_none=True, validate=validate.Length(max=500))


class VoidSchema(StrictSchema):
    """Why one of a household's duplicate assists is voided."""

    reason = Text(required=True, validate=validate.Length(3, 200))


class DuplicateArgsSchema(StrictSchema):
    """A page of duplicated households."""

    FROM_QUERY = True

    area = fields.String(load_default=None, validate=AREA_CODE)
    page = fields.Integer(load_default=1, validate=validate.Range(1, 10000))
    limit = fields.Integer(load_default=None, validate=validate.Range(1, 100))


class PersonSchema(ma.Schema):
    """A petugas as a reviewer sees them."""

    id = fields.Integer()
    name = fields.String()


class ReviewItemSchema(ma.Schema):
    """One assist in the review list (identity numbers masked)."""

    id = fields.UUID()
    etag = fields.String()
    version = fields.Integer()
    desa_code = fields.String()
    kk_number = fields.String()
    head_name = fields.String()
    members = fields.Integer()
    outcome = fields.String()
    review_state = fields.String()
    review_comment = fields.String(allow_none=True)
    voided = fields.Boolean()
    duplicate = fields.Boolean()
    in_scope = fields.Boolean()
    date = fields.Date()
    place_kind = fields.String()
    place_name = fields.String()
    enumerator = fields.Nested(PersonSchema)
    received_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()


class HistorySchema(ma.Schema):
    """One review action."""

    at = UTCDateTimeField()
    actor = fields.String()
    from_state = fields.String()
    to_state = fields.String()
    version = fields.Integer()
    comment = fields.String(allow_none=True)


class VersionSchema(ma.Schema):
    """One version received from the phone."""

    version = fields.Integer()
    op = fields.String()
    received_at = UTCDateTimeField()


class SameHouseholdSchema(ma.Schema):
    """Another live assist with the same KK number."""

    id = fields.UUID()
    desa_code = fields.String()
    date = fields.Date()
    place_name = fields.String()
    enumerator = fields.Nested(PersonSchema)
    head_name = fields.String()
    outcome = fields.String()
    review_state = fields.String()


class ReviewDetailSchema(ReviewItemSchema):
    """One assist with everything a reviewer needs to decide."""

    desa_name = fields.String(allow_none=True)
    reasons = fields.List(fields.String())
    device_used = fields.String()
    phone = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    void_reason = fields.String(allow_none=True)
    clock_suspect = fields.Boolean()
    history = fields.List(fields.Nested(HistorySchema))
    versions = fields.List(fields.Nested(VersionSchema))
    same_household = fields.List(fields.Nested(SameHouseholdSchema))


class ReviewPageSchema(ma.Schema):
    """A page of the review list; `as_of` is passed back to bulk approve."""

    area = fields.Nested(AreaSchema)
    as_of = fields.Integer()
    cursor = fields.String(allow_none=True)
    items = fields.List(fields.Nested(ReviewItemSchema))


class BulkResultSchema(ma.Schema):
    """What bulk approve did."""

    approved = fields.Integer()
    more = fields.Boolean()
    changed_since = fields.Integer()


class DuplicateGroupSchema(ma.Schema):
    """The live assists of one household logged more than once."""

    kk_number = fields.String()
    count = fields.Integer()
    assists = fields.List(fields.Nested(ReviewItemSchema))


class DuplicatePageSchema(ma.Schema):
    """A page of duplicated households."""

    area = fields.Nested(AreaSchema)
    page = fields.Integer()
    more = fields.Boolean()
    groups = fields.List(fields.Nested(DuplicateGroupSchema))
