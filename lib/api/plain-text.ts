// The one rule for text that arrives in a URL (query parameters, path segments): it is valid
// UTF-8 and holds no control character. PostgreSQL cannot store U+0000 in text, so a `%00` in a
// filter used to reach the database and come back a 500, and an escape that is not UTF-8 in a
// path made Next's router answer a bare 500. No name, filter, id or search Shiplog knows holds a
// control character, so one is a typo or a probe: a 400 saying why (a page: its bad-filter
// message or its 404). Applied by plainText (the text fields of every URL schema, which pages
// parse too), readSearchParams and readPathParams (every value, whatever field reads it) and the
// proxy (findPathProblem, every path). Bodies keep newlines and tabs (a reason may span lines):
// for them only U+0000 is refused (refuseNulInBody).
import { z } from "zod";
import { AppError } from "../http/app-error";

// C0 controls, DEL and the C1 controls.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** The first control character in `text` as `U+XXXX`, or undefined when there is none. */
export function findControlCharacter(text: string): string | undefined {
  const found = CONTROL_CHARACTER.exec(text)?.[0];
  return found === undefined ? undefined : `U+${found.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
}

export const MALFORMED_ENCODING_MESSAGE = "is not valid percent-encoded UTF-8";

/**
 * What is wrong with a decoded URL value, as the end of a 400 message after its name, or
 * undefined when nothing is. Next decodes query strings with URLSearchParams, which turns an
 * escape that is not UTF-8 (`%ED%A0%80`) into U+FFFD before Shiplog sees it; nobody types that
 * character, so it stands for the bad escape.
 */
export function findTextProblem(text: string): string | undefined {
  const found = findControlCharacter(text);
  if (found) return `must not contain control characters (found ${found})`;
  if (text.includes("\uFFFD")) return MALFORMED_ENCODING_MESSAGE;
  return undefined;
}

/**
 * A URL component decoded, or undefined when its percent-escapes are not UTF-8 (`%ED%A0%80`,
 * a lone `%`): decodeURIComponent throws a URIError there, which used to surface as a 500.
 */
export function decodeUrlComponent(component: string): string | undefined {
  try {
    return decodeURIComponent(component);
  } catch (error) {
    if (error instanceof URIError) return undefined;
    throw error;
  }
}

/** A string schema held to the rule: the base of every text field read from a URL. */
export function plainText() {
  return z.string().superRefine((text, context) => {
    const problem = findTextProblem(text);
    if (problem) context.addIssue({ code: "custom", message: problem, input: text });
  });
}

/** Refuses (400) a parsed JSON body with U+0000 in any string or key, before it reaches the database. */
export function refuseNulInBody(body: unknown): void {
  if (containsNul(body)) throw new AppError("bad_request", "The body holds the character U+0000 in a string, which Shiplog cannot store.");
}

/** Whether any string in a parsed JSON value contains U+0000, which PostgreSQL text cannot hold. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return value.includes("\u0000");
  if (typeof value !== "object" || value === null || depth > 64) return false;
  const items = Array.isArray(value) ? value : [...Object.keys(value), ...Object.values(value)];
  return items.some((item) => containsNul(item, depth + 1));
}

/**
 * Why a raw URL path breaks the rule, or undefined: the first segment whose escapes are not
 * UTF-8 (Next's router throws decoding it and answered a bare 500) or that holds a control
 * character once decoded. The proxy checks every path with it before any route runs.
 */
export function findPathProblem(pathname: string): string | undefined {
  for (const segment of pathname.split("/")) {
    if (!segment.includes("%") && !CONTROL_CHARACTER.test(segment)) continue;
    const decoded = decodeUrlComponent(segment);
    const problem = decoded === undefined ? MALFORMED_ENCODING_MESSAGE : findTextProblem(decoded);
    if (problem) return `The path segment "${segment}" ${problem}.`;
  }
  return undefined;
}
