"""Push a batch of mutations; pull changes to the user's own records."""

from flask import current_app
from flask_login import current_user, login_required

from server.api.blueprint import Blueprint
from server.api.sync.items import parse_item
from server.api.sync.schemas import PullArgsSchema, PullSchema, PushResultSchema, PushSchema
from server.errors import Problem
from server.services import sync_pull, sync_push

bp = Blueprint("sync", __name__, description="Offline sync: idempotent push, paged pull")


@bp.post("/push")
@login_required
@bp.arguments(PushSchema)
@bp.response(200, PushResultSchema)
def push(envelope):
    """Apply a batch of phone-made mutations; one result per mutation, safe to resend."""
    limit = current_app.config["SYNC_MAX_MUTATIONS"]
    if len(envelope["mutations"]) > limit:
        raise Problem("sync.too_many_mutations", limit=limit)
    # Each item is checked on its own: a malformed one is answered `rejected`, alone.
    items = [parse_item(raw) for raw in envelope["mutations"]]
    # The real user object, not the proxy: the service reads it for every item of the batch.
    return sync_push.push_mutations(current_user._get_current_object(), envelope, items)


@bp.get("/pull")
@login_required
@bp.arguments(PullArgsSchema, location="query")
@bp.response(200, PullSchema)
def pull(args):
    """Return the next page of changes to the user's records (and reference data on the first page)."""
    return sync_pull.pull_changes(current_user, args["cursor"], args["limit"], args["device_id"])
