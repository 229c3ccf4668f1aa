"""Files to fill in for every import, so nobody has to guess a column name or an area code: the columns, and
rows of the actor's own area to start from (each child area for figures and targets; examples for accounts)."""

from flask import Response
from sqlalchemy import select

from server.extensions import db
from server.models import Target
from server.models.types import utcnow
from server.models.user import SCOPE_LEVEL
from server.queries import areas
from server.services import export_files, exports, policy, progress, targets, user_import
from server.services.export_columns import Column


def _progress_rows(area, children):
    today = utcnow().date().isoformat()
    return [{"area_code": c.code, "name": c.name, "date": today} for c in children]


def _target_rows(area, children):
    """Each child area with its target as it stands (empty where none is set yet)."""
    codes = [c.code for c in children]
    known = {t.area_code: t for t in db.session.scalars(select(Target).where(Target.area_code.in_(codes)))}
    rows = []
    for c in children:
        t = known.get(c.code)
        row = {"area_code": c.code, "name": c.name}
        if t is not None:
            row.update(population=t.population, households=t.households, target_pct=float(t.target_pct))
        rows.append(row)
    return rows


def _user_rows(area, children):
    """Two example accounts under the area: a petugas of its first desa, a coordinator of its first kecamatan."""
    examples = []
    for role, word in (("enumerator", "petugas"), ("coordinator", "koordinator")):
        place = _first_below(area, SCOPE_LEVEL[role])
        if place is not None:
            name = f"{word}.{place.name.lower().replace(' ', '')}"[:40]
            example = {"username": name, "display_name": f"Nama {word.title()}", "role": word, "areas": place.code}
            examples.append({**example, "password": "", "phone": "0812-0000-0000"})
    return examples


def _first_below(area, level):
    """Return the first area of a level at or under the area (by code, a level at a time), or None."""
    if area.level > level:
        return None
    while area.level < level:
        children = areas.below(area)
        if not children:
            return None
        area = children[0]
    return area


# Per import: the right it needs, its columns, the file name's stem, and the rows to start from.
KINDS = {
    "progress": ("progress.import", progress.COLUMNS, "progres-resmi", _progress_rows),
    "targets": ("targets.manage", targets.TEMPLATE_COLUMNS, "target", _target_rows),
    "users": ("users.manage", user_import.COLUMNS, "pengguna", _user_rows),
}


def response(actor, kind, code, fmt):
    """Return the template as a file download."""
    name, body, content_type = template(actor, kind, code, fmt)
    return Response(body, content_type=content_type, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def template(actor, kind, code, fmt):
    """Return (file name, bytes, content type): the import's columns and the rows to start from."""
    action, columns, stem, rows_of = KINDS[kind]
    area = policy.resolve_area(actor, code, action, national=True)
    children = areas.below(area) if area.level < 4 else []
    rows = rows_of(area, children)
    body = export_files.file_bytes([Column(name, name, name) for name in columns], rows, fmt)
    return f"{stem}-{area.code or 'indonesia'}.{fmt}", body, exports.FORMATS[fmt]
