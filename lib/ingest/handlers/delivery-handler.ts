// What every event handler receives and answers. A handler reads one stored delivery's payload
// (validating it with zod), calls one domain function inside the worker's transaction, and
// says whether the delivery changed the fleet model or was deliberately left alone.
import { z } from "zod";
import type { DbOrTx } from "../../db/client";
import type { FleetDirectory } from "../../fleet/fleet-directory";
import type { DeliverySource } from "../../generated/prisma/enums";
import type { DeliveryEffects } from "./delivery-effects";
import { type Push, recordPush } from "../../commits/record-push";

export type StoredDelivery = {
  id: bigint;
  source: DeliverySource;
  event: string;
  orderingKey: string | null;
  body: string;
  receivedAt: Date;
  attempts: number;
};

export type HandlerContext = {
  /** The worker's transaction: everything a handler writes commits with the delivery's status. */
  db: DbOrTx;
  directory: FleetDirectory;
  delivery: StoredDelivery;
  /**
   * Set when several deliveries share the transaction: side effects they can share (NOTIFY,
   * rollback progress) are collected here and done once before the commit. Unset: do them now.
   */
  effects?: DeliveryEffects;
  /**
   * Set when the batch records its pushes together (process-delivery.ts): a handler adds its push
   * here (recordPushOf), and the batch records them all at once, in order. Unset: record it now.
   */
  pushes?: Push[];
};

export type HandlerOutcome = { status: "PROCESSED" } | { status: "IGNORED"; reason: string };

export type DeliveryHandler = (payload: unknown, context: HandlerContext) => Promise<HandlerOutcome>;

export const processed: HandlerOutcome = { status: "PROCESSED" };
export const ignored = (reason: string): HandlerOutcome => ({ status: "IGNORED", reason });

/** Records the commits a delivery brought: now, or with the batch's other pushes (HandlerContext.pushes). */
export async function recordPushOf(context: HandlerContext, push: Push): Promise<void> {
  if (context.pushes) context.pushes.push(push);
  else await recordPush(context.db, push);
}

/**
 * The payload cannot be used as it is: retrying will not change that, so the worker sets the
 * delivery aside at once (QUARANTINED) with this message instead of retrying it.
 */
export class InvalidPayloadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidPayloadError";
  }
}

/** Parses a payload with its schema; the error names every field that is missing or malformed. */
export function parsePayload<Schema extends z.ZodType>(schema: Schema, payload: unknown, what: string): z.infer<Schema> {
  return readPayload(what, () => schema.parse(payload));
}

/** Runs a reader that validates with zod, turning its ZodError into an InvalidPayloadError. */
export function readPayload<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof z.ZodError) throw new InvalidPayloadError(`invalid ${what}: ${describeIssues(error)}`, { cause: error });
    throw error;
  }
}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}
