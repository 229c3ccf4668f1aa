"""Parsing one phone mutation at the wire, without touching the database: validation and hashes.

The push route parses each item on its own, so a malformed one is answered `rejected` alone; the sync service
then decides the fate of the items (services/sync_push.py).
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime

import marshmallow as ma

from server.api.sync.schemas import FAST_DATA, FAST_MUTATION
from server.i18n import translate_field_errors
from server.services.identity import check_identity_number, normalize_phone


@dataclass
class Item:
    """One mutation of a batch as understood before any database work."""

    raw: object
    echo_id: str | None = None
    mutation_id: object = None
    record_id: object = None
    entity: str | None = None
    op: str | None = None
    base_version: int | None = None
    device_time: datetime | None = None
    data: dict = field(default_factory=dict)
    payload_hash: str | None = None
    content_hash: str | None = None
    errors: dict | None = None
    warnings: dict = field(default_factory=dict)
    kk_region: str | None = None


def _digest(value):
    return hashlib.sha256(json.dumps(value, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def parse_item(raw):
    """Validate one raw mutation and its data; errors are kept on the item (in the request's language)."""
    item = _parse(raw)
    if item.errors:
        item.errors = translate_field_errors(item.errors)
    return item


def _parse(raw):
    item = Item(raw=raw)
    if not isinstance(raw, dict):
        item.errors = {"_schema": ["Not a valid mapping type."]}
        return item
    if isinstance(raw.get("mutation_id"), str):
        item.echo_id = raw["mutation_id"][:64]
    if isinstance(raw.get("record_id"), str):
        item.record_id = raw["record_id"][:64]
    try:
        envelope = FAST_MUTATION.load(raw)
    except ma.ValidationError as exc:
        item.errors = exc.messages
        return item
    item.mutation_id, item.record_id = envelope["mutation_id"], envelope["record_id"]
    item.echo_id = str(item.mutation_id)
    item.entity, item.op = envelope["entity"], envelope["op"]
    item.base_version, item.device_time = envelope["base_version"], envelope["device_time"]
    if item.op == "void" and item.base_version is None:
        item.errors = {"base_version": ["Missing data for required field."]}
        return item
    try:
        item.data = FAST_DATA[(item.entity, item.op)].load(envelope["data"])
    except ma.ValidationError as exc:
        item.errors = exc.messages
        return item
    if item.entity == "assist" and item.op == "upsert":
        _check_assist_fields(item)
    # Hash the wire form: an identical resend hashes the same; any changed byte of meaning does not.
    item.content_hash = _digest(raw["data"])
    envelope_part = {k: raw.get(k) for k in ("entity", "op", "record_id", "base_version")}
    item.payload_hash = _digest({**envelope_part, "data": item.content_hash})
    return item


def _check_assist_fields(item):
    data = item.data
    kk = check_identity_number(data["kk_number"], "kk")
    item.kk_region = kk.district_code
    errors = {}
    if kk.errors:
        errors["kk_number"] = kk.errors
    if data.get("phone"):
        data["phone"], phone_error = normalize_phone(data["phone"])
        if phone_error:
            errors["phone"] = [phone_error]
    if errors:
        item.errors = errors
