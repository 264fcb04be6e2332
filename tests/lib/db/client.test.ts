// The Prisma client's errors carry the database's reason without a code frame: failed
// deliveries store error messages and the ingestion page shows them to operators.
import { describe, expect, it } from "vitest";
import { getDb } from "../../../lib/db/client";

describe("the Prisma client", () => {
  it("words a failed statement without source paths or code lines", async () => {
    const db = getDb();
    await db.team.create({ data: { slug: "errors", name: "Errors" } });
    const error = await db.team.create({ data: { slug: "errors", name: "Errors again" } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain("Unique constraint failed");
    expect(message).not.toMatch(/client\.test\.ts|\n\s*\d+\s/);
  });
});
