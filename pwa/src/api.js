/**
 * HTTP to the server: fetch with a timeout; every failure becomes an ApiError with a `kind`
 * the sync layer can classify. Only a JSON body counts as an answer (a captive portal's 200 HTML does not).
 */
import { language } from "./i18n.js";

export const TIMEOUT_MS = 30000;
/** Bodies larger than this are gzipped: uploads are mostly repetitive JSON and quota is money. */
export const GZIP_OVER_BYTES = 1024;

/**
 * Serialize a body, gzipped when it is large enough and the browser can (CompressionStream).
 * @returns {Promise<{payload: BodyInit, gzipped: boolean}>}
 */
export async function encodeBody(body) {
  const json = JSON.stringify(body);
  if (json.length <= GZIP_OVER_BYTES || typeof CompressionStream !== "function")
    return { payload: json, gzipped: false };
  const stream = new Blob([json]).stream().pipeThrough(new CompressionStream("gzip"));
  return { payload: await new Response(stream).arrayBuffer(), gzipped: true };
}

/** A failed request: kind is 'network' | 'timeout' | 'not-json' | 'http'. */
export class ApiError extends Error {
  /**
   * @param {string} kind
   * @param {{status?: number, problem?: string, body?: any, retryAfter?: number|null}} [info]
   */
  constructor(kind, info = {}) {
    super(info.body?.detail || kind);
    this.kind = kind;
    this.status = info.status ?? 0;
    this.problem = info.problem ?? null;
    this.body = info.body ?? null;
    this.retryAfter = info.retryAfter ?? null;
  }
}

/**
 * Parse a Retry-After header (seconds or an HTTP date) into seconds.
 * @param {string|null} value
 * @param {number} [now]
 * @returns {number|null}
 */
export function parseRetryAfter(value, now = Date.now()) {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.round((at - now) / 1000));
}

/**
 * Send a request to the API and return its JSON body (null for 204).
 * @param {string} path
 * @param {{method?: string, body?: any, timeout?: number, fetchImpl?: typeof fetch, headers?: Record<string, string>}} [options]
 */
export async function request(path, { method = "GET", body, timeout = TIMEOUT_MS, fetchImpl, headers: extra } = {}) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeout);
  // The app's language, not the browser's: the server's messages then match the screen they appear on.
  const headers = {
    Accept: "application/json, application/problem+json",
    "Accept-Language": language(),
    "X-Requested-With": "jemput-bola",
    ...extra,
  };
  let payload;
  if (body !== undefined) {
    const encoded = await encodeBody(body);
    payload = encoded.payload;
    headers["Content-Type"] = "application/json";
    if (encoded.gzipped) headers["Content-Encoding"] = "gzip";
  }
  let resp;
  try {
    resp = await (fetchImpl || fetch)(path, {
      method,
      headers,
      body: payload,
      credentials: "same-origin",
      cache: "no-store",
      signal: controller.signal,
    });
  } catch {
    throw new ApiError(controller.signal.aborted ? "timeout" : "network");
  } finally {
    clearTimeout(timer);
  }
  const retryAfter = parseRetryAfter(resp.headers.get("Retry-After"));
  if (resp.status === 204) return null;
  // Answers are application/json; errors are RFC 9457 application/problem+json (never a captive portal's HTML).
  const type = (resp.headers.get("Content-Type") || "").split(";")[0].trim();
  const isJson = type === "application/json" || (!resp.ok && type === "application/problem+json");
  let data = null;
  if (isJson) {
    try {
      data = await resp.json();
    } catch {
      data = null;
    }
  }
  if (data === null) throw new ApiError("not-json", { status: resp.status, retryAfter });
  if (!resp.ok) {
    throw new ApiError("http", { status: resp.status, problem: data.problem, body: data, retryAfter });
  }
  return data;
}
