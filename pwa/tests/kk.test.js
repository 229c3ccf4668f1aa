import { describe, expect, it } from "vitest";
import { checkKK, phoneLooksValid } from "../src/kk.js";

describe("checkKK (same rules as the server)", () => {
  it.each([
    ["350919010190001", "kk.format"],
    ["35091901019000001", "kk.format"],
    ["35091901019O0001", "kk.format"],
    ["٣٥٠٩١٩٠١٠١٩٠٠٠٠١", "kk.format"],
    ["3509190113900001", "kk.date"],
    ["3509193102900001", "kk.date"],
    ["3509190101900000", "kk.serial"],
  ])("%s is %s", (value, error) => {
    expect(checkKK(value).error).toBe(error);
  });

  it("accepts women's day + 40 and warns on another region", () => {
    expect(checkKK("3509194101900001", "35.09.19")).toEqual({ error: null, warning: null });
    expect(checkKK("5303080101900001", "35.09.19")).toEqual({ error: null, warning: "kk.region" });
  });

  it("checks phones loosely", () => {
    expect(phoneLooksValid("0812-3456-7890")).toBe(true);
    expect(phoneLooksValid("+62 812 3456 7890")).toBe(true);
    expect(phoneLooksValid("12345")).toBe(false);
  });
});
