import { describe, expect, it } from "vitest";
import { administers, can, isStaff, sessionFields } from "../src/capabilities.js";

const profile = (capabilities) => ({ id: 7, username: "u", display_name: "U", role: "x", areas: [], capabilities });

describe("capabilities", () => {
  it("reads what the server allows, never the role name", () => {
    const session = sessionFields({ ...profile(["figures.view", "review.view"]), role: "admin" });
    expect(isStaff(session)).toBe(true);
    expect(administers(session)).toBe(false);
    expect(can(session, "users.manage")).toBe(false);
  });

  it("gives the hub to anyone with one administration action", () => {
    expect(administers(sessionFields(profile(["audit.view"])))).toBe(true);
  });

  it("treats a session kept without capabilities as a petugas", () => {
    const old = { userId: 1, role: "supervisor" };
    expect(isStaff(old)).toBe(false);
    expect(can(old, "records.log")).toBe(false);
  });

  it("keeps the roles the user may give", () => {
    const session = sessionFields({ ...profile([]), assignable_roles: ["enumerator"] });
    expect(session.assignableRoles).toEqual(["enumerator"]);
    expect(session.scope).toEqual([]);
  });
});
