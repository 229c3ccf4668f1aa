"""Plain factories for users, outreaches, assists and mutations (no fixture soup)."""

import itertools
import uuid
from datetime import UTC, date, datetime

from server import unit_of_work
from server.services.users import create_user

PASSWORD = "rahasia-123"
_counter = itertools.count(1)


def make_user(role="enumerator", areas=None, username=None, password=PASSWORD, **overrides):
    """Create a user with a sensible scope for the role."""
    default_areas = {
        "enumerator": ["35.09.19.1001"],
        "coordinator": ["35.09.19"],
        "supervisor": ["35.09"],
        "province_supervisor": ["35"],
        "admin": [],
    }[role]
    with unit_of_work.unit():  # the test owns this unit of work, as a request or a command would
        user = create_user(
            username or f"{role}{next(_counter)}",
            role,
            password,
            areas if areas is not None else default_areas,
            **overrides,
        )
    user.password = password
    return user


def login(client, user, password=None):
    """Sign a test client in as user."""
    resp = client.post("/api/v1/auth/login", json={"username": user.username, "password": password or user.password})
    assert resp.status_code == 200, resp.get_json()
    return resp


def kk(region="350919", day=1, month=1, year=90, serial=1):
    """Return a structurally valid KK number."""
    return f"{region}{day:02d}{month:02d}{year:02d}{serial:04d}"


def outreach_data(**overrides):
    """Return valid outreach data."""
    return {
        "desa_code": "35.09.19.1001",
        "place_kind": "kantor_desa",
        "place_name": "Balai Desa",
        "date": date.today().isoformat(),
        **overrides,
    }


def assist_data(outreach_id, n=1, **overrides):
    """Return valid assist data; n varies the KK number."""
    return {
        "outreach_id": str(outreach_id),
        "kk_number": kk(serial=n),
        "head_name": f"Kepala Keluarga {n}",
        "members": 4,
        "outcome": "berhasil",
        "reasons": ["tidak_paham"],
        "device_used": "hp_petugas",
        **overrides,
    }


def mutation(entity, data, record_id=None, base_version=None, op="upsert", **overrides):
    """Return a mutation as the phone sends it."""
    return {
        "mutation_id": str(uuid.uuid4()),
        "entity": entity,
        "op": op,
        "record_id": str(record_id or uuid.uuid4()),
        "base_version": base_version,
        "device_time": datetime.now(UTC).isoformat(),
        "data": data,
        **overrides,
    }


def outreach_with_assists(n, outreach_id=None, start=1):
    """Return an outreach mutation followed by n assist mutations."""
    outreach_id = outreach_id or uuid.uuid4()
    muts = [mutation("outreach", outreach_data(), outreach_id)]
    muts += [mutation("assist", assist_data(outreach_id, i)) for i in range(start, start + n)]
    return muts


def envelope(device_id, mutations, **overrides):
    """Return a push body."""
    return {
        "device_id": device_id,
        "app_version": "0.1.0",
        "schema_version": 1,
        "pending_count": len(mutations),
        "mutations": mutations,
        **overrides,
    }


def push(client, mutations, device_id=None, **overrides):
    """Push mutations with the client's device and return the response."""
    return client.post("/api/v1/sync/push", json=envelope(device_id or client.device_id, mutations, **overrides))
