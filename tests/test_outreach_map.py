"""The map of gathering points (issue 16.1): outreaches with GPS as GeoJSON, sized by households, filtered by date
and area, scoped; and the outreaches export as CSV, XLSX and GeoJSON, each read back and compared with the API."""

import csv
import io
import json
import uuid
from datetime import date, timedelta

import openpyxl

from tests.factories import assist_data, kk, mutation, outreach_data, push
from tests.helpers_field import petugas_client, staff_client

TODAY = date.today()


def _outreach(phone, desa, day, place_kind, place_name, kks, lat=None, lon=None):
    oid = uuid.uuid4()
    data = outreach_data(desa_code=desa, date=day.isoformat(), place_kind=place_kind, place_name=place_name)
    if lat is not None:
        data.update(lat=lat, lon=lon)
    muts = [mutation("outreach", data, oid)]
    muts += [mutation("assist", assist_data(oid, kk_number=k, members=3)) for k in kks]
    results = push(phone, muts).get_json()["results"]
    assert all(r["status"] == "applied" for r in results), results
    return str(oid)


def _fieldwork(app):
    jember = petugas_client(app, ["35.09.19.1001", "35.09.19.1002"])
    market = _outreach(
        jember, "35.09.19.1001", TODAY, "pasar", "Pasar Tanjung", [kk(serial=i) for i in range(1, 6)], -8.17, 113.70
    )
    office = _outreach(
        jember, "35.09.19.1002", TODAY - timedelta(days=3), "kantor_desa", "Balai Desa", [kk(serial=9)], -8.18, 113.69
    )
    no_gps = _outreach(jember, "35.09.19.1001", TODAY, "sekolah", "SD 1", [kk(serial=11)])
    ttu = petugas_client(app, ["53.03.01.2005"])
    far = _outreach(ttu, "53.03.01.2005", TODAY, "posyandu", "Posyandu", [kk(region="530301", serial=1)], -9.45, 124.48)
    return market, office, no_gps, far


def _points(body):
    """The map answer's points as {id: {column: value}}, newest first."""
    columns = body["points"]["columns"]
    return {row[0]: dict(zip(columns, row, strict=True)) for row in body["points"]["rows"]}


def point_desa_name(app, code):
    from server.extensions import db
    from server.models import Area

    return db.session.get(Area, code).name


def test_map_points_sized_by_households_filtered_and_scoped(app):
    market, office, _, _ = _fieldwork(app)
    sup = staff_client(app, "supervisor", ["35.09"])
    body = sup.get("/api/v1/outreaches/map").get_json()
    assert (body["area"]["code"], body["total"], body["shown"]) == ("35.09", 2, 2)
    assert body["tiles"]["url"].startswith("https://") and "OpenStreetMap" in body["tiles"]["attribution"]
    features = _points(body)
    assert set(features) == {market, office}  # no GPS, no point; TTU is outside the kabupaten
    point = features[market]
    assert (point["lat"], point["lon"]) == (-8.17, 113.70)
    assert {k: point[k] for k in ("place_kind", "households", "persons", "desa_code")} == {
        "place_kind": "pasar",
        "households": 5,
        "persons": 15,
        "desa_code": "35.09.19.1001",
    }
    # Names once per answer, for the desa and petugas the points name.
    assert body["desa_names"] == {
        "35.09.19.1001": point_desa_name(app, "35.09.19.1001"),
        "35.09.19.1002": point_desa_name(app, "35.09.19.1002"),
    }
    assert set(body["enumerators"]) == {str(point["enumerator_id"])}
    assert all(body["enumerators"].values())
    today = sup.get("/api/v1/outreaches/map", query_string={"from": TODAY.isoformat()}).get_json()
    assert list(_points(today)) == [market]
    desa = sup.get("/api/v1/outreaches/map", query_string={"area": "35.09.19.1002"}).get_json()
    assert list(_points(desa)) == [office]
    assert sup.get("/api/v1/outreaches/map", query_string={"area": "53.03"}).status_code == 404
    coord = staff_client(app, "coordinator", ["35.09.20"])
    assert _points(coord.get("/api/v1/outreaches/map").get_json()) == {}
    app.config["MAP_MAX_POINTS"] = 1
    capped = sup.get("/api/v1/outreaches/map").get_json()
    assert (capped["total"], capped["shown"], list(_points(capped))) == (2, 1, [market])
    phone = petugas_client(app, ["35.09.19.1001"])
    assert phone.get("/api/v1/outreaches/map").get_json()["problem"] == "auth.forbidden"
    bad = sup.get("/api/v1/outreaches/map", query_string={"from": "kemarin"})
    assert bad.status_code == 422 and list(bad.get_json()["errors"]) == ["from"]


def test_outreaches_export_as_csv_xlsx_and_geojson_with_gps(app):
    market, office, no_gps, _ = _fieldwork(app)
    sup = staff_client(app, "supervisor", ["35.09"])
    api = _points(sup.get("/api/v1/outreaches/map").get_json())
    text = sup.get("/api/v1/exports/outreaches.csv").get_data().decode("utf-8-sig")
    rows = {r["ID kegiatan"]: r for r in csv.DictReader(io.StringIO(text), delimiter=";")}
    assert set(rows) == {market, office, no_gps}
    assert (rows[market]["Lintang"], rows[market]["Bujur"], rows[market]["Rumah tangga"]) == ("-8,17", "113,7", "5")
    assert (rows[no_gps]["Lintang"], rows[no_gps]["Jenis titik kumpul"], rows[no_gps]["Kabupaten/kota"]) == (
        "",
        "Sekolah",
        "Kabupaten Jember",
    )
    for oid, feature in api.items():
        assert int(rows[oid]["Jiwa"]) == feature["persons"]
    book = openpyxl.load_workbook(io.BytesIO(sup.get("/api/v1/exports/outreaches.xlsx").get_data()))
    header = [c.value for c in book["Data"][1]]
    values = [dict(zip(header, [c.value for c in row], strict=True)) for row in book["Data"].iter_rows(min_row=2)]
    assert {v["ID kegiatan"]: (v["Lintang"], v["Bujur"]) for v in values}[market] == (-8.17, 113.7)
    assert "Lintang" in [r[0].value for r in book["Kodebuku"].iter_rows(min_row=2)]
    geo = sup.get("/api/v1/exports/outreaches.geojson")
    assert geo.headers["Content-Type"].startswith("application/geo+json")
    collection = json.loads(geo.get_data())
    by_id = {f["properties"]["id"]: f for f in collection["features"]}
    assert by_id[market]["geometry"] == {"type": "Point", "coordinates": [api[market]["lon"], api[market]["lat"]]}
    assert by_id[no_gps]["geometry"] is None
    assert (
        by_id[office]["properties"]["households"] == 1
        and by_id[office]["properties"]["place_kind"] == "Kantor desa/kelurahan"
    )
    assert sup.get("/api/v1/exports/assists.geojson").status_code == 404
    assert sup.get("/api/v1/exports/outreaches/count").get_json()["rows"] == 3
    job = sup.post("/api/v1/exports/jobs", json={"kind": "outreaches", "format": "geojson"})
    assert job.status_code == 202 and job.get_json()["filename"].endswith(".geojson")
    # An outreach's households (the map's link) as a background export: the id is kept as text in the job.
    one = sup.post("/api/v1/exports/jobs", json={"kind": "assists", "format": "csv", "outreach": market})
    assert one.status_code == 202, one.get_json()
