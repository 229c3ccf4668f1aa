import { afterEach, describe, expect, it } from "vitest";
import { age, setLanguage, t } from "../src/i18n.js";

afterEach(() => setLanguage("id"));

describe("the app's words", () => {
  it("picks plural forms by the language's rules and writes numbers its way", () => {
    setLanguage("en");
    expect(t("count.households", { n: 1 })).toBe("1 household");
    expect(t("count.households", { n: 1234 })).toBe("1,234 households");
    setLanguage("id");
    expect(t("count.households", { n: 1 })).toBe("1 rumah tangga");
    expect(t("count.households", { n: 1234 })).toBe("1.234 rumah tangga");
  });

  it("says 'just now' rather than '0 minutes'", () => {
    const now = Date.now();
    expect(age(now - 10_000, now)).toBe("baru saja");
    expect(age(now - 5 * 60_000, now)).toBe("5 menit");
  });
});
