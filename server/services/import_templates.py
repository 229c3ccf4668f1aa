"""Files to fill in for the imports, so nobody has to guess a column name or an area code."""

from server.models.types import utcnow
from server.queries import areas
from server.services import export_files, exports, policy, progress
from server.services.export_columns import Column

# Per import: the right it needs, its columns, and the file name's stem.
KINDS = {"progress": ("progress.import", progress.COLUMNS, "progres-resmi")}


def template(actor, kind, code, fmt):
    """Return (file name, bytes, content type): the import's columns, one row per child area of the area."""
    action, columns, stem = KINDS[kind]
    area = policy.resolve_area(actor, code, action, national=True)
    children = areas.below(area)
    today = utcnow().date().isoformat()
    rows = [{"area_code": c.code, "name": c.name, "date": today} for c in children]
    body = export_files.file_bytes([Column(name, name, name) for name in columns], rows, fmt)
    return f"{stem}-{area.code or 'indonesia'}.{fmt}", body, exports.FORMATS[fmt]
