// An authenticated CI build report → the row to store. The idempotency key is the sender's
// Idempotency-Key header, else derived from what the report asserts (this image:tag, at this
// digest, was built from this commit), so a retried report is a duplicate while a rebuild that
// moved the tag to a new digest is a new fact. Reports for one repository are processed in
// order, together with that repository's GitHub deliveries (same ordering key).
import { createHash } from "node:crypto";
import { AppError } from "../../http/app-error";
import type { NewDelivery } from "./accept-delivery";
import type { Credential } from "./authenticate-bearer";
import { buildReportSchema } from "./build-report";
import { headerToken } from "./delivery-text";
import { parseJsonBody } from "./parse-json-body";
import { pickDeliveryHeaders } from "./pick-delivery-headers";
import type { RawBody } from "./read-body-with-limit";

export function parseBuildDelivery(request: Request, body: RawBody, credential: Credential): NewDelivery {
  const idempotencyKey = request.headers.get("idempotency-key");
  const key = idempotencyKey === null ? undefined : headerToken.safeParse(idempotencyKey.trim());
  if (key && !key.success) throw new AppError("bad_request", `The Idempotency-Key header ${key.error.issues[0]?.message ?? "is malformed"}.`);
  const { text, json } = parseJsonBody(body);
  const report = buildReportSchema.parse(json);
  const derived = createHash("sha256")
    .update(JSON.stringify(["build-report/v1", report.image, report.tag, report.commitSha.toLowerCase(), report.digest ?? null]))
    .digest("hex");
  return {
    source: "BUILD",
    deliveryId: key?.data ?? derived,
    senderChosenId: key !== undefined,
    event: "build",
    orderingKey: report.repository,
    headers: pickDeliveryHeaders(request.headers, credential),
    body: text,
  };
}
