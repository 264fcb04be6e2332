// Flux notification-controller's published event examples (tests/fixtures/flux, README there names
// the source), copies varied in code, and requests as a generic-hmac Provider sends them:
// X-Signature: sha256=<hex HMAC-SHA256 of the body under the Provider Secret's token>.
import { readFileSync } from "node:fs";
import path from "node:path";
import { signGithubPayload } from "../../lib/ingest/accept/verify-github-signature";
import { fixturesDir } from "./github-examples";

export type FluxExample = "kustomization-validation-failed" | "generic-provider";

export function fluxExampleText(name: FluxExample): string {
  return readFileSync(path.join(fixturesDir, "flux", `${name}.json`), "utf8");
}

type FluxEventOverrides = {
  kind?: string;
  name?: string;
  namespace?: string;
  uid?: string;
  severity?: "info" | "error";
  reason?: string;
  message?: string;
  timestamp?: string;
  /** metadata as notification-controller forwards it: group prefix stripped, the Alert's eventMetadata added. */
  metadata?: Record<string, string>;
  reportingController?: string;
};

/** A copy of the published Kustomization example with the given fields changed. */
export function fluxEvent(overrides: FluxEventOverrides = {}): Record<string, any> {
  const event = JSON.parse(fluxExampleText("generic-provider")) as Record<string, any>;
  const kind = overrides.kind ?? event.involvedObject.kind;
  event.involvedObject = {
    ...event.involvedObject,
    kind,
    apiVersion: kind === "HelmRelease" ? "helm.toolkit.fluxcd.io/v2" : event.involvedObject.apiVersion,
    ...(overrides.name === undefined ? {} : { name: overrides.name }),
    ...(overrides.namespace === undefined ? {} : { namespace: overrides.namespace }),
    ...(overrides.uid === undefined ? {} : { uid: overrides.uid }),
  };
  for (const field of ["severity", "reason", "message", "timestamp", "metadata", "reportingController"] as const) {
    if (overrides[field] !== undefined) event[field] = overrides[field];
  }
  return event;
}

type FluxRequestOptions = {
  /** Token to sign with (X-Signature); left out when null. */
  secret?: string | null;
  signature?: string;
  bearer?: string;
  headers?: Record<string, string>;
};

export function signFluxBody(secret: string, body: string | Buffer): string {
  // The same sha256=<hex> HMAC GitHub uses; Flux sends it in X-Signature.
  return signGithubPayload(secret, body);
}

export function fluxRequest(body: string | Buffer, options: FluxRequestOptions = {}): Request {
  const headers = new Headers({ "content-type": "application/json", "user-agent": "Go-http-client/1.1", "gotk-component": "kustomize-controller" });
  const secret = options.secret === undefined ? "flux-secret-new" : options.secret;
  if (options.signature !== undefined) headers.set("x-signature", options.signature);
  else if (secret !== null) headers.set("x-signature", signFluxBody(secret, body));
  if (options.bearer !== undefined) headers.set("authorization", `Bearer ${options.bearer}`);
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  return new Request("http://shiplog.test/api/webhooks/flux", { method: "POST", headers, body: new Uint8Array(Buffer.from(body)) });
}
