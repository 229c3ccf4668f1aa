/**
 * Loading what the staff screens show. Figures (tallies: counts, no personal data) are kept in the user's
 * IndexedDB so the last loaded ones stay readable offline, marked with their time; review lists are not kept.
 */
import { request } from "../../api.js";
import { getMeta, setMeta } from "../../store.js";
import { api } from "../../endpoints.js";

/** Build an API path with a query string, skipping empty values. */
export function apiPath(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== "") query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * Fetch figures; on a network failure fall back to the last copy.
 * @returns {Promise<{data: any, at: number, offline: boolean}|null>} null when offline with no copy
 */
export function figures(app, params) {
  // The copy kept for offline use holds no personal data: petugas' phone numbers stay on the server.
  const kept = (data) => (data.rows ? { ...data, rows: data.rows.map(({ phone, ...rest }) => rest) } : data);
  return lastCopy(app, apiPath(api.tallies, params), kept);
}

/**
 * Fetch a staff answer; on a network failure fall back to the last copy kept (as `keep` trims it).
 * @param {any} app
 * @param {string} path
 * @param {(data: any) => any} [keep] what of the answer is kept for offline use
 * @returns {Promise<{data: any, at: number, offline: boolean}|null>} null when offline with no copy
 */
export async function lastCopy(app, path, keep = (data) => data) {
  const key = `figures:${path}`;
  try {
    const data = await request(path);
    const at = Date.now();
    await setMeta(app.db, key, { data: keep(data), at });
    return { data, at, offline: false };
  } catch (error) {
    if (error.kind === "http") throw error;
    const copy = await getMeta(app.db, key);
    return copy ? { ...copy, offline: true } : null;
  }
}
