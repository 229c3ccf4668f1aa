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
 * A queued change that was never sent, or was refused, is replaced rather than stacked (fewer uploads, same
 * result). An assist of an outreach that needs correction waits for that correction; a corrected outreach lets
 * its waiting assists go again.
 * @param {import("idb").IDBPDatabase} db
 * @param {{entity: "outreach"|"assist", id?: string, data: Object, op?: "upsert"|"void", now?: number}} change
 * @returns {Promise<LocalRecord>}
 */
export async function saveRecord(db, { entity, id, data, op = "upsert", now = Date.now() }) {
  const tx = db.transaction(["records", "outbox"], "readwrite", { durability: "strict" });
  const records = tx.objectStore("records");
  const outbox = tx.objectStore("outbox");
  const recordId = id || uuid();
  const parentId = entity === "assist" && op === "upsert" ? data.outreach_id : undefined;
  // A new record has a fresh id: only its outreach is read. An edit reads its record and queued changes too.
  const [existing, queued, parent] = await Promise.all([
    id ? records.get(recordId) : undefined,
    id ? outbox.index("record_id").getAll(recordId) : [],
    parentId ? records.get(parentId) : undefined,
  ]);
  const last = queued[queued.length - 1];
  let baseVersion = existing ? existing.localVersion : null;
  let localVersion = existing ? existing.localVersion + 1 : 1;
  const replacesHeld = last?.queue === "held";
  if (last && (last.attempts === 0 || replacesHeld)) {
    // Never sent, or refused: replace it. A fresh mutation id, because its content changes.
    await outbox.delete(last.seq);
    baseVersion = last.base_version;
    localVersion = existing.localVersion;
  }
  const waits = waitsForParent(parent);
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
    queue: waits ? "waiting" : "ready",
  };
  if (parentId) entry.parent_id = parentId;
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
    state: waits ? "waiting" : "saved",
    errors: null,
    warnings: null,
    problem: waits ? "outreach.unknown" : null,
    saved_at: existing?.saved_at ?? now,
    outreach_id: entity === "assist" ? (op === "void" ? existing.outreach_id : data.outreach_id) : null,
  };
  if (op === "void") record.void_reason = data.reason ?? null;
  // The two writes go through the plain IndexedDB stores: nothing needs their answers, and every answer the
  // idb wrapper listens for is one more event on the main thread before "complete" (tx.done) can be seen.
  const raw = unwrap(tx);
  raw.objectStore("records").put(record);
  raw.objectStore("outbox").add(entry);
  if (entity === "outreach" && replacesHeld) await moveChildren(tx, recordId, "waiting", "ready");
  await tx.done;
  return record;
}

/** Whether an assist of this outreach must wait: the server refused the outreach and never accepted it. */
function waitsForParent(outreach) {
  return Boolean(outreach && outreach.state === "rejected" && !outreach.version);
}

/**
 * Move an outreach's queued assists between queue states, their records along: "waiting" when the outreach is
 * refused, "ready" again (sent right after it) once it is corrected.
 */
async function moveChildren(tx, outreachId, from, to) {
  const outbox = tx.objectStore("outbox");
  const records = tx.objectStore("records");
  const [state, problem] = to === "waiting" ? ["waiting", "outreach.unknown"] : ["saved", null];
  for (const child of await outbox.index("parent_id").getAll(outreachId)) {
    if (child.queue !== from) continue;
    outbox.put({ ...child, queue: to, problem });
    const record = await records.get(child.record_id);
    if (record?.state === (from === "waiting" ? "waiting" : "saved")) records.put({ ...record, state, problem });
  }
}

/**
 * Take a record back ("Batalkan"), with a reason. One the server accepted is voided there (queued, so it works
 * offline); one it never accepted is simply taken out of the queue. An outreach takes its assists with it.
 * @returns {Promise<{voided: number, dropped: number}>} how many records were queued as voids or dropped
 */
export async function withdrawRecord(db, { id, reason, now = Date.now() }) {
  const record = await db.get("records", id);
  if (!record) return { voided: 0, dropped: 0 };
  const children =
    record.entity === "outreach"
      ? (await db.getAllFromIndex("records", "outreach_id", id)).filter((c) => !c.voided)
      : [];
  const counts = { voided: 0, dropped: 0 };
  // Assists first: the server refuses to void an outreach that still has live assists.
  for (const one of [...children, record]) {
    if (one.version) {
      await saveRecord(db, { entity: one.entity, id: one.id, op: "void", data: { reason }, now });
      counts.voided += 1;
    } else {
      await dropRecord(db, one, reason);
      counts.dropped += 1;
    }
  }
  return counts;
}

async function dropRecord(db, record, reason) {
  const tx = db.transaction(["records", "outbox"], "readwrite", { durability: "strict" });
  const outbox = tx.objectStore("outbox");
  for (const key of await outbox.index("record_id").getAllKeys(record.id)) outbox.delete(key);
  tx.objectStore("records").put({ ...record, voided: true, void_reason: reason, state: "withdrawn", errors: null });
  await tx.done;
}

/**
 * Return the next entries to upload, in order. Refused entries wait for their correction (and so does anything
 * queued after them for the same record, and every assist of a refused outreach); they never take a place in the
 * batch. An outreach always goes before its assists, even when its correction was queued after them.
 * @returns {Promise<OutboxEntry[]>}
 */
export async function nextBatch(db, max) {
  const entries = await db.getAll("outbox");
  const refused = entries.filter((e) => e.queue === "held");
  const held = new Set(refused.map((e) => e.record_id));
  // An outreach the server never accepted (a refused create) keeps its assists back; a refused edit does not.
  const unknownParents = new Set(refused.filter((e) => e.base_version === null).map((e) => e.record_id));
  const firstOf = new Map(); // outreach id -> its first entry that may go
  for (const e of entries) {
    if (e.entity === "outreach" && !held.has(e.record_id) && !firstOf.has(e.record_id)) firstOf.set(e.record_id, e);
  }
  const batch = [];
  const taken = new Set();
  for (const entry of entries) {
    if (batch.length >= max) break;
    if (taken.has(entry.seq) || held.has(entry.record_id) || unknownParents.has(entry.parent_id)) continue;
    const parent = entry.parent_id && firstOf.get(entry.parent_id);
    if (parent && parent.seq > entry.seq && !taken.has(parent.seq)) {
      if (batch.length + 2 > max) break;
      batch.push(parent);
      taken.add(parent.seq);
    }
    batch.push(entry);
    taken.add(entry.seq);
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
 * Apply the server's answers to a batch: delete delivered entries, keep everything else. An assist refused
 * because its outreach was refused waits for that outreach's correction; one whose outreach is not on the
 * phone at all needs correction itself (it can be withdrawn).
 * @param {OutboxEntry[]} batch
 * @param {Object[]} results
 * @returns {Promise<Record<string, any>>} how many of each outcome, and the ids of records that need correction
 */
export async function applyResults(db, batch, results, now = Date.now()) {
  const byId = new Map(results.filter((r) => r && r.mutation_id).map((r) => [r.mutation_id, r]));
  const counts = { sent: 0, conflict: 0, held: 0, wait: 0, retry: 0, needsCorrection: [] };
  const tx = db.transaction(["records", "outbox"], "readwrite");
  const recordStore = tx.objectStore("records");
  const outboxStore = tx.objectStore("outbox");
  // Issue the requests together (IndexedDB runs them in order within the transaction): far fewer turns
  // of the event loop than awaiting each one, which matters on a slow phone.
  const ids = [...new Set(batch.flatMap((e) => (e.parent_id ? [e.record_id, e.parent_id] : [e.record_id])))];
  const records = new Map((await Promise.all(ids.map((id) => recordStore.get(id)))).map((r, i) => [ids[i], r]));
  const writes = [];
  const refusedOutreaches = [];
  for (const entry of batch) {
    const result = byId.get(entry.mutation_id);
    let outcome = itemOutcome(entry, result);
    // Waiting makes sense only while the outreach itself waits for a correction on this phone.
    if (outcome === "wait" && !waitsForParent(records.get(entry.parent_id))) outcome = "held";
    counts[outcome] += 1;
    if (outcome === "sent" || outcome === "conflict") writes.push(outboxStore.delete(entry.seq));
    else if (outcome !== "retry") {
      const queue = outcome === "wait" ? "waiting" : "held";
      writes.push(outboxStore.put({ ...entry, queue, problem: result?.problem ?? null }));
    }
    const record = records.get(entry.record_id);
    if (!record) continue;
    if (outcome === "held") {
      counts.needsCorrection.push(record.id);
      if (record.entity === "outreach" && !record.version) refusedOutreaches.push(record.id);
    }
    // localVersion is the version all queued changes lead to: reaching it means nothing else is queued.
    const stillQueued = outcome === "sent" && result.version < record.localVersion;
    Object.assign(record, recordUpdate(outcome, result, stillQueued, now));
  }
  for (const record of records.values()) if (record) writes.push(recordStore.put(record));
  await Promise.all(writes);
  // A refused outreach takes its assists still queued with it: they wait for its correction, out of the count.
  for (const outreachId of refusedOutreaches) await moveChildren(tx, outreachId, "ready", "waiting");
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
      return {
        state: "rejected",
        errors: result?.errors || null,
        problem: result?.problem ?? null,
        message: result?.message ?? null,
      };
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
    // A record withdrawn on the phone (never accepted) holds personal data too: it goes after the same period.
    const withdrawn = r.state === "withdrawn" && now - r.saved_at > retentionMs;
    const old = withdrawn || (r.state === "sent" && r.sent_at && now - r.sent_at > retentionMs);
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
