// The webhook routes, one handler per source: POST /api/webhooks/{github,argocd,build,deployments,gitlab,flux}
// (docs/webhooks.md). Next serves them (app/api/webhooks/*/route.ts) and so does the dedicated
// accept server (webhook-server.ts, `npm run accept`), from this one definition.
// Each authenticates, reads and checks the body, stores it once through the accept path's own
// pg pool (delivery-pool.ts) and answers 202, or 200 for a delivery already stored.
import { getDb } from "../../db/client";
import { config } from "../../env";
import { type RouteHandler, withErrorHandling } from "../../http/with-error-handling";
import { acceptDelivery, deliveryResponse } from "./accept-delivery";
import { authenticateBearer } from "./authenticate-bearer";
import { authenticateFluxRequest, requireFluxSignature } from "./authenticate-flux";
import { authenticateGitlabToken } from "./authenticate-gitlab-token";
import { countDeliveries } from "./count-deliveries";
import { deliveryPool } from "./delivery-pool";
import { parseArgocdDelivery } from "./parse-argocd-delivery";
import { parseBuildDelivery } from "./parse-build-delivery";
import { parseDeployerDelivery } from "./parse-deployer-delivery";
import { parseFluxDelivery } from "./parse-flux-delivery";
import { parseGithubDelivery } from "./parse-github-delivery";
import { parseGitlabDelivery } from "./parse-gitlab-delivery";
import { BODY_LIMITS, readBodyWithLimit, rejectDeclaredOversize } from "./read-body-with-limit";
import { requireGithubSignature, requireGithubSignatureHeader } from "./verify-github-signature";

export type WebhookRoute = "github" | "argocd" | "build" | "deployments" | "gitlab" | "flux";

/** GitHub: the HMAC signature is checked before anything of the body is parsed. */
const github = countDeliveries(
  "GITHUB",
  withErrorHandling(async (request) => {
    const secrets = config().GITHUB_WEBHOOK_SECRET;
    // Refused before a byte of the body is read: no secret configured, no or a malformed signature.
    requireGithubSignatureHeader(secrets, request);
    const body = await readBodyWithLimit(request, BODY_LIMITS.GITHUB);
    const credential = requireGithubSignature(secrets, request, body);
    const delivery = parseGithubDelivery(request, body, credential);
    return deliveryResponse(await acceptDelivery(deliveryPool(), delivery));
  }),
);

/** Argo CD Notifications: a bearer token, then the notification's few fields the key needs. */
const argocd = countDeliveries(
  "ARGOCD",
  withErrorHandling(async (request) => {
    rejectDeclaredOversize(request, BODY_LIMITS.ARGOCD);
    const credential = await authenticateBearer(getDb(), request, "ARGOCD", config().ARGOCD_WEBHOOK_TOKENS);
    const body = await readBodyWithLimit(request, BODY_LIMITS.ARGOCD);
    const delivery = parseArgocdDelivery(request, body, credential);
    return deliveryResponse(await acceptDelivery(deliveryPool(), delivery));
  }),
);

/** CI build reports: a bearer token, then the report validated whole. */
const build = countDeliveries(
  "BUILD",
  withErrorHandling(async (request) => {
    rejectDeclaredOversize(request, BODY_LIMITS.BUILD);
    const credential = await authenticateBearer(getDb(), request, "BUILD", config().BUILD_WEBHOOK_TOKENS);
    const body = await readBodyWithLimit(request, BODY_LIMITS.BUILD);
    const delivery = parseBuildDelivery(request, body, credential);
    return deliveryResponse(await acceptDelivery(deliveryPool(), delivery));
  }),
);

/** Any deployer's deployment events: a bearer token, then the versioned event validated whole. */
const deployments = countDeliveries(
  "DEPLOYER",
  withErrorHandling(async (request) => {
    rejectDeclaredOversize(request, BODY_LIMITS.DEPLOYER);
    const credential = await authenticateBearer(getDb(), request, "DEPLOYER", config().DEPLOYER_WEBHOOK_TOKENS);
    const body = await readBodyWithLimit(request, BODY_LIMITS.DEPLOYER);
    const delivery = parseDeployerDelivery(request, body, credential);
    return deliveryResponse(await acceptDelivery(deliveryPool(), delivery));
  }),
);

/** GitLab: X-Gitlab-Token checked before a byte of the body is read (docs/setup-gitlab.md). */
const gitlab = countDeliveries(
  "GITLAB",
  withErrorHandling(async (request) => {
    rejectDeclaredOversize(request, BODY_LIMITS.GITLAB);
    const credential = await authenticateGitlabToken(getDb(), request, config().GITLAB_WEBHOOK_SECRET);
    const body = await readBodyWithLimit(request, BODY_LIMITS.GITLAB);
    const delivery = parseGitlabDelivery(request, body, credential);
    return deliveryResponse(await acceptDelivery(deliveryPool(), delivery));
  }),
);

/** Flux notification-controller: X-Signature (generic-hmac) over the raw body, or a stored bearer token (docs/setup-flux.md). */
const flux = countDeliveries(
  "FLUX",
  withErrorHandling(async (request) => {
    rejectDeclaredOversize(request, BODY_LIMITS.FLUX);
    const secrets = config().FLUX_WEBHOOK_SECRET;
    // Refused before a byte of the body is read: no credential, a malformed signature, an unknown token.
    const authentication = await authenticateFluxRequest(getDb(), request, secrets);
    const body = await readBodyWithLimit(request, BODY_LIMITS.FLUX);
    const credential = authentication.kind === "signature" ? requireFluxSignature(secrets, request, body) : authentication.credential;
    const delivery = parseFluxDelivery(request, body, credential);
    return deliveryResponse(await acceptDelivery(deliveryPool(), delivery));
  }),
);

export const WEBHOOK_ROUTES: Record<WebhookRoute, RouteHandler<unknown>> = { github, argocd, build, deployments, gitlab, flux };
