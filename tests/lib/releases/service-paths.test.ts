// Where a monorepo service's paths come from (lib/fleet/application-paths.ts) and how its
// applications' answers combine (lib/fleet/record-service-paths.ts): the union over its live
// applications, from their rows, so the order snapshots arrived in decides nothing.
import { beforeEach, describe, expect, it } from "vitest";
import { recordApplicationSnapshot } from "@/lib/applications/record-application-snapshot";
import type { ApplicationSnapshot } from "@/lib/argocd/application-snapshot";
import { getDb } from "@/lib/db/client";
import { applicationPaths, MANIFEST_GENERATE_PATHS, repositoryOfUrl } from "@/lib/fleet/application-paths";
import { defaultClassificationRules } from "@/lib/fleet/classify-application";
import { FleetDirectory } from "@/lib/fleet/fleet-directory";
import { recordServicePaths } from "@/lib/fleet/record-service-paths";
import { resetAll } from "../../support/deliveries";
import { applicationSnapshot } from "../../support/snapshot-builder";

const rules = defaultClassificationRules;
const mono = "https://github.com/acme/mono.git";

describe("applicationPaths", () => {
  it("reads Argo CD's manifest-generate-paths annotation, relative to the source path or from the root", () => {
    const manifestGeneratePaths = ".;../../libs/money;/proto";
    expect(applicationPaths({ labels: {}, manifestGeneratePaths, repoUrl: mono, path: "services/checkout" }, "acme/mono", rules)).toEqual([
      "libs/money",
      "proto",
      "services/checkout",
    ]);
  });

  it("reads the shiplog.io/paths label: '.' stands for '/', '__' separates paths", () => {
    expect(applicationPaths({ labels: { "shiplog.io/paths": "services.checkout__libs.money" }, repoUrl: null, path: null }, "acme/mono", rules)).toEqual([
      "libs/money",
      "services/checkout",
    ]);
  });

  it("takes the source path only when the source repository is the service's", () => {
    expect(applicationPaths({ labels: {}, repoUrl: mono, path: "svc-b/" }, "Acme/Mono", rules)).toEqual(["svc-b"]);
    expect(applicationPaths({ labels: {}, repoUrl: "git@github.com:acme/mono.git", path: "./svc-b" }, "acme/mono", rules)).toEqual(["svc-b"]);
    expect(applicationPaths({ labels: {}, repoUrl: "https://github.com/acme/config.git", path: "svc-b" }, "acme/mono", rules)).toBeNull();
    // The repository root narrows nothing.
    expect(applicationPaths({ labels: {}, repoUrl: mono, path: "." }, "acme/mono", rules)).toBeNull();
    expect(repositoryOfUrl("ssh://git@github.com/acme/mono")).toBe("acme/mono");
  });
});

describe("recordServicePaths", () => {
  const db = getDb();
  beforeEach(resetAll);

  const snapshot = (name: string, observedAt: string, overrides: Partial<ApplicationSnapshot>): ApplicationSnapshot =>
    applicationSnapshot({
      name,
      operation: undefined,
      latestHistory: undefined,
      images: [],
      observedAt: new Date(observedAt),
      destination: { name: name, server: `https://${name}.example`, namespace: "checkout" },
      manifestGeneratePaths: undefined,
      ...overrides,
      labels: { "app.kubernetes.io/part-of": "checkout", "shiplog.io/repository": "acme.mono", ...overrides.labels },
    });
  // Two applications of one service from different directories; the first changes its path later.
  const observations = [
    snapshot("checkout-staging", "2026-11-01T10:00:00Z", { source: { repoUrl: mono, path: "services/checkout-old" } }),
    snapshot("checkout-staging", "2026-11-01T11:00:00Z", { source: { repoUrl: mono, path: "services/checkout" } }),
    snapshot("checkout-prod", "2026-11-01T10:30:00Z", { labels: { "shiplog.io/paths": "libs.money" } }),
  ];

  async function record(order: number[]): Promise<string[] | null> {
    await resetAll();
    const directory = new FleetDirectory();
    for (const index of order) {
      await db.$transaction((tx) => recordApplicationSnapshot(tx, directory, observations[index]!));
      const { id } = await db.service.findUniqueOrThrow({ where: { name: "checkout" } });
      await recordServicePaths(db, id, rules);
    }
    return (await db.service.findUniqueOrThrow({ where: { name: "checkout" } })).paths as string[] | null;
  }

  it("is the union of what its applications' newest snapshots name, in any arrival order", async () => {
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 0, 2], [1, 2, 0]]) {
      expect(await record(order), order.join(",")).toEqual(["libs/money", "services/checkout"]);
    }
  });

  it("follows the manifest-generate-paths annotation an Argo CD snapshot carries, over the source path", async () => {
    await resetAll();
    const annotated = snapshot("checkout-dev", "2026-11-01T10:00:00Z", {
      source: { repoUrl: mono, path: "services/checkout/deploy" },
      manifestGeneratePaths: "..;/libs/money",
    });
    // Recording the snapshot records the paths: no separate call.
    await db.$transaction((tx) => recordApplicationSnapshot(tx, new FleetDirectory(), annotated));
    expect((await db.service.findUniqueOrThrow({ where: { name: "checkout" } })).paths).toEqual(["libs/money", "services/checkout"]);
    // A newer snapshot without the annotation falls back to the source path.
    const plain = snapshot("checkout-dev", "2026-11-01T11:00:00Z", { source: { repoUrl: mono, path: "services/checkout/deploy" } });
    await db.$transaction((tx) => recordApplicationSnapshot(tx, new FleetDirectory(), plain));
    expect((await db.service.findUniqueOrThrow({ where: { name: "checkout" } })).paths).toEqual(["services/checkout/deploy"]);
    expect(MANIFEST_GENERATE_PATHS).toBe("argocd.argoproj.io/manifest-generate-paths");
  });

  it("is null when no application names paths", async () => {
    await db.$transaction((tx) => recordApplicationSnapshot(tx, new FleetDirectory(), snapshot("other", "2026-11-01T10:00:00Z", { labels: { "app.kubernetes.io/part-of": "other" } })));
    const { id } = await db.service.findUniqueOrThrow({ where: { name: "other" } });
    expect(await recordServicePaths(db, id, rules)).toEqual({ paths: null, changed: false });
  });
});
