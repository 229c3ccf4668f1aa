"""Keep tally_cells, household_counts and each outreach's households and persons exact: every writer of assists
runs inside `tracked()`.

The assists read before and after a write are locked for the writing transaction first, so no other writer can
change them between the two reads; the differences are added onto the totals (never overwritten), in one key
order so that concurrent writers cannot deadlock; and the totals commit or roll back with the records they
describe.
"""

from collections import Counter, defaultdict
from contextlib import contextmanager

from sqlalchemy import and_, bindparam, delete, func, or_, select, text, update

from server.extensions import db
from server.models import Assist, HouseholdCount, Outreach, TallyCell
from server.models.record import OUTCOMES
from server.models.tally import CELL_KEY, EXCLUDED, MEASURES, STATUSES, SUMMARY, measure, summarize
from server.services.bulk import in_values, upsert_add

# An assist that counts (models/tally.py's EXCLUDED, in SQL): neither voided nor rejected.
_COUNTED_SQL = "a.voided = false AND a.review_state <> 'rejected'"


def _rebuild_cells_sql():
    # Built only from the fixed code lists of the models, never from input.
    counted = _COUNTED_SQL
    sums = [
        f"sum(CASE WHEN {counted} THEN 1 ELSE 0 END)",
        f"sum(CASE WHEN {counted} THEN a.members ELSE 0 END)",
        f"sum(CASE WHEN {counted} AND a.outcome = 'berhasil' THEN 1 ELSE 0 END)",
        f"sum(CASE WHEN {counted} THEN 0 ELSE 1 END)",
        f"sum(CASE WHEN {counted} THEN 0 ELSE a.members END)",
    ]
    for outcome in OUTCOMES:
        for status in STATUSES:
            if status == "voided":
                when = f"a.outcome = '{outcome}' AND a.voided = true"
            else:
                when = f"a.outcome = '{outcome}' AND a.voided = false AND a.review_state = '{status}'"
            sums.append(f"sum(CASE WHEN {when} THEN 1 ELSE 0 END)")
            sums.append(f"sum(CASE WHEN {when} THEN a.members ELSE 0 END)")
    return (
        "INSERT INTO tally_cells (kabupaten_code, kecamatan_code, desa_code, owner_id, day, place_kind, "  # noqa: S608
        f"{', '.join((*SUMMARY, *MEASURES))}) "
        "SELECT substr(a.desa_code, 1, 5), substr(a.desa_code, 1, 8), a.desa_code, a.owner_id, o.date, "
        f"o.place_kind, {', '.join(sums)} "
        "FROM assists a JOIN outreaches o ON o.id = a.outreach_id "
        "GROUP BY a.desa_code, a.owner_id, o.date, o.place_kind"
    )


# What each outreach helped (the map reads it): its assists neither voided nor rejected, as the cells count them.
REBUILD_OUTREACHES_SQL = (
    "UPDATE outreaches SET "  # noqa: S608 - a constant of this module, never input
    f"households = (SELECT count(*) FROM assists a WHERE a.outreach_id = outreaches.id AND {_COUNTED_SQL}), "
    f"persons = (SELECT coalesce(sum(a.members), 0) FROM assists a WHERE a.outreach_id = outreaches.id "
    f"AND {_COUNTED_SQL})"
)

# Rebuild from scratch in SQL that SQLite and PostgreSQL both run (migrations 0003 and 0012, bulk loads, repair).
REBUILD_TALLIES_SQL = (
    "DELETE FROM tally_cells",
    "DELETE FROM household_counts",
    _rebuild_cells_sql(),
    "INSERT INTO household_counts (kk_number, live) "
    "SELECT kk_number, count(*) FROM assists WHERE voided = false GROUP BY kk_number",
)
REBUILD_SQL = (*REBUILD_TALLIES_SQL, REBUILD_OUTREACHES_SQL)


@contextmanager
def tracked(assist_ids=(), outreach_ids=(), new_rows=()):
    """Around a write to these assists (or to assists of these outreaches), move their totals along.

    new_rows are assists inserted by the write whose every tally field is known to the caller (dicts with
    outreach_id, desa_code, owner_id, day, place_kind, outcome, review_state, voided, members, kk_number): they
    are added without reading them back, which keeps the common case (a batch of new households) free of extra
    queries.
    """
    assist_ids, outreach_ids = list(assist_ids), list(outreach_ids)
    reads = bool(assist_ids or outreach_ids)
    if reads:
        _lock(assist_ids, outreach_ids)
    before = _capture(assist_ids, outreach_ids) if reads else _empty()
    yield
    if reads:
        db.session.flush()
    after = _capture(assist_ids, outreach_ids) if reads else _empty()
    cells, live, helped = after
    for row in new_rows:
        status = "voided" if row["voided"] else row["review_state"]
        key = (row["desa_code"], row["owner_id"], row["day"], row["place_kind"])
        cells[key][measure("h", row["outcome"], status)] += 1
        cells[key][measure("p", row["outcome"], status)] += row["members"]
        live[row["kk_number"]] += 0 if row["voided"] else 1
        if status not in EXCLUDED:
            _add(helped[row["outreach_id"]], 1, row["members"])
    _apply(before, after)


def _empty():
    return defaultdict(Counter), Counter(), defaultdict(Counter)


def _add(helped, households, persons):
    helped["households"] += households
    helped["persons"] += persons


def rebuild():
    """Recompute every total from the records (after bulk loads; also a repair tool)."""
    for statement in REBUILD_SQL:
        db.session.execute(text(statement))


def _lock(assist_ids, outreach_ids):
    # SQLite's writer is alone; on PostgreSQL, rows this transaction already locked cost nothing more.
    if db.session.get_bind().dialect.name != "postgresql":
        return
    with db.session.no_autoflush:
        db.session.execute(
            select(Assist.id).where(_given(assist_ids, outreach_ids)).order_by(Assist.id).with_for_update()
        )


def _given(assist_ids, outreach_ids):
    where = []
    if assist_ids:
        where.append(in_values(Assist.id, assist_ids, "assist_ids"))
    if outreach_ids:
        where.append(in_values(Assist.outreach_id, outreach_ids, "outreach_ids"))
    return or_(*where)


def _capture(assist_ids, outreach_ids):
    """Return ({cell key: {measure: value}}, {kk: live count}, {outreach id: households, persons}) of the given
    assists as stored now."""
    a, o = Assist, Outreach
    given = _given(assist_ids, outreach_ids)
    split = (a.outcome, a.review_state, a.voided, a.outreach_id)
    key = (a.desa_code, a.owner_id, o.date, o.place_kind)
    cells = select(*key, *split, func.count(), func.sum(a.members)).join(o, o.id == a.outreach_id).where(given)
    kks = select(a.kk_number, func.count()).where(and_(given, a.voided.is_(False))).group_by(a.kk_number)
    # The caller's pending ORM edits are the "after" state: they must not be flushed into the "before" read.
    with db.session.no_autoflush:
        found, _, helped = _empty()
        for desa, owner, day, kind, outcome, state, voided, outreach, count, members in db.session.execute(
            cells.group_by(*key, *split)
        ):
            status = "voided" if voided else state
            found[(desa, owner, day, kind)][measure("h", outcome, status)] += count
            found[(desa, owner, day, kind)][measure("p", outcome, status)] += int(members)
            if status not in EXCLUDED:  # a voided or rejected assist helped no one
                _add(helped[outreach], count, int(members))
        live = Counter(dict(db.session.execute(kks).all()))
    return found, live, helped


def _apply(before, after):
    (c0, k0, h0), (c1, k1, h1) = before, after
    # Outreaches before cells, in id order, as every writer does: two writers cannot wait on each other in a ring.
    _add_helped(h0, h1)
    cells = []
    for key in sorted(set(c0) | set(c1)):
        old, new = c0.get(key, Counter()), c1.get(key, Counter())
        delta = {m: new[m] - old[m] for m in MEASURES}
        delta.update(summarize(delta))
        if any(delta.values()):
            code = key[0]
            cells.append(
                {
                    **dict(zip(CELL_KEY, key, strict=True)),
                    "kabupaten_code": code[:5],
                    "kecamatan_code": code[:8],
                    **delta,
                }
            )
    upsert_add(TallyCell, cells, CELL_KEY, (*SUMMARY, *MEASURES))
    kks = [{"kk_number": kk, "live": k1[kk] - k0[kk]} for kk in sorted(set(k0) | set(k1)) if k1[kk] != k0[kk]]
    upsert_add(HouseholdCount, kks, ("kk_number",), ("live",))
    gone = [kk["kk_number"] for kk in kks if kk["live"] < 0]
    if gone:
        # Keep the table to KK numbers that still have a live assist.
        db.session.execute(delete(HouseholdCount).where(HouseholdCount.kk_number.in_(gone), HouseholdCount.live <= 0))


_ADD_HELPED = (
    update(Outreach.__table__)
    .where(Outreach.__table__.c.id == bindparam("outreach"))
    .values(
        households=Outreach.__table__.c.households + bindparam("households"),
        persons=Outreach.__table__.c.persons + bindparam("persons"),
    )
)


def _add_helped(before, after):
    rows = []
    for outreach in sorted(set(before) | set(after)):
        old, new = before.get(outreach, Counter()), after.get(outreach, Counter())
        delta = {m: new[m] - old[m] for m in ("households", "persons")}
        if any(delta.values()):
            rows.append({"outreach": outreach, **delta})
    if rows:
        db.session.execute(_ADD_HELPED, rows)
