// Query strings (a Request's URL, or the `searchParams` Next gives a page) through a zod schema:
// the one way the read API and pages turn a URL into the options of a lib read function.
// An empty value counts as absent, so a filter form's blank fields filter nothing; a
// parameter given twice stays an array and fails the schema. Throws the ZodError, which
// withErrorHandling answers 400 with each offending parameter named.
// Before the schema, every name and value meets plain-text.ts's rule (no control character; no
// U+FFFD, which is what an escape that is not UTF-8 decodes to), whatever field reads it.
import { z } from "zod";
import { findTextProblem } from "./plain-text";

export type SearchParamsSource = Request | URLSearchParams | Record<string, string | string[] | undefined>;

export function readSearchParams<Schema extends z.ZodType>(schema: Schema, source: SearchParamsSource): z.output<Schema> {
  const record = searchParamsRecord(source);
  const issues: z.core.$ZodIssue[] = [];
  for (const [key, value] of Object.entries(record)) {
    const problem = [key, value].flat().map(findTextProblem).find(Boolean);
    if (problem) issues.push({ code: "custom", path: [key], message: problem, input: value });
  }
  if (issues.length > 0) throw new z.ZodError(issues);
  return schema.parse(record);
}

function searchParamsRecord(source: SearchParamsSource): Record<string, string | string[]> {
  const entries: [string, string][] =
    source instanceof Request
      ? [...new URL(source.url).searchParams]
      : source instanceof URLSearchParams
        ? [...source]
        : Object.entries(source).flatMap(([key, value]) => (value === undefined ? [] : [value].flat().map((item): [string, string] => [key, item])));
  const record: Record<string, string | string[]> = {};
  for (const [key, value] of entries) {
    if (value === "") continue;
    const seen = record[key];
    record[key] = seen === undefined ? value : [seen, value].flat();
  }
  return record;
}
