// An authenticated GitLab delivery → the row to store. Every event is kept (processing decides
// which to act on). The idempotency key is GitLab's Idempotency-Key (GitLab 17.4+, the same on
// every retry of one event), else X-Gitlab-Event-UUID; one of them is required. Deliveries for one
// project (host/path, lib/gitlab/webhook-fields.ts) are processed in order, as a GitHub
// repository's are.
import { z } from "zod";
import { gitlabRepositoryName } from "../../gitlab/webhook-fields";
import { AppError } from "../../http/app-error";
import type { NewDelivery } from "./accept-delivery";
import type { Credential } from "./authenticate-bearer";
import { headerToken } from "./delivery-text";
import { parseJsonBody } from "./parse-json-body";
import { pickDeliveryHeaders } from "./pick-delivery-headers";
import type { RawBody } from "./read-body-with-limit";

const projectUrl = z.object({ project: z.object({ web_url: z.string() }) });

export function parseGitlabDelivery(request: Request, body: RawBody, credential: Credential): NewDelivery {
  const event = headerValue(request, "X-Gitlab-Event");
  if (event === undefined) throw new AppError("bad_request", "The X-Gitlab-Event header is missing (GitLab sends it with every webhook, e.g. \"Push Hook\").");
  const deliveryId = headerValue(request, "Idempotency-Key") ?? headerValue(request, "X-Gitlab-Event-UUID");
  if (deliveryId === undefined) {
    throw new AppError("bad_request", "Neither Idempotency-Key nor X-Gitlab-Event-UUID is set: one is needed to store each GitLab event once.");
  }
  const { text, json } = parseJsonBody(body);
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new AppError("bad_request", "The body must be a JSON object (a GitLab webhook payload).");
  }
  const project = projectUrl.safeParse(json);
  return {
    source: "GITLAB",
    deliveryId,
    event,
    // Group-level events (member, subgroup) name no project.
    orderingKey: project.success ? (gitlabRepositoryName(project.data.project.web_url) ?? null) : null,
    headers: pickDeliveryHeaders(request.headers, credential),
    body: text,
  };
}

/** The header's value, trimmed; undefined when absent or blank; 400 when malformed. */
function headerValue(request: Request, name: string): string | undefined {
  const value = request.headers.get(name)?.trim();
  if (!value) return undefined;
  // GitLab event names hold spaces ("Merge Request Hook"): checked as words, ids as tokens.
  const parsed = name === "X-Gitlab-Event" ? z.string().regex(/^[\x20-\x7e]{1,100}$/, "must be 1–100 printable ASCII characters").safeParse(value) : headerToken.safeParse(value);
  if (!parsed.success) throw new AppError("bad_request", `The ${name} header ${parsed.error.issues[0]?.message ?? "is malformed"}.`);
  return parsed.data;
}
