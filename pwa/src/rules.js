/**
 * Every rule the server checks on a record, checked on the phone before saving (server/api/sync/schemas.py,
 * server/services/identity.py). tests/vectors/record_rules.json holds the cases both tiers must agree on.
 */
import { checkKK } from "./kk.js";

/** Length limits of the text fields (in characters, as the server counts them). */
export const LIMITS = { head_name: 100, notes: 500, place_name: 120, phone: 20, void_reason: 200, address: 200 };
const RT_RW = /^[0-9]{1,3}\/[0-9]{1,3}$/;
export const MEMBERS = { min: 1, max: 30 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DESA = /^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$/;
const DAY = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;

/** Length in characters (code points), as Python counts it. */
export const length = (text) => [...String(text ?? "")].length;

/** A phone number's problem key, or null: lokal.phone's structure rule (0 / 62 / +62, mobile or landline). */
export function phoneProblem(value) {
  if (length(value) > LIMITS.phone) return "phone.invalid";
  const clean = String(value)
    .trim()
    .replace(/[\s().-]/g, "");
  let rest;
  if (clean.startsWith("+62")) rest = clean.slice(3);
  else if (clean.startsWith("62") && clean.length >= 10) rest = clean.slice(2);
  else if (clean.startsWith("0")) rest = clean.slice(1);
  else if (clean.startsWith("8")) rest = clean;
  else return "phone.invalid";
  rest = rest.replace(/^0+/, "");
  if (!/^[0-9]+$/.test(rest)) return "phone.invalid";
  if (rest.startsWith("8")) return rest.length >= 9 && rest.length <= 12 ? null : "phone.invalid";
  if ("2345679".includes(rest[0])) return rest.length >= 7 && rest.length <= 11 ? null : "phone.invalid";
  return "phone.invalid";
}

const codes = (ref, name) => new Set((ref?.[name] || []).map((x) => x.code));
const blank = (v) => v === null || v === undefined || String(v).trim() === "";

function text(problems, name, value, max, required) {
  if (blank(value)) {
    if (required) problems[name] = "field.required";
  } else if (typeof value !== "string") problems[name] = "field.invalid";
  else if (length(value.trim()) > max) problems[name] = "field.tooLong";
}

/**
 * Check an assist's data; returns {field: i18n key} (empty when the server would accept it).
 * @param {Object} data the wire data
 * @param {Object} ref the reference lists (outcome, reason, device_used)
 */
export function validateAssist(data, ref) {
  const problems = {};
  if (typeof data.outreach_id !== "string" || !UUID.test(data.outreach_id)) problems.outreach_id = "field.required";
  if (blank(data.kk_number)) problems.kk_number = "field.required";
  else {
    const { error } = checkKK(String(data.kk_number));
    if (error) problems.kk_number = error;
  }
  text(problems, "head_name", data.head_name, LIMITS.head_name, true);
  if (!Number.isInteger(data.members) || data.members < MEMBERS.min || data.members > MEMBERS.max)
    problems.members = "members.range";
  if (!codes(ref, "outcome").has(data.outcome)) problems.outcome = "field.required";
  const reasons = Array.isArray(data.reasons) ? data.reasons : null;
  const known = codes(ref, "reason");
  if (!reasons || !reasons.length) problems.reasons = "field.reasons";
  else if (reasons.some((r) => !known.has(r)) || new Set(reasons).size !== reasons.length)
    problems.reasons = "field.invalid";
  if (!codes(ref, "device_used").has(data.device_used)) problems.device_used = "field.required";
  if (!blank(data.phone) && phoneProblem(data.phone)) problems.phone = "phone.invalid";
  text(problems, "notes", data.notes, LIMITS.notes, false);
  text(problems, "address", data.address, LIMITS.address, false);
  if (!blank(data.rt_rw) && !RT_RW.test(String(data.rt_rw))) problems.rt_rw = "rt_rw.invalid";
  return problems;
}

/** Whether a YYYY-MM-DD string is a real calendar day. */
function realDay(value) {
  if (typeof value !== "string" || !DAY.test(value)) return false;
  const [y, m, d] = value.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/**
 * Check an outreach's data; returns {field: i18n key}.
 * @param {Object} data
 * @param {Object} ref the reference lists (place_kind)
 * @param {{from?: string, to?: string, today: string}} window the census window and today (YYYY-MM-DD)
 */
export function validateOutreach(data, ref, window) {
  const problems = {};
  if (typeof data.desa_code !== "string" || !DESA.test(data.desa_code)) problems.desa_code = "field.required";
  if (!codes(ref, "place_kind").has(data.place_kind)) problems.place_kind = "field.required";
  text(problems, "place_name", data.place_name, LIMITS.place_name, true);
  const from = window.from || "2000-01-01";
  const to = window.to && window.to < window.today ? window.to : window.today;
  if (blank(data.date)) problems.date = "field.required";
  else if (!realDay(data.date)) problems.date = "date.invalid";
  else if (data.date > window.today) problems.date = "date.future";
  else if (data.date < from || data.date > to) problems.date = "date.window";
  const hasLat = data.lat !== null && data.lat !== undefined;
  const hasLon = data.lon !== null && data.lon !== undefined;
  if (hasLat !== hasLon) problems.lat = "field.invalid";
  else if (hasLat && !(Math.abs(data.lat) <= 90 && Math.abs(data.lon) <= 180)) problems.lat = "field.invalid";
  if (data.started_at && data.ended_at && data.ended_at < data.started_at) problems.ended_at = "field.invalid";
  return problems;
}

/**
 * Clean a typed or pasted KK number: keep the digits, drop spaces, dots and dashes.
 * @returns {{value: string, dropped: number}} the first 16 digits, and how many digits did not fit
 */
export function cleanKK(raw) {
  const digits = String(raw).replace(/[^0-9]/g, "");
  return { value: digits.slice(0, 16), dropped: Math.max(0, digits.length - 16) };
}
