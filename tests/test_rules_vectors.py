"""The shared record rules (tests/vectors/record_rules.json) hold on the server; pwa/tests/rules.test.js holds the
phone to the same file, so the two tiers cannot drift apart."""

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from server.api.sync.items import parse_item
from server.services.reference import reference_lists
from tests.conftest import make_app

VECTORS = json.loads((Path(__file__).parent / "vectors" / "record_rules.json").read_text())


def expand(key, value):
    """Turn the file's shorthands into values: '@N' is N characters, a date '+N'/'-N' a day from today."""
    if isinstance(value, str) and value[:1] == "@" and value[1:].isdigit():
        return "a" * int(value[1:])
    if key == "date" and isinstance(value, str) and value[:1] in "+-" and value[1:].isdigit():
        return (datetime.now(UTC).date() + timedelta(days=int(value))).isoformat()
    return value


def record(entity, case):
    """The valid record of an entity with the case's changes."""
    data = {**VECTORS[entity]["valid"], **case["set"]}
    return {key: expand(key, value) for key, value in data.items()}


@pytest.fixture(scope="module")
def rules_app():
    """An app with the file's census window (no database is touched)."""
    window = VECTORS["window"]
    return make_app(
        "sqlite://",
        CENSUS_DATE_FROM=date.fromisoformat(window["from"]),
        CENSUS_DATE_TO=date.fromisoformat(window["to"]),
    )


def test_the_file_names_the_servers_code_lists():
    server = {name: [item["code"] for item in items] for name, items in reference_lists().items()}
    for name, codes in VECTORS["reference"].items():
        assert codes == server[name], name


@pytest.mark.parametrize("entity", ["assist", "outreach"])
def test_each_case_is_decided_as_the_file_says(rules_app, entity):
    wrong = []
    with rules_app.test_request_context(headers={"Accept-Language": "en"}):
        for case in VECTORS[entity]["cases"]:
            raw = {
                "mutation_id": str(uuid.uuid4()),
                "entity": entity,
                "op": "upsert",
                "record_id": str(uuid.uuid4()),
                "base_version": None,
                "device_time": None,
                "data": record(entity, case),
            }
            refused = sorted((parse_item(raw).errors or {}).keys())
            if refused != sorted(case["errors"]):
                wrong.append(f"{case['name']}: refused {refused}, file says {case['errors']}")
    assert wrong == []
