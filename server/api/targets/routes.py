"""Targets per area: list, set one, import a CSV (dry run first)."""

from flask_login import current_user, login_required

from server.api.blueprint import Blueprint
from server.api.import_schemas import ImportReportSchema, ImportSchema, TemplateArgsSchema
from server.api.targets import schemas as s
from server.services import import_templates, targets

bp = Blueprint("targets", __name__, description="Census targets per area")


@bp.get("")
@login_required
@bp.arguments(s.TargetQueryArgsSchema, location="query")
@bp.response(200, s.TargetListSchema)
def list_targets(args):
    """List an area and its children with their targets."""
    return targets.list_targets(current_user, args["area"])


@bp.put("/<area_code:code>")
@login_required
@bp.arguments(s.TargetInputSchema)
@bp.response(200, s.TargetRowSchema)
def set_target(body, code):
    """Set an area's target (audited with the old and new figures)."""
    return targets.set_target(current_user, code, body)


@bp.post("/import")
@login_required
@bp.arguments(ImportSchema)
@bp.response(200, ImportReportSchema)
def import_targets(body):
    """Import targets from CSV (area_code, population, households, target_pct); all rows or none."""
    return targets.import_targets(current_user, body["upload"], body["dry_run"])


@bp.get("/template.<any(csv, xlsx):fmt>")
@login_required
@bp.arguments(TemplateArgsSchema, location="query")
@bp.doc(responses={200: {"description": "A file to fill in: the child areas of the area with their targets"}})
def template(args, fmt):
    """Download a targets file to fill in: each child area of an area, with its target as it stands."""
    return import_templates.response(current_user, "targets", args["area"], fmt)
