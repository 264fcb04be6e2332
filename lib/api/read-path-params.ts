// Path parameters (the `params` Next gives a route handler) through a zod schema, after
// plain-text.ts's rule (no control character, no U+FFFD) in every segment, whichever field reads
// it. Segments whose escapes are not UTF-8 never get here: Next's router fails to decode them, so
// the proxy answers them first (proxy.ts, findPathProblem). Throws the ZodError (400).
import { z } from "zod";
import { findTextProblem } from "./plain-text";

export function readPathParams<Schema extends z.ZodType>(schema: Schema, params: Record<string, string | string[]>): z.output<Schema> {
  const issues: z.core.$ZodIssue[] = [];
  for (const [key, value] of Object.entries(params)) {
    const problem = [value].flat().map(findTextProblem).find(Boolean);
    if (problem) issues.push({ code: "custom", path: [key], message: problem, input: value });
  }
  if (issues.length > 0) throw new z.ZodError(issues);
  return schema.parse(params);
}
