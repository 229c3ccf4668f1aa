"""Wire contract of /tallies."""

import marshmallow as ma
from marshmallow import fields, validate, validates_schema

from server.api.areas.schemas import AREA_CODE, AreaSchema
from server.api.schemas_base import FlatRows, StrictSchema, UTCDateTimeField
from server.models.record import REVIEW_STATES
from server.services.tallies import RANK_MEASURES

STATES = (*REVIEW_STATES, "voided")


class DateRangeMixin:
    """from/to dates (inclusive), checked to be in order."""

    date_from = fields.Date(data_key="from", load_default=None)
    date_to = fields.Date(data_key="to", load_default=None)

    @validates_schema
    def _check_range(self, data, **_kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            raise ma.ValidationError("Must not be before from.", "to")


class TallyArgsSchema(DateRangeMixin, StrictSchema):
    """Which area, grouped by what, over which days and review state."""

    FROM_QUERY = True

    area = fields.String(load_default=None, validate=AREA_CODE)
    by = fields.String(
        load_default="child", validate=validate.OneOf(("child", "enumerator", "day", "place_kind", "outcome"))
    )
    # by=child: which level's areas to rank (default: the area's children; at most two levels down).
    level = fields.Integer(load_default=None, validate=validate.Range(1, 4))
    state = fields.String(load_default=None, validate=validate.OneOf(STATES))
    rank_by = fields.String(load_default=None, validate=validate.OneOf(RANK_MEASURES))


class TallyRowSchema(ma.Schema):
    """Figures of one group (or of the whole area)."""

    key = fields.String()
    label = fields.String()
    username = fields.String()
    rank = fields.Integer(allow_none=True)
    households = fields.Integer()
    persons = fields.Integer()
    successful = fields.Integer()
    success_rate = fields.Float(allow_none=True)
    excluded_households = fields.Integer()
    excluded_persons = fields.Integer()
    population = fields.Integer(allow_none=True)
    target_pct = fields.Float(allow_none=True)
    target_persons = fields.Integer(allow_none=True)
    # Our own assisted persons against the target (not the census' participation).
    assisted_of_target_pct = fields.Float(allow_none=True)
    # The census office's figures (null: it published none for the range).
    took_part = fields.Integer(allow_none=True)
    took_part_households = fields.Integer(allow_none=True)
    took_part_total = fields.Integer(allow_none=True)
    official_as_of = fields.Date(allow_none=True)
    participation_pct = fields.Float(allow_none=True)
    gap_pct = fields.Float(allow_none=True)
    achievement_pct = fields.Float(allow_none=True)
    share_pct = fields.Float(allow_none=True)
    cumulative_persons = fields.Integer()
    # by=place_kind: outreach events of the kind, and what one event yields on average.
    events = fields.Integer()
    households_per_event = fields.Float(allow_none=True)
    persons_per_event = fields.Float(allow_none=True)
    # by=place_kind and by=outcome: this row's households of all the area's.
    households_share_pct = fields.Float(allow_none=True)
    last_sync_at = UTCDateTimeField(allow_none=True)
    app_version = fields.String(allow_none=True)
    pending_count = fields.Integer(allow_none=True)
    silent = fields.String(allow_none=True)
    # by=enumerator: the petugas' phone (E.164, for a call or WhatsApp: staff of their area only) and kecamatan.
    phone = fields.String(allow_none=True)
    kecamatan_code = fields.String(allow_none=True)
    kecamatan_name = fields.String(allow_none=True)


class StandingSchema(ma.Schema):
    """Where the area stands among its parent's children by participation (rank of those with a figure)."""

    rank = fields.Integer()
    ranked = fields.Integer()
    siblings = fields.Integer()
    parent_code = fields.String()
    parent_name = fields.String()


class TallySchema(ma.Schema):
    """The answer of /tallies: the area's total and its rows."""

    area = fields.Nested(AreaSchema)
    by = fields.String()
    rank_by = fields.String(allow_none=True)
    as_of = UTCDateTimeField()
    total = fields.Nested(TallyRowSchema)
    rows = FlatRows(TallyRowSchema)
    standing = fields.Nested(StandingSchema, allow_none=True)
