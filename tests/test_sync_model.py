"""A stateful model of sync (Hypothesis rule-based state machine): several phones of two accounts create, edit,
void, resend, reorder and lose answers while the server restarts; after every step the server holds every
acknowledged record and nothing that was never sent, never twice, and every phone converges once its queue drains.
"""

import random
import uuid

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from tests.conftest import ApiClient, make_app
from tests.factories import assist_data, envelope, kk, login, make_user, mutation, outreach_data

DESA = "35.09.19.1001"


class Phone:
    """One installation: its own queue and what it knows the server acknowledged."""

    def __init__(self, user, client):
        self.user, self.client, self.device_id = user, client, str(uuid.uuid4())
        self.queue = []  # mutations not yet acknowledged, in the order they were made
        self.records = {}  # record id -> {"entity", "version" (acknowledged, or None), "data", "voided"}
        self.last_batch = []

    def pending_for(self, record_id):
        return any(m["record_id"] == record_id for m in self.queue)


class SyncModel(RuleBasedStateMachine):
    """The phones' side of the protocol against the real server, with the server checked after every step."""

    def __init__(self):
        super().__init__()
        self.app = make_app(self.db_url)
        self.app.test_client_class = ApiClient
        users = [make_user(role="enumerator", areas=[DESA]) for _ in range(2)]  # in the test's own app context
        self.user_ids = [u.id for u in users]
        self.phones = [self._phone(users[0]), self._phone(users[0]), self._phone(users[1])]
        self.sent = set()  # record ids the server may have stored: sent in a batch it answered 200
        self.serial = 0

    def _phone(self, user):
        client = self.app.test_client()
        login(client, user)
        phone = Phone(user, client)
        assert client.post("/api/v1/devices", json={"device_id": phone.device_id}).status_code == 201
        return phone

    # --- what a petugas does -------------------------------------------------------------------------------
    @rule(n=st.integers(0, 2))
    def new_outreach(self, n):
        phone = self.phones[n]
        rid = str(uuid.uuid4())
        self._queue(phone, rid, "outreach", outreach_data(desa_code=DESA), None)

    @precondition(lambda self: any(self._outreaches(p) for p in self.phones))
    @rule(n=st.integers(0, 2), data=st.data())
    def new_assist(self, n, data):
        phone = self.phones[n]
        outreaches = self._outreaches(phone)
        if not outreaches:
            return
        self.serial += 1
        oid = data.draw(st.sampled_from(outreaches))
        self._queue(phone, str(uuid.uuid4()), "assist", assist_data(oid, kk_number=kk(serial=self.serial)), None)

    @rule(n=st.integers(0, 2), data=st.data(), void=st.booleans())
    def change_assist(self, n, data, void):
        phone = self.phones[n]
        editable = [
            rid
            for rid, r in phone.records.items()
            if r["entity"] == "assist" and r["version"] and not r["voided"] and not phone.pending_for(rid)
        ]
        if not editable:
            return
        rid = data.draw(st.sampled_from(sorted(editable)))
        record = phone.records[rid]
        if void:
            self._queue(phone, rid, "assist", {"reason": "salah catat"}, record["version"], op="void")
        else:
            changed = {**record["data"], "members": data.draw(st.integers(1, 30))}
            self._queue(phone, rid, "assist", changed, record["version"])

    # --- what the network and the server do ----------------------------------------------------------------
    @rule(n=st.integers(0, 2), size=st.integers(1, 6), drop_answer=st.booleans(), shuffle=st.booleans())
    def send(self, n, size, drop_answer, shuffle):
        phone = self.phones[n]
        batch = phone.queue[:size]
        if shuffle:
            batch = random.Random(size).sample(batch, len(batch))
        self._push(phone, batch, drop_answer)

    @rule(n=st.integers(0, 2))
    def resend_last_batch(self, n):
        phone = self.phones[n]
        self._push(phone, phone.last_batch, False)

    @rule()
    def restart_server(self):
        # A new app (new pool, new workers) on the same database; the phones keep their cookies.
        old = self.app
        self.app = make_app(self.db_url)
        self.app.test_client_class = ApiClient
        for phone in self.phones:
            cookie = phone.client.get_cookie("jb_session").value
            phone.client = self.app.test_client()
            phone.client.set_cookie("jb_session", cookie)
        with old.app_context():
            from server.extensions import db

            db.engine.dispose()

    # --- the promise ---------------------------------------------------------------------------------------
    @invariant()
    def server_holds_what_was_acknowledged_and_nothing_else(self):
        stored = self._stored()
        for phone in self.phones:
            for rid, record in phone.records.items():
                if record["version"]:
                    assert rid in stored, "an acknowledged record is missing"
                    assert stored[rid]["version"] >= record["version"]
        assert set(stored) <= self.sent, "the server holds a record no phone sent"

    def teardown(self):
        # Drain every queue with reliable answers: each phone converges on what the server holds.
        for _ in range(20):
            for phone in self.phones:
                if phone.queue:
                    self._push(phone, phone.queue[:50], False)
        stored = self._stored()
        for phone in self.phones:
            assert not phone.queue, phone.queue
            for rid, record in phone.records.items():
                assert (stored[rid]["version"], stored[rid]["voided"]) == (record["version"], record["voided"])
        mutations = self._scalar("SELECT count(*) FROM mutations WHERE user_id IN :u")
        distinct = self._scalar("SELECT count(DISTINCT id) FROM mutations WHERE user_id IN :u")
        assert mutations == distinct  # no change applied twice

    # --- helpers -------------------------------------------------------------------------------------------
    def _queue(self, phone, rid, entity, data, base_version, op="upsert"):
        phone.queue.append(mutation(entity, data, rid, base_version, op=op))
        known = phone.records.get(rid, {"entity": entity, "version": None, "voided": False})
        phone.records[rid] = {**known, "data": data if op == "upsert" else known.get("data", data)}

    def _push(self, phone, batch, drop_answer):
        if not batch:
            return
        resp = phone.client.post("/api/v1/sync/push", json=envelope(phone.device_id, batch))
        assert resp.status_code == 200, resp.get_json()
        self.sent |= {m["record_id"] for m in batch}
        phone.last_batch = batch
        if drop_answer:
            return  # the server committed; the answer never reached the phone, which keeps its queue
        for sent, result in zip(batch, resp.get_json()["results"], strict=True):
            self._apply(phone, sent, result)

    def _apply(self, phone, sent, result):
        status = result["status"]
        if status == "rejected":
            # Only an assist sent ahead of its outreach may wait; anything else is a bug in the model or server.
            assert result["problem"] == "outreach.unknown", result
            return
        if sent in phone.queue:
            phone.queue.remove(sent)
        record = phone.records[sent["record_id"]]
        assert status in ("applied", "duplicate"), result  # one writer per record: no conflicts here
        record["version"] = max(record["version"] or 0, result["version"])
        record["voided"] = record["voided"] or sent["op"] == "void"

    def _outreaches(self, phone):
        return sorted(rid for rid, r in phone.records.items() if r["entity"] == "outreach")

    def _stored(self):
        engine = sa.create_engine(self.db_url)
        try:
            with engine.connect() as conn:
                rows = []
                for table in ("outreaches", "assists"):
                    sql = sa.text(f"SELECT id, version, voided FROM {table} WHERE owner_id IN :u").bindparams(
                        sa.bindparam("u", expanding=True)
                    )
                    rows += conn.execute(sql, {"u": self.user_ids}).all()
        finally:
            engine.dispose()
        ids = [str(uuid.UUID(str(r[0]))) for r in rows]
        assert len(ids) == len(set(ids))
        return {i: {"version": r[1], "voided": bool(r[2])} for i, r in zip(ids, rows, strict=True)}

    def _scalar(self, sql):
        engine = sa.create_engine(self.db_url)
        try:
            with engine.connect() as conn:
                stmt = sa.text(sql).bindparams(sa.bindparam("u", expanding=True))
                return conn.execute(stmt, {"u": self.user_ids}).scalar()
        finally:
            engine.dispose()


@pytest.mark.slow
def test_sync_keeps_its_promise_under_any_order_of_events(app, db_url):
    SyncModel.db_url = db_url
    run_state_machine_as_test(
        SyncModel,
        settings=settings(
            max_examples=12,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
