import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { isWriteConflict } from "@/lib/db/is-write-conflict";

const db = getDb();

/** Two transactions that lock two rows in opposite orders: PostgreSQL aborts one of them. */
async function deadlock(): Promise<unknown> {
  await db.$executeRaw`CREATE TABLE IF NOT EXISTS deadlock_probe (id int PRIMARY KEY)`;
  await db.$executeRaw`INSERT INTO deadlock_probe VALUES (1), (2) ON CONFLICT DO NOTHING`;
  let bothHoldOne!: () => void;
  let holding = 0;
  const ready = new Promise<void>((resolve) => (bothHoldOne = resolve));
  const lockBoth = (first: number, second: number) =>
    db.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT id FROM deadlock_probe WHERE id = ${first} FOR UPDATE`;
      holding += 1;
      if (holding === 2) bothHoldOne();
      await ready;
      await tx.$executeRaw`SELECT id FROM deadlock_probe WHERE id = ${second} FOR UPDATE`;
    }, { timeout: 20_000 });
  const results = await Promise.allSettled([lockBoth(1, 2), lockBoth(2, 1)]);
  return results.find((result) => result.status === "rejected")?.reason;
}

describe("isWriteConflict", () => {
  it("recognises a real deadlock as Prisma reports it through the pg adapter", async () => {
    const error = await deadlock();
    expect(error).toBeDefined();
    expect(isWriteConflict(error)).toBe(true);
  });

  it("recognises the shapes: P2034, SQLSTATE on the error, the adapter's cause, nested causes", () => {
    expect(isWriteConflict({ code: "P2034" })).toBe(true);
    expect(isWriteConflict({ code: "40001" })).toBe(true);
    expect(isWriteConflict({ meta: { driverAdapterError: { cause: { kind: "TransactionWriteConflict" } } } })).toBe(true);
    expect(isWriteConflict({ meta: { driverAdapterError: { cause: { originalCode: "40P01" } } } })).toBe(true);
    expect(isWriteConflict(new Error("outer", { cause: { code: "40P01" } }))).toBe(true);
  });

  it("and nothing else", () => {
    expect(isWriteConflict(new Error("deadline exceeded"))).toBe(false);
    expect(isWriteConflict({ code: "P2002" })).toBe(false);
    expect(isWriteConflict({ code: "23505" })).toBe(false);
    expect(isWriteConflict(null)).toBe(false);
  });
});
