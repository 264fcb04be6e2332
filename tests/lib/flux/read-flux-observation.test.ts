// What a Flux event means in Shiplog's model, decided without a database, on the published
// examples (tests/fixtures/flux) and copies varied as kustomize-controller and helm-controller vary them.
import { describe, expect, it } from "vitest";
import { defaultClassificationRules } from "@/lib/fleet/classify-application";
import { fluxClusterOf, fluxEventSchema, fluxLabels, parseFluxRevision } from "@/lib/flux/flux-event";
import { readFluxObservation } from "@/lib/flux/read-flux-observation";
import { fluxReleaseVersion } from "@/lib/deployments/record-flux-deployment";
import { fluxEvent, fluxExampleText } from "../../support/flux-examples";

const SHA = "731f7eaddfb6af01cb2173e18f0f75b0ba780ef1";
const options = { defaultCluster: "flux", rules: defaultClassificationRules };
const read = (event: unknown) => readFluxObservation(fluxEventSchema.parse(event), options);

describe("parseFluxRevision", () => {
  it.each([
    ["main@sha1:" + SHA, SHA, "main"],
    ["v1.4.2@sha1:" + SHA.toUpperCase(), SHA, "v1.4.2"],
    ["sha1:" + SHA, SHA, null],
    ["main/" + SHA, SHA, "main"],
    ["release/2026/" + SHA, SHA, "release/2026"],
    ["6.5.4", null, null],
    ["6.5.4@sha256:" + "ab".repeat(32), null, "6.5.4"],
  ])("%s → commit %s on %s", (raw, sha, ref) => {
    expect(parseFluxRevision(raw)).toEqual({ raw, sha, ref });
  });
});

describe("readFluxObservation", () => {
  it("reads the published error example as a failed deployment of its revision, on the default cluster", () => {
    for (const name of ["kustomization-validation-failed", "generic-provider"] as const) {
      const observation = read(JSON.parse(fluxExampleText(name)));
      expect(observation).toMatchObject({
        kind: "deployment",
        applicationName: "kustomization/webapp",
        objectKind: "Kustomization",
        namespace: "apps",
        cluster: "flux",
        revision: { sha: SHA, ref: "main" },
        phase: "FAILED",
        reason: "ValidationFailed",
        at: new Date("2022-10-28T07:26:19Z"),
      });
      // No labels: the service is the object's name, the environment unknown.
      expect(observation.kind === "deployment" && observation.classification).toMatchObject({ service: "webapp", environment: "unknown" });
    }
  });

  it("maps reasons: success reasons succeed, Progressing runs, any error fails, others and source errors are left alone", () => {
    const phase = (overrides: Parameters<typeof fluxEvent>[0]) => {
      const observation = read(fluxEvent(overrides));
      return observation.kind === "deployment" ? observation.phase : `ignored: ${observation.reason}`;
    };
    expect(phase({ severity: "info", reason: "ReconciliationSucceeded" })).toBe("SUCCEEDED");
    expect(phase({ severity: "info", reason: "Progressing" })).toBe("RUNNING");
    expect(phase({ severity: "error", reason: "HealthCheckFailed" })).toBe("FAILED");
    expect(phase({ severity: "error", reason: "ReconciliationFailed" })).toBe("FAILED");
    expect(phase({ kind: "HelmRelease", severity: "info", reason: "UpgradeSucceeded", metadata: { revision: "6.5.4" } })).toBe("SUCCEEDED");
    expect(phase({ kind: "HelmRelease", severity: "error", reason: "UpgradeFailed", metadata: { revision: "6.5.4" } })).toBe("FAILED");
    expect(phase({ severity: "info", reason: "DependencyNotReady" })).toMatch(/^ignored: .*DependencyNotReady says nothing/);
    expect(phase({ severity: "error", reason: "ArtifactFailed" })).toMatch(/^ignored: .*ArtifactFailed/);
    expect(phase({ kind: "GitRepository", severity: "info", reason: "NewArtifact" })).toMatch(/^ignored: GitRepository\/apps\/webapp: only Kustomizations and HelmReleases/);
    expect(phase({ severity: "info", reason: "ReconciliationSucceeded", metadata: {} })).toMatch(/names no revision/);
  });

  it("files the object by the Alert's eventMetadata with the classification rules: cluster, environment, service, team, a GitLab repository", () => {
    const observation = read(
      fluxEvent({
        name: "podinfo-production",
        namespace: "podinfo",
        severity: "info",
        reason: "ReconciliationSucceeded",
        metadata: {
          revision: `main@sha1:${SHA}`,
          summary: "Cluster prod-eu",
          cluster: "prod-eu",
          region: "eu-west-1",
          team: "platform",
          "shiplog.io/repository": "gitlab.com/acme/podinfo",
        },
      }),
    );
    expect(observation).toMatchObject({
      kind: "deployment",
      applicationName: "kustomization/podinfo-production",
      namespace: "podinfo",
      cluster: "prod-eu",
      classification: {
        service: "podinfo",
        environment: "production",
        team: "platform",
        repository: "gitlab.com/acme/podinfo",
        cluster: { server: "flux://prod-eu", name: "prod-eu", region: "eu-west-1" },
      },
    });
    // An explicit service label wins over the name.
    const labelled = read(fluxEvent({ reason: "ReconciliationSucceeded", severity: "info", metadata: { revision: `sha1:${SHA}`, "app.kubernetes.io/part-of": "storefront", env: "staging" } }));
    expect(labelled.kind === "deployment" && [labelled.classification.service, labelled.classification.environment]).toEqual(["storefront", "staging"]);
  });

  it("reads metadata keys with or without the controller's group prefix, the stripped one winning", () => {
    expect(fluxLabels({ metadata: { "kustomize.toolkit.fluxcd.io/revision": "a", revision: "b", cluster: "c" } })).toEqual({ revision: "b", cluster: "c" });
    expect(fluxClusterOf({ metadata: { "kustomize.toolkit.fluxcd.io/cluster": "eu" } }, "flux")).toBe("eu");
    expect(fluxClusterOf({ metadata: null }, "fallback")).toBe("fallback");
  });
});

describe("fluxReleaseVersion", () => {
  it("names a commit's release by a version tag, else the short SHA; a chart version as it is, without a commit", () => {
    expect(fluxReleaseVersion({ revision: parseFluxRevision(`main@sha1:${SHA}`) })).toEqual({ version: SHA.slice(0, 12), commitSha: SHA });
    expect(fluxReleaseVersion({ revision: parseFluxRevision(`v1.4.2@sha1:${SHA}`) })).toEqual({ version: "v1.4.2", commitSha: SHA });
    expect(fluxReleaseVersion({ revision: parseFluxRevision("6.5.4") })).toEqual({ version: "6.5.4", commitSha: null });
  });
});
