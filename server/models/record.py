"""Field records made on phones (outreaches, assists), the mutation log that dedupes them, and review history."""

import uuid
from datetime import date

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    Sequence,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

PLACE_KINDS = (
    "kantor_desa",
    "kantor_kecamatan",
    "pkh_bansos",
    "kantor_instansi",
    "sekolah",
    "posyandu",
    "tempat_ibadah",
    "pasar",
    "kunjungan_rumah",
    "lainnya",
)
OUTCOMES = ("berhasil", "sebagian", "gagal", "ditunda")
REASONS = (
    "tidak_punya_perangkat",
    "tidak_ada_kuota_sinyal",
    "tidak_paham",
    "lansia_disabilitas",
    "data_kk_bermasalah",
    "lainnya",
)
DEVICES_USED = ("hp_warga", "hp_petugas", "perangkat_kantor")
REVIEW_STATES = ("received", "approved", "flagged", "rejected")


class _SyncedRecord:
    """Columns every record made on a phone carries."""

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    voided: Mapped[bool] = mapped_column(default=False)
    void_reason: Mapped[str | None] = mapped_column(String(200))
    # Phone time is data only; ordering and dedupe use received_at and change_seq.
    device_time: Mapped[object | None] = mapped_column(UTCDateTime)
    clock_suspect: Mapped[bool] = mapped_column(default=False)
    received_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    content_hash: Mapped[str] = mapped_column(String(64))
    # Position in the change stream that /sync/pull pages through (server/services/changes.py): the writing
    # transaction's id on PostgreSQL (0 on SQLite, and for rows written before ids were kept), then a number.
    change_xid: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    change_seq: Mapped[int] = mapped_column(BigInteger)
    # The device that made the last change (None: a change made on the server, e.g. a review). Its own pull
    # skips the record: the phone already has it, and re-downloading it would cost the petugas quota.
    changed_by_device: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class Outreach(_SyncedRecord, db.Model):
    """One jemput-bola event at a gathering point."""

    __tablename__ = "outreaches"

    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    desa_code: Mapped[str] = mapped_column(ForeignKey("areas.code"), index=True)
    kecamatan_code: Mapped[str] = mapped_column(String(8), index=True)
    place_kind: Mapped[str] = mapped_column(String(20))
    place_name: Mapped[str] = mapped_column(String(120))
    date: Mapped[date] = mapped_column(Date)
    started_at: Mapped[object | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[object | None] = mapped_column(UTCDateTime)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    created_device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # Households and persons its assists helped (neither voided nor rejected), kept by services/tally_cells.py
    # with every write of assists: the map reads them without summing a million assists.
    households: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    persons: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        CheckConstraint(f"place_kind IN {PLACE_KINDS!r}", name="place_kind"),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_outreaches_owner_change", "owner_id", "change_xid", "change_seq"),
        # The map's newest points with GPS: read in order, stopping at MAP_MAX_POINTS, instead of sorting them all.
        Index(
            "ix_outreaches_gps_newest",
            "date",
            "id",
            postgresql_where=text("lat IS NOT NULL AND lon IS NOT NULL AND voided = false"),
            sqlite_where=text("lat IS NOT NULL AND lon IS NOT NULL AND voided = 0"),
        ),
    )


class Assist(_SyncedRecord, db.Model):
    """One household helped at an outreach."""

    __tablename__ = "assists"

    outreach_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("outreaches.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    desa_code: Mapped[str] = mapped_column(ForeignKey("areas.code"))
    kecamatan_code: Mapped[str] = mapped_column(String(8))
    kk_number: Mapped[str] = mapped_column(String(16), index=True)
    head_name: Mapped[str] = mapped_column(String(100))
    members: Mapped[int] = mapped_column(SmallInteger)
    outcome: Mapped[str] = mapped_column(String(10))
    reasons: Mapped[list] = mapped_column(JSON)
    device_used: Mapped[str] = mapped_column(String(20))
    phone: Mapped[str | None] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    # Where the interview phase finds the household (optional, typed on the phone): street or hamlet, RT/RW.
    address: Mapped[str | None] = mapped_column(String(200))
    rt_rw: Mapped[str | None] = mapped_column(String(7))
    review_state: Mapped[str] = mapped_column(String(10), default="received")
    review_comment: Mapped[str | None] = mapped_column(String(500))
    created_device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    # Read through server/queries/assists.py, which loads what a screen needs in the same statement; touching
    # an unloaded one raises instead of quietly running one query per row.
    outreach: Mapped["Outreach"] = relationship(lazy="raise_on_sql")
    owner: Mapped["User"] = relationship(lazy="raise_on_sql")  # noqa: F821
    desa: Mapped["Area"] = relationship(lazy="raise_on_sql")  # noqa: F821
    # How many live assists carry this KK number (household_counts.live), when the query asked for it.
    live: Mapped[int | None] = query_expression()
    # Whether the reading user's scope holds this assist (duplicates list records beyond it), when asked for.
    in_scope: Mapped[bool | None] = query_expression()
    # Whether the petugas changed it after a reviewer flagged it ("Diperbaiki"), when the query asked for it.
    corrected: Mapped[bool | None] = query_expression()
    # The follow-up list: how many times its household was logged in its desa, when the query asked for it.
    times: Mapped[int | None] = query_expression()
    review_events: Mapped[list["ReviewEvent"]] = relationship(lazy="raise_on_sql", order_by="ReviewEvent.id")
    versions: Mapped[list["Mutation"]] = relationship(
        primaryjoin="and_(foreign(Mutation.record_id) == Assist.id, Mutation.status == 'applied')",
        order_by="(Mutation.received_at, Mutation.version)",
        viewonly=True,
        lazy="raise_on_sql",
    )
    # The other live assists of the same household, anywhere (duplicates cross kecamatan borders).
    same_household: Mapped[list["Assist"]] = relationship(
        primaryjoin="and_(remote(foreign(Assist.kk_number)) == Assist.kk_number, remote(Assist.id) != Assist.id,"
        " remote(Assist.voided).is_(False))",
        order_by="Assist.received_at",
        viewonly=True,
        lazy="raise_on_sql",
    )

    __table_args__ = (
        CheckConstraint("members BETWEEN 1 AND 30", name="members"),
        CheckConstraint(f"outcome IN {OUTCOMES!r}", name="outcome"),
        CheckConstraint(f"device_used IN {DEVICES_USED!r}", name="device_used"),
        CheckConstraint(f"review_state IN {REVIEW_STATES!r}", name="review_state"),
        CheckConstraint("version >= 1", name="version"),
        Index("ix_assists_owner_change", "owner_id", "change_xid", "change_seq"),
        # The review list pages newest-change-first inside a desa, a kecamatan or a whole kabupaten.
        Index("ix_assists_desa_seq", "desa_code", "change_seq"),
        Index("ix_assists_kecamatan_seq", "kecamatan_code", "change_seq"),
        Index("ix_assists_change_seq", "change_seq"),
    )


class Mutation(db.Model):
    """Every applied change, keyed by its account and the phone-made mutation id; kept forever so a retry never
    applies twice. Keyed per account: the dedupe memory answers only the account that made the change."""

    __tablename__ = "mutations"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("devices.id"))
    entity: Mapped[str] = mapped_column(String(10))
    op: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    payload_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10))
    version: Mapped[int | None] = mapped_column(Integer)
    problem: Mapped[str | None] = mapped_column(String(40))
    received_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)


class RecordConflict(db.Model):
    """A phone's version that lost a race against another edit: kept, never overwritten or dropped."""

    __tablename__ = "record_conflicts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity: Mapped[str] = mapped_column(String(10))
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    mutation_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    device_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("devices.id"))
    base_version: Mapped[int] = mapped_column(Integer)
    server_version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict] = mapped_column(JSON)
    received_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[object | None] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("user_id", "mutation_id", name="uq_record_conflicts_user_mutation"),)


class ReviewEvent(db.Model):
    """One review action on an assist (approve, flag, reject) with its comment."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    assist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("assists.id"), index=True)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    from_state: Mapped[str] = mapped_column(String(10))
    to_state: Mapped[str] = mapped_column(String(10))
    assist_version: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    # What the record held when it was flagged or rejected: after the petugas' correction, the reviewer sees
    # field by field what changed (the phone's versions themselves are not kept, only their hashes).
    snapshot: Mapped[dict | None] = mapped_column(JSON)

    actor: Mapped["User"] = relationship(lazy="raise_on_sql")  # noqa: F821


# PostgreSQL's change numbers (SQLite has no sequences); migration 0006 starts it past every stored number.
CHANGE_SEQ = Sequence("change_seq", metadata=db.metadata)


class SyncCounter(db.Model):
    """SQLite's change numbers, handed out by its single writer in commit order (PostgreSQL: CHANGE_SEQ)."""

    __tablename__ = "sync_counter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
