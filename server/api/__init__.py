"""The HTTP API under /api/v1: one package per resource, registered from one tuple."""

from importlib import import_module

from flask import current_app, request

from server.errors import Problem

RESOURCES = (
    "auth",
    "devices",
    "sync",
    "areas",
    "tallies",
    "review",
    "exports",
    "users",
    "targets",
    "progress",
    "audit_events",
    "outreaches",
)


def register(api):
    """Register every resource blueprint on the flask-smorest Api."""
    for name in RESOURCES:
        api.register_blueprint(
            import_module(f"server.api.{name}.routes").bp, url_prefix=f"/api/v1/{name.replace('_', '-')}"
        )
    # Push items are validated one by one, so the route documents them loosely; publish their exact shape
    # here so other clients can be written against the document.
    from server.api.sync import schemas

    for name in ("Mutation", "OutreachData", "AssistData", "VoidData"):
        if name not in api.spec.components.schemas:
            api.spec.components.schema(name, schema=getattr(schemas, f"{name}Schema"))


def refuse_undeclared_query():
    """Refuse query parameters on an operation that declares none (its schema would refuse unknown ones)."""
    if not request.args or not request.path.startswith("/api/") or request.routing_exception:
        return  # no route, or a wrong method: routing answers that (404, 405 with Allow)
    view = current_app.view_functions.get(request.endpoint)
    parameters = getattr(view, "_apidoc", {}).get("arguments", {}).get("parameters", [])
    if not any(p.get("in") == "query" for p in parameters):
        raise Problem("request.invalid", {name: ["Unknown field."] for name in request.args})
