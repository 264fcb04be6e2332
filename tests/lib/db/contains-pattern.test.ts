import { describe, expect, it } from "vitest";
import { containsPattern } from "@/lib/db/contains-pattern";
import { getDb } from "@/lib/db/client";

describe("containsPattern", () => {
  it("matches the text anywhere, taking % _ and \\ literally", async () => {
    const matches = async (value: string, text: string) =>
      (await getDb().$queryRaw<{ hit: boolean }[]>`SELECT ${value} ILIKE ${containsPattern(text)} AS hit`)[0]!.hit;
    expect(await matches("checkout-api", "OUT-A")).toBe(true);
    expect(await matches("checkout-api", "%")).toBe(false);
    expect(await matches("100%_done", "0%_d")).toBe(true);
    expect(await matches("a_b", "a_b")).toBe(true);
    expect(await matches("axb", "a_b")).toBe(false);
    expect(await matches("back\\slash", "k\\s")).toBe(true);
  });
});
