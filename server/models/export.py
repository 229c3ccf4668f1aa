"""Background export jobs: a worker writes the file into the database in chunks; a signed link fetches it."""

import uuid

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

# expired: done, and its file deleted after EXPORT_KEEP_HOURS (it held personal data).
JOB_STATES = ("queued", "running", "done", "failed", "expired")


class ExportJob(db.Model):
    """One export run in the background: what was asked, how far it got, and where the file is."""

    __tablename__ = "export_jobs"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    fmt: Mapped[str] = mapped_column(String(8))
    args: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    rows_total: Mapped[int | None] = mapped_column(Integer)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    filename: Mapped[str | None] = mapped_column(String(120))
    size_bytes: Mapped[int | None] = mapped_column(BigInteger)
    error: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[object] = mapped_column(UTCDateTime, default=utcnow)
    heartbeat_at: Mapped[object | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[object | None] = mapped_column(UTCDateTime)
    # Attempts started by a worker: a worker killed mid-job leaves a silent heartbeat; the sweep tries again.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ExportChunk(db.Model):
    """One piece of a finished (or being written) export file: any app server can send it, no shared disk."""

    __tablename__ = "export_chunks"

    job_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("export_jobs.id", ondelete="CASCADE"), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
