"""Writing audit events: ids, codes and counts only, never personal data."""

from flask import has_request_context, request

from server.extensions import db
from server.models import AuditEvent


def audit_rows(action, actor_id, entity, entity_id, device_id, **details):
    """Return one audit event as a plain row (for bulk inserts and for record_event)."""
    return {
        "action": action,
        "actor_id": actor_id,
        "entity": entity,
        "entity_id": str(entity_id) if entity_id is not None else None,
        "device_id": device_id,
        "ip": request.remote_addr if has_request_context() else None,
        "details": details or None,
    }


def record_event(action, actor=None, entity=None, entity_id=None, device_id=None, **details):
    """Add an audit event to the current transaction (the caller's commit makes it durable)."""
    actor_id = getattr(actor, "id", actor)
    db.session.add(AuditEvent(**audit_rows(action, actor_id, entity, entity_id, device_id, **details)))
