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
export async function figures(app, params) {
  const path = apiPath(api.tallies, params);
  const key = `figures:${path}`;
  try {
    const data = await request(path);
    const entry = { data, at: Date.now() };
    // The copy kept for offline use holds no personal data: petugas' phone numbers stay on the server.
    const rows = data.rows?.map(({ phone, ...rest }) => rest);
    await setMeta(app.db, key, { data: rows ? { ...data, rows } : data, at: entry.at });
    return { ...entry, offline: false };
  } catch (error) {
    if (error.kind === "http") throw error;
    const kept = await getMeta(app.db, key);
    return kept ? { ...kept, offline: true } : null;
  }
}
