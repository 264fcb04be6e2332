// JSON.parse at the boundary: runs only on text that was already authenticated.
import { AppError } from "../../http/app-error";
import { bodyText, type RawBody } from "./read-body-with-limit";

export type JsonBody = { text: string; json: unknown };

/**
 * The body's text and its parsed JSON; 400 with the parser's reason when it is not JSON, or when
 * a string in it holds a NUL character: PostgreSQL text cannot store one, so the delivery could
 * be stored but never applied (no webhook Shiplog reads sends one).
 */
export function parseJsonBody(body: RawBody): JsonBody {
  const text = bodyText(body);
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (error) {
    throw new AppError("bad_request", `The body is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (ESCAPED_NUL.test(text)) {
    throw new AppError("bad_request", "The body holds a NUL character (\\u0000) in a string, which PostgreSQL text cannot store; remove it and send again");
  }
  return { text, json };
}

// \u0000 escaped in a JSON string: an odd number of backslashes before "u0000" (an even number
// is an escaped backslash followed by the text "u0000"). A raw NUL byte is not valid JSON.
const ESCAPED_NUL = /(?<!\\)(?:\\\\)*\\u0000/i;
