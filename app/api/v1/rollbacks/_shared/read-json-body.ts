// A rollback route's JSON body: at most 64 KB (a scope may name up to 2,000 clusters), and a 400
// saying so when it is not JSON.
import { refuseNulInBody } from "@/lib/api/plain-text";
import { AppError } from "@/lib/http/app-error";

const MAX_BYTES = 64 * 1024;

export async function readJsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (Buffer.byteLength(text, "utf8") > MAX_BYTES) throw new AppError("payload_too_large", `The body must be at most ${MAX_BYTES} bytes.`);
  if (text.trim() === "") throw new AppError("bad_request", "The body must be a JSON object.");
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new AppError("bad_request", "The body is not valid JSON.");
  }
  refuseNulInBody(body);
  return body;
}
