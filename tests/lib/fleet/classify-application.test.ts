import { describe, expect, it } from "vitest";
import {
  classifyApplication,
  defaultClassificationRules,
  environmentTraits,
  UNKNOWN_ENVIRONMENT,
} from "@/lib/fleet/classify-application";
import { applicationSnapshot, realApplicationSnapshot } from "../../support/snapshot-builder";

describe("classifyApplication on the real fixture", () => {
  it("takes the service from the ApplicationSet, the environment from the name and the cluster from the destination name", () => {
    expect(classifyApplication(realApplicationSnapshot)).toEqual({
      service: "velero",
      team: undefined,
      repository: undefined,
      tier: undefined,
      environment: "test",
      cluster: {
        server: "name:gke-alpha-01-europe-west1",
        name: "gke-alpha-01-europe-west1",
        region: undefined,
        provider: undefined,
      },
    });
  });
});

describe("classifyApplication: labels first", () => {
  const labelled = applicationSnapshot({
    name: "payments-api-prod-eu1",
    applicationSet: "payments",
    labels: {
      "shiplog.io/service": "ledger",
      "app.kubernetes.io/part-of": "payments-platform",
      "shiplog.io/team": "payments",
      team: "someone-else",
      "shiplog.io/environment": "Production",
      env: "staging",
      "shiplog.io/region": "europe-west1",
      "shiplog.io/provider": "gcp",
      "shiplog.io/repository": "acme.ledger-service",
      "shiplog.io/tier": "1",
    },
  });

  it("reads each fact from the first label of its list that is set, before any inference", () => {
    const classification = classifyApplication(labelled);
    expect(classification.service).toBe("ledger");
    expect(classification.team).toBe("payments");
    expect(classification.environment).toBe("production");
    expect(classification.cluster.region).toBe("europe-west1");
    expect(classification.cluster.provider).toBe("gcp");
    expect(classification.tier).toBe(1);
  });

  it("turns the repository label's first dot into the owner/name slash (label values cannot hold '/')", () => {
    expect(classifyApplication(labelled).repository).toBe("acme/ledger-service");
    // Owners cannot contain dots, repository names can.
    const dotted = applicationSnapshot({ labels: { "shiplog.io/repository": "acme.ledger.api" } });
    expect(classifyApplication(dotted).repository).toBe("acme/ledger.api");
  });

  it("skips blank labels and falls through to the next key", () => {
    const blank = applicationSnapshot({ labels: { "shiplog.io/service": "  ", "app.kubernetes.io/name": "ledger", team: " ", owner: "payments" } });
    const classification = classifyApplication(blank);
    expect(classification.service).toBe("ledger");
    expect(classification.team).toBe("payments");
  });

  it("trims label values", () => {
    expect(classifyApplication(applicationSnapshot({ labels: { app: " ledger " } })).service).toBe("ledger");
  });

  it.each([
    ["1", 1],
    ["tier-1", 1],
    ["Tier3", 3],
    ["0", 0],
    ["critical", undefined],
    ["", undefined],
  ])("reads tier label %j as %j", (value, tier) => {
    expect(classifyApplication(applicationSnapshot({ labels: { tier: value } })).tier).toBe(tier);
  });

  it("uses custom rules when given", () => {
    const rules = { ...defaultClassificationRules, providerLabels: ["cloud_provider"], serviceLabels: ["service_class"] };
    const classification = classifyApplication(realApplicationSnapshot, rules);
    expect(classification.cluster.provider).toBe("gcp");
    expect(classification.service).toBe("alpha");
  });
});

describe("classifyApplication: inference without labels", () => {
  const unlabelled = (name: string, extra: Parameters<typeof applicationSnapshot>[0] = {}) =>
    classifyApplication(applicationSnapshot({ name, labels: {}, applicationSet: undefined, destination: { name: "gke-1", namespace: "apps" }, ...extra }));

  it.each([
    ["payments-api-prod", "payments-api", "prod"],
    ["payments-api-prod-eu1", "payments-api", "prod"],
    ["payments-api-staging", "payments-api", "staging"],
    ["search-preprod", "search", "preprod"],
    ["Search-QA", "Search", "qa"],
  ])("%s → service %s in %s", (name, service, environment) => {
    const classification = unlabelled(name);
    expect(classification.service).toBe(service);
    expect(classification.environment).toBe(environment);
  });

  it("finds the environment in the destination namespace when the name has none", () => {
    const classification = unlabelled("payments-api", { destination: { name: "gke-1", namespace: "payments-staging" } });
    expect(classification).toMatchObject({ service: "payments-api", environment: "staging" });
  });

  it("prefers the name's environment to the namespace's", () => {
    expect(unlabelled("payments-dev", { destination: { name: "gke-1", namespace: "shared-prod" } }).environment).toBe("dev");
  });

  it("says unknown when nothing names an environment, and keeps the whole name as the service", () => {
    expect(unlabelled("payments-api")).toMatchObject({ service: "payments-api", environment: UNKNOWN_ENVIRONMENT });
  });

  it("does not take a word that merely contains an environment name", () => {
    expect(unlabelled("productivity-tools").environment).toBe(UNKNOWN_ENVIRONMENT);
    expect(unlabelled("devices-api").environment).toBe(UNKNOWN_ENVIRONMENT);
  });

  it("names the service after the owning ApplicationSet, minus its environment", () => {
    expect(unlabelled("velero-test", { applicationSet: "velero" }).service).toBe("velero");
    expect(unlabelled("payments-prod-eu1", { applicationSet: "payments-prod" })).toMatchObject({ service: "payments", environment: "prod" });
  });

  it("gives every application of one ApplicationSet the same service across environments", () => {
    const services = ["payments-api-dev", "payments-api-staging", "payments-api-prod-eu1"].map(
      (name) => unlabelled(name, { applicationSet: "payments-api" }).service,
    );
    expect(new Set(services)).toEqual(new Set(["payments-api"]));
  });
});

describe("classifyApplication: clusters", () => {
  const cluster = (destination: { server?: string; name?: string }, labels: Record<string, string> = {}) =>
    classifyApplication(applicationSnapshot({ destination: { ...destination, namespace: "apps" }, labels })).cluster;

  it("names the local cluster in-cluster", () => {
    expect(cluster({ server: "https://kubernetes.default.svc" })).toEqual({
      server: "https://kubernetes.default.svc",
      name: "in-cluster",
      region: undefined,
      provider: undefined,
    });
  });

  it("uses the server's host as the name of a remote cluster given by URL", () => {
    expect(cluster({ server: "https://10.12.0.4:6443" })).toMatchObject({ server: "https://10.12.0.4:6443", name: "10.12.0.4" });
    expect(cluster({ server: "https://prod-eu.k8s.acme.internal" }).name).toBe("prod-eu.k8s.acme.internal");
  });

  it("prefers the destination name, and keys a name-only destination by that name", () => {
    expect(cluster({ server: "https://10.12.0.4:6443", name: "prod-eu" })).toMatchObject({ server: "https://10.12.0.4:6443", name: "prod-eu" });
    expect(cluster({ name: "prod-eu" })).toMatchObject({ server: "name:prod-eu", name: "prod-eu" });
  });

  it("keeps a server that is not a URL as its name", () => {
    expect(cluster({ server: "prod-eu" }).name).toBe("prod-eu");
  });

  it("reads region and provider labels", () => {
    expect(cluster({ name: "prod-eu" }, { "topology.kubernetes.io/region": "eu-west-1", cloud: "aws" })).toMatchObject({
      region: "eu-west-1",
      provider: "aws",
    });
  });
});

describe("environmentTraits", () => {
  it("orders dev before staging before production, and marks only production as production", () => {
    const [dev, staging, prod, production, custom] = ["dev", "staging", "prod", "production", "sandbox"].map(environmentTraits);
    expect(dev!.rank).toBeLessThan(staging!.rank);
    expect(staging!.rank).toBeLessThan(prod!.rank);
    expect(prod!.rank).toBe(production!.rank);
    expect(custom!.rank).toBeGreaterThan(prod!.rank);
    expect([dev, staging, prod, production, custom].map((traits) => traits!.isProduction)).toEqual([false, false, true, true, false]);
  });
});
