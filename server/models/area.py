"""The administrative tree (provinsi › kabupaten/kota › kecamatan › desa) and targets per area."""

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Numeric, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

LEVELS = {0: "nasional", 1: "provinsi", 2: "kabupaten", 3: "kecamatan", 4: "desa"}


class Area(db.Model):
    """A node of the tree, keyed by its Kemendagri code (e.g. 35.09.01.2001)."""

    __tablename__ = "areas"

    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    level: Mapped[int] = mapped_column(SmallInteger)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("areas.code"), index=True)
    bps_code: Mapped[str | None] = mapped_column(String(13), index=True)

    # Its census target, when the query loaded it (queries/areas.py); touching it unloaded raises.
    target: Mapped["Target | None"] = relationship(lazy="raise_on_sql", viewonly=True)

    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 4", name="level"),)


def national():
    """Return the root of the tree, the whole country above the 38 provinsi (not a row: code "", level 0)."""
    return Area(code="", name="Indonesia", level=0, parent_code=None)


class Target(db.Model):
    """Census target of an area: population, households and the participation % to reach."""

    __tablename__ = "targets"

    area_code: Mapped[str] = mapped_column(ForeignKey("areas.code"), primary_key=True)
    population: Mapped[int] = mapped_column(Integer)
    households: Mapped[int] = mapped_column(Integer)
    target_pct: Mapped[float] = mapped_column(Numeric(5, 2))
    is_demo: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def target_persons(self):
        """Return how many people the target % of the population is."""
        return round(self.population * float(self.target_pct) / 100)

    __table_args__ = (
        CheckConstraint("population >= 0 AND households >= 0", name="nonnegative"),
        CheckConstraint("target_pct >= 0 AND target_pct <= 100", name="pct"),
    )
