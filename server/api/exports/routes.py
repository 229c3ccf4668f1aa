"""Streamed exports (CSV, XLSX); every export is audited."""

from flask import Response, stream_with_context
from flask_login import current_user, login_required

from server.api.blueprint import Blueprint
from server.api.exports.schemas import ExportArgsSchema
from server.services import exports

bp = Blueprint("exports", __name__, description="Exports for supervisors and coordinators (audited)")


@bp.get("/<any(assists, 'follow-up', tallies):kind>.<any(csv, xlsx):fmt>")
@login_required
@bp.arguments(ExportArgsSchema, location="query")
def export(args, kind, fmt):
    """Stream assists, the interview-phase follow-up list or a tallies table; KK numbers masked by default."""
    user = current_user._get_current_object()
    kind = kind.replace("-", "_")
    filename, columns, rows = exports.prepare(user, kind, fmt, args)
    # An id, not the user object: the stream outlives the transaction the object was loaded in.
    body = stream_with_context(exports.stream(user.id, kind, fmt, columns, rows))
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(body, content_type=exports.FORMATS[fmt], headers=headers)
