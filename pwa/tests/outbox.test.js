import { beforeEach, describe, expect, it } from "vitest";
import {
  applyResults,
  itemOutcome,
  markAttempt,
  mergePulled,
  nextBatch,
  purgeSent,
  saveRecord,
} from "../src/outbox.js";
import { getRecord, openUserDb, outboxEntries, queueCounts } from "../src/store.js";

let db;
let n = 0;
beforeEach(async () => {
  db = await openUserDb(`outbox-${(n += 1)}`);
});

const assist = (outreachId, extra = {}) => ({ outreach_id: outreachId, kk_number: "3509190101900001", ...extra });
const applied = (entry, status = "applied", extra = {}) => ({
  mutation_id: entry.mutation_id,
  record_id: entry.record_id,
  status,
  version: 1,
  ...extra,
});

describe("saveRecord", () => {
  it("stores the record and its mutation together", async () => {
    const record = await saveRecord(db, { entity: "assist", data: assist("o1") });
    const [entry] = await outboxEntries(db);
    expect(record.state).toBe("saved");
    expect(entry).toMatchObject({ record_id: record.id, base_version: null, op: "upsert", attempts: 0 });
    expect((await getRecord(db, record.id)).outreach_id).toBe("o1");
  });

  it("replaces a never-sent change, but stacks an edit of one already attempted", async () => {
    const record = await saveRecord(db, { entity: "assist", data: assist("o1") });
    await saveRecord(db, { entity: "assist", id: record.id, data: assist("o1", { members: 3 }) });
    let entries = await outboxEntries(db);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ base_version: null, data: { members: 3 } });
    await markAttempt(db, entries);
    await saveRecord(db, { entity: "assist", id: record.id, data: assist("o1", { members: 4 }) });
    entries = await outboxEntries(db);
    expect(entries.map((e) => e.base_version)).toEqual([null, 1]);
    expect((await getRecord(db, record.id)).localVersion).toBe(2);
  });
});

describe("answers", () => {
  it("counts only an echoed id with applied/duplicate as delivered", () => {
    const entry = { mutation_id: "m1" };
    expect(itemOutcome(entry, { mutation_id: "m1", status: "applied" })).toBe("sent");
    expect(itemOutcome(entry, { mutation_id: "m1", status: "duplicate" })).toBe("sent");
    expect(itemOutcome(entry, { mutation_id: "m2", status: "applied" })).toBe("retry");
    expect(itemOutcome(entry, undefined)).toBe("retry");
    expect(itemOutcome(entry, { mutation_id: "m1", status: "rejected", problem: "mutation.invalid" })).toBe("held");
    expect(itemOutcome(entry, { mutation_id: "m1", status: "rejected", problem: "outreach.unknown" })).toBe("wait");
    expect(itemOutcome(entry, { mutation_id: "m1", status: "conflict" })).toBe("conflict");
  });

  it("one rejected item is held with its errors, the rest are delivered, the queue is not blocked", async () => {
    for (let i = 0; i < 20; i += 1) await saveRecord(db, { entity: "assist", data: assist("o1", { n: i }) });
    const batch = await nextBatch(db, 100);
    const results = batch.map((e, i) =>
      i === 7
        ? { ...applied(e, "rejected"), version: null, problem: "mutation.invalid", errors: { kk_number: ["x"] } }
        : applied(e),
    );
    const counts = await applyResults(db, batch, results);
    expect(counts).toMatchObject({ sent: 19, held: 1 });
    const left = await outboxEntries(db);
    expect(left).toHaveLength(1);
    expect(left[0].queue).toBe("held");
    const bad = await getRecord(db, batch[7].record_id);
    expect([bad.state, bad.errors]).toEqual(["rejected", { kk_number: ["x"] }]);
    expect(await nextBatch(db, 100)).toEqual([]);
    // New records still go out.
    await saveRecord(db, { entity: "assist", data: assist("o1") });
    expect(await nextBatch(db, 100)).toHaveLength(1);
    // Correcting the held record replaces its change with a fresh mutation id.
    await saveRecord(db, { entity: "assist", id: bad.id, data: assist("o1", { kk_number: "3509190101900002" }) });
    const next = await nextBatch(db, 100);
    expect(next.map((e) => e.record_id)).toContain(bad.id);
    expect(next.find((e) => e.record_id === bad.id).mutation_id).not.toBe(batch[7].mutation_id);
  });

  it("keeps an entry whose answer does not echo it", async () => {
    await saveRecord(db, { entity: "assist", data: assist("o1") });
    const batch = await nextBatch(db, 10);
    await applyResults(db, batch, [{ mutation_id: "someone-else", status: "applied" }]);
    expect(await outboxEntries(db)).toHaveLength(1);
  });

  it("a conflict leaves the queue and marks the record", async () => {
    const record = await saveRecord(db, { entity: "assist", data: assist("o1") });
    const batch = await nextBatch(db, 10);
    await applyResults(db, batch, [applied(batch[0], "conflict", { version: 3, problem: "record.conflict" })]);
    expect(await outboxEntries(db)).toHaveLength(0);
    expect(await getRecord(db, record.id)).toMatchObject({ state: "conflict", version: 3, localVersion: 3 });
  });
});

describe("pull and retention", () => {
  it("never overwrites a queued local change, but shows the verdict", async () => {
    const record = await saveRecord(db, { entity: "assist", data: assist("o1", { members: 2 }) });
    const row = { id: record.id, version: 1, voided: false, outreach_id: "o1", members: 9 };
    await mergePulled(db, { outreaches: [], assists: [{ ...row, review_state: "flagged", review_comment: "cek" }] });
    const merged = await getRecord(db, record.id);
    expect([merged.data.members, merged.review_state, merged.review_comment]).toEqual([2, "flagged", "cek"]);
  });

  it("adds records the phone does not have (a reinstalled phone)", async () => {
    await mergePulled(db, { outreaches: [{ id: "o9", version: 2, voided: false, place_name: "Balai" }], assists: [] });
    expect(await getRecord(db, "o9")).toMatchObject({ state: "sent", version: 2, data: { place_name: "Balai" } });
  });

  it("purges sent records after the retention period only", async () => {
    const old = await saveRecord(db, { entity: "assist", data: assist("o1"), now: 0 });
    const batch = await nextBatch(db, 10);
    await applyResults(db, batch, [applied(batch[0])], 1000);
    const unsent = await saveRecord(db, { entity: "assist", data: assist("o1"), now: 0 });
    expect(await purgeSent(db, 5000, 3000)).toBe(0);
    expect(await purgeSent(db, 5000, 10_000)).toBe(1);
    expect(await getRecord(db, old.id)).toBeUndefined();
    expect(await getRecord(db, unsent.id)).toBeDefined();
  });
});

describe("upgrading a phone's database", () => {
  it("keeps every queued entry and gives it its queue state (version 1 → 2)", async () => {
    const { openDB } = await import("idb");
    const name = "jb-user-upgrade";
    const old = await openDB(name, 1, {
      upgrade(db) {
        db.createObjectStore("records", { keyPath: "id" }).createIndex("outreach_id", "outreach_id");
        db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true }).createIndex("record_id", "record_id");
        db.createObjectStore("meta");
      },
    });
    await old.add("outbox", { record_id: "a", entity: "assist", op: "upsert", data: { outreach_id: "o" }, held: true });
    await old.add("outbox", {
      record_id: "b",
      entity: "assist",
      op: "upsert",
      data: { outreach_id: "o" },
      held: false,
    });
    old.close();
    const upgraded = await openUserDb("upgrade");
    const entries = await outboxEntries(upgraded);
    expect(entries.map((e) => [e.record_id, e.queue, e.parent_id, "held" in e])).toEqual([
      ["a", "held", "o", false],
      ["b", "ready", "o", false],
    ]);
    expect(await queueCounts(upgraded)).toEqual({ ready: 1, held: 1, waiting: 0 });
  });
});
