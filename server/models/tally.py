"""Running totals kept in the same transaction as every write to assists, so dashboards never scan them.

One cell per desa, petugas, day and kind of place (about one per outreach). Outcome and review status are
columns, not key parts: a cell then holds what would otherwise be up to twenty rows, so a kabupaten with a
million assists has some tens of thousands of cells, and every figure (any state filter, any outcome) is a sum.
"""

from datetime import date

from sqlalchemy import Date, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.record import OUTCOMES, REVIEW_STATES

# The columns of one tally cell's key, in the order capture queries return them.
CELL_KEY = ("desa_code", "owner_id", "day", "place_kind")
# A record's status for the tallies: its review state, or "voided" (which overrides any review state).
STATUSES = (*REVIEW_STATES, "voided")
# Households ("h") and persons ("p") per outcome and status, e.g. h_berhasil_received.
MEASURES = tuple(f"{m}_{o}_{s}" for o in OUTCOMES for s in STATUSES for m in ("h", "p"))
# Voided and rejected records do not count towards achievement; they are shown on their own.
EXCLUDED = ("rejected", "voided")
# The sums every screen without a state filter needs, kept too so those queries add five columns, not forty.
SUMMARY = ("households", "persons", "successful", "excluded_households", "excluded_persons")


def measure(kind, outcome, status):
    """Return the column name holding households ("h") or persons ("p") of one outcome and status."""
    return f"{kind}_{outcome}_{status}"


class TallyCell(db.Model):
    """Households and persons of one desa, petugas, day and kind of place, by outcome and review status."""

    __tablename__ = "tally_cells"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kabupaten_code: Mapped[str] = mapped_column(String(5))
    kecamatan_code: Mapped[str] = mapped_column(String(8))
    desa_code: Mapped[str] = mapped_column(String(13))
    owner_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    place_kind: Mapped[str] = mapped_column(String(20))

    __table_args__ = (
        UniqueConstraint(*CELL_KEY, name="uq_tally_cells_key"),
        Index("ix_tally_cells_kabupaten_day", "kabupaten_code", "day"),
        Index("ix_tally_cells_kecamatan_day", "kecamatan_code", "day"),
        Index("ix_tally_cells_owner_day", "owner_id", "day"),
    )


def summarize(values):
    """Return the SUMMARY figures of a {measure: value} mapping."""
    out = dict.fromkeys(SUMMARY, 0)
    for outcome in OUTCOMES:
        for status in STATUSES:
            households = values.get(measure("h", outcome, status)) or 0
            persons = values.get(measure("p", outcome, status)) or 0
            if status in EXCLUDED:
                out["excluded_households"] += households
                out["excluded_persons"] += persons
            else:
                out["households"] += households
                out["persons"] += persons
                out["successful"] += households if outcome == "berhasil" else 0
    return out


for _name in (*SUMMARY, *MEASURES):
    setattr(TallyCell, _name, mapped_column(_name, Integer, nullable=False, default=0, server_default="0"))


class HouseholdCount(db.Model):
    """How many live (not voided) assists carry one KK number: more than one is a possible duplicate."""

    __tablename__ = "household_counts"

    kk_number: Mapped[str] = mapped_column(String(16), primary_key=True)
    live: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        # Duplicates are rare: a partial index keeps "which KK numbers are duplicated" a tiny lookup.
        Index(
            "ix_household_counts_duplicated",
            "kk_number",
            postgresql_where=text("live > 1"),
            sqlite_where=text("live > 1"),
        ),
    )
