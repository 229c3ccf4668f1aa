"""Review of assists: list, open, decide (If-Match), bulk approve, duplicates."""

from flask import request
from flask_login import current_user, login_required

from server.api.blueprint import Blueprint
from server.api.review import schemas as s
from server.services import review

bp = Blueprint("review", __name__, description="Review of assists by coordinators and supervisors")


@bp.get("/assists")
@login_required
@bp.arguments(s.ReviewListArgsSchema, location="query")
@bp.response(200, s.ReviewPageSchema)
def list_assists(args):
    """List assists in scope, newest change first, filtered; KK numbers and phones masked."""
    return review.list_assists(current_user, args)


@bp.get("/assists/<uuid:assist_id>")
@login_required
@bp.response(200, s.ReviewDetailSchema)
def get_assist(assist_id):
    """Open one assist with its history; the ETag header is what If-Match must echo."""
    return _with_etag(review.get_assist(current_user, assist_id))


@bp.post("/assists/<uuid:assist_id>/decision")
@login_required
@bp.arguments(s.DecisionSchema)
@bp.response(200, s.ReviewDetailSchema)
def decide(body, assist_id):
    """Approve, flag (perlu perbaikan) or reject, only if the record is unchanged since it was opened."""
    if_match = request.headers.get("If-Match")
    return _with_etag(review.decide(current_user, assist_id, if_match, body["action"], body["comment"]))


@bp.post("/assists/<uuid:assist_id>/void")
@login_required
@bp.arguments(s.VoidSchema)
@bp.response(200, s.ReviewDetailSchema)
def void_duplicate(body, assist_id):
    """Void one assist of a household logged more than once, with a reason (If-Match required)."""
    return _with_etag(review.void_duplicate(current_user, assist_id, request.headers.get("If-Match"), body["reason"]))


@bp.post("/assists/bulk-approve")
@login_required
@bp.arguments(s.BulkApproveSchema)
@bp.response(200, s.BulkResultSchema)
def bulk_approve(body):
    """Approve the received records of a filtered list that are unchanged since the list's `as_of`."""
    return review.bulk_approve(current_user, body)


@bp.get("/follow-up")
@login_required
@bp.arguments(s.FollowUpArgsSchema, location="query")
@bp.response(200, s.FollowUpPageSchema)
def follow_up(args):
    """List the households the interview phase must follow up: one per desa, its best outcome, whether to visit."""
    return review.follow_up_list(current_user, args)


@bp.get("/duplicates")
@login_required
@bp.arguments(s.DuplicateArgsSchema, location="query")
@bp.response(200, s.DuplicatePageSchema)
def duplicates(args):
    """List households logged more than once with an assist in the area."""
    return review.list_duplicates(current_user, args)


def _with_etag(assist):
    """Answer a record with its ETag header, which the next decision must echo in If-Match."""
    return assist, 200, {"ETag": review.etag(assist)}
