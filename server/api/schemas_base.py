"""Base schema and field types shared by every resource's wire contract.

Every input is bounded at the wire to what the database can store: text is valid Unicode without NUL or lone
surrogates, integers fit a 32-bit column, strings and lists have a length limit, and times fall in a plausible
window. A field that does not say its own bound gets the default one, so no schema can forget it.
"""

import re
from datetime import UTC, date, datetime, timedelta

import marshmallow as ma
from flask import current_app
from marshmallow import fields, validate

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# NUL and lone UTF-16 surrogates cannot be stored as text by PostgreSQL (nor encoded as UTF-8).
UNSTORABLE_CHARS = re.compile(r"[\x00\ud800-\udfff]")
INT32 = validate.Range(-(2**31), 2**31 - 1)
DEFAULT_MAX_TEXT = 2000
DEFAULT_MAX_ITEMS = 1000
# Times a phone or a person can mean: a reset phone clock (2000-01-01) is plausible, year 1 or 9999 is not.
EARLIEST_TIME = datetime(1970, 1, 1, tzinfo=UTC)
LATEST_TIME = datetime(2100, 1, 1, tzinfo=UTC)
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2099, 12, 31)
UNSTORABLE_TEXT = "Not valid text (NUL or an unpaired surrogate)."


def unstorable(value):
    """Return whether any string in value (keys included, nested) cannot be stored as text."""
    if isinstance(value, str):
        return bool(UNSTORABLE_CHARS.search(value))
    if isinstance(value, dict):
        return any(unstorable(k) or unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(unstorable(v) for v in value)
    return False


class StrictSchema(ma.Schema):
    """Unknown fields are an error, never silently dropped; every field has a bound."""

    class Meta:
        unknown = ma.RAISE

    # Fields whose content another schema loads (and checks) on its own, e.g. a mutation's `data`.
    OPAQUE_FIELDS = ()
    # A query string carries only text ("5", "true"); a JSON body must use JSON's own types (5, true).
    FROM_QUERY = False
    # Checks across fields: functions of the loaded data raising ValidationError (api/fast_load.py runs them too).
    CHECKS = ()

    def on_bind_field(self, field_name, field_obj):
        """Give a field without its own bound the default one."""
        _bound(field_obj)

    @ma.pre_load
    def _refuse_unstorable_text(self, data, **_kwargs):
        if isinstance(data, dict):
            errors = {
                key: [UNSTORABLE_TEXT]
                for key, value in data.items()
                if key not in self.OPAQUE_FIELDS and (unstorable(key) or unstorable(value))
            }
            if not self.FROM_QUERY:
                errors.update(self._json_type_errors(data))
            if errors:
                raise ma.ValidationError(errors)
        return data

    @ma.validates_schema
    def _run_checks(self, data, **_kwargs):
        for check in self.CHECKS:
            check(data)

    def _json_type_errors(self, data):
        # marshmallow would take "5" or 5.0 for an integer and 1 or "yes" for a boolean; the document says
        # integer and boolean, so a JSON body gets exactly those.
        errors = {}
        for field_obj in self.load_fields.values():
            key = field_obj.data_key or field_obj.name
            value = data.get(key)
            if value is None:
                continue
            if isinstance(field_obj, fields.Integer) and (isinstance(value, bool) or not isinstance(value, int)):
                errors[key] = ["Not a valid integer."]
            elif isinstance(field_obj, fields.Boolean) and not isinstance(value, bool):
                errors[key] = ["Not a valid boolean."]
        return errors


def _bound(field_obj):
    kinds = {type(v) for v in field_obj.validators}
    if isinstance(field_obj, fields.Integer):
        field_obj.validators.append(INT32)
    elif isinstance(field_obj, fields.String) and validate.Length not in kinds and validate.OneOf not in kinds:
        field_obj.validators.append(validate.Length(max=DEFAULT_MAX_TEXT))
    elif isinstance(field_obj, fields.List):
        if validate.Length not in kinds:
            field_obj.validators.append(validate.Length(max=DEFAULT_MAX_ITEMS))
        _bound(field_obj.inner)
    elif isinstance(field_obj, fields.Date) and validate.Range not in kinds:
        field_obj.validators.append(validate.Range(EARLIEST_DATE, LATEST_DATE))


class Text(fields.String):
    """A string, stripped, with control characters refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if _CONTROL.search(text):
            raise ma.ValidationError("Invalid value.")
        return text


class UTCDateTimeField(fields.DateTime):
    """An ISO 8601 time between 1970 and 2100; a time without an offset is taken as UTC."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        try:
            result = result.replace(tzinfo=UTC) if result.tzinfo is None else result.astimezone(UTC)
        except OverflowError as exc:  # e.g. 0001-01-01T00:00+01:00 is before year 1 in UTC
            raise ma.ValidationError("Not a plausible time (1970-2099).") from exc
        if not EARLIEST_TIME <= result < LATEST_TIME:
            raise ma.ValidationError("Not a plausible time (1970-2099).")
        return result


def census_date(value):
    """Refuse a record date outside the census window or more than a day ahead of the server."""
    cfg = current_app.config
    latest = min(cfg["CENSUS_DATE_TO"], datetime.now(UTC).date() + timedelta(days=1))
    if not cfg["CENSUS_DATE_FROM"] <= value <= latest:
        raise ma.ValidationError(f"Must be between {cfg['CENSUS_DATE_FROM']} and {latest}.")


class FlatRows(fields.List):
    """A list of flat rows (dicts of numbers, text and dates), written by the row schema's own fields in one pass
    per row. The document describes it as a list of that schema; a national ranking (514 rows × 30 figures)
    spent a third of its answer in marshmallow's per-value machinery, this spends a fraction of it."""

    def __init__(self, schema_class, **kwargs):
        super().__init__(fields.Nested(schema_class), **kwargs)
        writers = {fields.Integer: int, fields.Float: float, fields.String: str}
        self._columns = [
            (name, field.data_key or name, writers.get(type(field)), field)
            for name, field in schema_class().dump_fields.items()
        ]

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        out = []
        for row in value:
            item = {}
            for name, key, write, field in self._columns:
                cell = row.get(name, _ABSENT)
                if cell is _ABSENT:
                    continue
                if cell is None:
                    item[key] = None
                else:
                    item[key] = write(cell) if write else field._serialize(cell, name, row)
            out.append(item)
        return out


_ABSENT = object()
