import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../src/api.js";
import { saveRecord } from "../src/outbox.js";
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
    if (path.startsWith("/api/v1/sync/pull")) return { cursor: "c1", has_more: false, outreaches: [], assists: [] };
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
    await vi.advanceTimersByTimeAsync(2_000);
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

  it("an item waiting for its outreach stays queued without spinning", async () => {
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
    expect((await getRecord(db, entry.record_id)).state).toBe("waiting");
    expect(sync.nextAttemptAt).not.toBeNull();
  });
});
