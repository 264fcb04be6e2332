// Decides which service, team, environment and cluster an Argo CD application belongs to.
// Rules read labels first (explicit beats inferred), then the owning ApplicationSet and the
// destination, then naming conventions; every application gets an answer.
import { z } from "zod";
import type { ApplicationSnapshot } from "../argocd/application-snapshot";

export type Classification = {
  service: string;
  team?: string;
  /** GitHub "owner/name" of the service's code, from a label (build reports also set it). */
  repository?: string;
  tier?: number;
  environment: string;
  cluster: { server: string; name: string; region?: string; provider?: string };
};

const labelList = z.array(z.string().min(1)).min(1);

/** What an operator may override (SHIPLOG_CLASSIFICATION_RULES); each list replaces the default. */
export const classificationRulesSchema = z.strictObject({
  serviceLabels: labelList,
  teamLabels: labelList,
  environmentLabels: labelList,
  regionLabels: labelList,
  providerLabels: labelList,
  repositoryLabels: labelList,
  tierLabels: labelList,
  /** Labels naming the directories of a monorepo that are the service's code (lib/fleet/application-paths.ts). */
  pathsLabels: labelList,
  /** Environment names recognised as a suffix or prefix of application and namespace names. */
  knownEnvironments: labelList,
});

export type ClassificationRules = z.infer<typeof classificationRulesSchema>;

export const defaultClassificationRules: ClassificationRules = {
  serviceLabels: ["shiplog.io/service", "app.kubernetes.io/part-of", "app.kubernetes.io/name", "app"],
  teamLabels: ["shiplog.io/team", "team", "owner"],
  environmentLabels: ["shiplog.io/environment", "environment", "env"],
  regionLabels: ["shiplog.io/region", "topology.kubernetes.io/region", "region"],
  providerLabels: ["shiplog.io/provider", "provider", "cloud"],
  repositoryLabels: ["shiplog.io/repository"],
  tierLabels: ["shiplog.io/tier", "tier"],
  pathsLabels: ["shiplog.io/paths"],
  knownEnvironments: ["production", "prod", "preprod", "staging", "stage", "qa", "test", "dev", "development"],
};

export const UNKNOWN_ENVIRONMENT = "unknown";

function firstLabel(labels: Record<string, string>, keys: string[]): string | undefined {
  for (const key of keys) {
    const value = labels[key]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** `payments-api-prod-eu1` → finds `prod` as a dash-separated part. */
function environmentInName(name: string | undefined, known: string[]): string | undefined {
  if (!name) return undefined;
  const parts = name.toLowerCase().split(/[-_.]/);
  return known.find((environment) => parts.includes(environment));
}

function stripEnvironment(name: string, environment: string): string {
  const parts = name.split("-");
  const index = parts.findIndex((part) => part.toLowerCase() === environment);
  return index < 0 ? name : parts.slice(0, index).join("-") || name;
}

export function classifyApplication(
  snapshot: ApplicationSnapshot,
  rules: ClassificationRules = defaultClassificationRules,
): Classification {
  const labels = snapshot.labels;
  const environment = (
    firstLabel(labels, rules.environmentLabels) ??
    environmentInName(snapshot.name, rules.knownEnvironments) ??
    environmentInName(snapshot.destination.namespace, rules.knownEnvironments) ??
    UNKNOWN_ENVIRONMENT
  ).toLowerCase();

  const service =
    firstLabel(labels, rules.serviceLabels) ??
    (snapshot.applicationSet ? stripEnvironment(snapshot.applicationSet, environment) : undefined) ??
    stripEnvironment(snapshot.name, environment);

  const server = snapshot.destination.server ?? `name:${snapshot.destination.name ?? "in-cluster"}`;
  const clusterName =
    snapshot.destination.name ??
    (server === "https://kubernetes.default.svc" ? "in-cluster" : hostOf(server));

  const tier = Number.parseInt(firstLabel(labels, rules.tierLabels)?.replace(/^tier-?/i, "") ?? "", 10);
  return {
    service,
    team: firstLabel(labels, rules.teamLabels),
    // Label values cannot hold "/", so "acme.payments-api" stands for "acme/payments-api".
    repository: firstLabel(labels, rules.repositoryLabels)?.replace(".", "/"),
    tier: Number.isFinite(tier) ? tier : undefined,
    environment,
    cluster: {
      server,
      name: clusterName,
      region: firstLabel(labels, rules.regionLabels),
      provider: firstLabel(labels, rules.providerLabels),
    },
  };
}

function hostOf(server: string): string {
  try {
    return new URL(server).hostname;
  } catch {
    // Not a URL (a bare name): use it as it is.
    return server;
  }
}

/** Display order and production flag for an environment name. */
export function environmentTraits(name: string): { rank: number; isProduction: boolean } {
  const ranks: Record<string, number> = {
    dev: 10, development: 10, test: 15, qa: 15, stage: 20, staging: 20, preprod: 25, prod: 30, production: 30,
  };
  return { rank: ranks[name] ?? 100, isProduction: name === "prod" || name === "production" };
}
