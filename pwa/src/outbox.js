/**
 * Queue operations over the store: saving a record and its mutation in one transaction, picking the next
 * batch, and applying the server's per-item answers. A record is removed from the queue only after the
 * server acknowledged it.
 */

import { unwrap } from "idb";

/** @typedef {import("./store.js").LocalRecord} LocalRecord */
/** @typedef {import("./store.js").OutboxEntry} OutboxEntry */

/** Problems that clear up by themselves (the outreach arrives later): keep the item queued. */
const WAIT_PROBLEMS = new Set(["outreach.unknown"]);

/** Make a UUID (crypto.randomUUID exists only in secure contexts; fall back to getRandomValues). */
export function uuid() {
  if (globalThis.crypto?.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Save a record and queue its mutation, atomically. Returns the saved record.
 * A queued change that was never sent is replaced rather than stacked (fewer uploads, same result).
 * @param {import("idb").IDBPDatabase} db
 * @param {{entity: "outreach"|"assist", id?: string, data: Object, op?: "upsert"|"void", now?: number}} change
 * @returns {Promise<LocalRecord>}
 */
export async function saveRecord(db, { entity, id, data, op = "upsert", now = Date.now() }) {
  const tx = db.transaction(["records", "outbox"], "readwrite", { durability: "strict" });
  const records = tx.objectStore("records");
  const outbox = tx.objectStore("outbox");
  const recordId = id || uuid();
  // A new record has a fresh id: nothing to read. An edit reads its record and queued changes together.
  const [existing, queued] = id
    ? await Promise.all([records.get(recordId), outbox.index("record_id").getAll(recordId)])
    : [undefined, []];
  const last = queued[queued.length - 1];
  let baseVersion = existing ? existing.localVersion : null;
  let localVersion = existing ? existing.localVersion + 1 : 1;
  if (last && (last.attempts === 0 || last.held)) {
    // Never sent, or refused: replace it. A fresh mutation id, because its content changes.
    await outbox.delete(last.seq);
    baseVersion = last.base_version;
    localVersion = existing.localVersion;
  }
  /** @type {OutboxEntry} */
  const entry = {
    mutation_id: uuid(),
    entity,
    op,
    record_id: recordId,
    base_version: baseVersion,
    device_time: new Date(now).toISOString(),
    data,
    queued_at: now,
    attempts: 0,
    held: false,
  };
  /** @type {LocalRecord} */
  const record = {
    review_state: "received",
    review_comment: null,
    version: null,
    sent_at: null,
    ...existing,
    id: recordId,
    entity,
    data: op === "void" ? existing.data : data,
    voided: op === "void",
    localVersion,
    state: "saved",
    errors: null,
    warnings: null,
    problem: null,
    saved_at: existing?.saved_at ?? now,
    outreach_id: entity === "assist" ? (op === "void" ? existing.outreach_id : data.outreach_id) : null,
  };
  // The two writes go through the plain IndexedDB stores: nothing needs their answers, and every answer the
  // idb wrapper listens for is one more event on the main thread before "complete" (tx.done) can be seen.
  const raw = unwrap(tx);
  raw.objectStore("records").put(record);
  raw.objectStore("outbox").add(entry);
  await tx.done;
  return record;
}

/**
 * Return the next entries to upload, in order, skipping those that wait for a correction
 * (and anything queued after a held change of the same record).
 * @returns {Promise<OutboxEntry[]>}
 */
export async function nextBatch(db, max) {
  const heldRecords = new Set();
  const batch = [];
  let after = null;
  // Read in chunks with getAll (one request each) rather than one cursor step per entry.
  while (batch.length < max) {
    const range = after === null ? null : IDBKeyRange.lowerBound(after, true);
    const chunk = await db.getAll("outbox", range, max);
    for (const entry of chunk) {
      if (entry.held) heldRecords.add(entry.record_id);
      else if (!heldRecords.has(entry.record_id) && batch.length < max) batch.push(entry);
    }
    if (chunk.length < max) break;
    after = chunk[chunk.length - 1].seq;
  }
  return batch;
}

/**
 * Count an upload attempt for each entry before it is sent: from then on an edit of that record queues a
 * new change instead of replacing one the server may already have.
 * @param {OutboxEntry[]} batch
 * @returns {Promise<OutboxEntry[]>} the entries as stored now
 */
export async function markAttempt(db, batch) {
  const tx = db.transaction("outbox", "readwrite");
  const marked = batch.map((entry) => ({ ...entry, attempts: entry.attempts + 1 }));
  await Promise.all(marked.map((entry) => tx.store.put(entry)));
  await tx.done;
  return marked;
}

/**
 * Decide what one answer means for one queued mutation.
 * Only a result that echoes the mutation id with applied/duplicate counts as delivered.
 * @param {OutboxEntry} entry
 * @param {Object|undefined} result
 * @returns {"sent"|"conflict"|"held"|"wait"|"retry"}
 */
export function itemOutcome(entry, result) {
  if (!result || typeof result !== "object" || result.mutation_id !== entry.mutation_id) return "retry";
  if (result.status === "applied" || result.status === "duplicate") return "sent";
  if (result.status === "conflict") return "conflict";
  if (result.status === "rejected") return WAIT_PROBLEMS.has(result.problem) ? "wait" : "held";
  return "retry";
}

/**
 * Apply the server's answers to a batch: delete delivered entries, keep everything else.
 * @param {OutboxEntry[]} batch
 * @param {Object[]} results
 * @returns {Promise<Record<string, number>>} how many of each outcome
 */
export async function applyResults(db, batch, results, now = Date.now()) {
  const byId = new Map(results.filter((r) => r && r.mutation_id).map((r) => [r.mutation_id, r]));
  const counts = { sent: 0, conflict: 0, held: 0, wait: 0, retry: 0 };
  const tx = db.transaction(["records", "outbox"], "readwrite");
  const recordStore = tx.objectStore("records");
  const outboxStore = tx.objectStore("outbox");
  // Issue the requests together (IndexedDB runs them in order within the transaction): far fewer turns
  // of the event loop than awaiting each one, which matters on a slow phone.
  const ids = [...new Set(batch.map((e) => e.record_id))];
  const records = new Map((await Promise.all(ids.map((id) => recordStore.get(id)))).map((r, i) => [ids[i], r]));
  const writes = [];
  for (const entry of batch) {
    const result = byId.get(entry.mutation_id);
    const outcome = itemOutcome(entry, result);
    counts[outcome] += 1;
    if (outcome === "sent" || outcome === "conflict") writes.push(outboxStore.delete(entry.seq));
    else writes.push(outboxStore.put({ ...entry, held: outcome === "held", problem: result?.problem ?? null }));
    const record = records.get(entry.record_id);
    if (!record) continue;
    // localVersion is the version all queued changes lead to: reaching it means nothing else is queued.
    const stillQueued = outcome === "sent" && result.version < record.localVersion;
    Object.assign(record, recordUpdate(outcome, result, stillQueued, now));
  }
  for (const record of records.values()) if (record) writes.push(recordStore.put(record));
  await Promise.all(writes);
  await tx.done;
  return counts;
}

function recordUpdate(outcome, result, stillQueued, now) {
  switch (outcome) {
    case "sent":
      return {
        version: result.version,
        state: stillQueued ? "saved" : "sent",
        sent_at: now,
        warnings: result.warnings || null,
        errors: null,
        problem: null,
      };
    case "conflict":
      // The server kept our version beside its own; edits from here build on the server's version.
      return { version: result.version, localVersion: result.version, state: "conflict", problem: result.problem };
    case "held":
      return { state: "rejected", errors: result.errors || null, problem: result.problem };
    case "wait":
      return { state: "waiting", problem: result.problem };
    default:
      return {};
  }
}

/**
 * Merge records pulled from the server; local changes still queued are never overwritten.
 * @param {{outreaches: Object[], assists: Object[]}} page
 */
export async function mergePulled(db, page, now = Date.now()) {
  const tx = db.transaction(["records", "outbox"], "readwrite");
  const pulled = [...page.outreaches.map((r) => ["outreach", r]), ...page.assists.map((r) => ["assist", r])];
  for (const [entity, row] of pulled) {
    const local = await tx.objectStore("records").get(row.id);
    const queued = await tx.objectStore("outbox").index("record_id").count(row.id);
    const server = {
      review_state: row.review_state || "received",
      review_comment: row.review_comment ?? null,
      voided: row.voided,
    };
    if (local && (queued || (local.version ?? 0) > row.version)) {
      // Keep the phone's pending edit; still show the coordinator's verdict.
      Object.assign(local, server);
      await tx.objectStore("records").put(local);
      continue;
    }
    await tx.objectStore("records").put({
      ...(local || { saved_at: now, errors: null, warnings: null, problem: null }),
      ...server,
      id: row.id,
      entity,
      data: wireData(entity, row),
      version: row.version,
      localVersion: row.version,
      state: "sent",
      sent_at: local?.sent_at ?? now,
      outreach_id: entity === "assist" ? row.outreach_id : null,
    });
  }
  await tx.done;
}

const FIELDS = {
  outreach: ["desa_code", "place_kind", "place_name", "date", "started_at", "ended_at", "lat", "lon"],
  assist: ["outreach_id", "kk_number", "head_name", "members", "outcome", "reasons", "device_used", "phone", "notes"],
};

function wireData(entity, row) {
  return Object.fromEntries(FIELDS[entity].map((k) => [k, row[k] ?? null]));
}

/**
 * Delete sent records older than the retention period (personal data stays on the phone only as long as
 * needed); records with queued changes or a coordinator's pending verdict are kept.
 */
export async function purgeSent(db, retentionMs, now = Date.now()) {
  const tx = db.transaction(["records", "outbox"], "readwrite");
  let removed = 0;
  let cursor = await tx.objectStore("records").openCursor();
  while (cursor) {
    const r = cursor.value;
    const old = r.state === "sent" && r.sent_at && now - r.sent_at > retentionMs;
    const settled = r.review_state === "received" || r.review_state === "approved";
    if (old && settled && !(await tx.objectStore("outbox").index("record_id").count(r.id))) {
      await cursor.delete();
      removed += 1;
    }
    cursor = await cursor.continue();
  }
  await tx.done;
  return removed;
}
