// The request headers kept with a stored delivery: what processing or an operator may need
// later, by allowlist, so credentials (Authorization, cookies, X-Gitlab-Token) and proxy noise
// never reach the database. The credential that let the delivery in is recorded by its label, never its value.
import type { Credential } from "./authenticate-bearer";

const KEPT = [/^content-type$/, /^user-agent$/, /^idempotency-key$/, /^x-request-id$/, /^x-github-/, /^x-hub-signature-256$/, /^x-gitlab-(?!token$)/, /^gotk-component$/, /^x-signature$/];

export const AUTHENTICATED_BY_HEADER = "x-shiplog-authenticated-by";

export function pickDeliveryHeaders(headers: Headers, credential: Credential): Record<string, string> {
  const kept: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (KEPT.some((pattern) => pattern.test(name))) kept[name] = value;
  });
  kept[AUTHENTICATED_BY_HEADER] = credential.label;
  return kept;
}
