"""Keep tally_cells and household_counts exact: every writer of assists runs inside `tracked()`.

Writers already hold the change-stream lock (changes.lock_change_stream), so the read-before / read-after /
add-the-difference steps below cannot interleave with another writer's, and the totals commit or roll back
with the records they describe.
"""

from collections import Counter
from contextlib import contextmanager

from sqlalchemy import and_, delete, func, or_, select, text

from server.extensions import db
from server.models import Assist, HouseholdCount, Outreach, TallyCell
from server.models.tally import CELL_KEY
from server.services.bulk import in_values, upsert_add

# Rebuild from scratch in SQL that SQLite and PostgreSQL both run (used by migration 0003 and `flask tallies`).
REBUILD_SQL = (
    "DELETE FROM tally_cells",
    "DELETE FROM household_counts",
    """INSERT INTO tally_cells (kabupaten_code, kecamatan_code, desa_code, owner_id, day, place_kind, outcome,
                                review_state, voided, households, persons)
       SELECT substr(a.desa_code, 1, 5), substr(a.desa_code, 1, 8), a.desa_code, a.owner_id, o.date,
              o.place_kind, a.outcome, a.review_state, a.voided, count(*), sum(a.members)
       FROM assists a JOIN outreaches o ON o.id = a.outreach_id
       GROUP BY a.desa_code, a.owner_id, o.date, o.place_kind, a.outcome, a.review_state, a.voided""",
    """INSERT INTO household_counts (kk_number, live)
       SELECT kk_number, count(*) FROM assists WHERE voided = false GROUP BY kk_number""",
)


@contextmanager
def tracked(assist_ids=(), outreach_ids=()):
    """Around a write to these assists (or to assists of these outreaches), move their totals along."""
    assist_ids, outreach_ids = list(assist_ids), list(outreach_ids)
    if not assist_ids and not outreach_ids:
        yield
        return
    before = _capture(assist_ids, outreach_ids)
    yield
    db.session.flush()
    after = _capture(assist_ids, outreach_ids)
    _apply(before, after)


def rebuild():
    """Recompute every total from the records (after bulk loads; also a repair tool)."""
    for statement in REBUILD_SQL:
        db.session.execute(text(statement))


def _capture(assist_ids, outreach_ids):
    a, o = Assist, Outreach
    where = []
    if assist_ids:
        where.append(in_values(a.id, assist_ids, "assist_ids"))
    if outreach_ids:
        where.append(in_values(a.outreach_id, outreach_ids, "outreach_ids"))
    key = (a.desa_code, a.owner_id, o.date, o.place_kind, a.outcome, a.review_state, a.voided)
    cells = select(*key, func.count(), func.sum(a.members)).join(o, o.id == a.outreach_id).where(or_(*where))
    kks = select(a.kk_number, func.count()).where(and_(or_(*where), a.voided.is_(False))).group_by(a.kk_number)
    # The caller's pending ORM edits are the "after" state: they must not be flushed into the "before" read.
    with db.session.no_autoflush:
        households, persons = Counter(), Counter()
        for *cell, count, members in db.session.execute(cells.group_by(*key)):
            households[tuple(cell)] += count
            persons[tuple(cell)] += int(members)
        live = Counter(dict(db.session.execute(kks).all()))
    return households, persons, live


def _apply(before, after):
    (h0, p0, k0), (h1, p1, k1) = before, after
    cells = []
    for cell in set(h0) | set(h1):
        dh, dp = h1[cell] - h0[cell], p1[cell] - p0[cell]
        if dh or dp:
            values = dict(zip(CELL_KEY, cell, strict=True))
            code = values["desa_code"]
            cells.append(
                {**values, "kabupaten_code": code[:5], "kecamatan_code": code[:8], "households": dh, "persons": dp}
            )
    upsert_add(TallyCell, cells, CELL_KEY, ("households", "persons"))
    kks = [{"kk_number": kk, "live": k1[kk] - k0[kk]} for kk in set(k0) | set(k1) if k1[kk] != k0[kk]]
    upsert_add(HouseholdCount, kks, ("kk_number",), ("live",))
    gone = [kk["kk_number"] for kk in kks if kk["live"] < 0]
    if gone:
        # Keep the table to KK numbers that still have a live assist.
        db.session.execute(delete(HouseholdCount).where(HouseholdCount.kk_number.in_(gone), HouseholdCount.live <= 0))
