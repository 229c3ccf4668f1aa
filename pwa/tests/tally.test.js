import { describe, expect, it } from "vitest";
import { tally } from "../src/tally.js";

const a = (extra) => ({ data: { members: 3, outcome: "berhasil" }, review_state: "received", version: 1, ...extra });

describe("the phone's tally follows the server's rule", () => {
  it("leaves out voided, coordinator-rejected and never-accepted records that need correction, counted apart", () => {
    const result = tally([
      a(),
      a({ review_state: "flagged" }), // still counted, as on the server
      a({ review_state: "approved", data: { members: 2, outcome: "gagal" } }),
      a({ voided: true }),
      a({ review_state: "rejected" }),
      a({ version: null, state: "rejected" }),
      a({ version: null, state: "waiting" }),
      a({ version: 2, state: "rejected" }), // an edit was refused: the server still has version 2
      a({ version: null, state: "saved" }), // not sent yet: counted, it is on its way
    ]);
    expect(result).toEqual({
      households: 5,
      persons: 14,
      byOutcome: { berhasil: 4, gagal: 1 },
      excluded: { voided: 1, rejected: 1, needsCorrection: 2 },
    });
  });
});
