// The versioned JSON event any deployer posts to /api/webhooks/deployments (docs/webhooks.md):
// a serverless deploy, Terraform, a mobile release, a database migration. One deployment is
// reported as often as its status changes (started, then succeeded / failed / rolled_back); the
// reports share `deploymentId` (or, without one, `startedAt`). The worker reads stored bodies
// back with this same schema (lib/ingest/handlers/deployment-event.ts), and the OpenAPI document
// publishes it.
import { z } from "zod";
import { deliveryText } from "./delivery-text";

/** The versions of the event this Shiplog reads; a sender pins one in `schemaVersion`. */
export const DEPLOYMENT_EVENT_VERSIONS = ["v1"] as const;

const name = (max: number) =>
  deliveryText(max).refine((value) => value.trim() === value, "must not start or end with spaces");
const time = z.iso.datetime({ offset: true });

export const deploymentTargetSchema = z
  .strictObject({
    cluster: name(200).nullish().meta({ description: "Kubernetes cluster, or any named place the deployer deploys to." }),
    region: name(100).nullish().meta({ description: "Cloud region (eu-west-1)." }),
    function: name(200).nullish().meta({ description: "Function, stack, app or database the deployer updated." }),
  })
  .meta({ description: "Where it was deployed; one application per service, environment and target." });

const describe = (description: string) => ({ description });

export const deploymentEventSchema = z
  .strictObject({
    schemaVersion: z
      .enum(DEPLOYMENT_EVENT_VERSIONS, {
        error: (issue) =>
          issue.input === undefined
            ? 'is required: "v1"'
            : `${JSON.stringify(issue.input)} is not a version this Shiplog reads (${DEPLOYMENT_EVENT_VERSIONS.join(", ")})`,
      })
      .meta(describe("The version of this event's format.")),
    deploymentId: z
      .string()
      .regex(/^[\x21-\x7e]{1,200}$/, "must be 1–200 visible ASCII characters")
      .nullish()
      .meta(describe("The deployer's id of this deployment; every report of one deployment carries the same (else they share startedAt).")),
    service: name(200).meta(describe("The Shiplog service (matched by name, case aside; created when new).")),
    environment: name(100).meta(describe("The environment (production, staging…), as Argo CD applications name theirs.")),
    target: deploymentTargetSchema.nullish(),
    repository: z
      .string()
      .regex(/^[\w.-]+\/[\w.-]+$/, 'must be "owner/name"')
      .max(300)
      .nullish()
      .meta(describe('GitHub "owner/name" of the service\'s code: the service learns it, so its commits link to the release.')),
    version: name(200)
      .nullish()
      .meta(describe("The release's name (1.4.2, 2024.06.01, build 4711); the commit's first 12 characters when absent.")),
    commitSha: z.string().regex(/^[0-9a-fA-F]{40}$/, "must be a full 40-character commit SHA").meta(describe("The commit deployed.")),
    images: z
      .array(z.string().regex(/^[^\s]{1,600}$/, "must be an image reference without spaces"))
      .max(50)
      .nullish()
      .meta(describe('Container images deployed, if any ("ghcr.io/acme/api:1.4.2@sha256:…"); the service\'s own names the release\'s image.')),
    status: z.enum(["started", "succeeded", "failed", "rolled_back"]).meta(describe("Where the deployment is; a later report of it may say more.")),
    startedAt: time.meta(describe("When the deployment started (RFC 3339).")),
    finishedAt: time.nullish().meta(describe("When it succeeded, failed or was rolled back; required for those statuses.")),
    by: name(200).nullish().meta(describe("Who or what deployed: a person, a pipeline, a bot.")),
    automated: z.boolean().nullish().meta(describe("Whether it ran without a person starting it.")),
    message: deliveryText(2000).nullish().meta(describe("What happened, in a line (the failure's reason, the change's title).")),
  })
  .superRefine((event, context) => {
    if (event.status !== "started" && !event.finishedAt) {
      context.addIssue({ code: "custom", path: ["finishedAt"], message: `is required when status is "${event.status}"` });
    }
    if (event.finishedAt && Date.parse(event.finishedAt) < Date.parse(event.startedAt)) {
      context.addIssue({ code: "custom", path: ["finishedAt"], message: "must not be before startedAt" });
    }
  });

export type DeploymentEvent = z.infer<typeof deploymentEventSchema>;
