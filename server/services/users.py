"""Accounts: creating users and describing the signed-in one."""

from sqlalchemy import select

from server.errors import Problem
from server.extensions import db
from server.i18n import current_language
from server.models import User, UserArea
from server.models.user import ROLES, SCOPE_LEVEL
from server.services.audit import record_event
from server.services.auth import normalize_username
from server.services.passwords import hash_password
from server.services.reference import ROLE_LABELS
from server.services.scope import areas_by_code


def create_user(username, role, password, area_codes=(), display_name=None, actor=None):
    """Create an account with its area scope; the areas must exist and match the role's level."""
    username = normalize_username(username)
    if role not in ROLES:
        raise Problem("request.invalid", {"role": [f"Must be one of: {', '.join(ROLES)}."]})
    if db.session.scalar(select(User.id).where(User.username == username)):
        raise Problem("request.invalid", {"username": ["Already taken."]})
    areas = areas_by_code(area_codes)
    wrong = [c for c in area_codes if c not in areas or areas[c].level != SCOPE_LEVEL.get(role, 0)]
    if wrong or (role != "admin" and not area_codes):
        raise Problem("request.invalid", {"areas": [f"Not valid for role {role}: {', '.join(wrong) or '-'}."]})
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        password_hash=hash_password(password),
        areas=[UserArea(area_code=c) for c in dict.fromkeys(area_codes)],
    )
    db.session.add(user)
    db.session.flush()
    record_event("user.created", actor, "user", user.id, role=role, areas=list(area_codes))
    db.session.commit()
    return user


def profile(user):
    """Return what the app shows about the signed-in user: role, scope and display name."""
    lang = 0 if current_language() == "id" else 1
    areas = areas_by_code(user.area_codes)
    return {
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "role_label": ROLE_LABELS[user.role][lang],
        "areas": [areas[c] for c in user.area_codes if c in areas],
    }
