// Flux's notification-controller authenticates a delivery one of two ways (docs/setup-flux.md):
// - a `generic-hmac` Provider signs the body: X-Signature: sha256=<hex HMAC-SHA256 of the body>,
//   keyed with its Secret's `token`, which must be one of FLUX_WEBHOOK_SECRET's comma-separated
//   entries (two overlap while rotating). Checked over the exact bytes received, before any
//   parsing, in constant time against every entry.
// - a `generic` Provider whose Secret's `headers` sends `Authorization: Bearer <token>` for a
//   stored Flux token (npm run webhook-token -- create flux <name>): webhook_tokens keep only a
//   token's hash, which cannot key an HMAC, so stored tokens travel as bearer tokens.
// A signature, when present, is what is checked; without one the bearer token is.
import type { DbOrTx } from "../../db/client";
import { AppError } from "../../http/app-error";
import { authenticateBearer, type Credential } from "./authenticate-bearer";
import type { RawBody } from "./read-body-with-limit";
import { verifyGithubSignature } from "./verify-github-signature";
import { withDatabaseDeadline } from "./with-database-deadline";

export const FLUX_SECRET_SETTING = "FLUX_WEBHOOK_SECRET";

const SIGNATURE = /^sha256=[0-9a-f]{64}$/i;

/** How the request asks to be let in, decided from its headers alone (before the body is read). */
export type FluxAuthentication = { kind: "signature" } | { kind: "bearer"; credential: Credential };

export async function authenticateFluxRequest(
  db: Pick<DbOrTx, "webhookToken">,
  request: Request,
  secrets: readonly string[],
): Promise<FluxAuthentication> {
  const signature = request.headers.get("x-signature")?.trim();
  if (signature) {
    if (secrets.length === 0) {
      throw new AppError(
        "not_configured",
        `Flux signed this event (X-Signature) but ${FLUX_SECRET_SETTING} is not set: set it to the token of the generic-hmac Provider's Secret.`,
      );
    }
    if (!SIGNATURE.test(signature)) {
      const algorithm = /^([a-z0-9]+)=/i.exec(signature)?.[1];
      throw new AppError(
        "unauthorized",
        algorithm && algorithm.toLowerCase() !== "sha256"
          ? `X-Signature uses ${algorithm}; Shiplog verifies sha256=<64 hexadecimal digits>, Flux's default.`
          : "X-Signature is not of the form sha256=<64 hexadecimal digits>.",
      );
    }
    return { kind: "signature" };
  }
  if (request.headers.get("authorization")) {
    try {
      return { kind: "bearer", credential: await authenticateBearer(db, request, "FLUX", []) };
    } catch (error) {
      // With FLUX_WEBHOOK_SECRET set, Flux is configured: a token that matches nothing is refused, not "not configured".
      if (error instanceof AppError && error.code === "not_configured" && secrets.length > 0) {
        throw new AppError("unauthorized", `The bearer token is not a live Flux token; signed events use X-Signature with one of ${FLUX_SECRET_SETTING}'s entries.`, {
          headers: { "WWW-Authenticate": 'Bearer realm="shiplog", error="invalid_token"' },
        });
      }
      throw error;
    }
  }
  if (secrets.length > 0) {
    throw new AppError("unauthorized", `X-Signature is missing: use a Provider of type generic-hmac whose Secret's token is one of ${FLUX_SECRET_SETTING}'s entries.`);
  }
  const stored = await withDatabaseDeadline(db.webhookToken.count({ where: { source: "FLUX", revokedAt: null } }));
  if (stored === 0) {
    throw new AppError(
      "not_configured",
      `Flux events are not configured on this Shiplog: set ${FLUX_SECRET_SETTING} to the generic-hmac Provider's token ` +
        "or create a token (npm run webhook-token -- create flux <name>).",
    );
  }
  throw new AppError("unauthorized", "Neither X-Signature nor Authorization: Bearer <token> is set: see docs/setup-flux.md for the Provider's Secret.", {
    headers: { "WWW-Authenticate": 'Bearer realm="shiplog"' },
  });
}

/** After the body is read: the signature must match it under one of the secrets. */
export function requireFluxSignature(secrets: readonly string[], request: Request, body: RawBody): Credential {
  const index = verifyGithubSignature(secrets, body.bytes, request.headers.get("x-signature"));
  if (index === undefined) throw new AppError("unauthorized", `X-Signature does not match the body under any entry of ${FLUX_SECRET_SETTING}.`);
  return { label: `${FLUX_SECRET_SETTING}[${index}]` };
}
