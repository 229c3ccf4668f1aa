import { describe, expect, it, vi } from "vitest";
import { ApiError, parseRetryAfter, request } from "../src/api.js";

function respond(status, body, headers = {}) {
  return vi.fn(async () => new Response(body, { status, headers }));
}

describe("request", () => {
  it("returns the JSON body", async () => {
    const fetchImpl = respond(200, '{"ok":1}', { "Content-Type": "application/json" });
    expect(await request("/x", { fetchImpl })).toEqual({ ok: 1 });
    const [, init] = fetchImpl.mock.calls[0];
    expect(init.headers["X-Requested-With"]).toBe("jemput-bola");
    expect(init.headers["Accept-Language"]).toBe("id"); // the app's language, not the browser's
  });

  it("does not accept a 200 HTML page (captive portal)", async () => {
    const fetchImpl = respond(200, "<html>Login Wi-Fi</html>", { "Content-Type": "text/html" });
    await expect(request("/x", { fetchImpl })).rejects.toMatchObject({ kind: "not-json", status: 200 });
  });

  it("carries problem and Retry-After of an error", async () => {
    const body =
      '{"type":"urn:jemput-bola:problem:service.busy","status":503,"problem":"service.busy","detail":"sibuk"}';
    const fetchImpl = respond(503, body, { "Content-Type": "application/problem+json", "Retry-After": "7" });
    const error = await request("/x", { fetchImpl }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect([error.kind, error.status, error.problem, error.retryAfter]).toEqual(["http", 503, "service.busy", 7]);
    expect(error.message).toBe("sibuk");
  });

  it("turns a network failure into kind network", async () => {
    const fetchImpl = vi.fn(async () => {
      throw new TypeError("Failed to fetch");
    });
    await expect(request("/x", { fetchImpl })).rejects.toMatchObject({ kind: "network" });
  });

  it("times out", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const fetchImpl = vi.fn(
      (_url, init) =>
        new Promise((_resolve, reject) => init.signal.addEventListener("abort", () => reject(new Error("aborted")))),
    );
    const pending = request("/x", { fetchImpl, timeout: 1000 }).catch((e) => e);
    await vi.advanceTimersByTimeAsync(1001);
    expect((await pending).kind).toBe("timeout");
    vi.useRealTimers();
  });

  it("gzips large bodies and leaves small ones alone", async () => {
    const fetchImpl = respond(200, "{}", { "Content-Type": "application/json" });
    await request("/x", { method: "POST", body: { small: 1 }, fetchImpl });
    const big = { items: Array.from({ length: 200 }, (_, i) => ({ kk_number: "3509190101900001", n: i })) };
    await request("/x", { method: "POST", body: big, fetchImpl });
    const [[, small], [, large]] = fetchImpl.mock.calls;
    expect(small.headers["Content-Encoding"]).toBeUndefined();
    expect(large.headers["Content-Encoding"]).toBe("gzip");
    const inflated = new Response(new Blob([large.body]).stream().pipeThrough(new DecompressionStream("gzip")));
    expect(JSON.parse(await inflated.text())).toEqual(big);
    expect(large.body.byteLength).toBeLessThan(JSON.stringify(big).length / 5);
  });

  it("reads Retry-After as seconds or a date", () => {
    expect(parseRetryAfter("120")).toBe(120);
    expect(parseRetryAfter(new Date(10_000 + 30_000).toUTCString(), 10_000)).toBe(30);
    expect(parseRetryAfter(null)).toBe(null);
  });
});
