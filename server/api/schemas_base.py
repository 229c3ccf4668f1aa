"""Base schema and field types shared by every resource's wire contract."""

import re
from datetime import UTC

import marshmallow as ma
from marshmallow import fields

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class StrictSchema(ma.Schema):
    """Unknown fields are an error, never silently dropped."""

    class Meta:
        unknown = ma.RAISE


class Text(fields.String):
    """A string, stripped, with control characters refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if _CONTROL.search(text):
            raise ma.ValidationError("Invalid value.")
        return text


class UTCDateTimeField(fields.DateTime):
    """An ISO 8601 time; a time without an offset is taken as UTC."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        return result.replace(tzinfo=UTC) if result.tzinfo is None else result.astimezone(UTC)
