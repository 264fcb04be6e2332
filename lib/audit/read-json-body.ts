// The JSON body of an admin or operator request, checked with a zod schema (400 naming the field
// otherwise). An empty body counts as `{}`, so optional fields (a reason) may be left out.
import type { z } from "zod";
import { refuseNulInBody } from "../api/plain-text";
import { AppError } from "../http/app-error";

const MAX_BODY_BYTES = 16_384;

export async function readJsonBody<Schema extends z.ZodType>(request: Request, schema: Schema): Promise<z.output<Schema>> {
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new AppError("payload_too_large", `The body is over ${MAX_BODY_BYTES} bytes.`);
  let body: unknown = {};
  if (text.trim() !== "") {
    try {
      body = JSON.parse(text);
    } catch (error) {
      throw new AppError("bad_request", `The body is not JSON: ${(error as Error).message}`, { cause: error });
    }
  }
  refuseNulInBody(body);
  return schema.parse(body);
}
