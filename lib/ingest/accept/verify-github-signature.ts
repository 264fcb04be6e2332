// GitHub signs each delivery with HMAC-SHA256 of the raw body under the webhook secret
// (X-Hub-Signature-256: sha256=<hex>). Verified over the exact bytes received, before any
// parsing, in constant time, against every configured secret so two overlap while rotating.
import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "../../http/app-error";
import type { RawBody } from "./read-body-with-limit";
import type { Credential } from "./authenticate-bearer";

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** The X-Hub-Signature-256 value GitHub sends for `body` under `secret`. */
export function signGithubPayload(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Index of the secret that signed `body`, or undefined when none did (or the header is malformed). */
export function verifyGithubSignature(secrets: readonly string[], body: Buffer, signatureHeader: string | null): number | undefined {
  const presented = SIGNATURE.exec(signatureHeader?.trim() ?? "")?.[1];
  if (!presented) return undefined;
  const given = Buffer.from(presented.toLowerCase(), "hex");
  let match: number | undefined;
  // Every secret is tried, so the time taken does not say which one (if any) matched.
  secrets.forEach((secret, index) => {
    const expected = createHmac("sha256", secret).update(body).digest();
    if (timingSafeEqual(expected, given) && match === undefined) match = index;
  });
  return match;
}

/**
 * Before the body is read: 503 when no secret is configured, 401 when X-Hub-Signature-256 is
 * missing or not `sha256=<64 hex>`. An unsigned request never makes Shiplog read (and hold) up to
 * 25 MiB; only a well-formed signature header earns that.
 */
export function requireGithubSignatureHeader(secrets: readonly string[], request: Request): void {
  if (secrets.length === 0) {
    throw new AppError(
      "not_configured",
      "GitHub webhooks are not configured on this Shiplog: set GITHUB_WEBHOOK_SECRET to the webhook's secret.",
    );
  }
  const signature = request.headers.get("x-hub-signature-256");
  if (!signature) {
    throw new AppError("unauthorized", "X-Hub-Signature-256 is missing: set a secret on the GitHub webhook (the same as GITHUB_WEBHOOK_SECRET).");
  }
  if (!SIGNATURE.test(signature.trim())) {
    throw new AppError("unauthorized", "X-Hub-Signature-256 is not of the form sha256=<64 hexadecimal digits>.");
  }
}

/** Throws as requireGithubSignatureHeader does, then 401 when the signature does not match the body. */
export function requireGithubSignature(secrets: readonly string[], request: Request, body: RawBody): Credential {
  requireGithubSignatureHeader(secrets, request);
  const index = verifyGithubSignature(secrets, body.bytes, request.headers.get("x-hub-signature-256"));
  if (index === undefined) {
    throw new AppError("unauthorized", "X-Hub-Signature-256 does not match the body under any configured secret.");
  }
  return { label: `GITHUB_WEBHOOK_SECRET[${index}]` };
}
