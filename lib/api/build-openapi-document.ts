// The OpenAPI 3.1 description of Shiplog's HTTP surface (GET /api/v1/openapi.json), generated
// from the very zod objects the route handlers parse with and the read functions' result
// schemas, so it cannot drift from them. tests/lib/api/build-openapi-document.test.ts checks
// that every route file under app/api is described and that the document is valid OpenAPI 3.1.
import { z } from "zod";
import { applicationPageSchema, listApplicationsQuery } from "../applications/list-applications";
import { deploymentDetailSchema, getDeploymentParams } from "../deployments/get-deployment";
import { listDeploymentsQuery } from "../deployments/list-deployments";
import { serviceEnvironmentsSchema } from "../environments/get-service-environments";
import { listWaitingPromotionsQuery, waitingPromotionPageSchema } from "../environments/list-waiting-promotions";
import { fleetMatrixQuery } from "../fleet/fleet-matrix-query";
import { fleetMatrixSchema } from "../fleet/list-fleet-matrix";
import type { AppErrorCode } from "../http/app-error";
import { doraDefinitionsSchema } from "../metrics/dora-definitions";
import { doraDefinitionsUpdateSchema, doraMetricsSchema } from "../metrics/dora-metrics-schema";
import { doraDeploymentsQuery, doraIncidentsQuery, doraLeadTimeQuery, doraMetricsQuery, doraTeamsQuery } from "../metrics/dora-query";
import { doraTeamComparisonSchema } from "../metrics/dora-team-comparison-schema";
import { doraDeploymentListSchema } from "../metrics/list-dora-deployments";
import { doraIncidentListSchema } from "../metrics/list-dora-incidents";
import { leadTimeCommitListSchema } from "../metrics/list-lead-time-commits";
import type { AcceptOutcome } from "../ingest/accept/accept-delivery";
import { argocdNotificationSchema } from "../ingest/accept/argocd-notification";
import { argoRolloutsNotificationSchema } from "../ingest/accept/argo-rollouts-notification";
import { buildReportSchema } from "../ingest/accept/build-report";
import { deploymentEventSchema } from "../ingest/accept/deployment-event";
import { fluxEventSchema } from "../flux/flux-event";
import { ingestionHealthSchema } from "../ingest/status/get-ingestion-health";
import { failedDeliveryPageSchema, listDeliveriesQuery } from "../ingest/status/list-deliveries";
import { deliveryIdParams, replayedDeliverySchema, replayFailedQuery } from "../ingest/replay/request-delivery-replay";
import { BODY_LIMITS } from "../ingest/accept/read-body-with-limit";
import type { Readiness } from "../ops/check-readiness";
import { isApiPath } from "../rate-limits/is-api-path";
import { compareReleasesParams, releaseComparisonSchema } from "../releases/compare-releases";
import { auditEventPageSchema, listAuditEventsQuery } from "../audit/list-audit-events";
import { listUsersQuery } from "../users/list-users";
import { grantRoleBody, reasonBody, userGrantParams, userIdParams, userPageSchema } from "../users/user-view";
import { searchSuggestionsSchema, suggestSearchQuery } from "../search/suggest-search";
import { changedPasswordSchema, changePasswordBody } from "../auth/change-password-body";
import { apiTokenIdParams, apiTokenListSchema, apiTokenViewSchema, createApiTokenBody, createdApiTokenSchema, revokeApiTokenBody } from "../api-tokens/api-token-view";
import { createdWebhookTokenSchema, createWebhookTokenBody, revokeWebhookTokenBody, webhookTokenIdParams, webhookTokenListSchema, webhookTokenViewSchema } from "../webhook-tokens/webhook-token-view";
import { promotionIdParams } from "../promotions/get-promotion";
import { listPromotionsQuery, promotionPageSchema } from "../promotions/list-promotions";
import { promotionBodySchema, promotionPlanSchema, promotionViewSchema } from "../promotions/promotion-plan";
import { rollbackGroupSchema, rollbackIdParams } from "../rollback/get-rollback-group";
import { listRollbacksQuery, rollbackPageSchema } from "../rollback/list-rollbacks";
import { requestRollbackBodySchema } from "../rollback/request-rollback-body";
import { planRollbackInputSchema, rollbackPlanSchema } from "../rollback/rollback-plan";
import { getReleaseParams, releaseDetailSchema } from "../releases/get-release";
import { getImageRolloutQuery, imageRolloutSchema } from "../rollouts/get-image-rollout";
import { getReleaseRolloutParams, getReleaseRolloutQuery, releaseRolloutSchema } from "../rollouts/get-release-rollout";
import { timelinePageSchema } from "../rollouts/list-timeline-page";
import { getServiceParams, serviceDetailSchema } from "../services/get-service";
import { listServicesQuery, servicePageSchema } from "../services/list-services";
import { commitLookupSchema, commitShaParams, searchCommitsQuery } from "../trace/commit-lookup-schema";

type JsonSchema = Record<string, unknown>;
type ErrorResponseName = keyof typeof errorResponses;
type ResponseSpec = { description: string; schema?: z.ZodType | JsonSchema; contentType?: string } | ErrorResponseName;

type OperationSpec = {
  method: "get" | "post" | "put" | "delete";
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: { name: string; required: boolean; description: string }[];
  body?: { description: string; schema: z.ZodType | JsonSchema; maxBytes: number };
  security?: Record<string, string[]>[];
  responses: Record<number, ResponseSpec>;
};

// ---------------------------------------------------------------- errors

const errorCodes = [
  "bad_request", "unauthorized", "forbidden", "not_found", "conflict", "payload_too_large",
  "too_many_requests", "internal_error", "not_configured", "service_unavailable",
] as const;

const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.enum(errorCodes),
      message: z.string().meta({ description: "What went wrong, for a person; a 400 names each offending parameter (`limit: must be at most 200`)." }),
      requestId: z.string().meta({ description: "Also in the X-Request-Id header; quote it when reporting a problem." }),
      details: z.unknown().optional().meta({ description: "Machine-readable detail, e.g. the validation issues of a 400." }),
    }),
  })
  .meta({ id: "Error", description: "Every error answer of Shiplog has this shape." });

const errorResponses = {
  BadRequest: { description: "A parameter or the body is invalid; the message names it." },
  Unauthorized: { description: "Missing, malformed, wrong or revoked credential." },
  NotFound: { description: "Nothing has that id or name." },
  Forbidden: { description: "Signed in, but without the permission this needs (the message names the role and team), or a cross-site request (an Origin other than Shiplog's, or none with a session cookie)." },
  Conflict: { description: "An Idempotency-Key reused for a different body." },
  PayloadTooLarge: { description: "The body is over the endpoint's limit." },
  InternalError: { description: "An unexpected failure, logged with the request id; the answer says nothing more." },
  Unavailable: { description: "The database is unavailable (`service_unavailable`, with Retry-After), or a webhook has no credential configured (`not_configured`)." },
  TooManyRequests: {
    description:
      "A rate limit is spent (`too_many_requests`): the caller's client address (SHIPLOG_API_RATE_LIMIT_PER_ADDRESS) or API token " +
      "(SHIPLOG_API_RATE_LIMIT_PER_TOKEN) made too many /api/v1 requests in the window (SHIPLOG_RATE_LIMIT_WINDOW_SECONDS). Retry after " +
      "Retry-After seconds; `details` names the limit (`api-address`, `api-token`), its size and window. See docs/api.md.",
    retryAfter: true,
  },
} as const;

// ---------------------------------------------------------------- probes and webhooks

const readinessSchema = z
  .discriminatedUnion("status", [
    z.object({ status: z.literal("ready"), pendingMigrations: z.tuple([]) }),
    z.object({
      status: z.literal("not_ready"),
      reason: z.enum(["database_unreachable", "database_timeout", "migrations_pending"]),
      detail: z.string().describe("What to do or look at; never the database's own error (the server's log has it)."),
      pendingMigrations: z.array(z.string()).optional(),
    }),
  ])
  .meta({ id: "Readiness" });

const acceptOutcomeSchema = z
  .object({
    status: z.enum(["accepted", "duplicate"]),
    deliveryId: z.string(),
    duplicateOf: z
      .string()
      .optional()
      .describe("GitHub only: the same signed body is already stored under this other delivery id, so this one was not stored again."),
  })
  .meta({ id: "DeliveryAccepted", description: "The delivery is stored (now, or already before)." });

// Compile-time proof that the hand-written schemas above say what the code returns.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameReadiness: Same<z.output<typeof readinessSchema>, Readiness> = true;
const sameOutcome: Same<z.output<typeof acceptOutcomeSchema>, AcceptOutcome> = true;
const sameErrorCodes: Same<(typeof errorCodes)[number], AppErrorCode> = true;
void [sameReadiness, sameOutcome, sameErrorCodes];

const webhookResponses: Record<number, ResponseSpec> = {
  200: {
    description: "Already stored under this delivery id (a redelivery or retry), or, for GitHub, the same signed body under another one (duplicateOf); nothing changed.",
    schema: acceptOutcomeSchema,
  },
  202: { description: "Stored for processing.", schema: acceptOutcomeSchema },
  400: "BadRequest",
  401: "Unauthorized",
  413: "PayloadTooLarge",
  500: "InternalError",
  503: "Unavailable",
};

// ---------------------------------------------------------------- operations

const readErrors = { 400: "BadRequest", 401: "Unauthorized", 500: "InternalError", 503: "Unavailable" } as const;

const operations: OperationSpec[] = [
  {
    method: "get", path: "/api/v1/services", operationId: "listServices", tag: "services",
    summary: "Services, by name",
    description: "Each with its team, repository, tier and how many of its applications are in each health state now.",
    query: listServicesQuery,
    responses: { 200: { description: "One page of services.", schema: servicePageSchema }, ...readErrors },
  },
  {
    method: "get", path: "/api/v1/services/{name}", operationId: "getService", tag: "services",
    summary: "One service",
    description: "Owner, repository, what runs in each environment and cluster now, its latest releases and deployments.",
    params: getServiceParams,
    responses: { 200: { description: "The service.", schema: serviceDetailSchema }, ...readErrors, 404: "NotFound" },
  },
  {
    method: "get", path: "/api/v1/services/{name}/environments", operationId: "getServiceEnvironments", tag: "environments",
    summary: "One service's environments and how far each lags",
    description:
      "Environments in rank order; per environment the releases it runs (with the clusters and regions running each), the environment before it, " +
      "whether it is behind (the one before runs a newer release than its oldest) and the lag: releases, commits, pull requests and tickets between, " +
      "and when the oldest waiting change appeared. Compare links and the promotion that would catch it up. See docs/environments.md.",
    params: getServiceParams,
    responses: { 200: { description: "The service's environments.", schema: serviceEnvironmentsSchema }, ...readErrors, 404: "NotFound" },
  },
  {
    method: "get", path: "/api/v1/environments/waiting", operationId: "listWaitingPromotions", tag: "environments",
    summary: "Environments waiting for promotion, fleet-wide",
    description:
      "One row per service and environment that is behind the environment before it, oldest waiting change first, keyset-paged. " +
      "`total` and `services` count the whole filter, not the page.",
    query: listWaitingPromotionsQuery,
    responses: { 200: { description: "One page of environments behind, with the totals.", schema: waitingPromotionPageSchema }, ...readErrors },
  },
  {
    method: "get", path: "/api/v1/fleet/matrix", operationId: "getFleetMatrix", tag: "fleet",
    summary: "The fleet health matrix, one window of rows",
    description:
      "Services × environments: per cell the worst health with counts, the version(s) running and cluster skew; per row environment skew. " +
      "Rows are numbered from 0 across all groups; ask for a window with `offset` and `limit`. Every group header comes with its row count, so a client can lay out the whole list and fetch only what is in view.",
    query: fleetMatrixQuery,
    responses: { 200: { description: "The window of rows, the total and the group headers.", schema: fleetMatrixSchema }, ...readErrors },
  },
  {
    method: "get", path: "/api/v1/applications", operationId: "listApplications", tag: "applications",
    summary: "Argo CD applications and what they run now",
    description: "Ordered by service name, environment rank, environment, cluster, application name and id.",
    query: listApplicationsQuery,
    responses: { 200: { description: "One page of applications.", schema: applicationPageSchema }, ...readErrors },
  },
  {
    method: "get", path: "/api/v1/deployments", operationId: "listDeployments", tag: "deployments",
    summary: "The deployment timeline, newest first",
    description:
      "Ordered by start time and id, both descending. Filters combine with AND. `rollouts` holds every rollout (one release in one " +
      "environment) the page's deployments belong to, with its counts in the whole fleet, whatever the filters and page size.",
    query: listDeploymentsQuery,
    responses: { 200: { description: "One page of deployments and their rollouts.", schema: timelinePageSchema }, ...readErrors },
  },
  {
    method: "get", path: "/api/v1/deployments/stream", operationId: "streamDeploymentChanges", tag: "deployments",
    summary: "Deployments as they are written (server-sent events)",
    description:
      "A `text/event-stream` that stays open: `event: ready` once connected, then `event: deployments` with data " +
      '`{"ids":[…]}` whenever deployments are created or change (coalesced, ids are a hint: refetch your filtered page of ' +
      "`GET /api/v1/deployments`), and a `: heartbeat` comment every 15 s. `retry: 3000` asks EventSource to reconnect after 3 s; " +
      "a client that stops reading is disconnected. Nothing is replayed after a reconnect: refetch then.",
    responses: {
      200: { description: "The event stream.", contentType: "text/event-stream", schema: { type: "string" } },
      500: "InternalError",
      503: "Unavailable",
    },
  },
  {
    method: "get", path: "/api/v1/deployments/{id}", operationId: "getDeployment", tag: "deployments",
    summary: "One deployment",
    description: "Where it ran, the release it brought, its phase log and its rollback links.",
    params: getDeploymentParams,
    responses: { 200: { description: "The deployment.", schema: deploymentDetailSchema }, ...readErrors, 404: "NotFound" },
  },
  {
    method: "get", path: "/api/v1/releases/{id}", operationId: "getRelease", tag: "releases",
    summary: "One release",
    description: "Its commits, pull requests, tickets and authors, where it runs now, and its rollout per application.",
    params: getReleaseParams,
    responses: { 200: { description: "The release.", schema: releaseDetailSchema }, ...readErrors, 404: "NotFound" },
  },
  {
    method: "get", path: "/api/v1/rollouts/releases/{id}", operationId: "getReleaseRollout", tag: "rollouts",
    summary: "A release moving across environments, regions and clusters",
    description:
      "Per environment (rank order), region and cluster (a wave, in the order the release reached them): how many applications run it, " +
      "are healthy, degraded, progressing, failed, moved on or not yet reached. 404 for an unknown release or environment name.",
    params: getReleaseRolloutParams,
    query: getReleaseRolloutQuery,
    responses: { 200: { description: "The rollout.", schema: releaseRolloutSchema }, ...readErrors, 404: "NotFound" },
  },
  {
    method: "get", path: "/api/v1/rollouts/image", operationId: "getImageRollout", tag: "rollouts",
    summary: "An image tag (a shared base image, a sidecar) moving across the fleet",
    description:
      "Every live application running the image's repository at any tag is in scope; those on `ref` run it, the others are not yet reached. " +
      "Per environment, region and cluster. 404 for an unknown environment name.",
    query: getImageRolloutQuery,
    responses: { 200: { description: "The rollout.", schema: imageRolloutSchema }, ...readErrors, 404: "NotFound" },
  },
  {
    method: "get", path: "/api/v1/releases/{id}/compare/{otherId}", operationId: "compareReleases", tag: "releases",
    summary: "Two releases of one service compared",
    description: "The commits, pull requests, tickets and authors between the two, in either direction (`direction` says which is newer), and GitHub's compare link. 404 when either release is unknown or they belong to different services.",
    params: compareReleasesParams,
    responses: { 200: { description: "The comparison.", schema: releaseComparisonSchema }, ...readErrors, 404: "NotFound" },
  },
  {
    method: "get", path: "/api/v1/commits", operationId: "searchCommits", tag: "commits",
    summary: "Where is a commit, pull request or ticket running?",
    description: "`q` is a SHA prefix, a pull request (`owner/repo#12`, URL-encoded as `owner%2Frepo%2312`, or its URL) or a ticket key. An empty `matches` means nothing matched.",
    query: searchCommitsQuery,
    responses: { 200: { description: "The commits it matched (at most 50) and where each runs.", schema: commitLookupSchema }, ...readErrors },
  },
  {
    method: "get", path: "/api/v1/commits/{query}", operationId: "getCommit", tag: "commits",
    summary: "Where is a commit running?",
    description: "The commits whose SHA starts with `query` and where each runs; 404 when none does.",
    params: commitShaParams,
    responses: { 200: { description: "The matching commits and where each runs.", schema: commitLookupSchema }, ...readErrors, 404: "NotFound" },
  },
  {
    method: "get", path: "/api/v1/ingestion/health", operationId: "getIngestionHealth", tag: "ingestion",
    summary: "Is ingestion keeping up?",
    description: "Per webhook source: the last delivery, waiting and failed counts, queue lag and the latest failures.",
    responses: { 200: { description: "Ingestion health per source.", schema: ingestionHealthSchema }, 500: "InternalError", 503: "Unavailable" },
  },
  {
    method: "get", path: "/api/v1/deliveries", operationId: "listFailedDeliveries", tag: "ingestion",
    summary: "Failed webhook deliveries",
    description: "Deliveries whose processing failed (waiting for a retry, or quarantined), newest first, with their last error. Never a body or a header.",
    query: listDeliveriesQuery,
    responses: { 200: { description: "One page of failed deliveries.", schema: failedDeliveryPageSchema }, ...readErrors },
  },
  {
    method: "post", path: "/api/v1/deliveries/{id}/replay", operationId: "replayDelivery", tag: "ingestion",
    summary: "Replay one delivery",
    description:
      "Puts the stored delivery back in the worker's queue (PENDING, attempts 0); the worker applies it within seconds. " +
      "409 while a worker is applying it, or when it already waits in the queue. Needs the engineer role fleet-wide and a same-origin request.",
    params: deliveryIdParams,
    responses: {
      202: { description: "Queued again.", schema: replayedDeliverySchema },
      400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
      409: { description: "Being processed right now, or already waiting in the queue." },
      500: "InternalError", 503: "Unavailable",
    },
  },
  {
    method: "post", path: "/api/v1/deliveries/replay", operationId: "replayFailedDeliveries", tag: "ingestion",
    summary: "Replay every failed delivery of a source",
    description: "Puts every failed or quarantined delivery (of `source`, or of all sources) back in the worker's queue. Needs the engineer role fleet-wide and a same-origin request.",
    query: replayFailedQuery,
    responses: {
      202: { description: "How many deliveries were queued again.", schema: z.object({ replayed: z.number().int() }) },
      ...readErrors, 403: "Forbidden",
    },
  },
  {
    method: "post", path: "/api/v1/rollbacks/plan", operationId: "planRollback", tag: "rollbacks",
    summary: "Plan a rollback (changes nothing)",
    description:
      "For an application, a deployment's application or the applications running a release that `scope.select` picks (all, the degraded or failed ones: the default when some are healthy, " +
      "one environment, regions or clusters; `scope` in the answer says which, `scopeChoices` what else it could pick, with counts): the target (default: the last release that was healthy there) and the candidates, " +
      "the method per application (Argo CD rollback, or a GitOps pull request where auto-sync is on), `groups` per environment and region with counts, clusters and waves, whether a second person must approve, " +
      "what blocks it (`blockerGroups`: each reason once with the applications it affects), `selectionDigest` to pass to the request, " +
      "and with `dryRun: true` Argo CD's (or GitHub's) answer to a dry run. At most 1,000 applications per plan. A selection naming an environment, region or cluster the release does not run in, " +
      "or `degraded-or-failed` when none is, is a 400 with the reason. Needs the rollback permission (sre) for the service's team; same-origin only.",
    body: { description: "The scope, optionally the target release and method.", schema: planRollbackInputSchema, maxBytes: 64 * 1024 },
    responses: { 200: { description: "The plan.", schema: rollbackPlanSchema }, 400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 500: "InternalError", 503: "Unavailable" },
  },
  {
    method: "post", path: "/api/v1/rollbacks", operationId: "requestRollback", tag: "rollbacks",
    summary: "Request a rollback",
    description:
      "Plans again on the server (a client's plan is never trusted) and creates one rollback per application, in one group. A reason and an Idempotency-Key header are required: " +
      "the same person and key answer the same rollback (200, `replayed: true`) instead of a second one. One active rollback per application: 409 naming the one that holds it. " +
      "Without approval needed it starts at once; otherwise it waits in `REQUESTED` for another SRE. With the plan's `selectionDigest`, a scope that now selects other applications " +
      "(health changed since the plan) is a 409 (`details.reason: selection_changed`) and nothing is made. Needs the rollback permission for the service's team; same-origin only.",
    headers: [{ name: "Idempotency-Key", required: true, description: "8–200 characters, one per rollback dialog; reuse it when retrying." }],
    body: { description: "Scope (pass the plan's, with its selection), target release, optional method, the plan's selectionDigest, and the reason.", schema: requestRollbackBodySchema, maxBytes: 64 * 1024 },
    responses: {
      201: { description: "Requested: the group and its rollback ids; `url` is the rollback's page.", schema: z.object({ groupId: z.string(), rollbackIds: z.array(z.number().int()), replayed: z.boolean(), state: z.enum(["REQUESTED", "APPROVED"]), approvalRequired: z.boolean(), url: z.string() }) },
      200: { description: "The same request made before (same person and Idempotency-Key): the same rollback." },
      400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
      409: { description: "An application is already being rolled back (`details.rollbackId` names the rollback holding it), or the scope selects other applications than the plan whose `selectionDigest` was sent (`details.reason: selection_changed`)." },
      500: "InternalError", 503: "Unavailable",
    },
  },
  {
    method: "get", path: "/api/v1/rollbacks", operationId: "listRollbacks", tag: "rollbacks",
    summary: "Rollbacks, newest first",
    description: "One row per application rolled back; filter by state (`requested` lists pending approvals, `active`, `finished`) and service.",
    query: listRollbacksQuery,
    responses: { 200: { description: "One page of rollbacks.", schema: rollbackPageSchema }, ...readErrors, 401: "Unauthorized" },
  },
  {
    method: "get", path: "/api/v1/rollbacks/{id}", operationId: "getRollback", tag: "rollbacks",
    summary: "One rollback, with its group",
    description: "Every rollback of its group (a release across clusters, by wave) with transitions (who, when, note), pull request links and errors in plain words, and the group's state.",
    params: rollbackIdParams,
    responses: { 200: { description: "The rollback group.", schema: rollbackGroupSchema }, ...readErrors, 401: "Unauthorized", 404: "NotFound" },
  },
  {
    method: "post", path: "/api/v1/rollbacks/{id}/approve", operationId: "approveRollback", tag: "rollbacks",
    summary: "Approve a rollback waiting for approval",
    description: "Approves every rollback of the group and starts it. The requester never can (403); needs the approve-rollback permission (sre) for the service's team; same-origin only.",
    params: rollbackIdParams,
    responses: {
      200: { description: "The rollback group after approval.", schema: rollbackGroupSchema },
      400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
      409: { description: "Not waiting for approval (already approved, running or finished)." },
      500: "InternalError", 503: "Unavailable",
    },
  },
  {
    method: "post", path: "/api/v1/promotions", operationId: "promote", tag: "promotions",
    summary: "Plan (dryRun) or start a promotion",
    description:
      "Moves a release into one environment of its service, wave by wave (docs/promotions.md). With `dryRun: true`: the plan and nothing else — the applications the scope (`select`: all, regions, clusters) picks in the target environment, " +
      "the method per application (a GitOps pull request setting the image tag, or an Argo CD sync to the config revision the release ran with, for applications without auto-sync), the waves (canary, then region by region; " +
      "`waves` overrides wave size, order, canary and soak), approval, blockers, `selectionDigest`, and GitHub's or Argo CD's answer to a dry run. Without: plans again on the server and creates the promotion; " +
      "an Idempotency-Key header is required (the same person and key answer the same promotion, 200). One active promotion per service and environment: 409 naming it. With the plan's `selectionDigest`, a scope that now " +
      "selects other applications is a 409 (`details.reason: selection_changed`). Needs the promote permission (sre) for the service's team; same-origin only.",
    headers: [{ name: "Idempotency-Key", required: false, description: "Required unless `dryRun`: 8–200 characters, one per promote dialog; reuse it when retrying." }],
    body: { description: "Release, target environment, scope, wave overrides, dryRun, and for a promotion the plan's selectionDigest and a reason.", schema: promotionBodySchema, maxBytes: 64 * 1024 },
    responses: {
      200: { description: "With dryRun: the plan. Otherwise the same request made before (same person and Idempotency-Key).", schema: promotionPlanSchema },
      201: { description: "Started (or waiting for approval); `url` is the promotion's page.", schema: z.object({ promotionId: z.number().int(), replayed: z.boolean(), state: z.string(), approvalRequired: z.boolean(), url: z.string() }) },
      400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
      409: { description: "A promotion of this service into this environment is active (`details.promotionId`), or the scope selects other applications than the plan (`details.reason: selection_changed`)." },
      500: "InternalError", 503: "Unavailable",
    },
  },
  {
    method: "get", path: "/api/v1/promotions", operationId: "listPromotions", tag: "promotions",
    summary: "Promotions, newest first",
    description: "Filter by state (`active`, `finished`, or one state) and service; with counts of applications, succeeded and failed.",
    query: listPromotionsQuery,
    responses: { 200: { description: "One page of promotions.", schema: promotionPageSchema }, ...readErrors, 401: "Unauthorized" },
  },
  {
    method: "get", path: "/api/v1/promotions/{id}", operationId: "getPromotion", tag: "promotions",
    summary: "One promotion, wave by wave",
    description: "Waves (state, soak clock, clusters), their applications (state, Argo CD health and sync now, the pull request or Argo CD operation each got, an automatic rollback), and every step with who and when.",
    params: promotionIdParams,
    responses: { 200: { description: "The promotion.", schema: promotionViewSchema }, ...readErrors, 401: "Unauthorized", 404: "NotFound" },
  },
  {
    method: "post", path: "/api/v1/promotions/{id}/approve", operationId: "approvePromotion", tag: "promotions",
    summary: "Approve a promotion waiting for approval",
    description: "A second person approves (the requester never can: 403); its first wave starts. Needs the approve-promotion permission (sre) for the service's team; same-origin only.",
    params: promotionIdParams,
    responses: {
      200: { description: "The promotion afterwards.", schema: promotionViewSchema },
      400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
      409: { description: "Not waiting for approval." },
      500: "InternalError", 503: "Unavailable",
    },
  },
  {
    method: "post", path: "/api/v1/promotions/{id}/pause", operationId: "pausePromotion", tag: "promotions",
    summary: "Pause a running promotion",
    description: "No new application or wave starts; what is in flight is still tracked. Needs the promote permission (sre) for the service's team; same-origin only.",
    params: promotionIdParams,
    responses: {
      200: { description: "The promotion afterwards.", schema: promotionViewSchema },
      400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
      409: { description: "Not running." },
      500: "InternalError", 503: "Unavailable",
    },
  },
  {
    method: "post", path: "/api/v1/promotions/{id}/resume", operationId: "resumePromotion", tag: "promotions",
    summary: "Resume a paused promotion",
    description: "The current wave continues; its soak and time limit start again. Needs the promote permission (sre) for the service's team; same-origin only.",
    params: promotionIdParams,
    responses: {
      200: { description: "The promotion afterwards.", schema: promotionViewSchema },
      400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
      409: { description: "Not paused." },
      500: "InternalError", 503: "Unavailable",
    },
  },
  {
    method: "post", path: "/api/v1/promotions/{id}/abort", operationId: "abortPromotion", tag: "promotions",
    summary: "Abort a promotion",
    description: "Nothing more starts; pull requests already opened stay open for a person to close. Needs the promote permission (sre) for the service's team; same-origin only.",
    params: promotionIdParams,
    responses: {
      200: { description: "The promotion afterwards.", schema: promotionViewSchema },
      400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
      409: { description: "Already finished." },
      500: "InternalError", 503: "Unavailable",
    },
  },
  {
    method: "get", path: "/api/v1/metrics/dora", operationId: "getDoraMetrics", tag: "metrics",
    summary: "The four DORA metrics",
    description: "Deployment frequency, lead time for changes, change failure rate and time to restore for the fleet, a team or a service, over a window of whole UTC days, with the previous window and a trend per day (per week beyond 31 days). Lead time and time to restore come as medians (`leadTimeMedianSeconds`, `restoreMedianSeconds`: the headline, computed over the rows the lead-time and incidents drill-downs list) and means (`leadTimeSeconds`, `restoreSeconds`). Counts and means are read from the DORA rollups; definitions in docs/metrics.md.",
    query: doraMetricsQuery,
    responses: { 200: { description: "The metrics.", schema: doraMetricsSchema }, ...readErrors, 404: "NotFound" },
  },
  {
    method: "get", path: "/api/v1/metrics/teams", operationId: "compareDoraTeams", tag: "metrics",
    summary: "The four DORA metrics of every team, side by side",
    description: "For each team, over one window of whole UTC days: the same `current` numbers as `GET /api/v1/metrics/dora?team=<slug>`, the performance level of each key by the 2023 Accelerate State of DevOps Report (elite, high, medium, low; null without data; thresholds in docs/metrics.md) and production deployments per trend bucket. Read from the per-team DORA rollups and sample tables in three statements, whatever the number of teams. `sort` orders by name or by one key, best first (`order=desc`: worst first); teams without a value stay last.",
    query: doraTeamsQuery,
    responses: { 200: { description: "The teams.", schema: doraTeamComparisonSchema }, ...readErrors },
  },
  {
    method: "get", path: "/api/v1/metrics/dora/deployments", operationId: "listDoraDeployments", tag: "metrics",
    summary: "The production deployments behind deployment frequency and change failure rate",
    description: "Newest first, a keyset page at a time (`cursor`: the previous page's `nextCursor`); `failed=true` lists only those counted as failures. `total` is the count the metric used; with `group=team` or `group=service`, `groups` counts the whole list's rows per team or service (largest first, at most 100).",
    query: doraDeploymentsQuery,
    responses: { 200: { description: "The deployments.", schema: doraDeploymentListSchema }, ...readErrors, 404: "NotFound" },
  },
  {
    method: "get", path: "/api/v1/metrics/dora/lead-time", operationId: "listLeadTimeCommits", tag: "metrics",
    summary: "The commits behind lead time for changes",
    description: "Each commit whose release first reached production in the window: when lead time started, when it reached production, and the lead time. These are the samples `leadTimeMedianSeconds` and `leadTimeSeconds` are taken over. Latest to reach production first, a keyset page at a time (`cursor`); `group` counts them per team or service.",
    query: doraLeadTimeQuery,
    responses: { 200: { description: "The commits.", schema: leadTimeCommitListSchema }, ...readErrors, 404: "NotFound" },
  },
  {
    method: "get", path: "/api/v1/metrics/dora/incidents", operationId: "listDoraIncidents", tag: "metrics",
    summary: "The incidents behind time to restore service",
    description: "Each production incident that started in the window (failed deployment → next succeeded deployment of the application, whether it rolled forward or back), open ones included. The restored ones are the samples `restoreMedianSeconds` and `restoreSeconds` are taken over. Newest first, a keyset page at a time (`cursor`); `group` counts them per team or service.",
    query: doraIncidentsQuery,
    responses: { 200: { description: "The incidents.", schema: doraIncidentListSchema }, ...readErrors, 404: "NotFound" },
  },
  {
    method: "get", path: "/api/v1/metrics/definitions", operationId: "getDoraDefinitions", tag: "metrics",
    summary: "The DORA definitions in force",
    description: "Which environments count as production (null: those marked production), which deployment statuses count as failures, and where lead time starts.",
    responses: { 200: { description: "The definitions.", schema: doraDefinitionsSchema }, 401: "Unauthorized", 500: "InternalError", 503: "Unavailable" },
  },
  {
    method: "put", path: "/api/v1/metrics/definitions", operationId: "updateDoraDefinitions", tag: "metrics",
    summary: "Change the DORA definitions",
    description: "Validates and stores the definitions, then recomputes every DORA rollup under them. Needs the admin role and a same-origin request.",
    body: { description: "The complete definitions.", schema: doraDefinitionsSchema, maxBytes: 16_384 },
    responses: { 200: { description: "Stored; the rollups were recomputed.", schema: doraDefinitionsUpdateSchema }, 400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 413: "PayloadTooLarge", 500: "InternalError", 503: "Unavailable" },
  },
  {
    method: "get", path: "/api/v1/openapi.json", operationId: "getOpenApiDocument", tag: "meta",
    summary: "This document",
    description: "Open without signing in: it describes the API, and holds no fleet data.",
    security: [],
    responses: { 200: { description: "The OpenAPI 3.1 document.", schema: { type: "object" } } },
  },
  {
    method: "get", path: "/api/health", operationId: "getLiveness", tag: "probes",
    summary: "Liveness",
    description: "200 while the process serves requests; touches nothing else. Open without signing in.",
    security: [],
    responses: { 200: { description: "Alive.", schema: z.object({ status: z.literal("ok") }) } },
  },
  {
    method: "get", path: "/api/ready", operationId: "getReadiness", tag: "probes",
    summary: "Readiness",
    description: "200 when the database answers and no migration is pending, else 503 with the reason, within about 1.5 s. Open without signing in.",
    security: [],
    responses: { 200: { description: "Ready.", schema: readinessSchema }, 503: { description: "Not ready, and why.", schema: readinessSchema } },
  },
  {
    method: "post", path: "/api/webhooks/argocd", operationId: "receiveArgocdNotification", tag: "webhooks",
    summary: "Argo CD (and Argo Rollouts) Notifications webhook",
    description:
      "Stores the notification for processing (docs/webhooks.md). The Application object (or, from Argo Rollouts' notification engine, the Rollout object) is kept as sent; only the fields below are checked.",
    security: [{ webhookBearer: [] }],
    body: {
      description: "What the Shiplog notification template renders: an Application from Argo CD, or a Rollout from Argo Rollouts.",
      schema: z.union([argocdNotificationSchema, argoRolloutsNotificationSchema]),
      maxBytes: BODY_LIMITS.ARGOCD,
    },
    responses: webhookResponses,
  },
  {
    method: "post", path: "/api/webhooks/github", operationId: "receiveGithubWebhook", tag: "webhooks",
    summary: "GitHub webhook",
    description: "Any GitHub event, stored for processing (docs/webhooks.md). Authenticated by the HMAC-SHA256 signature of the raw body with GITHUB_WEBHOOK_SECRET.",
    headers: [
      { name: "X-GitHub-Event", required: true, description: "The event name (push, pull_request, …)." },
      { name: "X-GitHub-Delivery", required: true, description: "GitHub's delivery GUID; redeliveries repeat it." },
      { name: "X-Hub-Signature-256", required: true, description: "`sha256=` and the hex HMAC-SHA256 of the body." },
    ],
    body: { description: "The GitHub event payload.", schema: { type: "object" }, maxBytes: BODY_LIMITS.GITHUB },
    responses: webhookResponses,
  },
  {
    method: "post", path: "/api/webhooks/gitlab", operationId: "receiveGitlabWebhook", tag: "webhooks",
    summary: "GitLab webhook",
    description:
      "Any GitLab project or group webhook event, stored for processing (docs/setup-gitlab.md). Authenticated by X-Gitlab-Token: " +
      "one of GITLAB_WEBHOOK_SECRET's entries or a stored GitLab webhook token, checked before the body is read.",
    headers: [
      { name: "X-Gitlab-Token", required: true, description: "The webhook's secret token." },
      { name: "X-Gitlab-Event", required: true, description: "The event name (Push Hook, Merge Request Hook, …)." },
      { name: "X-Gitlab-Event-UUID", required: false, description: "GitLab's id of the event; the idempotency key when Idempotency-Key is absent." },
      { name: "Idempotency-Key", required: false, description: "GitLab's key for the event, the same on every retry (GitLab 17.4+); preferred. One of the two is required." },
    ],
    body: { description: "The GitLab event payload.", schema: { type: "object" }, maxBytes: BODY_LIMITS.GITLAB },
    responses: webhookResponses,
  },
  {
    method: "post", path: "/api/webhooks/flux", operationId: "receiveFluxEvent", tag: "webhooks",
    summary: "Flux notification-controller event",
    description:
      "An event of a Flux controller, as a generic-hmac (or generic) Provider posts it, stored for processing (docs/setup-flux.md). " +
      "Authenticated by X-Signature, `sha256=` and the hex HMAC-SHA256 of the raw body keyed with one of FLUX_WEBHOOK_SECRET's entries, " +
      "checked before anything is parsed; or, without X-Signature, by a stored Flux webhook token as `Authorization: Bearer`. " +
      "The delivery id is derived from the event. Kustomization and HelmRelease reconciliations become deployments of their revision; other events are stored and ignored.",
    headers: [
      { name: "X-Signature", required: false, description: "`sha256=` and the hex HMAC-SHA256 of the body (generic-hmac Provider). Required unless a stored token is sent as a bearer token." },
      { name: "Gotk-Component", required: false, description: "The Flux controller that reported the event (kustomize-controller, helm-controller, …); kept with the delivery." },
    ],
    body: { description: "The Flux event (fluxcd/pkg/apis/event/v1); only these fields are checked, the rest is kept as sent.", schema: fluxEventSchema, maxBytes: BODY_LIMITS.FLUX },
    responses: webhookResponses,
  },
  {
    method: "post", path: "/api/webhooks/build", operationId: "receiveBuildReport", tag: "webhooks",
    summary: "CI build report",
    description: "An image was built from a commit (docs/webhooks.md).",
    security: [{ webhookBearer: [] }],
    headers: [{ name: "Idempotency-Key", required: false, description: "The sender's key for this report; retries repeat it." }],
    body: { description: "The build report.", schema: buildReportSchema, maxBytes: BODY_LIMITS.BUILD },
    responses: { ...webhookResponses, 409: "Conflict" },
  },
  {
    method: "post", path: "/api/webhooks/deployments", operationId: "receiveDeploymentEvent", tag: "webhooks",
    summary: "Deployment event from any deployer",
    description:
      "A deployment by a deployer Shiplog has no other view of (serverless, Terraform, a mobile release, a database migration), " +
      "reported when it starts and when it ends; it becomes a deployment of the service's application for its environment and target " +
      "(docs/webhooks.md#any-deployer). `schemaVersion` is `v1`; `finishedAt` is required unless `status` is `started`.",
    security: [{ webhookBearer: [] }],
    headers: [{ name: "Idempotency-Key", required: false, description: "The sender's key for this event; retries repeat it. Without it, derived from the event." }],
    body: { description: "The deployment event, version v1.", schema: deploymentEventSchema, maxBytes: BODY_LIMITS.DEPLOYER },
    responses: { ...webhookResponses, 409: "Conflict" },
  },
  // ------------------------------------------------------------ administration (admin role, same-origin, audited)
  ...adminOperations(),
  ...apiTokenOperations(),
  ...accountOperations(),
];

function adminOperations(): OperationSpec[] {
  const forbidden = { description: "Not an admin (fleet-wide), or a cross-site request (another Origin, or none with a session cookie)." };
  const adminErrors = { 400: "BadRequest", 401: "Unauthorized", 403: forbidden, 500: "InternalError", 503: "Unavailable" } as const;
  return [
    {
      method: "get", path: "/api/v1/audit", operationId: "listAuditEvents", tag: "admin",
      summary: "The audit log",
      description:
        "Privileged actions (rollbacks requested, approved, executed and finished; roles granted and revoked; sessions revoked; webhook tokens created and revoked; deliveries replayed; " +
        "DORA definitions changed), newest first, each written in the same transaction as the action. Filter by actor, action, target, outcome and time. Admin only; nothing edits or deletes them.",
      query: listAuditEventsQuery,
      responses: { 200: { description: "One page of audit events.", schema: auditEventPageSchema }, ...adminErrors },
    },
    {
      method: "get", path: "/api/v1/users", operationId: "listUsers", tag: "admin",
      summary: "People and their roles",
      description: "Everyone who can sign in, by email, with their grants (role, team or fleet-wide, manual or from the identity provider) and live session counts. Admin only.",
      query: listUsersQuery,
      responses: { 200: { description: "One page of people.", schema: userPageSchema }, ...adminErrors },
    },
    {
      method: "post", path: "/api/v1/users/{id}/grants", operationId: "grantRole", tag: "admin",
      summary: "Grant a role",
      description: "A manual grant of viewer, engineer, sre or admin, fleet-wide or for one team. Audited as `role.granted`. 409 when the person already holds exactly that grant.",
      params: userIdParams,
      body: { description: "The role, the team (or null for fleet-wide) and an optional reason.", schema: grantRoleBody, maxBytes: 16 * 1024 },
      responses: { 200: { description: "The new grant's id.", schema: z.object({ id: z.number().int() }) }, ...adminErrors, 404: "NotFound", 409: { description: "Already granted." } },
    },
    {
      method: "delete", path: "/api/v1/users/{id}/grants/{grantId}", operationId: "revokeRole", tag: "admin",
      summary: "Revoke a role",
      description:
        "Removes a manual grant; it stops working within a minute. Audited as `role.revoked`. 409 for grants from the identity provider (change the group instead) and for the last fleet-wide admin.",
      params: userGrantParams,
      body: { description: "Optionally `{ reason }`; an empty body is fine.", schema: reasonBody, maxBytes: 16 * 1024 },
      responses: { 204: { description: "Revoked." }, ...adminErrors, 404: "NotFound", 409: { description: "An identity-provider grant, or the last fleet-wide admin." } },
    },
    {
      method: "delete", path: "/api/v1/users/{id}/sessions", operationId: "revokeSessions", tag: "admin",
      summary: "Sign a person out everywhere",
      description: "Deletes every server-side session of the person; their next request needs a new sign-in. Audited as `sessions.revoked`.",
      params: userIdParams,
      body: { description: "Optionally `{ reason }`; an empty body is fine.", schema: reasonBody, maxBytes: 16 * 1024 },
      responses: { 200: { description: "How many sessions ended.", schema: z.object({ revoked: z.number().int() }) }, ...adminErrors, 404: "NotFound" },
    },
    {
      method: "get", path: "/api/v1/webhook-tokens", operationId: "listWebhookTokens", tag: "admin",
      summary: "Webhook tokens",
      description: "The bearer tokens stored in the database for Argo CD and CI senders: name, source, created, revoked. Never the token (only its SHA-256 is kept).",
      responses: { 200: { description: "Every token, live ones first.", schema: webhookTokenListSchema }, ...adminErrors },
    },
    {
      method: "post", path: "/api/v1/webhook-tokens", operationId: "createWebhookToken", tag: "admin",
      summary: "Create a webhook token",
      description: "Creates a bearer token for Argo CD (`argocd`) or CI (`build`). The answer carries the token: it is shown this once. Audited as `token.created` (without the token).",
      body: { description: "Source, name and an optional reason.", schema: createWebhookTokenBody, maxBytes: 16 * 1024 },
      responses: { 201: { description: "Created; copy `token` now.", schema: createdWebhookTokenSchema }, ...adminErrors, 409: { description: "A token of that source already has that name." } },
    },
    {
      method: "delete", path: "/api/v1/webhook-tokens/{id}", operationId: "revokeWebhookToken", tag: "admin",
      summary: "Revoke a webhook token",
      description: "The next delivery presenting it gets 401. Audited as `token.revoked`. 409 when it was already revoked.",
      params: webhookTokenIdParams,
      body: { description: "Optionally `{ reason }`; an empty body is fine.", schema: revokeWebhookTokenBody, maxBytes: 16 * 1024 },
      responses: { 200: { description: "The revoked token.", schema: webhookTokenViewSchema }, ...adminErrors, 404: "NotFound", 409: { description: "Already revoked." } },
    },
  ];
}

function apiTokenOperations(): OperationSpec[] {
  const errors = { 400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 500: "InternalError", 503: "Unavailable" } as const;
  return [
    {
      method: "get", path: "/api/v1/tokens", operationId: "listApiTokens", tag: "tokens",
      summary: "Your API tokens",
      description: "Your personal tokens and, for a fleet-wide admin, every service token: name, hint (first characters), role, team, dates and status. Never the token (only its SHA-256 is kept).",
      responses: { 200: { description: "Active tokens first, newest first.", schema: apiTokenListSchema }, ...errors },
    },
    {
      method: "post", path: "/api/v1/tokens", operationId: "createApiToken", tag: "tokens",
      summary: "Create an API token",
      description:
        "A personal token acts as you with at most `role` (for `teamId` only, when given), and never beyond the grants you hold when it is used. " +
        "A service token (fleet-wide admins only) acts as `service-token:<id>` with exactly that scope. The answer carries the token: it is shown this once. " +
        "Needs a signed-in session (a token cannot create tokens). Audited as `api-token.created` (without the token). 403 when the scope exceeds your grants.",
      security: [{ sessionCookie: [] }],
      body: { description: "Name, role, optional team, kind, days to expiry and reason.", schema: createApiTokenBody, maxBytes: 16 * 1024 },
      responses: { 201: { description: "Created; copy `token` now.", schema: createdApiTokenSchema }, ...errors },
    },
    {
      method: "delete", path: "/api/v1/tokens/{id}", operationId: "revokeApiToken", tag: "tokens",
      summary: "Revoke an API token",
      description: "Your own personal token, or (fleet-wide admins) any token. The next request presenting it gets 401 (`reason: revoked`). Audited as `api-token.revoked`. 409 when it was already revoked.",
      params: apiTokenIdParams,
      body: { description: "Optionally `{ reason }`; an empty body is fine.", schema: revokeApiTokenBody, maxBytes: 16 * 1024 },
      responses: { 200: { description: "The revoked token.", schema: apiTokenViewSchema }, ...errors, 404: "NotFound", 409: { description: "Already revoked." } },
    },
  ];
}

function accountOperations(): OperationSpec[] {
  return [
    {
      method: "get", path: "/api/v1/search/suggestions", operationId: "suggestSearch", tag: "search",
      summary: "Search suggestions",
      description:
        "What the header's search box offers while typing: up to 6 services whose name matches (exact, then starting with, then containing the text), " +
        "up to 3 recent releases (of the best-matching service; of `<service> <version>` or `<service>@<version>` by version prefix; or whose commit SHA " +
        "starts with 4+ hex characters) and up to 3 recent commits whose SHA starts so. Any role.",
      query: suggestSearchQuery,
      responses: { 200: { description: "Services, then releases, then commits.", schema: searchSuggestionsSchema }, ...readErrors, 403: "Forbidden" },
    },
    {
      method: "post", path: "/api/v1/account/password", operationId: "changePassword", tag: "account",
      summary: "Change your password",
      description:
        "Checks the current password and sets the new one (12 to 128 characters) on your local account; with `revokeOtherSessions`, every other " +
        "session ends and this answer sets a fresh session cookie. Needs a signed-in session (an API token gets 403). Throttled like sign-in: a " +
        "wrong current password counts against the account's backoff and SHIPLOG_SIGN_IN_RATE_LIMIT_PER_ADDRESS (429 with Retry-After). " +
        "Audited as `password.changed`. 409 for an account that signs in only through single sign-on.",
      security: [{ sessionCookie: [] }],
      body: { description: "Current and new password, and whether to end other sessions.", schema: changePasswordBody, maxBytes: 16 * 1024 },
      responses: {
        200: { description: "Changed.", schema: changedPasswordSchema },
        400: { description: "The current password is not right, or the new one is too short, too long or the same." },
        401: "Unauthorized",
        403: "Forbidden",
        409: { description: "The account has no Shiplog password (single sign-on only)." },
        429: "TooManyRequests",
        500: "InternalError",
        503: "Unavailable",
      },
    },
  ];
}

// ---------------------------------------------------------------- assembly

const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

function jsonSchemaOptions(io: "input" | "output"): Parameters<typeof z.toJSONSchema>[1] {
  return {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
    override: ({ zodSchema, jsonSchema }) => {
      const type = zodSchema._zod.def.type;
      // Dates leave as ISO strings (Response.json calls Date#toJSON).
      if (type === "date") Object.assign(jsonSchema, { type: "string", format: "date-time" });
      // zod's ISO patterns are exact but unreadable; the format says it.
      if (jsonSchema.format === "date-time" || jsonSchema.format === "date") delete jsonSchema.pattern;
      if (SAFE_INTEGER_BOUNDS.has(jsonSchema.minimum as number)) delete jsonSchema.minimum;
      if (SAFE_INTEGER_BOUNDS.has(jsonSchema.maximum as number)) delete jsonSchema.maximum;
      // Answers may gain fields; clients should not be told otherwise.
      if (io === "output" && type === "object") delete jsonSchema.additionalProperties;
    },
  };
}

function inputSchema(schema: z.ZodType | JsonSchema): JsonSchema {
  if (!(schema instanceof z.ZodType)) return schema;
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, jsonSchemaOptions("input")) as JsonSchema;
  return rest;
}

/**
 * Named response schemas (`.meta({ id })`) become components; everything else is inlined where it
 * is used. The components are the named schemas these operations reach, converted together, never
 * a registry's contents: Next bundles a module once per route, each copy registers its schemas
 * in zod's global registry (kept on globalThis), and once a few pages had been served it held two
 * "Team"s, so converting it threw "Duplicate schema id" for the rest of the process (issue 14,
 * finding 7). The schemas imported here are this bundle's own copies: one per id.
 */
function componentSchemas(): Record<string, JsonSchema> {
  const responseSchemas = [errorResponseSchema, ...operations.flatMap((operation) => Object.values(operation.responses))]
    .map((response) => (typeof response === "string" ? undefined : response instanceof z.ZodType ? response : response.schema))
    .filter((schema): schema is z.ZodType => schema instanceof z.ZodType);
  // One object holding every response schema: one conversion, so each named schema is one $def.
  const all = z.object(Object.fromEntries([...new Set(responseSchemas)].map((schema, index) => [`response${index}`, schema])));
  const { $defs = {} } = z.toJSONSchema(all, jsonSchemaOptions("output")) as { $defs?: Record<string, JsonSchema> };
  const unnamed = Object.keys($defs).filter((id) => id.startsWith("__schema"));
  if (unnamed.length > 0) throw new Error("OpenAPI: a schema is reused without an id; give it .meta({ id })");
  return Object.fromEntries(Object.entries($defs).map(([id, { id: _id, ...schema }]) => [id, pointRefsAtComponents(schema) as JsonSchema]));
}

/** `#/$defs/Team` (where zod puts a named schema) → `#/components/schemas/Team` (where OpenAPI looks). */
function pointRefsAtComponents(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(pointRefsAtComponents);
  if (typeof node !== "object" || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === "$ref" && typeof value === "string" ? value.replace(/^#\/\$defs\//, "#/components/schemas/") : pointRefsAtComponents(value),
    ]),
  );
}

function outputSchema(schema: z.ZodType | JsonSchema, components: Record<string, JsonSchema>): JsonSchema {
  if (!(schema instanceof z.ZodType)) return schema;
  const id = z.globalRegistry.get(schema)?.id;
  if (id && components[id]) return { $ref: `#/components/schemas/${id}` };
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, jsonSchemaOptions("output")) as JsonSchema;
  return rest;
}

function parameters(location: "path" | "query", schema: z.ZodObject | undefined): JsonSchema[] {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => {
    const { description, ...fieldSchema } = inputSchema(field as z.ZodType);
    return {
      name,
      in: location,
      required: location === "path" || !(field as z.ZodType).safeParse(undefined).success,
      ...(description === undefined ? {} : { description }),
      schema: fieldSchema,
    };
  });
}

const requestIdHeader = { $ref: "#/components/headers/XRequestId" };

function operationObject(operation: OperationSpec, components: Record<string, JsonSchema>): JsonSchema {
  const responses = Object.fromEntries(
    Object.entries(operation.responses).map(([status, response]) => [
      status,
      typeof response === "string"
        ? { $ref: `#/components/responses/${response}` }
        : {
            description: response.description,
            headers: { "X-Request-Id": requestIdHeader },
            content: { [response.contentType ?? "application/json"]: { schema: outputSchema(response.schema ?? {}, components) } },
          },
    ]),
  );
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    tags: [operation.tag],
    parameters: [
      ...parameters("path", operation.params),
      ...parameters("query", operation.query),
      ...(operation.headers ?? []).map((header) => ({ ...header, in: "header", schema: { type: "string" } })),
    ],
    ...(operation.body
      ? {
          requestBody: {
            required: true,
            description: `${operation.body.description} At most ${operation.body.maxBytes / 1024 / 1024} MiB.`,
            content: { "application/json": { schema: inputSchema(operation.body.schema) } },
          },
        }
      : {}),
    ...(operation.security ? { security: operation.security } : {}),
    // Every /api/v1 operation is rate-limited (lib/rate-limits/limit-api-request.ts, in the route wrapper); webhooks and probes are not.
    responses: isApiPath(operation.path) ? { ...responses, 429: { $ref: "#/components/responses/TooManyRequests" } } : responses,
  };
}

let built: JsonSchema | undefined;

export function buildOpenApiDocument(): JsonSchema {
  if (built) return built;
  const components = componentSchemas();
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of operations) {
    paths[operation.path] ??= {};
    paths[operation.path]![operation.method] = operationObject(operation, components);
  }
  built = {
    openapi: "3.1.1",
    info: {
      title: "Shiplog API",
      version: "1",
      summary: "What runs where in an Argo CD fleet, and how it got there.",
      description:
        "The read API (`/api/v1`) answers JSON for Shiplog's pages and for automation. Every `/api/v1` call needs a signed-in " +
        "session (the `shiplog.session_token` cookie set at sign-in, `__Secure-shiplog.session_token` over https) or an API token " +
        "(`Authorization: Bearer shiplog_pat_…`, made with POST /api/v1/tokens); without either, or with a revoked or expired token: 401. " +
        "It also needs the role the operation names (else 403); cookie-authenticated state-changing calls must come from Shiplog's own origin. See docs/auth.md. " +
        "Lists are keyset-paged: pass `nextCursor` back as `cursor` until it is null. Dates are ISO 8601 strings, ids numbers. See docs/api.md.",
    },
    tags: [
      { name: "fleet" }, { name: "services" }, { name: "environments" }, { name: "applications" }, { name: "deployments" }, { name: "releases" }, { name: "rollouts" }, { name: "commits" }, { name: "metrics" },
      { name: "rollbacks" }, { name: "promotions" }, { name: "tokens" }, { name: "search" }, { name: "account" }, { name: "ingestion" }, { name: "webhooks" }, { name: "probes" }, { name: "meta" },
    ],
    // Every operation needs a session or an API token unless it says otherwise (probes, this document, webhooks, creating a token).
    security: [{ sessionCookie: [] }, { bearerAuth: [] }],
    paths,
    components: {
      schemas: components,
      responses: Object.fromEntries(
        Object.entries(errorResponses).map(([name, response]) => [
          name,
          {
            description: response.description,
            headers: { "X-Request-Id": requestIdHeader, ...("retryAfter" in response ? { "Retry-After": { $ref: "#/components/headers/RetryAfter" } } : {}) },
            content: { "application/json": { schema: outputSchema(errorResponseSchema, components) } },
          },
        ]),
      ),
      headers: {
        XRequestId: { description: "The request's id: the caller's X-Request-Id when well-formed, else a new UUID.", schema: { type: "string" } },
        RetryAfter: { description: "Seconds to wait before retrying: until the spent rate limit's window ends.", required: true, schema: { type: "integer", minimum: 1 } },
      },
      securitySchemes: {
        sessionCookie: {
          type: "apiKey",
          in: "cookie",
          name: "shiplog.session_token",
          description: "The session cookie Shiplog sets at sign-in (docs/auth.md); named __Secure-shiplog.session_token when served over https.",
        },
        bearerAuth: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "shiplog_pat_… (personal) or shiplog_sat_… (service)",
          description: "An API token from POST /api/v1/tokens (docs/api.md): acts with the role and team it was created with, never beyond its creator's. Pages never accept it.",
        },
        webhookBearer: {
          type: "http",
          scheme: "bearer",
          description: "A token from ARGOCD_WEBHOOK_TOKENS / BUILD_WEBHOOK_TOKENS / DEPLOYER_WEBHOOK_TOKENS or scripts/webhook-token.ts, valid for its own endpoint only.",
        },
      },
    },
  };
  return built;
}
