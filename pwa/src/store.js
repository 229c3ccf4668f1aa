/**
 * The only IndexedDB module: one database per user (a shared phone keeps each petugas' data apart),
 * plus a tiny app database that remembers who is signed in. Schema upgrades live in one switch.
 */
import { openDB, deleteDB } from "idb";

export const USER_DB_VERSION = 2;

/**
 * @typedef {Object} LocalRecord
 * @property {string} id
 * @property {"outreach"|"assist"} entity
 * @property {Object} data            the wire data (see docs/api.md)
 * @property {number|null} version    last version the server acknowledged
 * @property {number} localVersion    version the queued mutations lead to
 * @property {"saved"|"sent"|"rejected"|"waiting"|"conflict"|"withdrawn"} state  rejected: needs correction;
 *   waiting: its outreach needs correction first; withdrawn: never accepted and taken back on the phone
 * @property {Object|null} errors     field errors from the server (state "rejected")
 * @property {Object|null} warnings
 * @property {string|null} problem
 * @property {string} review_state
 * @property {string|null} review_comment
 * @property {boolean} voided
 * @property {number} saved_at        ms epoch
 * @property {number|null} sent_at
 * @property {string|null} outreach_id
 */

/**
 * @typedef {Object} OutboxEntry
 * @property {number} [seq]           auto-increment: upload order
 * @property {string} mutation_id
 * @property {"outreach"|"assist"} entity
 * @property {"upsert"|"void"} op
 * @property {string} record_id
 * @property {number|null} base_version
 * @property {string} device_time
 * @property {Object} data
 * @property {number} queued_at
 * @property {number} attempts
 * @property {"ready"|"held"|"waiting"} queue  ready to send; held: refused, waits for the user's correction;
 *   waiting: its outreach is held, so it waits for that correction
 * @property {string} [parent_id]     an assist's outreach (upserts only): it must reach the server first
 */

/**
 * Open (and create or upgrade) a user's database.
 * @param {number|string} userId
 */
export function openUserDb(userId) {
  return openDB(`jb-user-${userId}`, USER_DB_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      // Each case falls through to the next, so any old version upgrades step by step; queued items stay.
      switch (oldVersion) {
        case 0: {
          const records = db.createObjectStore("records", { keyPath: "id" });
          records.createIndex("entity", "entity");
          records.createIndex("outreach_id", "outreach_id");
          const outbox = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
          outbox.createIndex("mutation_id", "mutation_id", { unique: true });
          outbox.createIndex("record_id", "record_id");
          db.createObjectStore("meta");
        }
        // falls through
        case 1: {
          // Version 2: the queue's state is indexed (counts by state), children point at their outreach, and
          // assists are found by KK number (the duplicate warning).
          const outbox = tx.objectStore("outbox");
          outbox.createIndex("queue", "queue");
          outbox.createIndex("parent_id", "parent_id");
          tx.objectStore("records").createIndex("kk", "data.kk_number");
          upgradeEntries(outbox);
        }
      }
    },
  });
}

async function upgradeEntries(outbox) {
  for (let cursor = await outbox.openCursor(); cursor; cursor = await cursor.continue()) {
    const { held, ...entry } = cursor.value;
    entry.queue = held ? "held" : "ready";
    if (entry.entity === "assist" && entry.op === "upsert") entry.parent_id = entry.data.outreach_id;
    await cursor.update(entry);
  }
}

/** Delete a user's database (logout with an empty outbox). */
export function deleteUserDb(userId) {
  return deleteDB(`jb-user-${userId}`);
}

/** Open the app database (who is signed in on this phone). */
export function openAppDb() {
  return openDB("jb-app", 1, {
    upgrade(db) {
      db.createObjectStore("kv");
    },
  });
}

/** Read a meta value. */
export function getMeta(db, key) {
  return db.get("meta", key);
}

/** Write a meta value. */
export function setMeta(db, key, value) {
  return db.put("meta", value, key);
}

/** Return the half-filled assist forms kept on the phone, by outreach id (one request, not one per outreach). */
export async function drafts(db) {
  const range = IDBKeyRange.bound("draft:", "draft:\uffff");
  const [keys, values] = await Promise.all([db.getAllKeys("meta", range), db.getAll("meta", range)]);
  return new Map(keys.map((key, i) => [key.slice("draft:".length), values[i]]));
}

/** Return one record. */
export function getRecord(db, id) {
  return db.get("records", id);
}

/**
 * Return records, optionally of one entity, newest first.
 * @returns {Promise<LocalRecord[]>}
 */
export async function listRecords(db, entity) {
  const rows = entity ? await db.getAllFromIndex("records", "entity", entity) : await db.getAll("records");
  return rows.sort((a, b) => b.saved_at - a.saved_at);
}

/** Return the assists of one outreach. */
export function assistsOf(db, outreachId) {
  return db.getAllFromIndex("records", "outreach_id", outreachId);
}

/**
 * Return the outbox in upload order.
 * @returns {Promise<OutboxEntry[]>}
 */
export function outboxEntries(db) {
  return db.getAll("outbox");
}

/** Count outbox entries ready to send (not those waiting for a correction). */
export async function outboxCount(db) {
  return (await queueCounts(db)).ready;
}

/** Count outbox entries by queue state: ready, held (needs correction) and waiting (for its outreach). */
export async function queueCounts(db) {
  const tx = db.transaction("outbox");
  const index = tx.store.index("queue");
  const [all, held, waiting] = await Promise.all([tx.store.count(), index.count("held"), index.count("waiting")]);
  return { ready: all - held - waiting, held, waiting };
}

/** When the oldest entry ready to send was saved (entries are kept in upload order), or null. */
export async function oldestQueuedAt(db) {
  const cursor = await db.transaction("outbox").store.index("queue").openCursor("ready");
  return cursor ? cursor.value.queued_at : null;
}

/** Return (up to max of) the records on this phone with a KK number. */
export function assistsWithKK(db, kk, max) {
  return db.getAllFromIndex("records", "kk", kk, max);
}
