// Stored deliveries for worker tests, inserted straight into webhook_deliveries as the accept
// path stores them (raw body text, ordering key), so processing is tested on its own.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { getDb } from "../../lib/db/client";
import { fluxClusterOf } from "../../lib/flux/flux-event";
import type { DeliverySource } from "../../lib/generated/prisma/enums";
import type { WorkerLog } from "../../lib/ingest/queue/apply-delivery";
import { fixturesDir, githubExample } from "./github-examples";

export { fixturesDir } from "./github-examples";

export type Json = Record<string, any>;

/** One of GitHub's payload examples (tests/support/github-examples.ts), a fresh copy. */
export async function githubFixture(file: string): Promise<Json> {
  return githubExample(file);
}

/** The real Application object (application-real.yaml), as `{{toJson .app}}` renders it. */
export async function argocdFixture(): Promise<Json> {
  return parseYaml(await readFile(path.join(fixturesDir, "argocd/application-real.yaml"), "utf8")) as Json;
}

export type NewDelivery = {
  source: DeliverySource;
  event: string;
  body: string | Json;
  orderingKey?: string | null;
  deliveryId?: string;
  receivedAt?: Date;
};

/** Stores one delivery as PENDING; ordering key as the accept path derives it unless given. */
export async function insertDelivery(delivery: NewDelivery) {
  const body = typeof delivery.body === "string" ? delivery.body : JSON.stringify(delivery.body);
  return getDb().webhookDelivery.create({
    data: {
      source: delivery.source,
      deliveryId: delivery.deliveryId ?? randomUUID(),
      event: delivery.event,
      orderingKey: delivery.orderingKey === undefined ? orderingKeyOf(delivery.source, body) : delivery.orderingKey,
      body,
      ...(delivery.receivedAt ? { receivedAt: delivery.receivedAt } : {}),
    },
  });
}

function orderingKeyOf(source: DeliverySource, body: string): string | null {
  const json = JSON.parse(body) as Json;
  if (source === "ARGOCD") return `${json.instance}/${json.app.metadata.namespace}/${json.app.metadata.name}`;
  if (source === "BUILD") return json.repository ?? null;
  if (source === "DEPLOYER") return json.service ?? null;
  if (source === "FLUX") {
    const { kind, namespace, name } = json.involvedObject;
    return `${fluxClusterOf(json, "flux")}/${kind}/${namespace}/${name}`;
  }
  return json.repository?.full_name ?? null;
}

/** An Argo CD notification body around an Application object. */
export const argocdNotification = (app: Json, event = "on-deployed", instance = "argocd") => ({ event, instance, app });

/** A log that keeps lines for assertions instead of printing them. */
export function quietLog(): WorkerLog & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (line) => lines.push(line), warn: (line) => lines.push(line), error: (line) => lines.push(line) };
}

export const deliveries = () => getDb().webhookDelivery.findMany({ orderBy: { id: "asc" } });

/** Empties webhook_deliveries and every projection, for a test that starts from nothing. */
export async function resetAll(): Promise<void> {
  // CASCADE: tables outside the fleet model may refer to teams (team-scoped role grants).
  await getDb().$executeRaw`
    TRUNCATE webhook_deliveries, deployment_events, release_commits, pull_request_commits, rollback_transitions, rollbacks,
      deployments, applications, releases, builds, commits, pull_requests, clusters, argo_instances, environments, services, teams,
      argo_rollouts
    CASCADE`;
}

// PostgreSQL text cannot hold NUL: a commit message the database refuses every time.
export const POISON_MESSAGE = "fix \u0000 everything";

/**
 * A push of one commit to `repository` (its ordering key), the `index`-th of a chain, built
 * from `template` (GitHub's push/with-new-branch example); `message` may poison it.
 */
export function pushOfOneCommit(template: Json, repository: string, index: number, message: string): Json {
  const body = structuredClone(template);
  const id = (index + 1).toString(16).padStart(40, "0");
  body.repository.full_name = repository;
  body.before = index.toString(16).padStart(40, "0");
  body.after = id;
  body.created = false;
  body.commits = [{ ...body.commits[0], id, message }];
  return body;
}
