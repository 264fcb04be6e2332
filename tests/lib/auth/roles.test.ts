// The whole permission table: every role × permission × scope, fleet-wide and team grants.
import { describe, expect, it } from "vitest";
import { type Grant, PERMISSIONS, type Permission, ROLES, type Role, can, canAnywhere, highestRole } from "@/lib/auth/roles";

const viewerWith = (...grants: Grant[]) => ({ grants });

// What each role may do, written out by hand (not derived from REQUIRED_ROLE).
const expected: Record<Role, Permission[]> = {
  viewer: ["read"],
  engineer: ["read", "replay"],
  sre: ["read", "replay", "rollback", "approve-rollback", "promote", "approve-promotion"],
  admin: ["read", "replay", "rollback", "approve-rollback", "promote", "approve-promotion", "admin"],
};

describe("can", () => {
  for (const role of ROLES) {
    for (const permission of PERMISSIONS) {
      const allowed = expected[role].includes(permission);
      it(`fleet-wide ${role} ${allowed ? "may" : "may not"} ${permission}, on any team and fleet-wide`, () => {
        const viewer = viewerWith({ role, teamId: null });
        expect(can(viewer, permission)).toBe(allowed);
        expect(can(viewer, permission, { teamId: null })).toBe(allowed);
        expect(can(viewer, permission, { teamId: 7 })).toBe(allowed);
      });
      it(`${role} of team 7 ${allowed ? "may" : "may not"} ${permission} on team 7, and never on team 8 or fleet-wide`, () => {
        const viewer = viewerWith({ role, teamId: 7 });
        expect(can(viewer, permission, { teamId: 7 })).toBe(allowed);
        expect(can(viewer, permission, { teamId: 8 })).toBe(false);
        expect(can(viewer, permission, { teamId: null })).toBe(false);
        expect(can(viewer, permission)).toBe(false);
      });
    }
  }

  it("combines grants: a fleet-wide viewer who is SRE of team 7 rolls back team 7 only, and reads everything", () => {
    const viewer = viewerWith({ role: "viewer", teamId: null }, { role: "sre", teamId: 7 });
    expect(can(viewer, "rollback", { teamId: 7 })).toBe(true);
    expect(can(viewer, "rollback", { teamId: 8 })).toBe(false);
    expect(can(viewer, "read", { teamId: 8 })).toBe(true);
    expect(can(viewer, "read")).toBe(true);
  });

  it("refuses nobody and people without grants", () => {
    for (const permission of PERMISSIONS) {
      expect(can(null, permission)).toBe(false);
      expect(can(undefined, permission, { teamId: 1 })).toBe(false);
      expect(can(viewerWith(), permission, { teamId: 1 })).toBe(false);
    }
  });
});

describe("canAnywhere and highestRole", () => {
  it("a team SRE may roll back somewhere, a fleet-wide engineer nowhere", () => {
    expect(canAnywhere(viewerWith({ role: "sre", teamId: 3 }), "rollback")).toBe(true);
    expect(canAnywhere(viewerWith({ role: "engineer", teamId: null }), "rollback")).toBe(false);
  });

  it("names the highest role of any scope", () => {
    expect(highestRole([{ role: "viewer", teamId: null }, { role: "sre", teamId: 3 }, { role: "engineer", teamId: null }])).toBe("sre");
    expect(highestRole([])).toBeNull();
  });
});
