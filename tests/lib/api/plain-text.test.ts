// The rule for text in URLs (issue 14, finding 6): control characters and escapes that are not
// UTF-8 are refused with a reason, by the text fields, the query and path readers and the proxy.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { containsNul, findPathProblem, findTextProblem, plainText } from "@/lib/api/plain-text";
import { readPathParams } from "@/lib/api/read-path-params";
import { readSearchParams } from "@/lib/api/read-search-params";
import { encodeKeysetCursor, keysetCursor } from "@/lib/api/keyset-cursor";
import { nameField, strictQuery } from "@/lib/api/query-fields";

describe("findTextProblem", () => {
  it("names the first control character, and calls U+FFFD a bad escape", () => {
    expect(findTextProblem("pay\u0000ments")).toBe("must not contain control characters (found U+0000)");
    expect(findTextProblem("a\tb")).toBe("must not contain control characters (found U+0009)");
    expect(findTextProblem("a\u007fb")).toMatch(/U\+007F/);
    expect(findTextProblem("a\u0085b")).toMatch(/U\+0085/);
    // What URLSearchParams makes of %ED%A0%80.
    expect(findTextProblem(new URLSearchParams("q=%ED%A0%80").get("q")!)).toBe("is not valid percent-encoded UTF-8");
    expect(findTextProblem("payments-api café 支払い")).toBeUndefined();
  });
});

describe("findPathProblem", () => {
  it("finds a segment that is not UTF-8 or holds a control character, and passes good paths", () => {
    expect(findPathProblem("/api/v1/services/ab%ED%A0%80")).toBe('The path segment "ab%ED%A0%80" is not valid percent-encoded UTF-8.');
    expect(findPathProblem("/api/v1/services/100%")).toMatch(/not valid percent-encoded UTF-8/);
    expect(findPathProblem("/services/%00")).toBe('The path segment "%00" must not contain control characters (found U+0000).');
    expect(findPathProblem("/api/v1/users/a%0Ab/sessions")).toMatch(/U\+000A/);
    expect(findPathProblem("/services/payments%2Dapi")).toBeUndefined();
    expect(findPathProblem("/services/caf%C3%A9")).toBeUndefined();
    expect(findPathProblem("/")).toBeUndefined();
  });
});

describe("the readers", () => {
  const query = z.strictObject({ service: z.string().optional(), limit: z.coerce.number().optional() }, strictQuery);

  it("readSearchParams refuses a bad value in any parameter, whatever its field, naming it", () => {
    expect(() => readSearchParams(query, new Request("http://x.test/api?service=%00"))).toThrow(/service.*U\+0000/s);
    expect(() => readSearchParams(query, new Request("http://x.test/api?limit=%ED%A0%80"))).toThrow(/limit.*not valid percent-encoded UTF-8/s);
    expect(() => readSearchParams(query, { service: ["a", "b\u0001"] })).toThrow(z.ZodError);
    expect(readSearchParams(query, new Request("http://x.test/api?service=payments"))).toEqual({ service: "payments" });
  });

  it("readPathParams refuses a bad segment before the schema sees it", () => {
    const params = z.object({ id: z.string() });
    expect(() => readPathParams(params, { id: "a\u0000" })).toThrow(/id.*U\+0000/s);
    expect(readPathParams(params, { id: "alice" })).toEqual({ id: "alice" });
  });

  it("text fields refuse it too (pages parse the schemas without the readers)", () => {
    expect(nameField.safeParse("pay\u0000").success).toBe(false);
    expect(plainText().safeParse("\uFFFD").success).toBe(false);
    expect(nameField.safeParse("payments").success).toBe(true);
  });

  it("a keyset cursor whose key holds U+0000 is not a cursor", () => {
    const cursor = keysetCursor(z.tuple([z.string()]));
    expect(cursor.safeParse(encodeKeysetCursor(["\u0000"])).success).toBe(false);
    expect(cursor.safeParse(encodeKeysetCursor(["payments"])).success).toBe(true);
  });

  it("containsNul looks into keys and nested values", () => {
    expect(containsNul({ reason: "a\u0000" })).toBe(true);
    expect(containsNul({ "\u0000": 1 })).toBe(true);
    expect(containsNul([{ a: ["b", "c\u0000"] }])).toBe(true);
    expect(containsNul({ reason: "two\nlines" })).toBe(false);
  });
});
