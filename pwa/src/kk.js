/**
 * KK number / NIK structure, with the same rules as the server (server/services/identity.py):
 * 16 ASCII digits, digits 7-12 a real date DDMMYY (day + 40 allowed), serial not 0000.
 * A region other than the outreach's kecamatan is only a warning.
 */

/**
 * @param {string} value
 * @param {string} [kecamatanCode] e.g. "35.09.19"
 * @returns {{error: string|null, warning: string|null}} i18n keys
 */
export function checkKK(value, kecamatanCode) {
  if (!/^[0-9]{16}$/.test(value)) return { error: "kk.format", warning: null };
  let day = Number(value.slice(6, 8));
  const month = Number(value.slice(8, 10));
  const yy = Number(value.slice(10, 12));
  if (day > 40) day -= 40;
  const year = 2000 + yy <= new Date().getFullYear() ? 2000 + yy : 1900 + yy;
  const date = new Date(Date.UTC(year, month - 1, day));
  const real =
    day >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!real) return { error: "kk.date", warning: null };
  if (value.slice(12) === "0000") return { error: "kk.serial", warning: null };
  const region = `${value.slice(0, 2)}.${value.slice(2, 4)}.${value.slice(4, 6)}`;
  return { error: null, warning: kecamatanCode && region !== kecamatanCode ? "kk.region" : null };
}

/**
 * Indonesian phone number: 0 / 62 / +62 then 8-12 digits (loose; the server normalizes and decides).
 * @param {string} value
 */
export function phoneLooksValid(value) {
  const clean = value.replace(/[\s().-]/g, "");
  return /^(\+62|62|0)[2-9][0-9]{6,11}$/.test(clean);
}
