"""The push's fast loader (msgspec) against its authority (marshmallow): never more lenient, never different.

Hypothesis starts from valid mutations as the PWA sends them and breaks them the ways phones, old versions and
attackers do (wrong JSON types, bounds, blank and padded text, control characters, NUL, lone surrogates, odd ISO
forms, unknown and missing fields). Whatever the fast path accepts, marshmallow must accept and load to the same
values of the same types; what it is not sure of goes to marshmallow, so errors keep their words.
"""

import math
import os
import uuid
from datetime import UTC, date, datetime, timedelta

import marshmallow as ma
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from marshmallow import fields, post_load

from server.api.fast_load import FastLoader, Unsupported, same
from server.api.schemas_base import StrictSchema
from server.api.sync.schemas import DATA_SCHEMAS, FAST_DATA, FAST_MUTATION, MUTATION_SCHEMA
from tests.conftest import make_app
from tests.factories import assist_data, mutation, outreach_data

TODAY = date.today()
EXAMPLES = int(os.environ.get("FAST_LOAD_EXAMPLES", "400"))  # more, to search harder
TRICKY = [
    None,
    "",
    " ",
    "  x  ",
    "x",
    "a\x07b",
    "a\x00b",
    "\ud800",
    "é",
    "\t tab",
    "x" * 100,
    " " + "x" * 100 + " ",
    "x" * 101,
    "x" * 501,
    0,
    -1,
    1,
    30,
    31,
    90,
    91,
    -90.0,
    180.5,
    True,
    False,
    1.5,
    4.0,
    math.nan,
    math.inf,
    2**31,
    2**63,
    "5",
    [],
    {},
    [None],
    ["tidak_paham"],
    ["tidak_paham", "tidak_paham"],
    ["lainnya"] * 10,
    "berhasil",
    "gagal",
    "hp_petugas",
    "kantor_desa",
    "003/005",
    "003/005\n",
    "3/5",
    "1234/5",
    str(uuid.uuid4()),
    uuid.uuid4().hex,
    "{" + str(uuid.uuid4()) + "}",
    str(uuid.uuid4()).upper(),
    "urn:uuid:" + str(uuid.uuid4()),
    "not-a-uuid",
    TODAY.isoformat(),
    (TODAY + timedelta(days=3)).isoformat(),
    "2019-12-31",
    "2026-12-5",
    "20261205",
    "2026-W49-1",
    "2026-12-05T10:00:00",
    "2026-12-05T10:00:00Z",
    "2026-12-05T10:00:00.123Z",
    "2026-12-05T10:00:00+07:00",
    "2026-12-05 10:00",
    "2026-12-05t10:00:00z",
    "1969-12-31T23:59:59Z",
    "2100-01-01T00:00:00Z",
    "0001-01-01T00:00+01:00",
    "2026-12-05T10:00:00.1234567Z",
    "12:00",
    "+6281234567890",
    "0812-3456-7890",
    "081234567890123456789",
    "35.09.19.1001",
    "35.09.19.100",
    "3509190101900001",
]
EXTRA_KEYS = ["extra", "Members", "lat", "lon", "started_at", "ended_at", "notes", "", "\x00"]


@pytest.fixture(scope="module")
def app_context():
    """census_date reads the app's census window."""
    app = make_app("sqlite://")
    with app.test_request_context():
        yield


def _valid_pwa_items():
    outreach_id = uuid.uuid4()
    now = datetime.now(UTC)
    full_outreach = outreach_data(
        started_at=(now - timedelta(hours=2)).isoformat().replace("+00:00", "Z"),
        ended_at=now.isoformat(),
        lat=-7.25,
        lon=112.75,
    )
    full_assist = assist_data(
        outreach_id, 7, phone="0812-3456-7890", notes=" Rumah biru ", address="Jl. Mawar 3", rt_rw="003/005"
    )
    return [
        mutation("outreach", outreach_data(), outreach_id),
        mutation("outreach", full_outreach, outreach_id, base_version=2),
        mutation("assist", assist_data(outreach_id, 1)),
        mutation("assist", {**full_assist, "reasons": ["tidak_paham", "lainnya"], "members": 30}),
        mutation("assist", {"reason": "salah catat"}, op="void", base_version=1),
        mutation("outreach", {}, op="void", base_version=3),
    ]


def _load_both(schema, fast, raw):
    got = fast.attempt(raw)
    try:
        expected = schema.load(raw)
    except ma.ValidationError:
        expected = None
    return got, expected


def test_every_sync_schema_has_a_fast_path_that_takes_what_the_pwa_sends(app_context):
    for raw in _valid_pwa_items():
        envelope = FAST_MUTATION.attempt(raw)
        assert envelope is not None, raw
        assert same(envelope, MUTATION_SCHEMA.load(raw))
        key = (raw["entity"], raw["op"])
        data = FAST_DATA[key].attempt(raw["data"])
        assert data is not None, raw["data"]
        assert same(data, DATA_SCHEMAS[key].load(raw["data"]))


def test_text_is_stripped_and_times_are_utc_as_marshmallow_does(app_context):
    raw = _valid_pwa_items()[1]["data"]
    fast = FAST_DATA[("outreach", "upsert")]
    data = fast.attempt({**raw, "place_name": "  Balai  ", "started_at": "2026-12-05T10:00"})
    assert data["place_name"] == "Balai"
    assert data["started_at"] == datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    assert isinstance(data["lat"], float) and isinstance(data["date"], date)


def test_the_fast_path_defers_what_it_is_not_sure_of(app_context):
    raw = _valid_pwa_items()[3]["data"]
    fast = FAST_DATA[("assist", "upsert")]
    for broken in (
        {**raw, "members": True},
        {**raw, "members": 4.0},
        {**raw, "head_name": "   "},
        {**raw, "head_name": "a\x00b"},
        {**raw, "notes": "\ud800"},
        {**raw, "reasons": ["tidak_paham", "tidak_paham"]},
        {**raw, "rt_rw": "3-5"},
        {**raw, "surprise": 1},
        {k: v for k, v in raw.items() if k != "outcome"},
    ):
        assert fast.attempt(broken) is None
        with pytest.raises(ma.ValidationError):
            DATA_SCHEMAS[("assist", "upsert")].load(broken)


def _broken(draw_items):
    return st.lists(
        st.one_of(
            st.tuples(st.just("set"), st.sampled_from(draw_items), st.sampled_from(TRICKY)),
            st.tuples(st.just("drop"), st.sampled_from(draw_items), st.none()),
            st.tuples(st.just("add"), st.sampled_from(EXTRA_KEYS), st.sampled_from(TRICKY)),
        ),
        min_size=1,
        max_size=3,
    )


def _apply(raw, changes):
    out = dict(raw)
    for action, key, value in changes:
        if action == "drop":
            out.pop(key, None)
        else:
            out[key] = value
    return out


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=st.sampled_from(range(6)), data=st.data())
def test_the_fast_path_is_never_more_lenient_nor_different(app_context, case, data):
    item = _valid_pwa_items()[case]
    key = (item["entity"], item["op"])
    if data.draw(st.booleans()):
        raw, schema, fast = item["data"], DATA_SCHEMAS[key], FAST_DATA[key]
    else:
        raw, schema, fast = item, MUTATION_SCHEMA, FAST_MUTATION
    keys = sorted(set(raw) | set(schema.load_fields))
    broken = _apply(raw, data.draw(_broken(keys)))
    got, expected = _load_both(schema, fast, broken)
    event(("fast" if got is not None else "deferred") + (", refused" if expected is None else ", valid"))
    if got is not None:
        assert expected is not None, f"fast path took what marshmallow refuses: {broken!r}"
        assert same(got, expected), (broken, got, expected)


def test_a_schema_the_fast_path_cannot_mirror_is_refused_at_start():
    class WithHook(StrictSchema):
        name = fields.String(required=True)

        @post_load
        def _shape(self, data, **_kwargs):
            return data

    class Renamed(StrictSchema):
        name = fields.String(required=True, data_key="nama")

    class Nested(StrictSchema):
        inner = fields.Nested(WithHook, required=True)

    class CheckedMapping(StrictSchema):
        extra = fields.Dict(required=True)  # not opaque: marshmallow checks its text for NUL and surrogates

    for schema in (WithHook(), Renamed(), Nested(), CheckedMapping()):
        with pytest.raises(Unsupported):
            FastLoader(schema)


def test_the_crosscheck_fails_loudly_when_the_loaders_differ(app_context):
    from server.api.fast_load import crosscheck

    raw = _valid_pwa_items()[2]["data"]
    loaded = DATA_SCHEMAS[("assist", "upsert")].load(raw)
    crosscheck(DATA_SCHEMAS[("assist", "upsert")], raw, loaded)
    with pytest.raises(AssertionError, match="members"):
        crosscheck(DATA_SCHEMAS[("assist", "upsert")], raw, {**loaded, "members": 4.0})
    with pytest.raises(AssertionError, match="refuses"):
        crosscheck(DATA_SCHEMAS[("assist", "upsert")], {**raw, "members": 0}, loaded)
