"""The app starts on both databases and answers with the house error body."""

import pytest


@pytest.mark.one_backend
def test_openapi_document(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    doc = resp.get_json()
    assert "/api/v1/sync/push" in doc["paths"]
    assert {"Mutation", "AssistData", "OutreachData"} <= set(doc["components"]["schemas"])
    assert set(doc["components"]["schemas"]["AssistData"]["properties"]) >= {"kk_number", "members", "reasons"}


def test_push_round_trip(petugas):
    from tests.factories import outreach_with_assists, push

    resp = push(petugas, outreach_with_assists(3))
    assert resp.status_code == 200, resp.get_json()
    assert [r["status"] for r in resp.get_json()["results"]] == ["applied"] * 4
