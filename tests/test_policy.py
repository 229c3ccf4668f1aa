"""The permission table: /auth/me tells each role what it may do, and every endpoint agrees with it."""

import pytest

from tests.conftest import ApiClient, make_app
from tests.factories import push
from tests.helpers_field import petugas_client, staff_client

# Written out here, not read from server/services/policy.py: the test states the product's rules.
EXPECTED = {
    "enumerator": {"records.log"},
    # A coordinator also reads the audit log of their kecamatan's people.
    "coordinator": {"records.log", "figures.view", "review.view", "review.decide", "exports.create", "audit.view"},
    "supervisor": {
        "figures.view",
        "review.view",
        "review.decide",
        "exports.create",
        "exports.unmask",
        "users.manage",
        "targets.manage",
        "progress.import",
        "audit.view",
    },
    # A provinsi follows and ranks its kabupaten, sets their targets and loads the office's figures; it looks
    # at records but leaves deciding on them to the kabupaten.
    "province_supervisor": {
        "figures.view",
        "review.view",
        "exports.create",
        "targets.manage",
        "progress.import",
        "audit.view",
    },
}
EXPECTED["admin"] = EXPECTED["supervisor"]
ASSIGNABLE = {
    "enumerator": [],
    "coordinator": [],
    "supervisor": ["enumerator", "coordinator"],
    "province_supervisor": [],
    "admin": ["enumerator", "coordinator", "supervisor", "province_supervisor", "admin"],
}
AREAS = {
    "enumerator": ["35.09.19.1001"],
    "coordinator": ["35.09.19"],
    "supervisor": ["35.09"],
    "province_supervisor": ["35"],
    "admin": [],
}
# One request per action; 403 when the role may not, anything else when it may.
PROBES = {
    "figures.view": ("get", "/api/v1/tallies?by=child&area=35.09.19", None),
    "review.view": ("get", "/api/v1/review/assists?area=35.09.19", None),
    "review.decide": ("post", "/api/v1/review/assists/bulk-approve", {"area": "35.09.19", "as_of": "djAuMA"}),
    "exports.create": ("get", "/api/v1/exports/tallies.csv?area=35.09.19", None),
    "exports.unmask": ("get", "/api/v1/exports/assists.csv?area=35.09.19&unmask=true", None),
    "users.manage": ("get", "/api/v1/users", None),
    "targets.manage": ("get", "/api/v1/targets?area=35.09", None),
    "progress.import": (
        "post",
        "/api/v1/progress",
        {"rows": [{"area_code": "35.09.19", "date": "2020-03-05", "persons": 1}]},
    ),
    "audit.view": ("get", "/api/v1/audit-events", None),
}


def _client(app, role):
    if role == "enumerator":
        return petugas_client(app, AREAS[role])
    return staff_client(app, role, AREAS[role])


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_is_told_what_it_may_do_and_the_endpoints_agree(app, role):
    client = _client(app, role)
    me = client.get("/api/v1/auth/me").get_json()
    assert set(me["capabilities"]) == EXPECTED[role]
    assert me["assignable_roles"] == ASSIGNABLE[role]
    for action, (method, path, body) in PROBES.items():
        resp = getattr(client, method)(path, json=body) if body is not None else getattr(client, method)(path)
        resp.get_data()  # an export streams: read it to its end, as a browser would
        allowed = action in EXPECTED[role]
        assert (resp.status_code != 403) == allowed, (action, resp.status_code, resp.get_json())
        if not allowed:
            may_export = action == "exports.unmask" and "exports.create" in EXPECTED[role]
            expected = "export.unmask_forbidden" if may_export else "auth.forbidden"
            assert resp.get_json()["problem"] == expected
    if "records.log" not in EXPECTED[role]:
        refused = push(client, [], device_id="00000000-0000-4000-8000-000000000001")
        assert refused.status_code == 403


def test_unmasking_follows_the_configured_roles(db_url):
    app = make_app(db_url, EXPORT_UNMASK_ROLES=("admin",))
    app.test_client_class = ApiClient
    with app.app_context():
        supervisor = staff_client(app, "supervisor", AREAS["supervisor"])
        assert "exports.unmask" not in supervisor.get("/api/v1/auth/me").get_json()["capabilities"]
        refused = supervisor.get("/api/v1/exports/assists.csv?area=35.09.19&unmask=true")
        assert (refused.status_code, refused.get_json()["problem"]) == (403, "export.unmask_forbidden")
