import { describe, expect, it } from "vitest";
import { z } from "zod";
import { encodeKeysetCursor, keysetCursor } from "@/lib/api/keyset-cursor";

const field = keysetCursor(z.tuple([z.iso.datetime(), z.number().int()]).transform(([at, id]) => ({ at: new Date(at), id })));

describe("keyset cursors", () => {
  it("round-trip a key through opaque base64url JSON", () => {
    const cursor = encodeKeysetCursor(["2026-11-24T12:00:00.000Z", 42]);
    expect(cursor).toMatch(/^[\w-]+$/);
    expect(field.parse(cursor)).toEqual({ at: new Date("2026-11-24T12:00:00.000Z"), id: 42 });
  });

  it("refuse anything that is not a key of this shape, with one message", () => {
    const invalid = ["", "%%%", "bm90IGpzb24", encodeKeysetCursor({ at: "2026-11-24T12:00:00Z", id: 1 }), encodeKeysetCursor(["yesterday", 1]), "x".repeat(1001)];
    for (const cursor of invalid) {
      const result = field.safeParse(cursor);
      expect(result.success, cursor).toBe(false);
    }
    expect(field.safeParse("bm90IGpzb24").error?.issues[0]?.message).toMatch(/^is not a cursor this endpoint returned/);
  });
});
