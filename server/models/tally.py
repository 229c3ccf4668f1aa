"""Running totals kept in the same transaction as every write to assists, so dashboards never scan them."""

from datetime import date

from sqlalchemy import Date, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db

# The columns of one tally cell, in the order capture queries return them.
CELL_KEY = ("desa_code", "owner_id", "day", "place_kind", "outcome", "review_state", "voided")


class TallyCell(db.Model):
    """Households and persons of one desa, petugas, day, kind of place, outcome and review state."""

    __tablename__ = "tally_cells"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kabupaten_code: Mapped[str] = mapped_column(String(5))
    kecamatan_code: Mapped[str] = mapped_column(String(8))
    desa_code: Mapped[str] = mapped_column(String(13))
    owner_id: Mapped[int] = mapped_column(Integer)
    day: Mapped[date] = mapped_column(Date)
    place_kind: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(10))
    review_state: Mapped[str] = mapped_column(String(10))
    voided: Mapped[bool] = mapped_column()
    households: Mapped[int] = mapped_column(Integer, default=0)
    persons: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint(*CELL_KEY, name="uq_tally_cells_key"),
        Index("ix_tally_cells_kabupaten_day", "kabupaten_code", "day"),
        Index("ix_tally_cells_kecamatan_day", "kecamatan_code", "day"),
        Index("ix_tally_cells_owner_day", "owner_id", "day"),
    )


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
