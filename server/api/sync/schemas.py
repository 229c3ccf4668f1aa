"""Wire contract of /sync: the push envelope, each mutation and its record data, and the answers.

The push route loads only the envelope; each mutation is validated on its own by the sync service with the
schemas below, so one malformed item is rejected alone and never sinks the batch.
"""

import marshmallow as ma
from marshmallow import fields, validate

from server.api.areas.schemas import AreaSchema
from server.api.fast_load import FastLoader
from server.api.schemas_base import FlatRows, StrictSchema, Text, UTCDateTimeField, census_date
from server.models.record import DEVICES_USED, OUTCOMES, PLACE_KINDS, REASONS

DESA_CODE = validate.Regexp(r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$", error="Not a valid desa code.")


def _lat_lon_and_times(data):
    """Both coordinates or neither; an end not before the start."""
    if (data.get("lat") is None) != (data.get("lon") is None):
        raise ma.ValidationError("Give both lat and lon, or neither.", "lat")
    start, end = data.get("started_at"), data.get("ended_at")
    if start and end and end < start:
        raise ma.ValidationError("Must not be before started_at.", "ended_at")


def _reasons_once(data):
    """Each reason at most once."""
    reasons = data.get("reasons") or []
    if len(set(reasons)) != len(reasons):
        raise ma.ValidationError("Each reason only once.", "reasons")


class OutreachDataSchema(StrictSchema):
    """What a petugas records about a gathering point."""

    CHECKS = (_lat_lon_and_times,)

    desa_code = fields.String(required=True, validate=DESA_CODE)
    place_kind = fields.String(required=True, validate=validate.OneOf(PLACE_KINDS))
    place_name = Text(required=True, validate=validate.Length(1, 120))
    date = fields.Date(required=True, validate=census_date)
    started_at = UTCDateTimeField(load_default=None, allow_none=True)
    ended_at = UTCDateTimeField(load_default=None, allow_none=True)
    lat = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-90, 90))
    lon = fields.Float(load_default=None, allow_none=True, validate=validate.Range(-180, 180))


class AssistDataSchema(StrictSchema):
    """What a petugas records about one household helped."""

    CHECKS = (_reasons_once,)

    outreach_id = fields.UUID(required=True)
    kk_number = fields.String(required=True)
    head_name = Text(required=True, validate=validate.Length(1, 100))
    members = fields.Integer(required=True, strict=True, validate=validate.Range(1, 30))
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    reasons = fields.List(
        fields.String(validate=validate.OneOf(REASONS)),
        required=True,
        validate=validate.Length(1, len(REASONS)),
    )
    device_used = fields.String(required=True, validate=validate.OneOf(DEVICES_USED))
    phone = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20))
    notes = Text(load_default=None, allow_none=True, validate=validate.Length(max=500))
    # Optional, for the interview phase's visit; a phone of an older version sends neither.
    address = Text(load_default=None, allow_none=True, validate=validate.Length(max=200))
    rt_rw = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^[0-9]{1,3}/[0-9]{1,3}$", error="Write RT/RW as numbers, like 003/005."),
    )


class VoidDataSchema(StrictSchema):
    """Why a record is voided."""

    reason = Text(load_default=None, allow_none=True, validate=validate.Length(max=200))


class MutationSchema(StrictSchema):
    """One change made on the phone; mutation_id is its idempotency key."""

    OPAQUE_FIELDS = ("data",)

    mutation_id = fields.UUID(required=True)
    entity = fields.String(required=True, validate=validate.OneOf(["outreach", "assist"]))
    op = fields.String(required=True, validate=validate.OneOf(["upsert", "void"]))
    record_id = fields.UUID(required=True)
    base_version = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(1))
    device_time = UTCDateTimeField(load_default=None, allow_none=True)
    data = fields.Dict(required=True)


DATA_SCHEMAS = {
    ("outreach", "upsert"): OutreachDataSchema(),
    ("assist", "upsert"): AssistDataSchema(),
    ("outreach", "void"): VoidDataSchema(),
    ("assist", "void"): VoidDataSchema(),
}
MUTATION_SCHEMA = MutationSchema()
# The same contracts, loaded by msgspec when an item is well formed (api/fast_load.py).
FAST_DATA = {key: FastLoader(schema) for key, schema in DATA_SCHEMAS.items()}
FAST_MUTATION = FastLoader(MUTATION_SCHEMA)


class PushSchema(StrictSchema):
    """A batch from one device."""

    OPAQUE_FIELDS = ("mutations",)

    device_id = fields.UUID(required=True)
    app_version = Text(load_default=None, allow_none=True, validate=validate.Length(max=32))
    schema_version = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, 1000))
    pending_count = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(0, 10_000_000))
    device_now = UTCDateTimeField(
        load_default=None, allow_none=True, metadata={"description": "The phone's clock when sending."}
    )
    mutations = fields.List(
        # allow_none: a null item is answered `rejected` on its own instead of failing the batch.
        # Any JSON value: each item is checked on its own and a bad one is answered `rejected`, alone.
        fields.Raw(allow_none=True, metadata={"description": "A Mutation (see components); checked one by one."}),
        required=True,
        metadata={"description": "MutationSchema items; each is validated on its own."},
    )


class ItemResultSchema(ma.Schema):
    """The server's answer to one mutation."""

    mutation_id = fields.String(allow_none=True)
    record_id = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": ["applied", "duplicate", "rejected", "conflict"]})
    version = fields.Integer(allow_none=True)
    problem = fields.String(allow_none=True)
    message = fields.String(allow_none=True)
    errors = fields.Dict(allow_none=True)
    warnings = fields.Dict(allow_none=True)


class PushResultSchema(ma.Schema):
    """The answer to a batch: one result per mutation, in order."""

    server_time = fields.DateTime()
    # One row per item of a batch: written in one pass per row (a tenth of a push's Python went to Nested).
    results = FlatRows(ItemResultSchema)


class PullArgsSchema(StrictSchema):
    """Where the phone's last pull stopped."""

    FROM_QUERY = True

    cursor = fields.String(load_default=None, validate=validate.Length(max=64))
    limit = fields.Integer(load_default=None, validate=validate.Range(1, 1000))
    device_id = fields.UUID(
        load_default=None, metadata={"description": "This phone's device: its own changes are not sent back."}
    )


class _RecordOutSchema(ma.Schema):
    """What every synced record carries."""

    id = fields.UUID()
    version = fields.Integer()
    voided = fields.Boolean()
    desa_code = fields.String()
    received_at = fields.DateTime()


class OutreachOutSchema(_RecordOutSchema):
    """An outreach as the phone stores it."""

    place_kind = fields.String()
    place_name = fields.String()
    date = fields.Date()
    started_at = fields.DateTime(allow_none=True)
    ended_at = fields.DateTime(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)


class AssistOutSchema(_RecordOutSchema):
    """An assist as the phone stores it, with the coordinator's verdict."""

    outreach_id = fields.UUID()
    kk_number = fields.String()
    head_name = fields.String()
    members = fields.Integer()
    outcome = fields.String()
    reasons = fields.List(fields.String())
    device_used = fields.String()
    phone = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    rt_rw = fields.String(allow_none=True)
    review_state = fields.String()
    review_comment = fields.String(allow_none=True)


class PullSchema(ma.Schema):
    """One page of changes; `reference`, `areas` and `rules` come only on the first page (no cursor)."""

    server_time = fields.DateTime()
    next = fields.String(metadata={"description": "Where the next pull continues; always set (a change feed)."})
    cursor = fields.String(metadata={"description": "The same as `next`, kept for phones installed before it."})
    has_more = fields.Boolean(metadata={"description": "Pull again at once with `next`: more changes wait."})
    sync_interval_s = fields.Integer(
        metadata={"description": "How often an open app syncs, in seconds (an operator slows a fleet with it)."}
    )
    upload_delay_s = fields.Integer(
        metadata={
            "description": "How long an app waits after a save before it uploads, in seconds (an operator raises "
            "it so a fleet sends fewer, larger batches)."
        }
    )
    outreaches = fields.List(fields.Nested(OutreachOutSchema))
    assists = fields.List(fields.Nested(AssistOutSchema))
    reference = fields.Dict()
    areas = fields.List(fields.Nested(AreaSchema))
    rules = fields.Dict(metadata={"description": "census_date_from / census_date_to: the dates an outreach may have."})
