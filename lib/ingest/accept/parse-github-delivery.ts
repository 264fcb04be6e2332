// A signed GitHub delivery → the row to store. Every event is kept (processing decides which
// to act on, `ping` included); GitHub's own X-GitHub-Delivery GUID is the idempotency key, and
// redeliveries reuse it. The signature does not cover that header, so the signed body's SHA-256
// is a second key: a captured delivery resent under new GUIDs is stored once (issue 14, finding
// 10). Deliveries for one repository are processed in order.
import { createHash } from "node:crypto";
import { z } from "zod";
import { AppError } from "../../http/app-error";
import type { NewDelivery } from "./accept-delivery";
import type { Credential } from "./authenticate-bearer";
import { deliveryText, headerToken } from "./delivery-text";
import { parseJsonBody } from "./parse-json-body";
import { pickDeliveryHeaders } from "./pick-delivery-headers";
import type { RawBody } from "./read-body-with-limit";

const repositoryFullName = z.object({ repository: z.object({ full_name: deliveryText(300) }) });

export function parseGithubDelivery(request: Request, body: RawBody, credential: Credential): NewDelivery {
  const event = requiredHeader(request, "X-GitHub-Event");
  const deliveryId = requiredHeader(request, "X-GitHub-Delivery");
  if (/^application\/x-www-form-urlencoded/i.test(request.headers.get("content-type") ?? "")) {
    throw new AppError("bad_request", "The webhook's content type is application/x-www-form-urlencoded: set it to application/json on GitHub.");
  }
  const { text, json } = parseJsonBody(body);
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new AppError("bad_request", "The body must be a JSON object (a GitHub webhook payload).");
  }
  const repository = repositoryFullName.safeParse(json);
  return {
    source: "GITHUB",
    deliveryId,
    event,
    // Organisation- and app-level events (ping of an org hook, installation) name no repository.
    orderingKey: repository.success ? repository.data.repository.full_name : null,
    headers: pickDeliveryHeaders(request.headers, credential),
    body: text,
    bodySha256: createHash("sha256").update(body.bytes).digest(),
  };
}

function requiredHeader(request: Request, name: string): string {
  const value = request.headers.get(name);
  if (value === null || value.trim() === "") throw new AppError("bad_request", `The ${name} header is missing.`);
  const parsed = headerToken.safeParse(value.trim());
  if (!parsed.success) throw new AppError("bad_request", `The ${name} header ${parsed.error.issues[0]?.message ?? "is malformed"}.`);
  return parsed.data;
}
