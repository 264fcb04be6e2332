// Service names for the header's search: exact name first (any case), then prefix matches,
// then names containing the text, bounded; LIKE's wildcards are taken literally.
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { findServicesByName } from "@/lib/search/find-services-by-name";

beforeAll(async () => {
  const team = await getDb().team.create({ data: { slug: "payments", name: "Payments" } });
  for (const name of ["checkout", "checkout-api", "checkout-worker", "legacy-checkout", "payments-api", "a_b", "axb"]) {
    await getDb().service.create({ data: { name, teamId: name.startsWith("payments") || name === "checkout" ? team.id : null } });
  }
});

describe("findServicesByName", () => {
  it("puts the exact name first, then names starting with the text, then names containing it", async () => {
    expect(await findServicesByName("checkout")).toEqual([
      { name: "checkout", team: { slug: "payments", name: "Payments" }, exact: true },
      { name: "checkout-api", team: null, exact: false },
      { name: "checkout-worker", team: null, exact: false },
      { name: "legacy-checkout", team: null, exact: false },
    ]);
  });

  it("matches the exact name whatever its case, and trims the text", async () => {
    expect((await findServicesByName("  PAYMENTS-API "))[0]).toEqual({ name: "payments-api", team: { slug: "payments", name: "Payments" }, exact: true });
  });

  it("lists containing names without an exact one, bounded by the limit", async () => {
    expect(await findServicesByName("api")).toEqual([
      { name: "checkout-api", team: null, exact: false },
      { name: "payments-api", team: { slug: "payments", name: "Payments" }, exact: false },
    ]);
    expect(await findServicesByName("check", { limit: 2 })).toHaveLength(2);
  });

  it("takes % and _ literally, and finds nothing for empty text or no match", async () => {
    expect((await findServicesByName("a_b")).map((match) => match.name)).toEqual(["a_b"]);
    expect(await findServicesByName("%")).toEqual([]);
    expect(await findServicesByName("   ")).toEqual([]);
    expect(await findServicesByName("nothing-like-it")).toEqual([]);
  });

  it("finds nothing, rather than failing, for text with a NUL (which PostgreSQL's text cannot hold)", async () => {
    expect(await findServicesByName("a\u0000b")).toEqual([]);
  });
});
