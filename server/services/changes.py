"""The change stream: every write to a phone-visible record takes its change_seq from here.

The counter row is locked for the rest of the writing transaction, so numbers are handed out in commit order
and a reader capped at the committed counter value (sync_pull) can never miss a change.
"""

import time

from sqlalchemy import select, update

from server import metrics
from server.extensions import db
from server.models import SyncCounter


def lock_change_stream():
    """Take the counter lock now (PostgreSQL row lock; SQLite already holds its write lock)."""
    started = time.perf_counter()
    db.session.execute(select(SyncCounter.id).where(SyncCounter.id == 1).with_for_update())
    metrics.observe_lock_wait(time.perf_counter() - started)


def stamp_changes(records):
    """Give each record (ORM object or planned-insert dict) the next change_seq, in order."""
    if not records:
        return
    end = db.session.execute(
        update(SyncCounter)
        .where(SyncCounter.id == 1)
        .values(value=SyncCounter.value + len(records))
        .returning(SyncCounter.value)
    ).scalar_one()
    for seq, record in enumerate(records, start=end - len(records) + 1):
        if isinstance(record, dict):
            record["change_seq"] = seq
        else:
            record.change_seq = seq
