"""Wire contract of /exports."""

from marshmallow import fields, validate

from server.api.review.schemas import ReviewFilterSchema


class ExportArgsSchema(ReviewFilterSchema):
    """The review filters, plus `unmask` (full identity numbers, where the role allows) and tally grouping."""

    unmask = fields.Boolean(load_default=False)
    by = fields.String(
        load_default="child", validate=validate.OneOf(("child", "enumerator", "day", "place_kind", "outcome"))
    )
    rank_by = fields.String(load_default=None, validate=validate.OneOf(("achievement", "persons", "households")))
