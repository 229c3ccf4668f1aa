"""Official progress: list what is there, import a file (CSV/XLSX) or rows (JSON), download a template."""

from flask_login import current_user, login_required

from server.api.blueprint import Blueprint
from server.api.import_schemas import ImportReportSchema, ImportSchema, TemplateArgsSchema
from server.api.progress import schemas as s
from server.services import import_templates, progress

bp = Blueprint("progress", __name__, description="The census office's own progress per area and date")


@bp.get("")
@login_required
@bp.arguments(s.ProgressQueryArgsSchema, location="query")
@bp.response(200, s.ProgressListSchema)
def list_progress(args):
    """List an area's children with their latest official figure on or before a day."""
    return progress.overview(current_user, args["area"], args["date"])


@bp.post("")
@login_required
@bp.arguments(s.ProgressRowsSchema)
@bp.response(200, ImportReportSchema)
def put_rows(body):
    """Import figures as JSON rows (for automation); each date replaces that date's figures, all rows or none."""
    return progress.import_items(current_user, body["rows"], body["dry_run"])


@bp.post("/import")
@login_required
@bp.arguments(ImportSchema)
@bp.response(200, ImportReportSchema)
def import_file(body):
    """Import figures from CSV or XLSX (area_code, date, persons, households); all rows or none."""
    return progress.import_file(current_user, body["upload"], body["dry_run"])


@bp.get("/template.<any(csv, xlsx):fmt>")
@login_required
@bp.arguments(TemplateArgsSchema, location="query")
@bp.doc(responses={200: {"description": "A file to fill in: the child areas of the area, with today's date"}})
def template(args, fmt):
    """Download a file to fill in, listing the child areas of an area."""
    return import_templates.response(current_user, "progress", args["area"], fmt)
