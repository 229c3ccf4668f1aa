/**
 * The only IndexedDB module: one database per user (a shared phone keeps each petugas' data apart),
 * plus a tiny app database that remembers who is signed in. Schema upgrades live in one switch.
 */
import { openDB, deleteDB } from "idb";

export const USER_DB_VERSION = 1;

/**
 * @typedef {Object} LocalRecord
 * @property {string} id
 * @property {"outreach"|"assist"} entity
 * @property {Object} data            the wire data (see docs/api.md)
 * @property {number|null} version    last version the server acknowledged
 * @property {number} localVersion    version the queued mutations lead to
 * @property {"saved"|"sent"|"rejected"|"waiting"|"conflict"} state
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
 * @property {boolean} held           rejected by the server: waits for the user's correction
 */

/**
 * Open (and create or upgrade) a user's database.
 * @param {number|string} userId
 */
export function openUserDb(userId) {
  return openDB(`jb-user-${userId}`, USER_DB_VERSION, {
    upgrade(db, oldVersion) {
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
      }
    },
  });
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

/** Count outbox entries. */
export function outboxCount(db) {
  return db.count("outbox");
}

/** When the oldest queued entry was saved (entries are kept in upload order), or null. */
export async function oldestQueuedAt(db) {
  const cursor = await db.transaction("outbox").store.openCursor();
  return cursor ? cursor.value.queued_at : null;
}
