import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cleanKK, validateAssist, validateOutreach } from "../src/rules.js";

// The same file the server's tests read (tests/test_rules_vectors.py): the two tiers cannot drift apart.
const VECTORS = JSON.parse(readFileSync(new URL("../../tests/vectors/record_rules.json", import.meta.url)));
const ref = Object.fromEntries(
  Object.entries(VECTORS.reference).map(([k, codes]) => [k, codes.map((code) => ({ code }))]),
);
const today = new Date().toISOString().slice(0, 10);

function expand(key, value) {
  if (typeof value === "string" && /^@\d+$/.test(value)) return "a".repeat(Number(value.slice(1)));
  if (key === "date" && typeof value === "string" && /^[+-]\d+$/.test(value))
    return new Date(Date.now() + Number(value) * 86400000).toISOString().slice(0, 10);
  return value;
}
const record = (entity, c) =>
  Object.fromEntries(Object.entries({ ...VECTORS[entity].valid, ...c.set }).map(([k, v]) => [k, expand(k, v)]));

describe("the shared record rules", () => {
  const check = {
    assist: (data) => validateAssist(data, ref),
    outreach: (data) => validateOutreach(data, ref, { ...VECTORS.window, today }),
  };
  for (const entity of ["assist", "outreach"]) {
    for (const c of VECTORS[entity].cases) {
      it(`${entity}: ${c.name}`, () => {
        expect(Object.keys(check[entity](record(entity, c))).sort()).toEqual([...c.errors].sort());
      });
    }
  }
});

describe("a pasted KK number", () => {
  it("keeps the digits and says how many did not fit", () => {
    expect(cleanKK("3509.1901-0190 0001")).toEqual({ value: "3509190101900001", dropped: 0 });
    expect(cleanKK("35091901019000012")).toEqual({ value: "3509190101900001", dropped: 1 });
  });
});
