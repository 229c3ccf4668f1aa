"""Sign in, sign out, and who am I."""

from flask_login import current_user, login_required

from server.api.auth.schemas import CodeLoginSchema, LoginSchema, MeSchema
from server.api.blueprint import Blueprint
from server.services import auth, sign_in_codes

bp = Blueprint("auth", __name__, description="Sign-in with a cookie session")


@bp.post("/login")
@bp.doc(security=[])
@bp.arguments(LoginSchema)
@bp.response(200, MeSchema)
def login(creds):
    """Sign in with username and password; sets the session cookie."""
    user = auth.sign_in(creds["username"], creds["password"])
    return user


@bp.post("/code")
@bp.doc(security=[])
@bp.arguments(CodeLoginSchema)
@bp.response(200, MeSchema)
def code_login(body):
    """Sign this phone in with a one-time code from the supervisor (QR or typed); the code then expires."""
    return sign_in_codes.redeem(body["code"])


@bp.post("/logout")
@login_required
@bp.response(204)
def logout():
    """End this session."""
    auth.sign_out(current_user)


@bp.get("/me")
@login_required
@bp.response(200, MeSchema)
def me():
    """Return the signed-in user with role and area scope."""
    return current_user
