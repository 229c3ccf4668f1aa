/**
 * When and how to upload and pull. Classifies every response (docs/sync-promise.md), backs off with a cap,
 * lets one tab upload at a time (Web Locks), and reports through events. No DOM here.
 */
import { request } from "./api.js";
import { applyResults, markAttempt, mergePulled, nextBatch, purgeSent } from "./outbox.js";
import { getMeta, oldestQueuedAt, queueCounts, setMeta } from "./store.js";
import { api } from "./endpoints.js";

export const SCHEMA_VERSION = 1;
export const BATCH_SIZE = 200;
export const BACKOFF_BASE_MS = 2000;
export const BACKOFF_CAP_MS = 5 * 60 * 1000;
export const RETENTION_MS = 14 * 24 * 3600 * 1000;

/**
 * What a whole-request outcome means: apply the results, retry later, ask for login, stop, or shrink.
 * @param {import("./api.js").ApiError|null} error
 * @param {any} data
 * @returns {{action: "apply"|"retry"|"login"|"blocked"|"shrink", retryAfter?: number|null, problem?: string}}
 */
export function classifyPush(error, data) {
  if (!error) {
    // Only a JSON body with a results list is an acknowledgement; anything else is not.
    return Array.isArray(data?.results) ? { action: "apply" } : { action: "retry", retryAfter: null };
  }
  if (error.kind !== "http") return { action: "retry", retryAfter: error.retryAfter };
  if (error.status === 401) return { action: "login" };
  if (error.status === 413) return { action: "shrink" };
  if (error.status === 403) return { action: "blocked", problem: error.problem };
  // 408, 429, 5xx and anything unexpected: keep everything and try again later.
  return { action: "retry", retryAfter: error.retryAfter, problem: error.problem };
}

/**
 * Delay before the next attempt: exponential with jitter, capped, never shorter than Retry-After.
 * @param {number} failures consecutive failures so far (1 for the first)
 * @param {number|null} retryAfter seconds
 * @param {() => number} [random]
 */
export function backoffDelay(failures, retryAfter, random = Math.random) {
  const exp = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  const jittered = exp / 2 + (exp / 2) * random();
  if (!retryAfter) return jittered;
  // The server's wait plus up to half of it again (at least a second): phones told the same Retry-After by a
  // busy server spread out instead of returning in the same second.
  const told = retryAfter * 1000;
  return Math.max(jittered, told + Math.max(1000, told / 2) * random());
}

/** How often to sync while the app is open, unless the server says otherwise (`sync_interval_s`). */
export const DEFAULT_INTERVAL_MS = 60_000;
/** How long to wait after a save before uploading, unless the server says otherwise (`upload_delay_s`). */
export const DEFAULT_UPLOAD_DELAY_MS = 2_000;

/**
 * Uploads the outbox and pulls changes; emits "status", "auth-required", "blocked", "synced" (each batch),
 * "summary" (what one upload round achieved) and "pulled".
 */
export class SyncEngine extends EventTarget {
  /**
   * @param {{db: any, userId: number|string, deviceId: string, appVersion: string,
   *          api?: typeof request, locks?: any, now?: () => number,
   *          setTimer?: typeof setTimeout, clearTimer?: typeof clearTimeout}} options
   */
  constructor(options) {
    super();
    this.db = options.db;
    this.userId = options.userId;
    this.deviceId = options.deviceId;
    this.appVersion = options.appVersion;
    this.api = options.api || request;
    this.locks = options.locks === undefined ? globalThis.navigator?.locks : options.locks;
    this.now = options.now || Date.now;
    this.setTimer = options.setTimer || setTimeout.bind(globalThis);
    this.clearTimer = options.clearTimer || clearTimeout.bind(globalThis);
    this.running = false;
    this.failures = 0;
    this.timer = null;
    this.nextAttemptAt = null;
    this.needLogin = false;
    this.blocked = null;
    this.batchSize = BATCH_SIZE;
    this.inFlight = new Set();
    // Set by the server on every pull, so an operator can slow a whole fleet during a peak.
    this.intervalMs = DEFAULT_INTERVAL_MS;
    this.uploadDelayMs = DEFAULT_UPLOAD_DELAY_MS;
  }

  /**
   * Run one sync now (upload, then pull), unless one is already running in this or another tab. The pull runs
   * whenever the server answered, whatever the upload left waiting: a coordinator's verdict always arrives.
   */
  async syncNow() {
    if (this.running) return;
    if (!this.locks) return this._run();
    // Web Locks: the lock spans tabs, so two tabs never upload the same outbox at once.
    return this.locks.request(`jb-upload-${this.userId}`, { ifAvailable: true }, (lock) =>
      lock ? this._run() : undefined,
    );
  }

  async _run() {
    this.running = true;
    this.clearTimer(this.timer);
    this.nextAttemptAt = null;
    await this.emitStatus();
    this.round = { sent: 0, needsCorrection: [], answered: false };
    try {
      await this._push();
      if (this.round.answered && !this.needLogin && !this.blocked) await this._pull();
    } finally {
      if (this.round.sent || this.round.needsCorrection.length) {
        this.dispatchEvent(new CustomEvent("summary", { detail: this.round }));
      }
      this.running = false;
      this.inFlight.clear();
      await this.emitStatus();
    }
  }

  async _push() {
    for (;;) {
      const pending = await nextBatch(this.db, this.batchSize);
      if (!pending.length) {
        this.round.answered = true; // nothing to send: the server is asked for changes all the same
        return true;
      }
      const batch = await markAttempt(this.db, pending);
      batch.forEach((e) => this.inFlight.add(e.record_id));
      await this.emitStatus();
      let data = null;
      let error = null;
      try {
        data = await this.api(api.push, { method: "POST", body: await this._envelope(batch) });
      } catch (e) {
        error = e;
      }
      const decision = classifyPush(error, data);
      if (decision.action === "apply") {
        const counts = await applyResults(this.db, batch, data.results, this.now());
        this.round.answered = true;
        this.lastError = null;
        this.round.sent += counts.sent;
        this.round.needsCorrection.push(...counts.needsCorrection);
        this.failures = 0;
        this.needLogin = false;
        this.blocked = null;
        batch.forEach((e) => this.inFlight.delete(e.record_id));
        await setMeta(this.db, "lastSyncAt", this.now());
        this.dispatchEvent(new CustomEvent("synced", { detail: counts }));
        await this.emitStatus();
        // Answers that settle nothing (no echo of our ids) would come back the same at once: try again later.
        // Items that wait for their outreach's correction are left out of the next batch, so the round goes on.
        if (counts.sent + counts.conflict + counts.held + counts.wait === 0) return this._later(null);
        continue;
      }
      batch.forEach((e) => this.inFlight.delete(e.record_id));
      if (decision.action === "shrink" && this.batchSize > 1) {
        this.batchSize = Math.max(1, Math.floor(this.batchSize / 2));
        continue;
      }
      if (decision.action === "login") {
        this.needLogin = true;
        this.dispatchEvent(new Event("auth-required"));
        return false;
      }
      if (decision.action === "blocked") {
        this.blocked = decision.problem;
        this.dispatchEvent(new CustomEvent("blocked", { detail: decision.problem }));
        return false;
      }
      return this._later(decision.retryAfter, error);
    }
  }

  _later(retryAfter, error = null) {
    this.failures += 1;
    const delay = backoffDelay(this.failures, retryAfter);
    this.nextAttemptAt = this.now() + delay;
    this.lastError = error ? error.kind : "waiting";
    this.timer = this.setTimer(() => this.syncNow(), delay);
    return false;
  }

  async _envelope(batch) {
    return {
      device_id: this.deviceId,
      app_version: this.appVersion,
      schema_version: SCHEMA_VERSION,
      pending_count: await this._pendingCount(),
      device_now: new Date(this.now()).toISOString(),
      mutations: batch.map((e) => ({
        mutation_id: e.mutation_id,
        entity: e.entity,
        op: e.op,
        record_id: e.record_id,
        base_version: e.base_version,
        device_time: e.device_time,
        data: e.data,
      })),
    };
  }

  async _pendingCount() {
    const queue = await queueCounts(this.db);
    return queue.ready + queue.held + queue.waiting;
  }

  async _pull() {
    let cursor = await getMeta(this.db, "cursor");
    for (;;) {
      let page;
      try {
        const query = new URLSearchParams({ device_id: this.deviceId });
        if (cursor) query.set("cursor", cursor);
        page = await this.api(`${api.pull}?${query}`);
      } catch (e) {
        if (e.status === 401) {
          this.needLogin = true;
          this.dispatchEvent(new Event("auth-required"));
        }
        return;
      }
      if (page.reference) await setMeta(this.db, "reference", page.reference);
      if (page.areas) await setMeta(this.db, "areas", page.areas);
      if (page.rules) await setMeta(this.db, "rules", page.rules);
      await mergePulled(this.db, page, this.now());
      if (page.sync_interval_s > 0) this.intervalMs = page.sync_interval_s * 1000;
      if (Number.isFinite(page.upload_delay_s) && page.upload_delay_s >= 0)
        this.uploadDelayMs = page.upload_delay_s * 1000;
      cursor = page.next;
      await setMeta(this.db, "cursor", cursor);
      if (!page.has_more) break;
    }
    await setMeta(this.db, "lastSyncAt", this.now());
    await purgeSent(this.db, RETENTION_MS, this.now());
    this.dispatchEvent(new Event("pulled"));
  }

  /** Compute what the status bar shows: unsent count, oldest unsent, last sync, state. */
  async status() {
    // Counts and the first entry only: the outbox can hold thousands of records on a slow phone.
    const queue = await queueCounts(this.db);
    return {
      running: this.running,
      unsent: queue.ready,
      needsCorrection: queue.held,
      waiting: queue.waiting,
      offline: globalThis.navigator?.onLine === false || this.lastError === "network",
      oldestAt: await oldestQueuedAt(this.db),
      lastSyncAt: (await getMeta(this.db, "lastSyncAt")) || null,
      nextAttemptAt: this.nextAttemptAt,
      needLogin: this.needLogin,
      blocked: this.blocked,
      inFlight: new Set(this.inFlight),
    };
  }

  async emitStatus() {
    this.dispatchEvent(new CustomEvent("status", { detail: await this.status() }));
  }

  /** Stop timers (logout, tests). */
  stop() {
    this.clearTimer(this.timer);
  }
}
