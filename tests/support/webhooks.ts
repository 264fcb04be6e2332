// Builders for webhook requests as real senders make them, the real payloads they carry, and
// readers for what the accept path stored.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { getDb } from "../../lib/db/client";
import type { DeliverySource } from "../../lib/generated/prisma/enums";
import { signGithubPayload } from "../../lib/ingest/accept/verify-github-signature";
import { fixturesDir, githubExamples, type GithubFixture } from "./github-examples";

export { fixturesDir, type GithubFixture } from "./github-examples";

/** Every GitHub payload example the tests use, with its event name (tests/support/github-examples.ts). */
export async function githubFixtures(): Promise<GithubFixture[]> {
  return githubExamples();
}

/** The real Application object of the fixtures, as `{{toJson .app}}` renders it. */
export async function argocdApplication(): Promise<Record<string, unknown>> {
  return parseYaml(await readFile(path.join(fixturesDir, "argocd/application-real.yaml"), "utf8")) as Record<string, unknown>;
}

let copies = 0;

/**
 * The payload again as a byte-distinct body (the same JSON, trailing whitespace): a signed body
 * is stored once however many delivery ids it comes under, so a test sending a fixture another
 * test already sent to the same database sends its own copy.
 */
export function distinctCopy(text: string): string {
  copies += 1;
  return `${text}${" ".repeat(copies)}`;
}

export function argocdBody(app: unknown, overrides: { event?: string; instance?: string } = {}): string {
  return JSON.stringify({ event: overrides.event ?? "on-deployed", instance: overrides.instance ?? "prod-eu", app });
}

type GithubOptions = {
  event?: string;
  delivery?: string;
  /** Secret to sign with; the signature header is left out when null. */
  secret?: string | null;
  signature?: string;
  headers?: Record<string, string>;
};

export function githubRequest(body: string | Buffer, options: GithubOptions = {}): Request {
  const headers = new Headers({
    "content-type": "application/json",
    "user-agent": "GitHub-Hookshot/abc123",
    "x-github-event": options.event ?? "push",
    "x-github-delivery": options.delivery ?? randomUUID(),
    "x-github-hook-id": "123456",
  });
  const secret = options.secret === undefined ? "github-secret-new" : options.secret;
  if (options.signature !== undefined) headers.set("x-hub-signature-256", options.signature);
  else if (secret !== null) headers.set("x-hub-signature-256", signGithubPayload(secret, body));
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  return new Request("http://shiplog.test/api/webhooks/github", { method: "POST", headers, body: new Uint8Array(Buffer.from(body)) });
}

export function bearerRequest(source: "argocd" | "build" | "deployments", body: string | Buffer, token: string | null, headers: Record<string, string> = {}): Request {
  const all = new Headers({ "content-type": "application/json", "user-agent": "argocd-notifications-controller", ...headers });
  if (token !== null) all.set("authorization", `Bearer ${token}`);
  return new Request(`http://shiplog.test/api/webhooks/${source}`, { method: "POST", headers: all, body: new Uint8Array(Buffer.from(body)) });
}

export function storedDeliveries(source: DeliverySource, deliveryId?: string) {
  return getDb().webhookDelivery.findMany({ where: { source, ...(deliveryId === undefined ? {} : { deliveryId }) }, orderBy: { id: "asc" } });
}

export const countDeliveries = () => getDb().webhookDelivery.count();

/**
 * Opens the process-wide client before the first timed request: its first query loads Prisma's
 * query compiler, which on a busy test machine can exceed the accept path's 1.5 s database
 * deadline. Deployed servers are warmed the same way by their readiness probe (/api/ready).
 */
export async function warmDatabase(): Promise<void> {
  await getDb().$queryRaw`SELECT 1`;
}
