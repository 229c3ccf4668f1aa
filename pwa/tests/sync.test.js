import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../src/api.js";
import { saveRecord, withdrawRecord } from "../src/outbox.js";
import { getRecord, openUserDb, outboxEntries } from "../src/store.js";
import { BACKOFF_CAP_MS, SyncEngine, backoffDelay, classifyPush } from "../src/sync.js";

let db;
let n = 0;
beforeEach(async () => {
  db = await openUserDb(`sync-${(n += 1)}`);
  // Only the engine's timers: fake-indexeddb schedules its own work with setImmediate.
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
});
afterEach(() => vi.useRealTimers());

/** A fake server: answers pushes with `respond(body)` and pulls with an empty page. */
function fakeApi(respond) {
  const calls = [];
  const api = vi.fn(async (path, options = {}) => {
    calls.push({ path, body: options.body });
    if (path.startsWith("/api/v1/sync/pull")) {
      return { next: "c1", has_more: false, sync_interval_s: 300, upload_delay_s: 30, outreaches: [], assists: [] };
    }
    return respond(options.body, calls.length);
  });
  return { api, calls };
}

const ok = (body) => ({
  results: body.mutations.map((m) => ({
    mutation_id: m.mutation_id,
    record_id: m.record_id,
    status: "applied",
    version: 1,
  })),
});

/** Let IndexedDB work (real setImmediate) run until the engine is idle. */
async function settle(sync) {
  for (let i = 0; i < 500; i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    if (!sync.running && i > 5) return;
  }
}

function engine(api) {
  return new SyncEngine({ db, userId: "u", deviceId: "d", appVersion: "t", api, locks: null });
}

async function queue(count) {
  for (let i = 0; i < count; i += 1) {
    await saveRecord(db, { entity: "assist", data: { outreach_id: "o", n: i } });
  }
}

describe("classifyPush", () => {
  it.each([
    [null, { results: [] }, "apply"],
    [null, { hello: 1 }, "retry"],
    [new ApiError("not-json", { status: 200 }), null, "retry"],
    [new ApiError("network"), null, "retry"],
    [new ApiError("timeout"), null, "retry"],
    [new ApiError("http", { status: 503, retryAfter: 9 }), null, "retry"],
    [new ApiError("http", { status: 429 }), null, "retry"],
    [new ApiError("http", { status: 408 }), null, "retry"],
    [new ApiError("http", { status: 401, problem: "auth.required" }), null, "login"],
    [new ApiError("http", { status: 403, problem: "device.revoked" }), null, "blocked"],
    [new ApiError("http", { status: 413, problem: "sync.too_many_mutations" }), null, "shrink"],
  ])("%s %j → %s", (error, data, action) => {
    expect(classifyPush(error, data).action).toBe(action);
  });
});

describe("backoffDelay", () => {
  it("grows, is capped, and respects Retry-After", () => {
    expect(backoffDelay(1, null, () => 1)).toBe(2000);
    expect(backoffDelay(3, null, () => 1)).toBe(8000);
    expect(backoffDelay(50, null, () => 1)).toBe(BACKOFF_CAP_MS);
    expect(backoffDelay(1, 30, () => 0)).toBe(30_000);
    // On top of Retry-After, the phone's own jitter: up to half of it again.
    expect(backoffDelay(1, 30, () => 1)).toBe(45_000);
    expect(backoffDelay(1, 1, () => 1)).toBe(2_000);
  });
});

describe("SyncEngine", () => {
  it("uploads everything in batches and empties the outbox", async () => {
    await queue(250);
    const { api, calls } = fakeApi(ok);
    await engine(api).syncNow();
    const pushes = calls.filter((c) => c.path.endsWith("push"));
    expect(pushes.map((c) => c.body.mutations.length)).toEqual([200, 50]);
    expect(pushes[0].body).toMatchObject({ device_id: "d", schema_version: 1, pending_count: 250 });
    expect(await outboxEntries(db)).toHaveLength(0);
  });

  it("a captive portal's 200 HTML sends nothing and retries later", async () => {
    await queue(3);
    let portal = true;
    const { api } = fakeApi((body) => {
      if (portal) throw new ApiError("not-json", { status: 200 });
      return ok(body);
    });
    const sync = engine(api);
    await sync.syncNow();
    expect(await outboxEntries(db)).toHaveLength(3);
    expect(sync.nextAttemptAt).not.toBeNull();
    portal = false;
    await vi.advanceTimersByTimeAsync(BACKOFF_CAP_MS);
    await settle(sync);
    expect(await outboxEntries(db)).toHaveLength(0);
  });

  it("takes its sync interval and its wait after a save from the server", async () => {
    const { api } = fakeApi(ok);
    const sync = engine(api);
    expect([sync.intervalMs, sync.uploadDelayMs]).toEqual([60_000, 2_000]);
    await sync.syncNow();
    expect([sync.intervalMs, sync.uploadDelayMs]).toEqual([300_000, 30_000]);
  });

  it("honours Retry-After of a 503", async () => {
    await queue(1);
    let attempts = 0;
    const { api } = fakeApi((body) => {
      attempts += 1;
      if (attempts === 1) throw new ApiError("http", { status: 503, retryAfter: 60 });
      return ok(body);
    });
    const sync = engine(api);
    await sync.syncNow();
    await vi.advanceTimersByTimeAsync(59_000);
    await settle(sync);
    expect(attempts).toBe(1);
    // 60 s and the phone's own jitter on top (at most 30 s more).
    await vi.advanceTimersByTimeAsync(31_500);
    await settle(sync);
    expect(attempts).toBe(2);
    expect(await outboxEntries(db)).toHaveLength(0);
  });

  it("a 401 keeps the queue and asks for login; after login it resumes", async () => {
    await queue(2);
    let loggedIn = false;
    const { api } = fakeApi((body) => {
      if (!loggedIn) throw new ApiError("http", { status: 401, problem: "auth.required" });
      return ok(body);
    });
    const sync = engine(api);
    const asked = vi.fn();
    sync.addEventListener("auth-required", asked);
    await sync.syncNow();
    expect(asked).toHaveBeenCalled();
    expect(await outboxEntries(db)).toHaveLength(2);
    loggedIn = true;
    await sync.syncNow();
    expect(await outboxEntries(db)).toHaveLength(0);
  });

  it("a revoked device stops uploading and says why, keeping every record", async () => {
    await queue(2);
    const { api } = fakeApi(() => {
      throw new ApiError("http", { status: 403, problem: "device.revoked" });
    });
    const sync = engine(api);
    await sync.syncNow();
    expect(sync.blocked).toBe("device.revoked");
    expect(await outboxEntries(db)).toHaveLength(2);
  });

  it("shrinks the batch on 413", async () => {
    await queue(4);
    const { api, calls } = fakeApi((body) => {
      if (body.mutations.length > 100) throw new ApiError("http", { status: 413, problem: "sync.too_many_mutations" });
      return ok(body);
    });
    await engine(api).syncNow();
    expect(await outboxEntries(db)).toHaveLength(0);
    expect(calls.filter((c) => c.path.endsWith("push")).length).toBe(1);
  });

  it("an assist whose outreach is not on the phone needs correction itself, without spinning", async () => {
    await queue(1);
    const { api, calls } = fakeApi((body) => ({
      results: body.mutations.map((m) => ({
        mutation_id: m.mutation_id,
        status: "rejected",
        problem: "outreach.unknown",
      })),
    }));
    const sync = engine(api);
    await sync.syncNow();
    expect(calls.filter((c) => c.path.endsWith("push"))).toHaveLength(1);
    const [entry] = await outboxEntries(db);
    expect(entry.queue).toBe("held");
    expect((await getRecord(db, entry.record_id)).state).toBe("rejected");
    expect(await sync.status()).toMatchObject({ unsent: 0, needsCorrection: 1, waiting: 0 });
  });
});

/** A fake server with the real server's rules for scope and parents: an assist needs its outreach first. */
function strictServer({ allowedDesa }) {
  const accepted = new Set();
  const verdicts = [];
  const calls = [];
  const api = vi.fn(async (path, options = {}) => {
    calls.push({ path, body: options.body });
    if (path.startsWith("/api/v1/sync/pull")) {
      return { next: "c", has_more: false, outreaches: [], assists: verdicts.splice(0) };
    }
    return {
      results: options.body.mutations.map((m) => {
        const answer = { mutation_id: m.mutation_id, record_id: m.record_id };
        if (m.entity === "outreach" && !allowedDesa.has(m.data.desa_code))
          return { ...answer, status: "rejected", problem: "area.out_of_scope", errors: { desa_code: ["Di luar"] } };
        if (m.entity === "assist" && m.op === "upsert" && !accepted.has(m.data.outreach_id))
          return { ...answer, status: "rejected", problem: "outreach.unknown" };
        accepted.add(m.record_id);
        return { ...answer, status: "applied", version: (m.base_version || 0) + 1 };
      }),
    };
  });
  return { api, calls, verdicts, pushes: () => calls.filter((c) => c.path.endsWith("push")) };
}

const outreach = (desa) => ({ desa_code: desa, place_kind: "pasar", place_name: "Pasar", date: "2026-10-01" });
const household = (outreachId, i) => ({ outreach_id: outreachId, kk_number: "3509190101900001", n: i });

describe("the queue never stalls", () => {
  it("203 assists of a refused outreach wait as one group; the rest goes; the correction goes first", async () => {
    const refused = await saveRecord(db, { entity: "outreach", data: outreach("35.09.20.2001") });
    for (let i = 0; i < 203; i += 1) await saveRecord(db, { entity: "assist", data: household(refused.id, i) });
    const fine = await saveRecord(db, { entity: "outreach", data: outreach("35.09.19.1001") });
    for (let i = 0; i < 5; i += 1) await saveRecord(db, { entity: "assist", data: household(fine.id, i) });
    const server = strictServer({ allowedDesa: new Set(["35.09.19.1001", "35.09.19.1002"]) });
    const sync = engine(server.api);
    const summaries = [];
    sync.addEventListener("summary", (e) => summaries.push(e.detail));
    await sync.syncNow();
    expect(await sync.status()).toMatchObject({ unsent: 0, needsCorrection: 1, waiting: 203 });
    expect((await getRecord(db, fine.id)).state).toBe("sent");
    expect(await getRecord(db, refused.id)).toMatchObject({ state: "rejected", errors: { desa_code: ["Di luar"] } });
    expect(server.pushes().length).toBeLessThanOrEqual(3);
    expect(summaries[0]).toMatchObject({ sent: 6, needsCorrection: [refused.id] });
    // A second round sends nothing: the group waits for its correction, it does not fill batches.
    await sync.syncNow();
    const before = server.pushes().length;
    await sync.syncNow();
    expect(server.pushes().length).toBe(before);
    // The petugas picks a desa of their own: the outreach goes first, then its 203 households.
    await saveRecord(db, { entity: "outreach", id: refused.id, data: outreach("35.09.19.1002") });
    expect(await sync.status()).toMatchObject({ unsent: 204, needsCorrection: 0, waiting: 0 });
    const sent = server.pushes().length;
    await sync.syncNow();
    const after = server.pushes().slice(sent);
    expect(after[0].body.mutations[0]).toMatchObject({ entity: "outreach", record_id: refused.id });
    expect(after.map((c) => c.body.mutations.length)).toEqual([200, 4]);
    expect(await outboxEntries(db)).toHaveLength(0);
  });

  it("a correction queued after the waiting assists still goes before them", async () => {
    const refused = await saveRecord(db, { entity: "outreach", data: outreach("35.09.20.2001") });
    const server = strictServer({ allowedDesa: new Set(["35.09.19.1001"]) });
    const sync = engine(server.api);
    await sync.syncNow();
    for (let i = 0; i < 3; i += 1) await saveRecord(db, { entity: "assist", data: household(refused.id, i) });
    expect(await sync.status()).toMatchObject({ unsent: 0, waiting: 3 });
    await saveRecord(db, { entity: "outreach", id: refused.id, data: outreach("35.09.19.1001") });
    await sync.syncNow();
    const last = server.pushes().at(-1).body.mutations;
    expect(last.map((m) => m.entity)).toEqual(["outreach", "assist", "assist", "assist"]);
    expect(await outboxEntries(db)).toHaveLength(0);
  });

  it("a verdict arrives although an item is stuck: every round pulls after pushing", async () => {
    const good = await saveRecord(db, { entity: "outreach", data: outreach("35.09.19.1001") });
    await saveRecord(db, { entity: "outreach", data: outreach("35.09.20.2001") }); // refused, stays
    const server = strictServer({ allowedDesa: new Set(["35.09.19.1001"]) });
    const sync = engine(server.api);
    await sync.syncNow();
    const done = await saveRecord(db, { entity: "assist", data: household(good.id, 1) });
    await sync.syncNow();
    server.verdicts.push({ id: done.id, version: 1, voided: false, review_state: "flagged", review_comment: "KK?" });
    await sync.syncNow();
    expect(await getRecord(db, done.id)).toMatchObject({ review_state: "flagged", review_comment: "KK?" });
    expect(await sync.status()).toMatchObject({ needsCorrection: 1 });
  });
});

describe("withdrawing a record", () => {
  it("voids one the server accepted (queued, works offline) and drops one it never accepted", async () => {
    const o = await saveRecord(db, { entity: "outreach", data: outreach("35.09.19.1001") });
    const kept = await saveRecord(db, { entity: "assist", data: household(o.id, 1) });
    const server = strictServer({ allowedDesa: new Set(["35.09.19.1001"]) });
    await engine(server.api).syncNow();
    const mistake = await saveRecord(db, { entity: "assist", data: household(o.id, 2) });
    expect(await withdrawRecord(db, { id: kept.id, reason: "Salah catat" })).toEqual({ voided: 1, dropped: 0 });
    expect(await withdrawRecord(db, { id: mistake.id, reason: "Salah catat" })).toEqual({ voided: 0, dropped: 1 });
    const entries = await outboxEntries(db);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      op: "void",
      record_id: kept.id,
      base_version: 1,
      data: { reason: "Salah catat" },
    });
    expect(await getRecord(db, mistake.id)).toMatchObject({ state: "withdrawn", voided: true });
  });

  it("an outreach takes its assists with it, assists first", async () => {
    const o = await saveRecord(db, { entity: "outreach", data: outreach("35.09.19.1001") });
    await saveRecord(db, { entity: "assist", data: household(o.id, 1) });
    const server = strictServer({ allowedDesa: new Set(["35.09.19.1001"]) });
    await engine(server.api).syncNow();
    await withdrawRecord(db, { id: o.id, reason: "Tercatat dua kali" });
    expect((await outboxEntries(db)).map((e) => [e.entity, e.op])).toEqual([
      ["assist", "void"],
      ["outreach", "void"],
    ]);
  });
});
