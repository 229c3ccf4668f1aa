"""Wire contract of /exports."""

from marshmallow import fields, validate

from server.api.review.schemas import ReviewFilterSchema
from server.api.schemas_base import StrictSchema
from server.services import export_files, export_jobs
from server.services.tallies import RANK_MEASURES


class ExportArgsSchema(ReviewFilterSchema):
    """The review filters, plus `unmask` (full identity numbers, where the role allows) and tally grouping."""

    unmask = fields.Boolean(load_default=False)
    sep = fields.String(
        load_default=None,
        validate=validate.OneOf(export_files.SEPARATORS),
        metadata={"description": "CSV cell separator: ';' (decimal comma; the default in Indonesian) or ','"},
    )
    by = fields.String(
        load_default="child", validate=validate.OneOf(("child", "enumerator", "day", "place_kind", "outcome"))
    )
    rank_by = fields.String(load_default=None, validate=validate.OneOf(RANK_MEASURES))
    level = fields.Integer(load_default=None, validate=validate.Range(1, 4))
    visit = fields.Boolean(
        load_default=None, metadata={"description": "follow-up list only; true: only those the interview must visit"}
    )


class ExportJobCreateSchema(ExportArgsSchema):
    """What to export in the background: the same filters as a direct export, plus kind and format."""

    FROM_QUERY = False

    kind = fields.String(required=True, validate=validate.OneOf(("assists", "follow-up", "tallies", "outreaches")))
    format = fields.String(required=True, validate=validate.OneOf(("csv", "xlsx", "geojson")))


class ExportCountSchema(StrictSchema):
    """What an export would hold: its rows (null for a tally table: one row per group), masked or not."""

    rows = fields.Integer(allow_none=True)
    masked = fields.Boolean()
    sep = fields.String()


def _iso(at):
    return at.isoformat() if at else None  # as fields.DateTime writes it


class ExportJobSchema(StrictSchema):
    """A background export: progress, and when done a signed download link that expires."""

    id = fields.UUID()
    kind = fields.Function(lambda job: job.kind.replace("_", "-"))
    format = fields.String(attribute="fmt")
    status = fields.String(metadata={"description": "queued, running, done, failed or expired (file deleted)"})
    rows_total = fields.Integer(allow_none=True)
    rows_done = fields.Integer()
    filename = fields.String(allow_none=True)
    size_bytes = fields.Integer(allow_none=True)
    error = fields.String(allow_none=True)
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    download_url = fields.Function(lambda job: export_jobs.download_link(job)[0], allow_none=True)
    link_expires_at = fields.Function(lambda job: _iso(export_jobs.download_link(job)[1]), allow_none=True)
