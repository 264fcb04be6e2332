// The body of POST /api/v1/rollbacks: the request without its idempotency key, which travels in
// the Idempotency-Key header (the convention for retry-safe POSTs).
import type { z } from "zod";
import { requestRollbackInputSchema } from "./rollback-plan";

export const requestRollbackBodySchema = requestRollbackInputSchema.omit({ idempotencyKey: true });
export type RequestRollbackBody = z.input<typeof requestRollbackBodySchema>;
