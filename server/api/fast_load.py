"""A fast path for loading well-formed input: msgspec types derived from a marshmallow schema.

Each pushed mutation is loaded twice (envelope, then data); with marshmallow that was most of the 112 µs an
assist item took to parse, against 26 µs with this (`bench: push_parse_item_us`). msgspec checks the same types
and bounds in C. marshmallow stays the contract and the authority: the fast path accepts only what it is sure
of, and anything else marshmallow loads and words the errors for. The test settings load every item both ways
and require the same result (FAST_LOAD_CROSSCHECK), and a property test feeds both loaders near-valid input.

What msgspec cannot do exactly as marshmallow does is left to the marshmallow field itself: text fields
(stripped, control characters refused) and dates and times are checked as strings by msgspec and then
deserialized by their own field; validators msgspec has no form for (a pattern, census_date, a date range, a
length after stripping) are called as they are.
"""

import math
import uuid
from typing import Annotated, Literal

import marshmallow as ma
import msgspec
from flask import current_app
from marshmallow import fields, validate

from server.api.schemas_base import UNSTORABLE_CHARS, StrictSchema


class Unsupported(Exception):
    """A schema uses something the fast path has no exact form for; it is loaded by marshmallow alone."""


class FastLoader:
    """Load input for one StrictSchema: the same dict marshmallow returns, or None if not sure."""

    def __init__(self, schema):
        self.schema = schema
        self.struct, self.steps, self.texts = _derive(schema)
        self.checks = type(schema).CHECKS
        self.names = self.struct.__struct_fields__

    def load(self, raw):
        """Load raw with the fast path when it is sure, else with marshmallow (which raises ValidationError)."""
        data = self.attempt(raw)
        if data is None:
            return self.schema.load(raw)
        if current_app.config.get("FAST_LOAD_CROSSCHECK"):
            crosscheck(self.schema, raw, data)
        return data

    def attempt(self, raw):
        """Return the loaded data, or None where marshmallow must decide (and word any error)."""
        try:
            obj = msgspec.convert(raw, self.struct)
        except (msgspec.ValidationError, ValueError, TypeError):  # e.g. a lone surrogate in its error message
            return None
        data = dict(zip(self.names, msgspec.structs.astuple(obj), strict=True))
        try:
            for name in self.texts:
                value = data[name]
                if value is not None and UNSTORABLE_CHARS.search(value):
                    return None
            for name, deserialize, validators in self.steps:
                value = data[name]
                if value is None:
                    continue
                if deserialize:
                    value = data[name] = deserialize(value, name, raw)
                for validator in validators:
                    validator(value)
            for check in self.checks:
                check(data)
        except (ma.ValidationError, ValueError, TypeError):
            return None
        return data


def crosscheck(schema, raw, data):
    """Fail loudly unless marshmallow loads raw to the very data the fast path gave."""
    try:
        expected = schema.load(raw)
    except ma.ValidationError as exc:
        raise AssertionError(f"the fast path took what {type(schema).__name__} refuses: {exc.messages}") from exc
    if not same(expected, data):
        # Field names only: the values may be personal data.
        differ = sorted(k for k in expected.keys() | data.keys() if not same(expected.get(k), data.get(k)))
        raise AssertionError(f"the fast path disagrees with {type(schema).__name__} on {differ}")


def same(a, b):
    """Whether two loaded values are equal and of the same types throughout (1 is not 1.0 here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _derive(schema):
    if not isinstance(schema, StrictSchema) or schema.FROM_QUERY:
        raise Unsupported(type(schema).__name__)
    hooks = type(schema)._hooks
    if hooks["post_load"] or hooks["validates"] or len(hooks["pre_load"]) != 1 or len(hooks["validates_schema"]) != 1:
        raise Unsupported(f"{type(schema).__name__} has its own hooks; name them in CHECKS instead")
    annotations, steps, texts = [], [], []
    for name, field_obj in schema.load_fields.items():
        if field_obj.data_key not in (None, name) or field_obj.attribute not in (None, name):
            raise Unsupported(f"{name}: a renamed field")
        if isinstance(field_obj, fields.Dict) and name not in schema.OPAQUE_FIELDS:
            raise Unsupported(f"{name}: a mapping whose text marshmallow would check")
        kind, deserialize, rest, free_text = _field_type(field_obj)
        if field_obj.allow_none:
            kind = kind | None
        if field_obj.required:
            annotations.append((name, kind))
        elif field_obj.load_default is None:
            annotations.append((name, kind, None))
        else:
            raise Unsupported(f"{name}: an optional field without a None default")
        if deserialize or rest:
            steps.append((name, deserialize, tuple(rest)))
        if free_text:
            texts.append(name)
    struct = msgspec.defstruct(type(schema).__name__, annotations, kw_only=True, forbid_unknown_fields=True)
    return struct, tuple(steps), tuple(texts)


def _field_type(field_obj):
    """Return (msgspec type, the field's deserializer to run after it or None, validators left, free text?)."""
    validators = list(field_obj.validators)
    if isinstance(field_obj, fields.UUID):
        return uuid.UUID, None, validators, False
    if isinstance(field_obj, fields.String) and type(field_obj) is not fields.String:
        # Text and any other kind of string: checked as a string, then the field's own deserializing (Text strips
        # and refuses control characters), then its validators.
        return str, field_obj._deserialize, validators, True
    if isinstance(field_obj, fields.Date | fields.DateTime):
        # ISO forms, UTC and the plausible window are the field's own; a NUL or a surrogate fails its parse.
        return str, field_obj._deserialize, validators, False
    if type(field_obj) is fields.Integer:
        return _bounded(int, validators), None, validators, False
    if type(field_obj) is fields.Float:
        # marshmallow refuses NaN and infinities; a float without a range would not.
        return _bounded(float, validators), None, [*validators, _finite], False
    if type(field_obj) is fields.String:
        choices = _choices(validators)
        if choices:
            return choices, None, validators, False
        return _sized(str, validators), None, validators, True
    if isinstance(field_obj, fields.List) and type(field_obj.inner) is fields.String:
        choices = _choices(list(field_obj.inner.validators))
        if not choices or len(field_obj.inner.validators) != 1:
            raise Unsupported(f"{field_obj.name}: a list of values other than choices")
        return _sized(list[choices], validators), None, validators, False
    if type(field_obj) is fields.Dict and field_obj.key_field is None and field_obj.value_field is None:
        return dict, None, validators, False
    raise Unsupported(f"{field_obj.name}: {type(field_obj).__name__}")


def _choices(validators):
    """Take a OneOf of strings out of validators, as a Literal type (None if there is none)."""
    for validator in validators:
        if type(validator) is validate.OneOf and all(isinstance(c, str) for c in validator.choices):
            validators.remove(validator)
            return Literal[tuple(validator.choices)]
    return None


def _sized(kind, validators):
    """Take the Length validators out of validators, as msgspec's bounds on kind."""
    low, high = None, None
    for validator in [v for v in validators if type(v) is validate.Length and v.equal is None]:
        validators.remove(validator)
        if validator.min is not None:
            low = validator.min if low is None else max(low, validator.min)
        if validator.max is not None:
            high = validator.max if high is None else min(high, validator.max)
    return Annotated[kind, msgspec.Meta(min_length=low, max_length=high)] if (low, high) != (None, None) else kind


def _bounded(kind, validators):
    """Take the Range validators out of validators, as msgspec's bounds on kind (the tightest of each side)."""
    low, high = None, None  # (value, inclusive)
    for validator in [v for v in validators if type(v) is validate.Range]:
        validators.remove(validator)
        if validator.min is not None:
            low = max(low or (validator.min, True), (validator.min, validator.min_inclusive), key=_lower_key)
        if validator.max is not None:
            high = min(high or (validator.max, True), (validator.max, validator.max_inclusive))
    bounds = {}
    if low:
        bounds["ge" if low[1] else "gt"] = low[0]
    if high:
        bounds["le" if high[1] else "lt"] = high[0]
    return Annotated[kind, msgspec.Meta(**bounds)] if bounds else kind


def _lower_key(bound):
    # Of two lower bounds at one value, the exclusive one is tighter (for upper bounds, plain tuple order says so).
    return (bound[0], not bound[1])


def _finite(value):
    if not math.isfinite(value):
        raise ma.ValidationError("Not finite.")
