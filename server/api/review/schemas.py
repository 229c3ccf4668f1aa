"""Wire contract of /review."""

import marshmallow as ma
from marshmallow import fields, validate

from server.api.areas.schemas import AREA_CODE, AreaSchema
from server.api.schemas_base import StrictSchema, Text, UTCDateTimeField
from server.api.sync.schemas import DESA_CODE
from server.api.tallies.schemas import STATES, DateRangeMixin
from server.errors import Problem
from server.models.record import OUTCOMES
from server.services import changes
from server.services.identity import mask_kk, mask_phone
from server.services.review import AS_OF, corrections, etag


def _as_of(value):
    # Only a marker this server handed out with a list: anything else is a field error, not a guess.
    try:
        changes.decode(value, AS_OF, "request.invalid", field="as_of")
    except Problem:
        raise ma.ValidationError("Invalid value.") from None


class ReviewFilterSchema(DateRangeMixin, StrictSchema):
    """The filters of the review list (and of bulk approve)."""

    FROM_QUERY = True

    area = fields.String(load_default=None, validate=AREA_CODE)
    desa = fields.String(load_default=None, validate=DESA_CODE)
    enumerator = fields.Integer(load_default=None, validate=validate.Range(min=1))
    outcome = fields.String(load_default=None, validate=validate.OneOf(OUTCOMES))
    state = fields.String(load_default=None, validate=validate.OneOf(STATES))
    duplicate = fields.Boolean(load_default=None)
    q = Text(
        load_default=None,
        validate=validate.Length(2, 100),
        metadata={"description": "a whole KK number (16 digits, exact) or part of the head of household's name"},
    )
    corrected = fields.Boolean(load_default=None, metadata={"description": "only records corrected after a flag"})
    outreach = fields.UUID(load_default=None, metadata={"description": "only the households of one outreach"})


class ReviewListArgsSchema(ReviewFilterSchema):
    """A page of the review list."""

    cursor = fields.String(load_default=None, validate=validate.Length(max=40))
    limit = fields.Integer(load_default=None, validate=validate.Range(1, 200))
    as_of = fields.String(load_default=None, validate=[validate.Length(max=60), _as_of])


class BulkApproveSchema(ReviewFilterSchema):
    """Approve what the filtered list showed: only records unchanged since `as_of` (from the list)."""

    FROM_QUERY = False

    as_of = fields.String(required=True, validate=[validate.Length(min=1, max=60), _as_of])
    dry_run = fields.Boolean(load_default=False, metadata={"description": "only count what would be approved"})


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
    kind = fields.String(
        load_default="duplicate",
        validate=validate.OneOf(("duplicate", "typo")),
        metadata={"description": "duplicate: one head's name; typo: different names under one KK (likely mistyped)"},
    )
    cursor = fields.String(load_default=None, validate=validate.Length(max=40))
    limit = fields.Integer(load_default=None, validate=validate.Range(1, 100))


class PersonSchema(ma.Schema):
    """A petugas (or reviewer) as a reviewer sees them."""

    id = fields.Integer()
    name = fields.String(attribute="display_name")


class ReviewItemSchema(ma.Schema):
    """One assist in the review list (identity numbers masked)."""

    id = fields.UUID()
    etag = fields.Function(etag)
    version = fields.Integer()
    desa_code = fields.String()
    kk_number = fields.Function(lambda a: mask_kk(a.kk_number))
    head_name = fields.String()
    members = fields.Integer()
    outcome = fields.String()
    review_state = fields.String()
    review_comment = fields.String(allow_none=True)
    voided = fields.Boolean()
    duplicate = fields.Function(lambda a: bool(a.live and a.live > 1))
    corrected = fields.Function(lambda a: bool(a.corrected))
    date = fields.Date(attribute="outreach.date")
    place_kind = fields.String(attribute="outreach.place_kind")
    place_name = fields.String(attribute="outreach.place_name")
    enumerator = fields.Nested(PersonSchema, attribute="owner")
    received_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()


class HistorySchema(ma.Schema):
    """One review action."""

    at = UTCDateTimeField()
    actor = fields.String(attribute="actor.display_name")
    from_state = fields.String()
    to_state = fields.String()
    version = fields.Integer(attribute="assist_version")
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
    date = fields.Date(attribute="outreach.date")
    place_name = fields.String(attribute="outreach.place_name")
    enumerator = fields.Nested(PersonSchema, attribute="owner")
    head_name = fields.String()
    outcome = fields.String()
    review_state = fields.String()


class ReviewDetailSchema(ReviewItemSchema):
    """One assist with everything a reviewer needs to decide."""

    desa_name = fields.String(attribute="desa.name", allow_none=True)
    reasons = fields.List(fields.String())
    device_used = fields.String()
    phone = fields.Function(lambda a: mask_phone(a.phone), allow_none=True)
    notes = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    rt_rw = fields.String(allow_none=True)
    void_reason = fields.String(allow_none=True)
    clock_suspect = fields.Boolean()
    history = fields.List(fields.Nested(HistorySchema), attribute="review_events")
    versions = fields.List(fields.Nested(VersionSchema))
    same_household = fields.List(fields.Nested(SameHouseholdSchema))
    changes = fields.Function(corrections, metadata={"description": "what changed since the last flag"})


class ReviewPageSchema(ma.Schema):
    """A page of the review list; `as_of` (opaque) is passed back to bulk approve, `next` continues the list."""

    area = fields.Nested(AreaSchema)
    as_of = fields.String()
    next = fields.String(allow_none=True)
    items = fields.List(fields.Nested(ReviewItemSchema))


class BulkResultSchema(ma.Schema):
    """What bulk approve did."""

    approved = fields.Integer()
    approvable = fields.Integer(metadata={"description": "a dry run: exactly what the approval would take"})
    more = fields.Boolean()
    changed_since = fields.Integer()


class DuplicateItemSchema(ReviewItemSchema):
    """One live assist of a duplicated household; `in_scope` says whether this reviewer may void it."""

    in_scope = fields.Boolean()


class DuplicateGroupSchema(ma.Schema):
    """The live assists of one household logged more than once."""

    kk_number = fields.Function(lambda g: mask_kk(g["kk_number"]))
    count = fields.Function(lambda g: len(g["assists"]))
    assists = fields.List(fields.Nested(DuplicateItemSchema))


class DuplicatePageSchema(ma.Schema):
    """A page of duplicated households; `next` continues the list."""

    area = fields.Nested(AreaSchema)
    kind = fields.String()
    next = fields.String(allow_none=True)
    items = fields.List(fields.Nested(DuplicateGroupSchema))


class FollowUpArgsSchema(StrictSchema):
    """A page of the interview phase's list: the area or one desa, the best outcome, whether to visit."""

    FROM_QUERY = True

    area = fields.String(load_default=None, validate=AREA_CODE)
    desa = fields.String(load_default=None, validate=DESA_CODE)
    outcome = fields.String(load_default=None, validate=validate.OneOf(OUTCOMES))
    visit = fields.Boolean(load_default=None, metadata={"description": "true: only those the interview must visit"})
    unmask = fields.Boolean(load_default=False, metadata={"description": "full KK and phone (allowed roles; audited)"})
    cursor = fields.String(load_default=None, validate=validate.Length(max=40))
    limit = fields.Integer(load_default=None, validate=validate.Range(1, 200))


class FollowUpItemSchema(ma.Schema):
    """One household to follow up (identity numbers masked)."""

    id = fields.UUID()
    desa_code = fields.String()
    desa_name = fields.String(attribute="desa.name")
    kk_number = fields.Function(lambda a: mask_kk(a.kk_number))
    head_name = fields.String()
    address = fields.String(allow_none=True)
    rt_rw = fields.String(allow_none=True)
    outcome = fields.String()
    visit = fields.Function(lambda a: a.outcome != "berhasil")
    times = fields.Integer()
    date = fields.Date(attribute="outreach.date")
    place_name = fields.String(attribute="outreach.place_name")
    enumerator = fields.Nested(PersonSchema, attribute="owner")
    phone = fields.Function(lambda a: mask_phone(a.phone), allow_none=True)


class FollowUpFullItemSchema(FollowUpItemSchema):
    """One household to follow up, with the full numbers (roles allowed to unmask; the access is audited)."""

    kk_number = fields.String()
    phone = fields.String(allow_none=True)


class FollowUpPageSchema(ma.Schema):
    """A page of the follow-up list; `unmasked` says whether the numbers are shown in full."""

    area = fields.Nested(AreaSchema)
    unmasked = fields.Boolean()
    next = fields.String(allow_none=True)
    items = fields.Method("_items")

    def _items(self, page):
        schema = FollowUpFullItemSchema if page["unmasked"] else FollowUpItemSchema
        return schema(many=True).dump(page["items"])
