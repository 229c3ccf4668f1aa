"""Exports of assists, the follow-up list and tallies as CSV or XLSX, streamed in constant memory.

Rows come from a server-side cursor a few thousand at a time and leave as soon as they are written, so memory
does not grow with the number of rows. Every export is audited twice: when it starts (who, what, filters,
masked or not) and when it ends (rows written, complete or cut off). Identity numbers are masked unless the
caller asks for them and their role may (policy "exports.unmask", set by EXPORT_UNMASK_ROLES).
"""

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from server import unit_of_work
from server.errors import Problem
from server.extensions import db
from server.i18n import current_language
from server.models import Area, Assist, Outreach, User
from server.queries import assists, outreaches
from server.services import export_copy, export_files, policy
from server.services.audit import record_event
from server.services.export_columns import ASSIST_COLUMNS, FOLLOW_UP_COLUMNS, OUTREACH_COLUMNS, TALLY_COLUMNS
from server.services.identity import mask_kk, mask_phone
from server.services.policy import resolve_area
from server.services.reference import LABELS
from server.services.tallies import tallies
from server.services.zones import tzinfo_of

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}
CHUNK_ROWS = export_files.CHUNK_ROWS

COLUMNS = {"assists": ASSIST_COLUMNS, "follow_up": FOLLOW_UP_COLUMNS, "outreaches": OUTREACH_COLUMNS}


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
    # Ties the export's audit rows together (a background job's id stands in for it): the log shows one row.
    export_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def filename(self):
        return f"jemput-bola-{self.kind.replace('_', '-')}-{self.area.code}.{self.fmt}"

    @property
    def columns(self):
        return TALLY_COLUMNS[self.args["by"]] if self.kind == "tallies" else COLUMNS[self.kind]

    @property
    def sep(self):
        return self.args["sep"]


def plan(user, kind, fmt, args):
    """Check an export request (role, area, unmask right) and return its plan; nothing is read or written yet."""
    if fmt == "geojson" and kind != "outreaches":
        raise Problem("request.not_found")  # only points have a place on a map
    area = resolve_area(user, args.get("area"), "exports.create")
    unmask = bool(args.get("unmask"))
    if unmask and not policy.can(user, "exports.unmask"):
        raise Problem("export.unmask_forbidden")
    # Excel set to Indonesian splits cells at ";" (and reads "," as the decimal mark); others expect ",".
    sep = args.get("sep") or (";" if current_language() == "id" else ",")
    args = {**args, "by": args.get("by") or "child", "sep": sep}
    return Plan(user, kind, fmt, args, area, unmask)


def audit_start(plan, **details):
    """Audit that an export starts (who, what, filters, masked or not) on its own short unit: it must stay."""
    filters = {k: str(v) for k, v in plan.args.items() if v not in (None, False)}
    user_id, code, kind, fmt, masked = plan.user.id, plan.area.code, plan.kind, plan.fmt, not plan.unmask
    details = details if "job" in details else {**details, "export": plan.export_id}
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
    builders = {
        "assists": _assist_rows,
        "follow_up": _follow_up_rows,
        "tallies": _tally_rows,
        "outreaches": _outreach_rows,
    }
    return builders[plan.kind](plan)


def count_rows(plan):
    """Return how many rows an export will have (for a progress bar), or None when it is small anyway."""
    area, args, kind = plan.area, plan.args, plan.kind
    if kind == "assists":
        query = assists.filtered(assists.columns_joined(Assist.id), area, args)
    elif kind == "follow_up":
        best = assists.best_per_household(area, args)
        query = assists.follow_up_filtered(select(Assist.id).join(best, best.c.id == Assist.id), args)
    elif kind == "outreaches":
        query = outreaches.filtered(select(Outreach.id), area, args)
    else:
        return None
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def preview(user, kind, args):
    """Return what an export would hold before it starts: its row count, whether it is masked, its separator."""
    checked = plan(user, kind, "csv", args)
    return {"rows": count_rows(checked), "masked": not checked.unmask, "sep": checked.sep}


def stream(plan, rows, **details):
    """Return the file's bytes as a generator; it audits how many rows went out, even when the client stops."""
    # Read now, not once the stream runs: by then the request's unit has ended and the user object expired.
    return _stream(plan.user.id, plan.kind, plan.fmt, rows, {"export": plan.export_id, **details})


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

    def __init__(self, plan, factory):
        self.columns, self.fmt, self.sep, self.factory, self.count = plan.columns, plan.fmt, plan.sep, factory, 0
        self.progress = None  # called now and then with the rows written so far

    def body(self):
        """Yield the file's bytes."""
        if self.fmt == "csv":
            yield from export_files.csv_chunks(self.columns, self._counted(), self.sep)
        elif self.fmt == "geojson":
            yield from export_files.geojson_chunks(self.columns, self._counted())
        else:
            yield from export_files.xlsx_chunks(self.columns, self._counted())

    def _counted(self):
        for row in self.factory():
            yield row
            self.count += 1
            if self.progress and self.count % 500 == 0:
                self.progress(self.count)


@dataclass(frozen=True)
class _Areas:
    """The four levels of areas an assist lies in, joined by code (a kabupaten's code is its kecamatan's prefix)."""

    provinsi: object
    kabupaten: object
    kecamatan: object
    desa: object

    @classmethod
    def aliased(cls):
        """Return four fresh aliases of the areas table."""
        return cls(aliased(Area), aliased(Area), aliased(Area), aliased(Area))

    def join(self, query, record=Assist):
        """Join the four areas of each record (an assist, or an outreach) to a select over those records."""
        code = record.kecamatan_code
        return (
            query.join(self.desa, self.desa.code == record.desa_code)
            .join(self.kecamatan, self.kecamatan.code == code)
            .join(self.kabupaten, self.kabupaten.code == func.substr(code, 1, 5))
            .join(self.provinsi, self.provinsi.code == func.substr(code, 1, 2))
        )

    def names(self):
        """Return the labelled name columns (and the desa's BPS code) the Python writer reads."""
        return (
            self.provinsi.name.label("provinsi_name"),
            self.kabupaten.name.label("kabupaten_name"),
            self.kecamatan.name.label("kecamatan_name"),
            self.desa.name.label("desa_name"),
            self.desa.bps_code.label("desa_bps_code"),
        )


def _base_query(columns):
    areas = _Areas.aliased()
    return areas.join(assists.columns_joined(*columns, *areas.names()))


def _stream_rows(query):
    return db.session.execute(query.execution_options(yield_per=CHUNK_ROWS)).mappings()


def _with_areas(row):
    """Add the provinsi and kabupaten codes, which are prefixes of the kecamatan's."""
    code = row["kecamatan_code"] if "kecamatan_code" in row else row["desa_code"][:8]
    return {**row, "provinsi_code": code[:2], "kabupaten_code": code[:5], "kecamatan_code": code}


def _local(at, zone):
    """Return a stored UTC time as the wall-clock time of a zone (naive: a spreadsheet cell has no zone)."""
    return at.astimezone(zone).replace(tzinfo=None) if at else None


def _assist_rows(plan):
    area, args, unmask = plan.area, plan.args, plan.unmask
    if export_copy.available(plan.fmt):
        areas = _Areas.aliased()
        cells = export_copy.assist_cells(areas, unmask, area)
        query = _assist_order(assists.filtered(areas.join(assists.columns_joined(*cells)), area, args))
        return export_copy.CopyRows(export_files.csv_header(plan.columns, plan.sep), query, plan.sep)
    return DictRows(plan, lambda: _assist_dicts(area, args, unmask))


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
            a.address,
            a.rt_rw,
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
        out = _with_areas(row)
        zone = tzinfo_of(out["desa_code"])
        out.update(
            kk_number=out["kk_number"] if unmask else mask_kk(out["kk_number"]),
            phone=out["phone"] if unmask else mask_phone(out["phone"]),
            place_kind=_label("place_kind", out["place_kind"]),
            outcome=_label("outcome", out["outcome"]),
            review_state=_label("review_state", out["review_state"]),
            device_used=_label("device_used", out["device_used"]),
            reasons=", ".join(_label("reason", r) for r in out["reasons"] or []),
            voided="Ya" if out["voided"] else "Tidak",
            zone=zone.tzname(None),
            **{key: _local(out[key], zone) for key in ("device_time", "received_at", "updated_at")},
        )
        yield out


def _follow_up_rows(plan):
    """One row per household and desa: its best outcome (berhasil wins), and whether it needs a visit."""
    return DictRows(plan, lambda: _follow_up_dicts(plan.area, plan.args, plan.unmask))


def _follow_up_dicts(area, args, unmask):
    a, o = Assist, Outreach
    columns = (
        a.kecamatan_code,
        a.desa_code,
        a.kk_number,
        a.head_name,
        a.address,
        a.rt_rw,
        a.outcome,
        o.date,
        o.place_name,
        a.phone,
        User.display_name.label("enumerator"),
    )
    # The screen's own query (queries/assists.py): one household per desa, its best outcome, in the same order.
    best = assists.best_per_household(area, args)
    query = _base_query((*columns, best.c.times)).join(best, best.c.id == a.id)
    for row in _stream_rows(assists.follow_up_order(assists.follow_up_filtered(query, args))):
        yield _follow_up(row, unmask)


def _follow_up(row, unmask):
    return {
        **_with_areas(row),
        "kk_number": row["kk_number"] if unmask else mask_kk(row["kk_number"]),
        "phone": row["phone"] if unmask else mask_phone(row["phone"]),
        "outcome": _label("outcome", row["outcome"]),
        "visit": "Tidak" if row["outcome"] == "berhasil" else "Ya",
        "times": row["times"],
    }


def _outreach_rows(plan):
    """One row per outreach: where and when, its petugas, its GPS point, the households and persons it helped."""
    return DictRows(plan, lambda: _outreach_dicts(plan.area, plan.args))


def _outreach_dicts(area, args):
    o = Outreach
    places = _Areas.aliased()
    columns = (
        o.id,
        o.date,
        o.kecamatan_code,
        o.desa_code,
        o.place_kind,
        o.place_name,
        User.username,
        User.display_name.label("enumerator"),
        o.started_at,
        o.ended_at,
        o.lat,
        o.lon,
        *places.names(),
    )
    query = places.join(outreaches.with_yield(*columns), Outreach)
    query = outreaches.filtered(query, area, args).order_by(o.desa_code, o.date, o.id)
    for row in _stream_rows(query):
        out = _with_areas(row)
        zone = tzinfo_of(out["desa_code"])
        out.update(
            id=str(out["id"]),
            place_kind=_label("place_kind", out["place_kind"]),
            zone=zone.tzname(None),
            started_at=_local(out["started_at"], zone),
            ended_at=_local(out["ended_at"], zone),
            households=int(out["households"]),
            persons=int(out["persons"]),
        )
        yield out


def _tally_rows(plan):
    return DictRows(plan, lambda: _tally_dicts(plan.user, plan.area, plan.args))


def _tally_dicts(user, area, args):
    by = args["by"]
    body = tallies(user, {**args, "area": area.code})
    zone = tzinfo_of(area.code)
    for row in body["rows"]:
        yield _tally_row(by, row, zone)
    total = {k: v for k, v in body["total"].items() if k != "rank"}
    yield {**total, "key": "", "label": "Jumlah", "day": "Jumlah", "username": ""}


def _tally_row(by, row, zone):
    """Return a tally row as a file shows it: labels for codes, a real date, local times."""
    if by in ("place_kind", "outcome"):
        return {**row, "label": _label(by, row["key"])}
    if by == "day":
        return {**row, "day": date.fromisoformat(row["key"])}
    if by == "enumerator":
        return {**row, "zone": zone.tzname(None), "last_sync_at": _local(row["last_sync_at"], zone)}
    return row
