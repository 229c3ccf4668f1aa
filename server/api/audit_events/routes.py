"""The audit log, read only: no endpoint changes or deletes it (the database refuses it too)."""

from flask_login import current_user, login_required

from server.api.audit_events import schemas as s
from server.api.blueprint import Blueprint
from server.services import audit_log

bp = Blueprint("audit_events", __name__, description="The append-only audit log")


@bp.get("")
@login_required
@bp.arguments(s.AuditQueryArgsSchema, location="query")
@bp.response(200, s.AuditPageSchema)
def search(args):
    """Search the audit log (supervisors: the people of their kabupaten), newest first."""
    return audit_log.search(current_user, args)
