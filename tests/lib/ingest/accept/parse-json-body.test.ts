// The accept path's JSON boundary: what it refuses and why.
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/http/app-error";
import { parseJsonBody } from "@/lib/ingest/accept/parse-json-body";

const parse = (text: string) => parseJsonBody({ bytes: Buffer.from(text, "utf8") });
const reasonOf = (text: string): string => {
  try {
    parse(text);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).message;
  }
  throw new Error("accepted");
};

describe("parseJsonBody", () => {
  it("returns the text and its JSON", () => {
    expect(parse('{"a":[1,"x"]}')).toEqual({ text: '{"a":[1,"x"]}', json: { a: [1, "x"] } });
  });

  it("refuses a NUL character in any string, as PostgreSQL text cannot store it", () => {
    for (const text of ['{"a":"x\\u0000"}', '{"\\u0000":1}', '["\\\\\\u0000"]', '{"a":{"b":["\\U0000"]}}'.replace("U", "u")]) {
      expect(reasonOf(text), text).toMatch(/NUL character/);
    }
  });

  it("accepts the text \\u0000 written with an escaped backslash", () => {
    expect(parse('{"a":"C:\\\\u0000"}').json).toEqual({ a: "C:\\u0000" });
  });

  it("says why text is not JSON", () => {
    expect(reasonOf("{")).toMatch(/^The body is not JSON/);
  });
});
