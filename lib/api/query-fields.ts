// Zod fields shared by the read API's query strings and path parameters. Each field says in
// its message what a valid value looks like, because the message is what a 400 shows. Text
// fields refuse control characters (plain-text.ts), so pages that parse these schemas
// themselves get the same rule as the API.
import { z } from "zod";
import { plainText } from "./plain-text";

/** A name as Shiplog stores it (service, environment, cluster, team slug, region). */
export const nameField = plainText().max(200, "must be at most 200 characters");

/** Free text matched case-insensitively anywhere in a name. */
export const textField = plainText().max(200, "must be at most 200 characters");

/** Page size: 1 to `max`, `fallback` when absent. */
export function limitField(fallback: number, max: number) {
  return z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(max, `must be at most ${max}`)
    .default(fallback)
    .meta({ description: `Rows per page, 1–${max} (default ${fallback}).` });
}

/** An instant: an ISO 8601 date-time with offset (`2026-11-01T09:30:00Z`) or a date (UTC midnight). */
export const instantField = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], { error: "must be an ISO 8601 date-time with offset (2026-11-01T09:30:00Z) or a date (2026-11-01)" })
  .transform((text) => new Date(text));

const MAX_INT4 = 2_147_483_647;

/** A database id in a path: a positive whole number that fits PostgreSQL's integer. */
export const idField = z
  .string()
  .regex(/^[1-9]\d{0,9}$/, "must be a positive whole number")
  .transform(Number)
  .refine((id) => id <= MAX_INT4, "must be a positive whole number below 2^31");

/** Options for z.strictObject on a query string: an unknown parameter is a typo, refused with its name. */
export const strictQuery = {
  error: (issue: { code?: string; keys?: string[] }) =>
    issue.code === "unrecognized_keys" ? `unknown query parameter${issue.keys!.length > 1 ? "s" : ""}: ${issue.keys!.join(", ")}` : undefined,
};

/**
 * One value of an enum or several, comma-separated (`status=FAILED,DEGRADED`): the values in
 * the order given, each once. A value the enum does not know is refused by name, with the
 * values it could have been.
 */
export function enumListField<const Values extends readonly [string, ...string[]]>(values: Values) {
  const known: ReadonlySet<string> = new Set(values);
  const word = `(${values.join("|")})`;
  return z
    .string()
    .regex(new RegExp(`^${word}(,${word})*$`), { error: (issue) => describeListProblem(String(issue.input), known, values) })
    .transform((text) => [...new Set(text.split(","))] as Values[number][])
    .meta({ description: `One of ${values.join(", ")}, or several separated by commas.` });
}

function describeListProblem(text: string, known: ReadonlySet<string>, values: readonly string[]): string {
  const unknown = text.split(",").find((item) => !known.has(item));
  const expected = `expected one or more of ${values.join(", ")}, separated by commas`;
  if (unknown === undefined) return expected;
  return unknown === "" ? `has an empty item: ${expected}` : `"${unknown}" is not a valid value: ${expected}`;
}
