"""Streamed exports (CSV, XLSX); every export is audited."""

from flask import Response, stream_with_context
from flask_login import current_user, login_required

from server.api.blueprint import Blueprint
from server.api.exports.schemas import ExportArgsSchema, ExportCountSchema, ExportJobCreateSchema, ExportJobSchema
from server.services import export_jobs, exports

bp = Blueprint("exports", __name__, description="Exports for supervisors and coordinators (audited)")
# A file, not JSON: the document names both formats so a client knows what it will get.
FILE_RESPONSE = {
    200: {
        "description": "The file (CSV: UTF-8 with BOM; XLSX: the data and a codebook; GeoJSON: outreaches)",
        "content": {
            exports.FORMATS["csv"].split(";")[0]: {"schema": {"type": "string"}},
            exports.FORMATS["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
            exports.FORMATS["geojson"]: {"schema": {"type": "object"}},
        },
    }
}


@bp.get("/<any(assists, 'follow-up', tallies, outreaches):kind>.<any(csv, xlsx, geojson):fmt>")
@login_required
@bp.arguments(ExportArgsSchema, location="query")
@bp.doc(responses=FILE_RESPONSE)
def export(args, kind, fmt):
    """Stream assists, the interview-phase follow-up list or a tallies table; KK numbers masked by default."""
    plan = exports.plan(current_user._get_current_object(), kind.replace("-", "_"), fmt, args)
    exports.audit_start(plan)
    body = stream_with_context(exports.stream(plan, exports.source(plan)))
    headers = {"Content-Disposition": f'attachment; filename="{plan.filename}"'}
    return Response(body, content_type=exports.FORMATS[fmt], headers=headers)


@bp.get("/<any(assists, 'follow-up', tallies, outreaches):kind>/count")
@login_required
@bp.arguments(ExportArgsSchema, location="query")
@bp.response(200, ExportCountSchema)
def count(args, kind):
    """Say how many rows an export with these filters would have, before it is started (nothing is audited)."""
    return exports.preview(current_user, kind.replace("-", "_"), args)


@bp.post("/jobs")
@login_required
@bp.arguments(ExportJobCreateSchema)
@bp.response(202, ExportJobSchema)
def start_job(body):
    """Start an export in the background (audited like a direct one); poll the job for progress and its link."""
    kind, fmt = body.pop("kind").replace("-", "_"), body.pop("format")
    return export_jobs.start(current_user, kind, fmt, body)


@bp.get("/jobs")
@login_required
@bp.response(200, ExportJobSchema(many=True))
def list_jobs():
    """List the caller's recent background exports."""
    return export_jobs.list_jobs(current_user)


@bp.get("/jobs/<uuid:job_id>")
@login_required
@bp.response(200, ExportJobSchema)
def get_job(job_id):
    """Return a background export's progress and, once done, a signed download link."""
    return export_jobs.get_job(current_user, job_id)


@bp.get("/files/<string:token>")
@login_required
@bp.doc(responses=FILE_RESPONSE)
def download(token):
    """Download a finished export through its signed link (only its owner, only until the link expires)."""
    return export_jobs.download(current_user, token)
