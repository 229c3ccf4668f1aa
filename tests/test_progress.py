"""Official progress: imported (CSV, XLSX, JSON) all or nothing, a date replaced as a whole, sums only when
every child has a figure, and the figures of any date range equal an independent computation."""

import base64
import csv
import io
import random
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Area, AuditEvent, Target
from tests.factories import kk
from tests.helpers_field import log_households, petugas_client, staff_client

TODAY = date.today()
D1, D2, D3 = (TODAY - timedelta(days=n) for n in (6, 5, 4))


def _csv(rows, header="area_code,date,persons,households"):
    return "\n".join([header, *[",".join(str(v) for v in row) for row in rows]])


def _import(client, text, dry_run=False):
    return client.post("/api/v1/progress/import", json={"csv": text, "dry_run": dry_run})


def _kecamatan(code="35.09"):
    return list(db.session.scalars(select(Area.code).where(Area.parent_code == code).order_by(Area.code)))


def test_a_file_is_checked_whole_and_a_reimported_date_replaces_its_figures(app):
    sup = staff_client(app, "supervisor", ["35.09"])
    bad = _csv(
        [
            ("35.09.19", D1, 100, 30),
            ("35.09.99", D1, 1, ""),  # no such kecamatan
            ("53.03.01", D1, 1, ""),  # another kabupaten
            ("35.09.20", "2020-02-30", 1, ""),
            ("35.09.21", TODAY + timedelta(days=3), 1, ""),
            ("35.09.22", D1, "-4", ""),
            ("35.09.19", D1, 5, ""),  # the same area and day twice
        ]
    )
    resp = _import(sup, bad, dry_run=True)
    assert resp.status_code == 422
    errors = resp.get_json()["errors"]
    assert set(errors) == {"3", "4", "5", "6", "7", "8"}
    assert errors["3"]["area_code"] == ["Wilayah tidak ditemukan."] == errors["4"]["area_code"]
    assert "date" in errors["5"] and "date" in errors["6"] and "persons" in errors["7"] and "date" in errors["8"]
    good = _csv([("35.09.19", D1, "4.040", 1200), ("350925", D1, 344, ""), ("35.09.20", D1.strftime("%d/%m/%Y"), 7, 2)])
    assert _import(sup, good, dry_run=True).get_json() == {
        "dry_run": True,
        "rows": 3,
        "created": 3,
        "updated": 0,
        "removed": 0,
    }
    assert sup.get("/api/v1/progress", query_string={"date": D1.isoformat()}).get_json()["rows"][18]["persons"] is None
    assert _import(sup, good).get_json()["created"] == 3
    listed = sup.get("/api/v1/progress", query_string={"date": D1.isoformat()}).get_json()
    figures = {r["code"]: r["persons"] for r in listed["rows"] if r["persons"] is not None}
    assert figures == {"35.09.19": 4040, "35.09.20": 7, "35.09.25": 344}
    assert listed["days"] == [D1.isoformat()] and listed["total"]["persons"] is None  # 28 kecamatan missing
    # The office's corrected table for that day has no row for 35.09.20: re-importing removes it.
    again = _import(sup, _csv([("35.09.19", D1, 4100, ""), ("35.09.25", D1, 344, "")])).get_json()
    assert (again["created"], again["updated"], again["removed"]) == (0, 2, 1)
    listed = sup.get("/api/v1/progress", query_string={"date": D1.isoformat()}).get_json()
    assert {r["code"]: r["persons"] for r in listed["rows"] if r["persons"] is not None} == {
        "35.09.19": 4100,
        "35.09.25": 344,
    }
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "progress.imported")).all()
    assert [e.details["rows"] for e in events] == [3, 2] and events[1].details["removed"] == 1


def test_xlsx_json_and_the_template_import_alike(app):
    sup = staff_client(app, "supervisor", ["35.09"])
    template = sup.get("/api/v1/progress/template.xlsx")
    assert template.status_code == 200 and "progres-resmi-35.09.xlsx" in template.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(template.data)).active
    assert [c.value for c in sheet[1]] == ["area_code", "name", "date", "persons", "households"]
    assert sheet.max_row == 32 and sheet["B2"].value == "Jombang"
    for row in range(2, 33):
        sheet.cell(row, 4, value=row * 10)
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    body = {"xlsx": base64.b64encode(buffer.getvalue()).decode(), "dry_run": False}
    report = sup.post("/api/v1/progress/import", json=body).get_json()
    assert (report["rows"], report["created"]) == (31, 31)
    # Every kecamatan has a figure now: the kabupaten (and its provinsi, whose only kabupaten loaded it is)
    # get the sum.
    total = sum(row * 10 for row in range(2, 33))
    listed = sup.get("/api/v1/progress", query_string={"area": "35.09"}).get_json()
    assert (listed["total"]["persons"], listed["total"]["derived"]) == (total, True)
    csv_template = sup.get("/api/v1/progress/template.csv").get_data(as_text=True).lstrip("\ufeff")
    header, first = list(csv.reader(io.StringIO(csv_template)))[:2]
    assert header == ["area_code", "name", "date", "persons", "households"] and first[:3] == [
        "35.09.01",
        "Jombang",
        TODAY.isoformat(),
    ]
    rows = [{"area_code": "35.09.19", "date": D2.isoformat(), "persons": 5, "households": None}]
    assert sup.post("/api/v1/progress", json={"rows": rows, "dry_run": False}).get_json()["created"] == 1
    broken = sup.post("/api/v1/progress/import", json={"xlsx": base64.b64encode(b"not a zip").decode()})
    assert broken.status_code == 422 and broken.get_json()["errors"] == {
        "1": {"_file": ["Bukan berkas XLSX yang sah."]}
    }
    both = sup.post("/api/v1/progress/import", json={"csv": "x", "xlsx": "eA=="})
    assert both.status_code == 422


def test_an_area_gets_the_sum_of_its_children_only_when_every_child_has_a_figure(app):
    sup = staff_client(app, "supervisor", ["35.09"])
    kecamatan = _kecamatan()
    assert len(kecamatan) == 31
    _import(sup, _csv([(code, D1, 10, 3) for code in kecamatan[:-1]]))
    assert (
        sup.get("/api/v1/progress", query_string={"area": "35.09", "date": D3.isoformat()}).get_json()["total"][
            "persons"
        ]
        is None
    )
    # The last kecamatan publishes on D2: from D2 on, the kabupaten is the sum of everyone's latest figure.
    _import(sup, _csv([(kecamatan[-1], D2, 5, "")]))
    on_d1 = sup.get("/api/v1/progress", query_string={"area": "35.09", "date": D1.isoformat()}).get_json()
    on_d3 = sup.get("/api/v1/progress", query_string={"area": "35.09", "date": D3.isoformat()}).get_json()
    assert on_d1["total"]["persons"] is None
    assert (on_d3["total"]["persons"], on_d3["total"]["households"], on_d3["total"]["day"]) == (
        305,
        None,
        D2.isoformat(),
    )
    province = staff_client(app, "province_supervisor", ["35"])
    kabupaten = province.get("/api/v1/progress", query_string={"area": "35", "date": D3.isoformat()}).get_json()
    assert {r["code"]: r["persons"] for r in kabupaten["rows"]} == {"35.09": 305} and kabupaten["total"][
        "persons"
    ] == 305
    # The provinsi office publishes its own figure for the kabupaten: that one counts, not the sum.
    assert _import(province, _csv([("35.09", D3, 999, "")])).status_code == 200
    on_d3 = sup.get("/api/v1/progress", query_string={"area": "35.09", "date": D3.isoformat()}).get_json()
    assert (on_d3["total"]["persons"], on_d3["total"]["derived"]) == (999, False)
    # A kabupaten supervisor cannot publish for the provinsi, a coordinator not at all.
    assert _import(sup, _csv([("35", D3, 1, "")])).get_json()["errors"]["2"]["area_code"]
    coordinator = staff_client(app, "coordinator", ["35.09.19"])
    assert _import(coordinator, _csv([("35.09.19", D3, 1, "")])).status_code == 403


def test_province_supervisor_ranks_kabupaten_and_sets_their_targets(app):
    province = staff_client(app, "province_supervisor", ["35"])
    me = province.get("/api/v1/auth/me").get_json()
    assert (me["role"], me["role_label"], [a["code"] for a in me["areas"]]) == (
        "province_supervisor",
        "Supervisor Provinsi",
        ["35"],
    )
    assert (
        province.put(
            "/api/v1/targets/35.09", json={"population": 1000, "households": 300, "target_pct": 50}
        ).status_code
        == 200
    )
    assert (
        province.put("/api/v1/targets/53.03", json={"population": 1, "households": 1, "target_pct": 1}).status_code
        == 404
    )
    _import(province, _csv([("35.09", D1, 230, 70)]))
    body = province.get("/api/v1/tallies", query_string={"to": D3.isoformat()}).get_json()
    assert body["area"]["code"] == "35" and body["rank_by"] == "participation"
    row = body["rows"][0]  # the only kabupaten with a figure (others the area list may hold have none: unranked)
    assert {r["rank"] for r in body["rows"][1:]} <= {None}
    assert (row["key"], row["rank"], row["participation_pct"], row["gap_pct"], row["achievement_pct"]) == (
        "35.09",
        1,
        23.0,
        -27.0,
        46.0,
    )
    drill = province.get("/api/v1/tallies", query_string={"area": "35.09"})
    assert drill.status_code == 200 and len(drill.get_json()["rows"]) == 31
    deep = province.get("/api/v1/tallies", query_string={"level": 3}).get_json()
    assert len(deep["rows"]) == 31 and deep["rows"][0]["key"].startswith("35.09.")
    assert province.get("/api/v1/tallies", query_string={"level": 4}).status_code == 422
    assert (
        province.post("/api/v1/review/assists/bulk-approve", json={"area": "35.09", "as_of": "djAuMA"}).status_code
        == 403
    )
    admin = staff_client(app, "admin", [])
    national = admin.get("/api/v1/tallies", query_string={"level": 2, "to": D3.isoformat()}).get_json()
    kabupaten = db.session.scalar(select(func.count()).select_from(Area).where(Area.level == 2))
    assert [r["key"] for r in national["rows"]][:1] == ["35.09"] and len(national["rows"]) == kabupaten


def _independent(figures, code, date_from, date_to):
    """Return (took part in range, total up to its end) from raw {(code, day): persons}, by the definition."""
    days = sorted(d for c, d in figures if c == code)
    end = max((d for d in days if d <= date_to), default=None)
    if end is None:
        return None, None
    total = figures[(code, end)]
    if date_from is None:
        return total, total
    base = max((d for d in days if d < date_from), default=None)
    if end < date_from or base is None:
        return None, total
    return total - figures[(code, base)], total


@pytest.mark.parametrize("seed", [3, 4])
def test_range_figures_equal_an_independent_computation_on_random_data(app, seed):
    rng = random.Random(seed)
    sup = staff_client(app, "supervisor", ["35.09"])
    chosen = ["35.09.19", "35.09.20", "35.09.21", "35.09.22"]
    targets = {c: (rng.randrange(500, 5000), rng.choice([18, 23.5, 50])) for c in chosen[:3]}
    db.session.add_all(
        Target(area_code=c, population=p, households=p // 4, target_pct=t) for c, (p, t) in targets.items()
    )
    db.session.commit()
    span = [TODAY - timedelta(days=n) for n in range(12, 0, -1)]
    figures = {}
    for code in chosen:
        running = 0
        for day in span:
            if rng.random() < 0.6:
                running += rng.randrange(0, 300)
                figures[(code, day)] = running
    _import(sup, _csv([(c, d, p, "") for (c, d), p in sorted(figures.items())]))
    assisted = {}
    for code in chosen[:2]:
        phone = petugas_client(app, [f"{code}.1001"])
        for day in rng.sample(span, 3):
            n = rng.randrange(1, 4)
            log_households(
                phone, f"{code}.1001", [kk(serial=rng.randrange(1, 9999)) for _ in range(n)], day=day, members=2
            )
            assisted[(code, day)] = assisted.get((code, day), 0) + 2 * n
    for _ in range(8):
        a, b = sorted(rng.sample(range(len(span)), 2))
        date_from = span[a] if rng.random() < 0.7 else None
        date_to = span[b]
        query = {"to": date_to.isoformat(), **({"from": date_from.isoformat()} if date_from else {})}
        body = sup.get("/api/v1/tallies", query_string={**query, "rank_by": "took_part"}).get_json()
        rows = {r["key"]: r for r in body["rows"]}
        for code in chosen:
            took, total = _independent(figures, code, date_from, date_to)
            row = rows[code]
            assert (row["took_part"], row["took_part_total"]) == (took, total), (code, query)
            persons = sum(p for (c, d), p in assisted.items() if c == code and (date_from or d) <= d <= date_to)
            assert row["persons"] == persons
            assert row["share_pct"] == (round(100 * persons / took, 1) if took else None)
            population, target = targets.get(code, (None, None))
            participation = round(100 * total / population, 2) if population and total is not None else None
            assert row["participation_pct"] == participation
            assert row["gap_pct"] == (round(participation - target, 2) if participation is not None else None)
        ranked = [r for r in body["rows"] if r["rank"] is not None]
        assert [r["took_part"] for r in ranked] == sorted((r["took_part"] for r in ranked), reverse=True)
        assert all(r["took_part"] is None for r in body["rows"] if r["rank"] is None)


def test_daily_rows_carry_the_office_figures_forward_and_know_each_days_count(app):
    sup = staff_client(app, "supervisor", ["35.09"])
    db.session.add(Target(area_code="35.09.19", population=1000, households=250, target_pct=18))
    db.session.commit()
    _import(
        sup, _csv([("35.09.19", D1, 100, ""), ("35.09.19", D2, 130, ""), ("35.09.19", D3 + timedelta(days=1), 190, "")])
    )
    query = {"area": "35.09.19", "by": "day", "from": D1.isoformat(), "to": (D3 + timedelta(days=1)).isoformat()}
    rows = {r["key"]: r for r in sup.get("/api/v1/tallies", query_string=query).get_json()["rows"]}
    d1, d2, d3, d4 = (rows[(D1 + timedelta(days=n)).isoformat()] for n in range(4))
    assert (d1["took_part_total"], d1["participation_pct"], d1["took_part"]) == (100, 10.0, None)  # no day before
    assert (d2["took_part_total"], d2["took_part"]) == (130, 30)
    assert (d3["took_part_total"], d3["took_part"]) == (130, None)  # not published: carried, no count of its own
    assert (d4["took_part_total"], d4["took_part"], d4["participation_pct"]) == (190, None, 19.0)


def test_areas_are_found_by_name_within_ones_scope(app):
    sup = staff_client(app, "supervisor", ["35.09"])
    found = sup.get("/api/v1/areas/search", query_string={"q": "kaliw"}).get_json()
    assert [(a["code"], a["path"]) for a in found][:1] == [("35.09.19", ["Kabupaten Jember", "Jawa Timur"])]
    assert all(a["code"].startswith("35.09") for a in sup.get("/api/v1/areas/search?q=an").get_json())
    admin = staff_client(app, "admin", [])
    everywhere = admin.get("/api/v1/areas/search", query_string={"q": "timor tengah utara"}).get_json()
    assert everywhere[0]["code"] == "53.03" and everywhere[0]["level"] == 2
    assert admin.get("/api/v1/areas/search", query_string={"q": "%_"}).get_json() == []  # no wildcards
    assert admin.get("/api/v1/areas/search", query_string={"q": "k"}).status_code == 422
    # An admin's targets start at the country: the provinsi.
    national = admin.get("/api/v1/targets").get_json()
    provinsi = db.session.scalars(select(Area.code).where(Area.level == 1).order_by(Area.code)).all()
    assert national["area"]["code"] == "" and [r["code"] for r in national["rows"]] == provinsi
