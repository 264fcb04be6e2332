// An authenticated deployment event (POST /api/webhooks/deployments) → the row to store. The
// idempotency key is the sender's Idempotency-Key header, else derived from what the event
// asserts (this deployment of this service, in this place, reached this status), so a retried
// event is a duplicate while the same deployment's next status is a new fact. Events of one
// service are processed in order (ordering key), apart from other services'.
import { createHash } from "node:crypto";
import { z } from "zod";
import { AppError } from "../../http/app-error";
import type { NewDelivery } from "./accept-delivery";
import type { Credential } from "./authenticate-bearer";
import { headerToken } from "./delivery-text";
import { DEPLOYMENT_EVENT_VERSIONS, deploymentEventSchema } from "./deployment-event";
import { parseJsonBody } from "./parse-json-body";
import { pickDeliveryHeaders } from "./pick-delivery-headers";
import type { RawBody } from "./read-body-with-limit";

const versioned = z.object({ schemaVersion: z.unknown() });

export function parseDeployerDelivery(request: Request, body: RawBody, credential: Credential): NewDelivery {
  const idempotencyKey = request.headers.get("idempotency-key");
  const key = idempotencyKey === null ? undefined : headerToken.safeParse(idempotencyKey.trim());
  if (key && !key.success) throw new AppError("bad_request", `The Idempotency-Key header ${key.error.issues[0]?.message ?? "is malformed"}.`);
  const { text, json } = parseJsonBody(body);
  // A version this Shiplog does not read is said alone, not as a list of fields it does not know.
  const version = versioned.safeParse(json);
  if (version.success && version.data.schemaVersion !== undefined && !DEPLOYMENT_EVENT_VERSIONS.includes(version.data.schemaVersion as "v1")) {
    throw new AppError(
      "bad_request",
      `schemaVersion ${JSON.stringify(version.data.schemaVersion)} is not a version this Shiplog reads (${DEPLOYMENT_EVENT_VERSIONS.join(", ")}); see docs/webhooks.md.`,
    );
  }
  const event = deploymentEventSchema.parse(json);
  const derived = createHash("sha256")
    .update(
      JSON.stringify([
        "deployment/v1",
        event.service,
        event.environment,
        event.target?.cluster ?? null,
        event.target?.region ?? null,
        event.target?.function ?? null,
        event.deploymentId ?? event.startedAt,
        event.status,
        event.commitSha.toLowerCase(),
        event.finishedAt ?? null,
      ]),
    )
    .digest("hex");
  return {
    source: "DEPLOYER",
    deliveryId: key?.data ?? derived,
    senderChosenId: key !== undefined,
    event: "deployment",
    orderingKey: event.service,
    headers: pickDeliveryHeaders(request.headers, credential),
    body: text,
  };
}
