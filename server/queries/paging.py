"""One paging shape for every list: an opaque `cursor` in, the page's `items` and a `next` cursor (or null) out.

A cursor is a prefixed value in URL-safe base64: the prefix tells one list's cursors from another's, so a cursor
from the audit log is refused by the review list instead of silently meaning something else there.
"""

import base64
import binascii

from server.errors import Problem
from server.extensions import db


def encode_cursor(value, prefix):
    """Return the opaque cursor for a position (a number) in the list named by prefix."""
    return base64.urlsafe_b64encode(f"{prefix}{value}".encode()).decode().rstrip("=")


def decode_text(cursor, prefix, problem="paging.bad_cursor", field="cursor"):
    """Return what a cursor of the list named by prefix holds after its prefix; raise a problem if not ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.b64decode(padded, altchars=b"-_", validate=True).decode()
    except (ValueError, binascii.Error, UnicodeDecodeError):
        text = ""
    if not text.startswith(prefix):
        raise Problem(problem, {field: ["Invalid value."]})
    return text[len(prefix) :]


def decode_cursor(cursor, prefix, problem="paging.bad_cursor"):
    """Return the position of a cursor (0 for none), or raise a problem for one that was not ours."""
    if not cursor:
        return 0
    value = decode_text(cursor, prefix, problem)
    if not value.isdigit():
        raise Problem(problem, {"cursor": ["Invalid value."]})
    return int(value)


def keyset(query, column, cursor, limit, prefix, descending=False):
    """Return (page, next) of query ordered by a unique integer column, continuing after cursor."""
    if cursor:
        after = decode_cursor(cursor, prefix)
        query = query.where(column < after if descending else column > after)
    query = query.order_by(column.desc() if descending else column).limit(limit + 1)
    rows = db.session.scalars(query).unique().all()
    page = rows[:limit]
    if len(rows) <= limit:
        return page, None
    return page, encode_cursor(getattr(page[-1], column.key), prefix)


def offset(query, cursor, limit, prefix):
    """Return (page, next) of an ordered query by position, for lists whose sort key may not leave the server."""
    start = decode_cursor(cursor, prefix)
    rows = db.session.scalars(query.offset(start).limit(limit + 1)).all()
    return rows[:limit], encode_cursor(start + limit, prefix) if len(rows) > limit else None
