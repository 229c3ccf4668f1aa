"""Field data for coordinator/supervisor tests: petugas with devices pushing through the real sync API."""

import uuid

from tests.factories import assist_data, login, make_user, mutation, outreach_data, push


def petugas_client(app, areas, username=None):
    """Return a signed-in petugas client with a registered device."""
    user = make_user(role="enumerator", areas=areas, username=username)
    client = app.test_client()
    login(client, user)
    client.device_id = str(uuid.uuid4())
    assert client.post("/api/v1/devices", json={"device_id": client.device_id}).status_code == 201
    client.user = user
    return client


def staff_client(app, role, areas):
    """Return a signed-in coordinator/supervisor/admin client."""
    user = make_user(role=role, areas=areas)
    client = app.test_client()
    login(client, user)
    client.user = user
    return client


def log_households(client, desa, kks, day=None, place_kind="kantor_desa", **assist_fields):
    """Push one outreach in desa with one assist per KK number; return (outreach id, [assist ids])."""
    oid = uuid.uuid4()
    extra = {"date": day.isoformat()} if day else {}
    muts = [mutation("outreach", outreach_data(desa_code=desa, place_kind=place_kind, **extra), oid)]
    ids = []
    for kk in kks:
        aid = uuid.uuid4()
        ids.append(aid)
        muts.append(mutation("assist", assist_data(oid, kk_number=kk, **assist_fields), aid))
    resp = push(client, muts)
    assert resp.status_code == 200, resp.get_json()
    assert all(r["status"] == "applied" for r in resp.get_json()["results"]), resp.get_json()
    return oid, ids
