"""Wire contract shared by every file import (users, targets, official progress): CSV text or XLSX bytes."""

import base64
import binascii

import marshmallow as ma
from marshmallow import fields, post_load, validate, validates_schema

from server.api.areas.schemas import AREA_CODE
from server.api.schemas_base import StrictSchema

MAX_CSV_CHARS = 1_000_000
# A spreadsheet is zipped XML: a file of the same rows is larger than its CSV, so it gets more room.
MAX_XLSX_BASE64 = 4_000_000


class ImportSchema(StrictSchema):
    """A file to import: CSV text or an XLSX workbook (base64); with dry_run nothing is written."""

    csv = fields.String(load_default=None, validate=validate.Length(1, MAX_CSV_CHARS))
    xlsx = fields.String(load_default=None, validate=validate.Length(1, MAX_XLSX_BASE64))
    dry_run = fields.Boolean(load_default=True)

    @validates_schema
    def _one_file(self, data, **_kwargs):
        if (data.get("csv") is None) == (data.get("xlsx") is None):
            raise ma.ValidationError("Send the file as csv or as xlsx (exactly one).", "_schema")

    @post_load
    def _upload(self, data, **_kwargs):
        """Return {"upload": CSV text or XLSX bytes, "dry_run": …}."""
        if data["xlsx"] is None:
            return {"upload": data["csv"], "dry_run": data["dry_run"]}
        try:
            raw = base64.b64decode(data["xlsx"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ma.ValidationError("Not valid base64.", "xlsx") from exc
        return {"upload": raw, "dry_run": data["dry_run"]}


class ImportReportSchema(StrictSchema):
    """What an import did (or would do)."""

    dry_run = fields.Boolean()
    rows = fields.Integer()
    created = fields.Integer()
    updated = fields.Integer()
    removed = fields.Integer()
    without_password = fields.Integer()


class TemplateArgsSchema(StrictSchema):
    """For which area a template is made (its child areas, or examples inside it; the caller's own by default)."""

    FROM_QUERY = True

    area = fields.String(load_default=None, validate=AREA_CODE)
