"""Apply a phone's batch of mutations exactly once (docs/sync-promise.md).

One transaction per batch. It first takes its account's lock, so one account's batches run their database part one
at a time: a concurrent copy of the same batch then sees the first one's rows and answers `duplicate`. Other
accounts never wait; the assists a batch changes are row-locked as it reads them, so a coordinator's review of one
of them waits for the batch instead of being overwritten. Every writer locks assists, then outreaches, then tally
cells (services/tally_cells.py), so no two wait on each other in a ring. Each change gets its place in the change
stream (services/changes.py), so /sync/pull never skips one. Validation happens before the lock; what is inside it
is a few prefetch queries and bulk writes.
"""

from flask import current_app
from sqlalchemy import func, select, update

from server import metrics, unit_of_work
from server.errors import problem_message
from server.extensions import db
from server.models import Area, Assist, AuditEvent, Mutation, Outreach, RecordConflict
from server.models.types import utcnow
from server.services import policy, scope, tally_cells
from server.services.audit import audit_rows
from server.services.bulk import chunked_in, insert_rows
from server.services.changes import serialise_account, stamp_changes
from server.services.devices import require_usable_device, touch_device
from server.services.mutations import clock_suspect, region_warnings

MODELS = {"outreach": Outreach, "assist": Assist}
SKEW_LIMIT = 2**31 - 1


def push_mutations(user, envelope, items):
    """Apply every mutation of a batch (parsed one by one at the wire), each independently; one result each."""
    unit_of_work.writes()
    policy.require(user, "records.log")
    now = utcnow()
    device = require_usable_device(user, envelope["device_id"])
    skew = _clock_skew(envelope.get("device_now"), now)
    serialise_account(user.id)
    batch = _Batch(user, device, now, skew)
    batch.prefetch(items)
    results = [batch.decide(item) for item in items]
    batch.write()
    touch_device(device, envelope, now, skew)
    statuses = [r["status"] for r in results]
    unit_of_work.after_commit(lambda: metrics.count_push_items(statuses))
    return {"server_time": now, "results": results}


class _Batch:
    """The working state of one batch: prefetched rows, planned writes, and their order."""

    def __init__(self, user, device, now, skew):
        self.user, self.device, self.now, self.skew = user, device, now, skew
        self.max_skew = current_app.config["MAX_CLOCK_SKEW_SECONDS"]
        self.seen = {}  # mutation id -> (payload hash, status, version) for this batch and stored ones
        self.records = {"outreach": {}, "assist": {}}  # id -> ORM row or planned insert (dict)
        self.inserts = {"outreach": [], "assist": []}
        self.updated = []  # ORM rows changed in this batch
        self.cascades = []  # (outreach id, desa code) whose assists follow a moved outreach
        self.log, self.conflicts, self.audits = [], [], []
        self.desa_ok = set()

    # --- reading -------------------------------------------------------------------------------------------
    def prefetch(self, items):
        """Load in a handful of queries every row the batch may touch."""
        good = [i for i in items if not i.errors]
        mids = [i.mutation_id for i in good]
        # Only this account's memory: another account's mutation id is unknown here, not a `duplicate`.
        memory = (Mutation.id, Mutation.payload_hash, Mutation.status, Mutation.version)
        for mid, *answer in chunked_in(memory, Mutation.id, mids, Mutation.user_id == self.user.id):
            self.seen[mid] = tuple(answer)
        outreach_ids = {i.record_id for i in good if i.entity == "outreach"}
        outreach_ids |= {i.data["outreach_id"] for i in good if i.entity == "assist" and i.op == "upsert"}
        assist_ids = {i.record_id for i in good if i.entity == "assist"}
        # Outreaches are read without a row lock: only their owner's batches change them, and those already run
        # one at a time (the account's lock). A lock here would be taken before the assists', while a review
        # locks an assist, then its outreach (to move what the outreach helped): the two could wait in a ring.
        for row in chunked_in(Outreach, Outreach.id, outreach_ids):
            self.records["outreach"][row.id] = row
        for row in chunked_in(Assist, Assist.id, assist_ids, lock=True):
            self.records["assist"][row.id] = row
        desa = {i.data["desa_code"] for i in good if i.entity == "outreach" and i.op == "upsert"}
        in_scope = [c for c in desa if scope.area_in_scope(self.user, c)]
        self.desa_ok = {code for (code,) in chunked_in((Area.code,), Area.code, in_scope, Area.level == 4)}

    # --- deciding ------------------------------------------------------------------------------------------
    def decide(self, item):
        """Decide one mutation's fate and plan its writes."""
        if item.errors:
            return self._rejected(item, "mutation.invalid", item.errors)
        if item.mutation_id in self.seen:
            return self._replay(item)
        record = self.records[item.entity].get(item.record_id)
        if record is not None and _get(record, "owner_id") != self.user.id:
            # Someone else's record: answer exactly as if it did not exist, and keep a trace.
            self._audit("sync.foreign_record", item)
            return self._rejected(item, "record.not_found")
        try:
            if item.op == "void":
                return self._void(item, record)
            if item.base_version is None:
                return self._create(item, record)
            return self._update(item, record)
        except _Reject as exc:
            return self._rejected(item, exc.problem, exc.errors)

    def _replay(self, item):
        payload_hash, status, version = self.seen[item.mutation_id]
        if payload_hash != item.payload_hash:
            self._audit("sync.mutation_id_reused", item)
            return self._rejected(item, "mutation.id_reused")
        if status == "conflict":
            return _result(item, "conflict", version, "record.conflict")
        return _result(item, "duplicate", version)

    def _create(self, item, record):
        if record is not None:
            if _get(record, "content_hash") == item.content_hash:
                return self._applied(item, _get(record, "version"), status="duplicate")
            self._audit("sync.record_id_conflict", item)
            return self._rejected(item, "record.id_conflict")
        values = self._values(item)
        row = {
            "id": item.record_id,
            "owner_id": self.user.id,
            "version": 1,
            "voided": False,
            "received_at": self.now,
            "created_device_id": self.device.id,
            **values,
        }
        if item.entity == "assist":
            row["review_state"] = "received"
        self.records[item.entity][item.record_id] = row
        self.inserts[item.entity].append(row)
        return self._applied(item, 1)

    def _update(self, item, record):
        if record is None:
            raise _Reject("record.not_found")
        current = _get(record, "version")
        if current != item.base_version:
            return self._conflict(item, current)
        values = self._values(item)
        if item.entity == "assist" and _get(record, "review_state") != "received":
            # A corrected record goes back to the coordinator; the old verdict stays in review history.
            values.update(review_state="received", review_comment=None)
        if item.entity == "outreach" and values["desa_code"] != _get(record, "desa_code"):
            self._move_outreach(item.record_id, values["desa_code"])
        self._change(item.entity, record, values, current + 1)
        return self._applied(item, current + 1)

    def _void(self, item, record):
        if record is None:
            raise _Reject("record.not_found")
        current = _get(record, "version")
        if item.base_version != current:
            return self._conflict(item, current)
        if item.entity == "outreach" and self._has_live_assists(item.record_id):
            raise _Reject("outreach.has_assists")
        values = {"voided": True, "void_reason": item.data.get("reason")}
        self._change(item.entity, record, {**values, **self._stamp(item)}, current + 1)
        return self._applied(item, current + 1)

    def _values(self, item):
        """Return the column values of an upsert; raise _Reject when its references are not allowed."""
        data = dict(item.data)
        if item.entity == "outreach":
            if data["desa_code"] not in self.desa_ok:
                raise _Reject("area.out_of_scope", "desa_code")
            data["kecamatan_code"] = data["desa_code"][:8]
        else:
            outreach = self.records["outreach"].get(data["outreach_id"])
            if outreach is None or _get(outreach, "owner_id") != self.user.id or _get(outreach, "voided"):
                raise _Reject("outreach.unknown", "outreach_id")
            data["desa_code"] = _get(outreach, "desa_code")
            data["kecamatan_code"] = _get(outreach, "kecamatan_code")
            region_warnings(item, data["kecamatan_code"])
        return {**data, **self._stamp(item)}

    def _stamp(self, item):
        return {
            "changed_by_device": self.device.id,
            "device_time": item.device_time,
            "clock_suspect": clock_suspect(item, self.now, self.skew, self.max_skew),
            "content_hash": item.content_hash,
            "updated_at": self.now,
        }

    def _change(self, entity, record, values, version):
        values["version"] = version
        if isinstance(record, dict):
            record.update(values)  # still a planned insert of this batch
            return
        for key, value in values.items():
            setattr(record, key, value)
        if record not in self.updated:
            self.updated.append(record)

    def _move_outreach(self, outreach_id, desa_code):
        self.cascades.append((outreach_id, desa_code))
        for row in self.inserts["assist"]:
            if row["outreach_id"] == outreach_id:
                row.update(desa_code=desa_code, kecamatan_code=desa_code[:8])

    def _has_live_assists(self, outreach_id):
        if any(r["outreach_id"] == outreach_id and not r.get("voided") for r in self.inserts["assist"]):
            return True
        stored = (
            select(func.count()).select_from(Assist).where(Assist.outreach_id == outreach_id, Assist.voided.is_(False))
        )
        # Assists voided earlier in this batch are not flushed yet; count them out by hand.
        pending_voids = sum(
            1 for r in self.updated if isinstance(r, Assist) and r.outreach_id == outreach_id and r.voided
        )
        return db.session.execute(stored.execution_options(autoflush=False)).scalar() - pending_voids > 0

    # --- results -------------------------------------------------------------------------------------------
    def _applied(self, item, version, status="applied"):
        self._log(item, "applied", version)
        return _result(item, status, version, warnings=item.warnings or None)

    def _conflict(self, item, current):
        # Keep both versions: the stored one stays, the phone's is kept for the coordinator to resolve.
        self.conflicts.append(
            {
                "entity": item.entity,
                "record_id": item.record_id,
                "mutation_id": item.mutation_id,
                "user_id": self.user.id,
                "device_id": self.device.id,
                "base_version": item.base_version or 0,
                "server_version": current,
                "data": item.raw.get("data"),
                "received_at": self.now,
            }
        )
        self._log(item, "conflict", current, "record.conflict")
        return _result(item, "conflict", current, "record.conflict")

    def _rejected(self, item, problem, errors=None):
        # Rejections are not logged as applied: the phone keeps the record and may resend it once corrected.
        return _result(item, "rejected", None, problem, errors)

    def _log(self, item, status, version, problem=None):
        self.seen[item.mutation_id] = (item.payload_hash, status, version)
        self.log.append(
            {
                "id": item.mutation_id,
                "user_id": self.user.id,
                "device_id": self.device.id,
                "entity": item.entity,
                "op": item.op,
                "record_id": item.record_id,
                "payload_hash": item.payload_hash,
                "status": status,
                "version": version,
                "problem": problem,
                "received_at": self.now,
            }
        )

    def _audit(self, action, item):
        self.audits.append(
            audit_rows(action, self.user.id, item.entity, item.record_id, self.device.id, mutation=item.echo_id)
        )

    # --- writing -------------------------------------------------------------------------------------------
    def write(self):
        """Write the planned rows in bulk, stamping each changed record with its place in the change stream."""
        # Assists of outreaches changed in this batch are read back; the other new ones are added as planned.
        outreach_ids = {r.id for r in self.updated if isinstance(r, Outreach)}
        assist_ids = [r.id for r in self.updated if isinstance(r, Assist)]
        new_rows = []
        for row in self.inserts["assist"]:
            if row["outreach_id"] in outreach_ids:
                assist_ids.append(row["id"])
            else:
                outreach = self.records["outreach"][row["outreach_id"]]
                new_rows.append({**row, "day": _get(outreach, "date"), "place_kind": _get(outreach, "place_kind")})
        with tally_cells.tracked(assist_ids, outreach_ids, new_rows), db.session.no_autoflush:
            self._write_records()
        db.session.flush()
        for model, rows in ((Mutation, self.log), (RecordConflict, self.conflicts), (AuditEvent, self.audits)):
            insert_rows(model, rows)

    def _write_records(self):
        # No autoflush: an edited row may point at an outreach that is only inserted below.
        stamp_changes(self.inserts["outreach"] + self.inserts["assist"] + self.updated)
        for entity in ("outreach", "assist"):
            insert_rows(MODELS[entity], self.inserts[entity])
        for outreach_id, desa_code in self.cascades:
            db.session.execute(
                update(Assist)
                .where(Assist.outreach_id == outreach_id)
                .values(desa_code=desa_code, kecamatan_code=desa_code[:8])
                .execution_options(synchronize_session=False)
            )


class _Reject(Exception):
    """A mutation refused for a reason the phone can show; `field` names the input at fault."""

    def __init__(self, problem, field=None):
        super().__init__(problem)
        self.problem = problem
        self.errors = {field: [problem_message(problem)]} if field else None


def _result(item, status, version, problem=None, errors=None, warnings=None):
    return {
        "mutation_id": item.echo_id,
        "record_id": str(item.record_id) if item.record_id is not None else None,
        "status": status,
        "version": version,
        "problem": problem,
        "message": problem_message(problem) if problem else None,
        "errors": errors,
        "warnings": warnings,
    }


def _clock_skew(device_now, now):
    # Clamped to what the 32-bit column holds: a phone set decades off is simply "very wrong".
    if device_now is None:
        return None
    return max(-SKEW_LIMIT, min(SKEW_LIMIT, int((device_now - now).total_seconds())))


def _get(record, key):
    return record[key] if isinstance(record, dict) else getattr(record, key)
