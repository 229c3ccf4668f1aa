"""Bulk import of accounts from CSV: a dry run lists every bad line; nothing is created unless all are valid."""

import re

from sqlalchemy import select

from server import unit_of_work
from server.extensions import db
from server.models import User
from server.services import auth, csv_import, policy, scope
from server.services.audit import audit_rows
from server.services.identity import normalize_phone
from server.services.passwords import NO_PASSWORD, hash_password
from server.services.users import account_errors, new_user

COLUMNS = ("username", "display_name", "role", "areas", "password", "phone")
REQUIRED = ("username", "role", "areas")
# What people write in the role column of a spreadsheet.
ROLE_WORDS = {
    "petugas": "enumerator",
    "koordinator": "coordinator",
    "kortim": "coordinator",
    "supervisor_provinsi": "province_supervisor",
}
_SPLIT = re.compile(r"[\s;,|]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def import_users(actor, text, dry_run):
    """Check every row of a users CSV; unless dry_run and only if all rows are valid, create them all."""
    unit_of_work.writes()
    policy.require(actor, "users.manage")
    rows = csv_import.read_rows(text, COLUMNS, REQUIRED)
    parsed = [(line, _parse(row)) for line, row in rows]
    names = [p["username"] for _, p in parsed]
    taken = set(db.session.scalars(select(User.username).where(User.username.in_(names))))
    areas = scope.areas_by_code({c for _, p in parsed for c in p["areas"]})
    seen = {}

    def check(line, p):
        errors = account_errors(actor, p["username"], p["role"], p["areas"], areas, p["username"] in taken)
        if "username" not in errors and (repeat := csv_import.first_seen(seen, p["username"], line)):
            errors["username"] = repeat
        if len(p["display_name"]) > 120:
            errors["display_name"] = ["Longer than maximum length 120."]
        elif _CONTROL.search(p["display_name"]):
            errors["display_name"] = ["Invalid value."]
        if p["password"] and not 8 <= len(p["password"]) <= 256:
            errors["password"] = ["Length must be between 8 and 256."]
        if p["phone"]:
            p["phone"], error = normalize_phone(p["phone"])
            if error:
                errors["phone"] = [error]
        return p, errors

    checked = csv_import.check_rows(parsed, check)
    report = {"dry_run": dry_run, "rows": len(checked), "created": 0, "without_password": 0}
    report["without_password"] = sum(1 for p in checked if not p["password"])
    if dry_run:
        return report
    users = [
        new_user(
            p["username"],
            p["role"],
            hash_password(p["password"]) if p["password"] else NO_PASSWORD,
            p["areas"],
            p["display_name"],
            phone=p["phone"] or None,
        )
        for p in checked
    ]
    db.session.add_all(users)
    db.session.flush()
    events = [
        audit_rows("user.created", actor.id, "user", u.id, None, role=u.role, areas=u.area_codes, imported=True)
        for u in users
    ]
    db.session.execute(db.metadata.tables["audit_events"].insert(), events)
    return {**report, "created": len(users)}


def _parse(row):
    role = row.get("role", "").strip().lower()
    return {
        "username": auth.normalize_username(row.get("username", "")),
        "display_name": row.get("display_name", ""),
        "role": ROLE_WORDS.get(role, role),
        "areas": list(dict.fromkeys(c for c in _SPLIT.split(row.get("areas", "")) if c)),
        "password": row.get("password", ""),
        "phone": row.get("phone", "").strip(),
    }
