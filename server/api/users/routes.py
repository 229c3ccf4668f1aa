"""Accounts: list, create, change, disable, reset password, one-time phone sign-in codes, CSV import."""

from flask import current_app, request
from flask_login import current_user, login_required

from server.api.blueprint import Blueprint
from server.api.import_schemas import ImportReportSchema, ImportSchema, TemplateArgsSchema
from server.api.users import schemas as s
from server.services import import_templates, sign_in_codes, user_import, users

bp = Blueprint("users", __name__, description="Accounts, managed by supervisors (their kabupaten) and admins")


@bp.get("")
@login_required
@bp.arguments(s.UserQueryArgsSchema, location="query")
@bp.response(200, s.UserPageSchema)
def list_users(args):
    """List the accounts the caller manages, with a summary of their phones."""
    return users.list_users(current_user, args)


@bp.post("")
@login_required
@bp.arguments(s.UserCreateSchema)
@bp.response(201, s.UserDetailSchema)
def create_user(body):
    """Create an account inside the caller's scope."""
    user = users.create_user(
        body["username"],
        body["role"],
        body["password"],
        body.get("areas", []),
        body["display_name"],
        current_user,
        phone=body["phone"],
    )
    return users.get_user(current_user, user.id)


@bp.get("/<int:user_id>")
@login_required
@bp.response(200, s.UserDetailSchema)
def get_user(user_id):
    """Open an account with its phones (last sync, app version, unsent count)."""
    return users.get_user(current_user, user_id)


@bp.patch("/<int:user_id>")
@login_required
@bp.arguments(s.UserUpdateSchema)
@bp.response(200, s.UserDetailSchema)
def update_user(body, user_id):
    """Change name, role and areas, or disable/enable the account (disabling ends its sessions)."""
    return users.update_user(current_user, user_id, body)


@bp.post("/<int:user_id>/password")
@login_required
@bp.arguments(s.PasswordSchema)
@bp.response(204)
def reset_password(body, user_id):
    """Set a new password; the account's sessions end."""
    users.reset_password(current_user, user_id, body["password"])


@bp.post("/<int:user_id>/sign-in-codes")
@login_required
@bp.response(201, s.SignInCodeSchema)
def issue_sign_in_code(user_id):
    """Make a one-time, short-lived code (QR and short text) that signs one phone in as this account."""
    return sign_in_codes.issue(current_user, user_id, current_app.config["PUBLIC_URL"] or request.host_url)


@bp.post("/import")
@login_required
@bp.arguments(ImportSchema)
@bp.response(200, ImportReportSchema)
def import_users(body):
    """Import accounts from CSV (username, display_name, role, areas, password); all rows or none."""
    return user_import.import_users(current_user, body["upload"], body["dry_run"])


@bp.get("/template.<any(csv, xlsx):fmt>")
@login_required
@bp.arguments(TemplateArgsSchema, location="query")
@bp.doc(responses={200: {"description": "A users file to fill in, with its columns and two example accounts"}})
def template(args, fmt):
    """Download a users file to fill in: the columns, and a petugas and a coordinator of the area as examples."""
    return import_templates.response(current_user, "users", args["area"], fmt)
