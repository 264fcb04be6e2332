import { describe, expect, it } from "vitest";
import { referencedCommitSha } from "@/lib/commits/reference-trailer";
import { buildRollbackCommitMessage } from "@/lib/rollback/build-rollback-commit-message";
import { parseConfigRepository } from "@/lib/gitops/parse-config-repository";
import { setImageTag } from "@/lib/gitops/set-image-tag";

describe("setImageTag", () => {
  it("Argo CD Image Updater's write-back file: a kustomize.images entry, or the helm.parameters tag next to the image's name", () => {
    const kustomize = ["kustomize:", "  images:", "    - europe-west1-docker.pkg.dev/foo/images/other:3.1.0", "    - europe-west1-docker.pkg.dev/foo/images/payments:1.0.0", ""].join("\n");
    expect(setImageTag(".argocd-source-payments-prod.yaml", kustomize, "europe-west1-docker.pkg.dev/foo/images/payments", "2.0.0")).toEqual({
      content: kustomize.replace("payments:1.0.0", "payments:2.0.0"),
      previousTag: "1.0.0",
    });
    const helm = ["helm:", "  parameters:", "    - name: image.name", "      value: europe-west1-docker.pkg.dev/foo/images/payments", "      forcestring: true", "    - name: image.tag", "      value: 1.0.0", "      forcestring: true", ""].join("\n");
    expect(setImageTag(".argocd-source-payments-prod.yaml", helm, "payments", "2.0.0")).toEqual({ content: helm.replace("value: 1.0.0", "value: 2.0.0"), previousTag: "1.0.0" });
    expect(setImageTag(".argocd-source-x.yaml", "helm:\n  parameters: []\n", "payments", "2.0.0")).toEqual({
      error: ".argocd-source-x.yaml has no kustomize.images entry or helm.parameters <name>.tag for payments",
    });
  });

  it("kustomization: sets newTag of the matching images entry, keeps comments and other entries", () => {
    const source = [
      "apiVersion: kustomize.config.k8s.io/v1beta1",
      "kind: Kustomization",
      "resources:",
      "  - ../../base # shared",
      "images:",
      "  - name: ghcr.io/acme/sidecar",
      "    newTag: 3.1.0",
      "  - name: payments",
      "    newName: ghcr.io/acme/payments",
      "    newTag: 1.3.0 # bumped by CI",
      "",
    ].join("\n");
    const edit = setImageTag("kustomization.yaml", source, "ghcr.io/acme/payments", "1.1.0");
    expect(edit).toEqual({ previousTag: "1.3.0", content: source.replace("newTag: 1.3.0", "newTag: 1.1.0") });
  });

  it("Helm values: sets tag beside the matching repository; a number-like tag stays a string", () => {
    const source = "replicaCount: 3\nimage:\n  repository: ghcr.io/acme/payments\n  tag: \"1.30\"\nsidecar:\n  repository: ghcr.io/acme/envoy\n  tag: v1\n";
    const edit = setImageTag("values.yaml", source, "ghcr.io/acme/payments", "1.20");
    expect(edit).toEqual({ previousTag: "1.30", content: source.replace('tag: "1.30"', 'tag: "1.20"') });
  });

  it("Helm values: an image: repo:tag string", () => {
    const edit = setImageTag("values.yaml", "app:\n  image: ghcr.io/acme/payments:1.3.0\n", "ghcr.io/acme/payments", "1.1.0");
    expect(edit).toEqual({ previousTag: "1.3.0", content: "app:\n  image: ghcr.io/acme/payments:1.1.0\n" });
  });

  it("says what is missing", () => {
    expect(setImageTag("kustomization.yaml", "resources: []\n", "payments", "1")).toEqual({ error: "kustomization.yaml has no images: list to set payments back in" });
    expect(setImageTag("values.yaml", "image:\n  repository: other\n  tag: x\n", "payments", "1")).toMatchObject({ error: expect.stringMatching(/no image.repository/) });
    expect(setImageTag("values.yaml", "a: [", "payments", "1")).toMatchObject({ error: expect.stringMatching(/not valid YAML/) });
  });
});

describe("buildRollbackCommitMessage", () => {
  it("names the rollback, its reason and link, and carries Argocd-reference-commit-* trailers Shiplog reads back", () => {
    const sha = "0123456789abcdef0123456789abcdef01234567";
    const { title, message } = buildRollbackCommitMessage({
      rollbackId: 12,
      service: "payments",
      application: "payments-prod",
      cluster: "eu-1",
      version: "1.1.0",
      requestedBy: "sre@acme.dev",
      reason: "errors\nafter 1.3.0",
      url: "https://shiplog.acme.dev/rollbacks/12",
      commit: { sha, repository: "acme/payments", message: "Fix rounding\n\nlong body", authorName: "Ada", committedAt: new Date("2026-11-01T10:00:00Z") },
    });
    expect(title).toBe("Roll back payments to 1.1.0 on eu-1");
    expect(message).toContain("Reason: errors after 1.3.0");
    expect(message).toContain("https://shiplog.acme.dev/rollbacks/12");
    expect(message.split("\n").slice(-5)).toEqual([
      "Argocd-reference-commit-author: Ada",
      `Argocd-reference-commit-sha: ${sha}`,
      "Argocd-reference-commit-subject: Fix rounding",
      "Argocd-reference-commit-date: 2026-11-01T10:00:00.000Z",
      "Argocd-reference-commit-repourl: https://github.com/acme/payments",
    ]);
    expect(referencedCommitSha(message)).toBe(sha);
  });
});

describe("parseConfigRepository", () => {
  it.each([
    ["https://github.com/acme/deploy.git", "acme/deploy"],
    ["https://github.com/acme/deploy", "acme/deploy"],
    ["git@github.com:acme/deploy.git", "acme/deploy"],
    ["ssh://git@github.com/acme/deploy.git", "acme/deploy"],
    ["https://charts.example.com", null],
    [null, null],
  ])("%s → %s", (url, expected) => {
    expect(parseConfigRepository(url)).toBe(expected);
  });
});
