// JSON.parse at the boundary: runs only on text that was already authenticated.
import { AppError } from "../../http/app-error";
import { bodyText, type RawBody } from "./read-body-with-limit";

export type JsonBody = { text: string; json: unknown };

/** The body's text and its parsed JSON; 400 with the parser's reason when it is not JSON. */
export function parseJsonBody(body: RawBody): JsonBody {
  const text = bodyText(body);
  try {
    return { text, json: JSON.parse(text) as unknown };
  } catch (error) {
    throw new AppError("bad_request", `The body is not JSON: ${(error as Error).message}`, { cause: error });
  }
}
