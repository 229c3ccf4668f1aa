"""Accounts: creating, listing, changing and disabling users within the manager's scope."""

import re

from sqlalchemy import exists, func, or_, select

from server import unit_of_work
from server.errors import Problem
from server.extensions import db
from server.i18n import pick
from server.models import User, UserArea
from server.models.user import ROLES, SCOPE_LEVEL
from server.queries import paging
from server.queries import users as user_queries
from server.services import auth
from server.services.audit import record_event
from server.services.passwords import NO_PASSWORD, hash_password
from server.services.policy import SUPERVISED, may_assign, may_manage, require
from server.services.reference import role_label
from server.services.scope import areas_by_code, under_scope

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
USERNAME_RULE = "Use 3-64 lowercase letters, digits, dot, dash or underscore."


def account_errors(actor, username, role, area_codes, areas, taken):
    """Return field errors for a new or changed account (areas: {code: Area}; taken: is the username used)."""
    errors = {}
    if username is not None and not USERNAME.match(username):
        errors["username"] = [USERNAME_RULE]
    elif username is not None and taken:
        errors["username"] = ["Already taken."]
    if role not in ROLES:
        errors["role"] = [f"Must be one of: {', '.join(ROLES)}."]
        return errors
    problems = _area_problems(role, area_codes, areas)
    if problems:
        errors["areas"] = problems
    elif actor is not None and not may_assign(actor, role, area_codes):
        errors["role" if role not in SUPERVISED else "areas"] = ["Outside what your role may assign."]
    return errors


# What each level is called, to say which kind of area a role is given.
_LEVEL_NAMES = {
    1: {"id": "provinsi", "en": "a province"},
    2: {"id": "kabupaten/kota", "en": "a district"},
    3: {"id": "kecamatan", "en": "a sub-district"},
    4: {"id": "desa/kelurahan", "en": "a village"},
}


def _area_problems(role, area_codes, areas):
    """Return what is wrong with a role's areas, in the user's words: unknown codes, or areas of another level."""
    want = SCOPE_LEVEL.get(role)
    if want is None:
        return []  # an admin has the whole country
    if not area_codes:
        return [pick({"id": "Pilih paling sedikit satu wilayah.", "en": "Choose at least one area."})]
    problems = []
    unknown = [c for c in area_codes if c not in areas]
    if unknown:
        codes = ", ".join(unknown)
        problems.append(pick({"id": "Wilayah tidak dikenal: {codes}.", "en": "Unknown area: {codes}."}, codes=codes))
    other = [areas[c] for c in area_codes if c in areas and areas[c].level != want]
    if other:
        names = ", ".join(f"{a.name} ({pick(_LEVEL_NAMES[a.level])})" for a in other)
        text = {"id": "{role} ditugaskan ke {kind}; bukan: {names}.", "en": "{role} is given {kind}; not: {names}."}
        problems.append(pick(text, role=role_label(role), kind=pick(_LEVEL_NAMES[want]), names=names))
    return problems


def create_user(username, role, password, area_codes=(), display_name=None, actor=None, phone=None):
    """Create an account with its area scope; without a password it signs in by one-time code only."""
    unit_of_work.writes()
    if actor is not None:
        require(actor, "users.manage")
    username = auth.normalize_username(username)
    area_codes = list(dict.fromkeys(area_codes))
    taken = db.session.scalar(select(User.id).where(User.username == username)) is not None
    errors = account_errors(actor, username, role, area_codes, areas_by_code(area_codes), taken)
    if errors:
        raise Problem("request.invalid", errors)
    password_hash = hash_password(password) if password else NO_PASSWORD
    user = new_user(username, role, password_hash, area_codes, display_name, phone or None)
    db.session.add(user)
    db.session.flush()
    record_event("user.created", actor, "user", user.id, role=role, areas=area_codes)
    return user


def new_user(username, role, password_hash, area_codes, display_name=None, phone=None):
    """Return an unsaved account (the caller checked it)."""
    return User(
        username=username,
        display_name=display_name or username,
        phone=phone,
        role=role,
        password_hash=password_hash,
        areas=[UserArea(area_code=c) for c in area_codes],
    )


def list_users(actor, args):
    """Return one page of the accounts the actor manages, filtered, with their phones summarised."""
    require(actor, "users.manage")
    query = select(User)
    inside = under_scope(actor, UserArea.area_code)
    if inside is not None:
        # A supervisor sees the petugas and coordinators working inside their kabupaten.
        query = query.where(User.role.in_(("enumerator", "coordinator")))
        query = query.where(exists().where(UserArea.user_id == User.id, inside))
    if args.get("q"):
        pattern = f"%{args['q'].lower()}%"
        query = query.where(or_(User.username.like(pattern), func.lower(User.display_name).like(pattern)))
    if args.get("role"):
        query = query.where(User.role == args["role"])
    if args.get("area"):
        code = args["area"]
        match = or_(UserArea.area_code == code, UserArea.area_code.startswith(code + "."))
        query = query.where(exists().where(UserArea.user_id == User.id, match))
    if args.get("active") is not None:
        query = query.where(User.active == args["active"])
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    ordered = user_queries.with_phones(query.order_by(User.username, User.id))
    items, following = paging.offset(ordered, args.get("cursor"), args["limit"], "u")
    return {"items": items, "total": total, "next": following}


def get_user(actor, user_id):
    """Return one managed account with its phones."""
    managed_user(actor, user_id)
    return user_queries.with_devices(user_id)


def update_user(actor, user_id, changes):
    """Change name, role and scope, or enable/disable an account (disabling ends its sessions at once)."""
    unit_of_work.writes()
    user = managed_user(actor, user_id)
    role = changes.get("role", user.role)
    codes = list(dict.fromkeys(changes["areas"])) if "areas" in changes else user.area_codes
    if user.id == actor.id and (role != user.role or changes.get("active") is False):
        raise Problem("user.self_change")
    if "role" in changes or "areas" in changes:
        errors = account_errors(actor, None, role, codes, areas_by_code(codes), False)
        if errors:
            raise Problem("request.invalid", errors)
        user.role = role
        # Keep the rows that stay: replacing them all would delete and insert the same keys in one flush.
        user.areas = [a for a in user.areas if a.area_code in codes] + [
            UserArea(area_code=c) for c in codes if c not in user.area_codes
        ]
    if "display_name" in changes:
        user.display_name = changes["display_name"]
    if "phone" in changes:
        user.phone = changes["phone"] or None  # empty: no number
    if "active" in changes and changes["active"] != user.active:
        auth.set_active(user, changes["active"])
    record_event("user.updated", actor, "user", user.id, fields=sorted(changes), role=user.role, active=user.active)
    return get_user(actor, user.id)


def reset_password(actor, user_id, password):
    """Set a new password; every session of that account ends."""
    unit_of_work.writes()
    user = managed_user(actor, user_id)
    auth.set_password(user, password)
    record_event("user.password_reset", actor, "user", user.id)


def managed_user(actor, user_id):
    """Return the account if the actor may manage it; 404 otherwise (others' accounts are not revealed)."""
    require(actor, "users.manage")
    user = db.session.get(User, user_id)
    if user is None or not may_manage(actor, user):
        raise Problem("user.not_found")
    return user
