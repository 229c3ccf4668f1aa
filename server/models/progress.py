"""The census office's own progress per area and date (e.g. SP Online), imported, never guessed."""

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class OfficialProgress(db.Model):
    """People (and households) of an area that had taken part by the end of one day, cumulative, as published.

    `derived` rows are sums of an area's children, written only for a day on which every child has a figure
    (its latest on or before that day) and only for an area with no figures of its own: so a provinsi whose
    office publishes per kabupaten gets a total, and nothing partial is ever shown as a total.
    """

    __tablename__ = "official_progress"

    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    # Both follow from the code (kept here so a ranking reads one index, never the 90,000-row area table).
    level: Mapped[int] = mapped_column(SmallInteger)
    parent_code: Mapped[str | None] = mapped_column(String(13))
    persons: Mapped[int] = mapped_column(Integer)
    households: Mapped[int | None] = mapped_column(Integer)
    derived: Mapped[bool] = mapped_column(default=False)
    is_demo: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint("persons >= 0 AND (households IS NULL OR households >= 0)", name="nonnegative"),
        Index("ix_official_progress_parent_day", "parent_code", "day"),
        Index("ix_official_progress_level_day", "level", "day"),
    )
