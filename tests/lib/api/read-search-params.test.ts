import { describe, expect, it } from "vitest";
import { z } from "zod";
import { readSearchParams } from "@/lib/api/read-search-params";
import { limitField, strictQuery } from "@/lib/api/query-fields";

const schema = z.strictObject({ team: z.string().optional(), limit: limitField(50, 200) }, strictQuery);

describe("readSearchParams", () => {
  it("reads a Request's query string, URLSearchParams and a page's searchParams alike", () => {
    const expected = { team: "payments", limit: 20 };
    expect(readSearchParams(schema, new Request("http://x.test/api?team=payments&limit=20"))).toEqual(expected);
    expect(readSearchParams(schema, new URLSearchParams("team=payments&limit=20"))).toEqual(expected);
    expect(readSearchParams(schema, { team: "payments", limit: "20", other: undefined })).toEqual(expected);
  });

  it("treats empty values as absent and applies defaults", () => {
    expect(readSearchParams(schema, new URLSearchParams("team=&limit="))).toEqual({ limit: 50 });
  });

  it("refuses a parameter given twice and an unknown one, naming them", () => {
    expect(() => readSearchParams(schema, new URLSearchParams("team=a&team=b"))).toThrow(z.ZodError);
    expect(() => readSearchParams(schema, { team: ["a", "b"] })).toThrow(/"team"/);
    expect(() => readSearchParams(schema, new URLSearchParams("teams=a&sort=b"))).toThrow(/unknown query parameters: teams, sort/);
  });
});
