// The last fleet-wide admin survives even a race: two admins revoking each other's admin role at
// the same moment leave exactly one admin (the grants lock serializes the check and the delete).
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { grantRole } from "@/lib/users/grant-role";
import { listUsers } from "@/lib/users/list-users";
import { revokeRole } from "@/lib/users/revoke-role";

const audit = (actor: string) => ({ actor, requestId: null });

async function person(n: string) {
  return getDb().user.create({ data: { id: `u-${n}`, name: n, email: `${n}@shiplog.test` } });
}

describe("revokeRole", () => {
  it("two admins revoking each other at once: one wins, the other is refused as the last admin", async () => {
    const [ada, bob] = [await person("ada"), await person("bob")];
    // Several rounds, so the two transactions really overlap in some of them.
    for (let round = 0; round < 15; round += 1) {
      await getDb().roleGrant.deleteMany({ where: { role: "admin" } });
      const adaGrant = await grantRole(ada.id, { role: "admin", teamId: null }, audit("setup"));
      const bobGrant = await grantRole(bob.id, { role: "admin", teamId: null }, audit("setup"));
      const results = await Promise.allSettled([
        revokeRole(bob.id, bobGrant.id, audit(ada.email)),
        revokeRole(ada.id, adaGrant.id, audit(bob.email)),
      ]);
      expect(results.map((result) => result.status).sort(), `round ${round}`).toEqual(["fulfilled", "rejected"]);
      const refused = results.find((result) => result.status === "rejected") as PromiseRejectedResult;
      expect(String(refused.reason)).toMatch(/last fleet-wide admin/);
      expect(await getDb().roleGrant.count({ where: { role: "admin", teamId: null } })).toBe(1);
    }
    expect(await getDb().auditEvent.count({ where: { action: "role.revoked" } })).toBe(15);
  });

  it("lists people by email a keyset page at a time, with their grants", async () => {
    for (const name of ["cy", "dee", "eve"]) await person(name);
    const first = await listUsers({ limit: 2 });
    const second = await listUsers({ limit: 2, cursor: { email: first.items[1]!.email } });
    const third = await listUsers({ limit: 2, cursor: { email: second.items[1]!.email } });
    expect([...first.items, ...second.items, ...third.items].map((user) => user.email)).toEqual([
      "ada@shiplog.test", "bob@shiplog.test", "cy@shiplog.test", "dee@shiplog.test", "eve@shiplog.test",
    ]);
    expect(third.nextCursor).toBeNull();
    expect(first.nextCursor).not.toBeNull();
    const admins = [...first.items, ...second.items].filter((user) => user.grants.some((grant) => grant.role === "admin"));
    expect(admins).toHaveLength(1);
  });
});
