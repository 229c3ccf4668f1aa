"""Exports of assists, the follow-up list and tallies as CSV or XLSX, streamed in constant memory.

Rows come from a server-side cursor a few thousand at a time and leave as soon as they are written, so memory
does not grow with the number of rows. Every export is audited twice: when it starts (who, what, filters,
masked or not) and when it ends (rows written, complete or cut off). Identity numbers are masked unless the
caller asks for them and their role may (policy "exports.unmask", set by EXPORT_UNMASK_ROLES).
"""

import csv
import io
import os
import tempfile
from dataclasses import dataclass

import xlsxwriter
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from server import unit_of_work
from server.errors import Problem
from server.extensions import db
from server.models import Area, Assist, Outreach, User
from server.queries import assists
from server.services import export_copy, policy
from server.services.audit import record_event
from server.services.cells import neutralize
from server.services.identity import mask_kk, mask_phone
from server.services.policy import resolve_area
from server.services.reference import LABELS
from server.services.tallies import tallies

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK_ROWS = 2000
# Follow-up: which outcome of a household wins when it was logged more than once (berhasil: no visit needed).
OUTCOME_ORDER = {"berhasil": 0, "sebagian": 1, "ditunda": 2, "gagal": 3}

ASSIST_COLUMNS = (
    ("ID pendampingan", "id"),
    ("Versi", "version"),
    ("Tanggal kegiatan", "date"),
    ("Kode kecamatan", "kecamatan_code"),
    ("Kecamatan", "kecamatan_name"),
    ("Kode desa", "desa_code"),
    ("Desa/kelurahan", "desa_name"),
    ("ID kegiatan", "outreach_id"),
    ("Jenis titik kumpul", "place_kind"),
    ("Nama tempat", "place_name"),
    ("Nama pengguna petugas", "username"),
    ("Petugas", "enumerator"),
    ("Nomor KK", "kk_number"),
    ("Kepala keluarga", "head_name"),
    ("Anggota terdaftar", "members"),
    ("Hasil", "outcome"),
    ("Alasan dibantu", "reasons"),
    ("Perangkat", "device_used"),
    ("Telepon", "phone"),
    ("Catatan", "notes"),
    ("Status pemeriksaan", "review_state"),
    ("Komentar pemeriksa", "review_comment"),
    ("Dibatalkan", "voided"),
    ("Alasan pembatalan", "void_reason"),
    ("Waktu di HP (UTC)", "device_time"),
    ("Diterima server (UTC)", "received_at"),
    ("Terakhir diubah (UTC)", "updated_at"),
)
FOLLOW_UP_COLUMNS = (
    ("Kode desa", "desa_code"),
    ("Desa/kelurahan", "desa_name"),
    ("Nomor KK", "kk_number"),
    ("Kepala keluarga", "head_name"),
    ("Hasil pendampingan", "outcome"),
    ("Perlu dikunjungi", "visit"),
    ("Tanggal kegiatan", "date"),
    ("Nama tempat", "place_name"),
    ("Petugas", "enumerator"),
    ("Telepon", "phone"),
    ("Kali dicatat", "times"),
)
TALLY_COLUMNS = (
    ("Peringkat", "rank"),
    ("Kode", "key"),
    ("Nama", "label"),
    ("Rumah tangga", "households"),
    ("Jiwa", "persons"),
    ("RT berhasil", "successful"),
    ("Tingkat keberhasilan (%)", "success_rate"),
    ("RT tidak dihitung (batal/ditolak)", "excluded_households"),
    ("Jiwa tidak dihitung", "excluded_persons"),
    ("Penduduk", "population"),
    ("Target (%)", "target_pct"),
    ("Target jiwa", "target_persons"),
    ("Jiwa didampingi terhadap target (%)", "assisted_of_target_pct"),
    ("Ikut serta pada periode (angka resmi)", "took_part"),
    ("Ikut serta sampai akhir periode", "took_part_total"),
    ("Angka resmi per tanggal", "official_as_of"),
    ("Partisipasi (%)", "participation_pct"),
    ("Selisih dari target (poin)", "gap_pct"),
    ("Capaian target (%)", "achievement_pct"),
    ("Porsi jemput bola (%)", "share_pct"),
    ("Jiwa kumulatif", "cumulative_persons"),
)
COLUMNS = {"assists": ASSIST_COLUMNS, "follow_up": FOLLOW_UP_COLUMNS, "tallies": TALLY_COLUMNS}


def _label(kind, code):
    return LABELS[kind].get(code, (code,))[0] if code else code


@dataclass(frozen=True)
class Plan:
    """A checked export request: who asks, for which area, masked or not, under which file name."""

    user: object
    kind: str
    fmt: str
    args: dict
    area: object
    unmask: bool

    @property
    def filename(self):
        return f"jemput-bola-{self.kind.replace('_', '-')}-{self.area.code}.{self.fmt}"

    @property
    def columns(self):
        return COLUMNS[self.kind]


def plan(user, kind, fmt, args):
    """Check an export request (role, area, unmask right) and return its plan; nothing is read or written yet."""
    area = resolve_area(user, args.get("area"), "exports.create")
    unmask = bool(args.get("unmask"))
    if unmask and not policy.can(user, "exports.unmask"):
        raise Problem("export.unmask_forbidden")
    return Plan(user, kind, fmt, args, area, unmask)


def audit_start(plan, **details):
    """Audit that an export starts (who, what, filters, masked or not) on its own short unit: it must stay."""
    filters = {k: str(v) for k, v in plan.args.items() if v not in (None, False)}
    user_id, code, kind, fmt, masked = plan.user.id, plan.area.code, plan.kind, plan.fmt, not plan.unmask
    unit_of_work.apart(
        lambda: record_event(
            f"export.{kind}", user_id, "area", code, format=fmt, masked=masked, filters=filters, **details
        )
    )


def audit_done(plan, count, **details):
    """Audit, in the current unit, that a background export's file is complete with `count` rows."""
    record_event(
        f"export.{plan.kind}_done", plan.user.id, None, None, format=plan.fmt, rows=count, complete=True, **details
    )


def source(plan):
    """Return the export's row source: `body()` yields the file's bytes, `count` the rows written so far."""
    unit_of_work.from_replica()  # the long read goes to the replica when there is one
    builders = {"assists": _assist_rows, "follow_up": _follow_up_rows, "tallies": _tally_rows}
    return builders[plan.kind](plan)


def count_rows(plan):
    """Return how many rows an export will have (for a progress bar), or None when it is small anyway."""
    area, args, kind = plan.area, plan.args, plan.kind
    if kind == "assists":
        query = assists.filtered(assists.columns_joined(Assist.id), area, args)
    elif kind == "follow_up":
        query = _follow_up_filter(assists.columns_joined(Assist.desa_code, Assist.kk_number).distinct(), area, args)
    else:
        return None
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def stream(plan, rows, **details):
    """Return the file's bytes as a generator; it audits how many rows went out, even when the client stops."""
    # Read now, not once the stream runs: by then the request's unit has ended and the user object expired.
    return _stream(plan.user.id, plan.kind, plan.fmt, rows, details)


def _stream(actor_id, kind, fmt, rows, details):
    complete = False
    try:
        yield from rows.body()
        complete = True
    finally:
        # The long read ends first (apart rolls it back), then the audit row gets its own short unit.
        count = rows.count
        unit_of_work.apart(
            lambda: record_event(
                f"export.{kind}_done", actor_id, None, None, format=fmt, rows=count, complete=complete, **details
            )
        )


class DictRows:
    """Rows built in Python (one dict per row), written as CSV or XLSX in constant memory."""

    def __init__(self, columns, fmt, factory):
        self.columns, self.fmt, self.factory, self.count = columns, fmt, factory, 0
        self.progress = None  # called now and then with the rows written so far

    def body(self):
        """Yield the file's bytes."""
        writer = _csv_chunks if self.fmt == "csv" else _xlsx_chunks
        yield from writer(self.columns, self._counted())

    def _counted(self):
        for row in self.factory():
            yield row
            self.count += 1
            if self.progress and self.count % 500 == 0:
                self.progress(self.count)


def file_bytes(columns, rows, fmt):
    """Return a whole small file (a template to fill in) written as exports write theirs."""
    return b"".join((_csv_chunks if fmt == "csv" else _xlsx_chunks)(columns, rows))


def _csv_header(columns):
    # The BOM lets spreadsheet programs see UTF-8; lines end in \n, as COPY writes them.
    buffer = io.StringIO("\ufeff")
    buffer.seek(0, io.SEEK_END)
    csv.writer(buffer, lineterminator="\n").writerow([neutralize(title) for title, _ in columns])
    return buffer.getvalue().encode()


def _csv_chunks(columns, rows):
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\n")
    buffer.write(_csv_header(columns).decode())
    for n, row in enumerate(rows, start=1):
        out.writerow(["" if row.get(key) is None else neutralize(row[key]) for _, key in columns])
        if n % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def _xlsx_chunks(columns, rows):
    # constant_memory: each row is flushed to a temporary file as soon as the next one starts.
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    try:
        # Text is always a string cell: never a formula (a typed "=HYPERLINK(…)") and never a live link.
        options = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
        book = xlsxwriter.Workbook(path, {**options, "strings_to_urls": False})
        sheet = book.add_worksheet("Data")
        bold = book.add_format({"bold": True})
        sheet.write_row(0, 0, [title for title, _ in columns], bold)
        for r, row in enumerate(rows, start=1):
            sheet.write_row(r, 0, [_cell(row.get(key)) for _, key in columns])
        book.close()
        with open(path, "rb") as f:
            while chunk := f.read(256 * 1024):
                yield chunk
    finally:
        os.unlink(path)


def _cell(value):
    if value is None or isinstance(value, (int, float, str)):
        return value
    return str(value)


def _base_query(columns):
    kec = aliased(Area)
    desa = aliased(Area)
    return _joined((*columns, desa.name.label("desa_name"), kec.name.label("kecamatan_name")), desa, kec)


def _joined(columns, desa, kec):
    query = assists.columns_joined(*columns)
    return query.join(desa, desa.code == Assist.desa_code).join(kec, kec.code == Assist.kecamatan_code)


def _stream_rows(query):
    return db.session.execute(query.execution_options(yield_per=CHUNK_ROWS)).mappings()


def _assist_rows(plan):
    area, args, unmask = plan.area, plan.args, plan.unmask
    if export_copy.available(plan.fmt):
        kec, desa = aliased(Area), aliased(Area)
        cells = export_copy.assist_cells(desa.name, kec.name, unmask)
        query = _assist_order(assists.filtered(_joined(cells, desa, kec), area, args))
        return export_copy.CopyRows(_csv_header(plan.columns), query)
    return DictRows(plan.columns, plan.fmt, lambda: _assist_dicts(area, args, unmask))


def _assist_order(query):
    # By kecamatan, then desa: a desa's code starts with its kecamatan's (areas.import_areas checks it), so
    # ordering by desa code alone is the same order, and lets PostgreSQL read it from ix_assists_desa_seq and
    # sort each desa's few thousand rows in memory instead of sorting the whole export on disk (2x faster).
    return query.order_by(Assist.desa_code, Outreach.date, Assist.id)


def _assist_dicts(area, args, unmask):
    a, o = Assist, Outreach
    query = _base_query(
        (
            a.id,
            a.version,
            o.date,
            a.kecamatan_code,
            a.desa_code,
            a.outreach_id,
            o.place_kind,
            o.place_name,
            User.username,
            User.display_name.label("enumerator"),
            a.kk_number,
            a.head_name,
            a.members,
            a.outcome,
            a.reasons,
            a.device_used,
            a.phone,
            a.notes,
            a.review_state,
            a.review_comment,
            a.voided,
            a.void_reason,
            a.device_time,
            a.received_at,
            a.updated_at,
        )
    )
    for row in _stream_rows(_assist_order(assists.filtered(query, area, args))):
        out = dict(row)
        out.update(
            kk_number=out["kk_number"] if unmask else mask_kk(out["kk_number"]),
            phone=out["phone"] if unmask else mask_phone(out["phone"]),
            place_kind=_label("place_kind", out["place_kind"]),
            outcome=_label("outcome", out["outcome"]),
            review_state=_label("review_state", out["review_state"]),
            device_used=_label("device_used", out["device_used"]),
            reasons=", ".join(_label("reason", r) for r in out["reasons"] or []),
            voided="Ya" if out["voided"] else "Tidak",
            date=out["date"].isoformat(),
        )
        for key in ("device_time", "received_at", "updated_at"):
            out[key] = out[key].strftime(export_copy.TIME_FORMAT) if out[key] else None
        yield out


def _follow_up_rows(plan):
    """One row per household and desa: its best outcome (berhasil wins), and whether it needs a visit."""
    return DictRows(plan.columns, plan.fmt, lambda: _follow_up_dicts(plan.area, plan.args, plan.unmask))


def _follow_up_dicts(area, args, unmask):
    a, o = Assist, Outreach
    rank = case(*[(a.outcome == k, v) for k, v in OUTCOME_ORDER.items()], else_=9)
    query = _base_query(
        (
            a.desa_code,
            a.kk_number,
            a.head_name,
            a.outcome,
            o.date,
            o.place_name,
            a.phone,
            User.display_name.label("enumerator"),
        )
    )
    query = _follow_up_filter(query, area, args).order_by(a.desa_code, a.kk_number, rank, o.date.desc())
    current, best, times = None, None, 0
    for row in _stream_rows(query):
        key = (row["desa_code"], row["kk_number"])
        if key == current:
            times += 1
            continue
        if current is not None:
            yield _follow_up(best, times, unmask)
        current, best, times = key, dict(row), 1
    if current is not None:
        yield _follow_up(best, times, unmask)


def _follow_up_filter(query, area, args):
    # Voided and rejected records are not households helped; the state filter is not offered here.
    a = Assist
    return assists.filtered(query, area, {**args, "state": None}).where(a.review_state != "rejected")


def _follow_up(row, times, unmask):
    return {
        **row,
        "kk_number": row["kk_number"] if unmask else mask_kk(row["kk_number"]),
        "phone": row["phone"] if unmask else mask_phone(row["phone"]),
        "outcome": _label("outcome", row["outcome"]),
        "visit": "Tidak" if row["outcome"] == "berhasil" else "Ya",
        "date": row["date"].isoformat(),
        "times": times,
    }


def _tally_rows(plan):
    return DictRows(plan.columns, plan.fmt, lambda: _tally_dicts(plan.user, plan.area, plan.args))


def _tally_dicts(user, area, args):
    body = tallies(user, {**args, "area": area.code, "by": args.get("by") or "child"})
    yield from body["rows"]
    yield {"key": "", "label": "Jumlah", **{k: v for k, v in body["total"].items() if k != "rank"}}
