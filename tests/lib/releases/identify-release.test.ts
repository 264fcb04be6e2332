import { describe, expect, it } from "vitest";
import { identifyRelease, parseImageRef } from "@/lib/releases/identify-release";

const DIGEST = "sha256:9b1c3fa2e5d04c7e8a6b5f4e3d2c1b0a99887766554433221100ffeeddccbbaa";
const SHA = "3f9c2a7e1b4d5c6f7a8b9c0d1e2f3a4b5c6d7e8f";

describe("parseImageRef", () => {
  it.each([
    ["nginx:latest", { image: "nginx", tag: "latest", digest: undefined }],
    ["nginx", { image: "nginx", tag: undefined, digest: undefined }],
    ["ghcr.io/acme/payments-api:1.4.2", { image: "ghcr.io/acme/payments-api", tag: "1.4.2", digest: undefined }],
    // A colon before the last slash is a registry port, not a tag.
    ["registry.acme.dev:5000/payments/api", { image: "registry.acme.dev:5000/payments/api", tag: undefined, digest: undefined }],
    ["registry.acme.dev:5000/payments/api:v2", { image: "registry.acme.dev:5000/payments/api", tag: "v2", digest: undefined }],
    ["localhost:5000/api", { image: "localhost:5000/api", tag: undefined, digest: undefined }],
    [`ghcr.io/acme/api@${DIGEST}`, { image: "ghcr.io/acme/api", tag: undefined, digest: DIGEST }],
    [`ghcr.io/acme/api:1.4.2@${DIGEST}`, { image: "ghcr.io/acme/api", tag: "1.4.2", digest: DIGEST }],
    [`registry.acme.dev:5000/api:1.4.2@${DIGEST}`, { image: "registry.acme.dev:5000/api", tag: "1.4.2", digest: DIGEST }],
    ["  ghcr.io/acme/api:1.4.2\n", { image: "ghcr.io/acme/api", tag: "1.4.2", digest: undefined }],
  ])("%s", (reference, expected) => {
    expect(parseImageRef(reference)).toEqual(expected);
  });
});

describe("identifyRelease", () => {
  it("names the release after the service's own image tag", () => {
    expect(identifyRelease("payments-api", ["ghcr.io/acme/payments-api:1.4.2"])).toEqual({
      version: "1.4.2",
      image: "ghcr.io/acme/payments-api",
      tag: "1.4.2",
      digest: undefined,
      shaFromTag: undefined,
    });
  });

  it("picks the service's image among sidecars, wherever it is listed", () => {
    const images = [
      "docker.io/istio/proxyv2:1.22.1",
      "ghcr.io/acme/payments-api:1.4.2",
      "registry.acme.dev:5000/platform/envoy:1.30.2",
    ];
    expect(identifyRelease("payments-api", images)?.version).toBe("1.4.2");
    expect(identifyRelease("payments-api", [...images].reverse())?.version).toBe("1.4.2");
  });

  it("prefers an exact image name to one that only starts with the service name", () => {
    const images = ["ghcr.io/acme/payments-api-migrations:77", "ghcr.io/acme/payments-api:1.4.2"];
    expect(identifyRelease("payments-api", images)?.image).toBe("ghcr.io/acme/payments-api");
  });

  it("accepts an image whose name starts with the service name", () => {
    const images = ["docker.io/istio/proxyv2:1.22.1", "ghcr.io/acme/payments-api-server:1.4.2"];
    expect(identifyRelease("payments-api", images)?.image).toBe("ghcr.io/acme/payments-api-server");
  });

  it("falls back to the first image when none is named after the service", () => {
    expect(identifyRelease("velero", ["nginx:latest"])).toMatchObject({ version: "latest", image: "nginx" });
  });

  it("matches the image name, not the registry or the path", () => {
    const images = ["registry.acme.dev:5000/payments-api/sidecar:3", "registry.acme.dev:5000/team/payments-api:1.4.2"];
    expect(identifyRelease("payments-api", images)?.version).toBe("1.4.2");
  });

  it("keeps the digest and still names the release by its tag", () => {
    expect(identifyRelease("api", [`ghcr.io/acme/api:1.4.2@${DIGEST}`])).toMatchObject({ version: "1.4.2", tag: "1.4.2", digest: DIGEST });
  });

  it("names an untagged image pinned by digest after the digest's first 12 hex digits", () => {
    expect(identifyRelease("api", [`ghcr.io/acme/api@${DIGEST}`])).toMatchObject({ version: "9b1c3fa2e5d0", tag: undefined, digest: DIGEST });
  });

  it("has no release for an image with neither tag nor digest, or no images", () => {
    expect(identifyRelease("api", ["ghcr.io/acme/api"])).toBeUndefined();
    expect(identifyRelease("api", ["registry.acme.dev:5000/acme/api"])).toBeUndefined();
    expect(identifyRelease("api", [])).toBeUndefined();
  });

  describe("image-tag-is-a-SHA convention", () => {
    it.each([
      [SHA, SHA],
      [SHA.slice(0, 7), SHA.slice(0, 7)],
      [`sha-${SHA.slice(0, 7)}`, SHA.slice(0, 7)],
      [`sha-${SHA}`, SHA],
      [`g${SHA.slice(0, 10)}`, SHA.slice(0, 10)],
    ])("tag %s carries commit %s", (tag, sha) => {
      expect(identifyRelease("api", [`ghcr.io/acme/api:${tag}`])).toMatchObject({ version: tag, tag, shaFromTag: sha });
    });

    it.each(["1.4.2", "latest", "abc123", `${SHA}0`, "sha-xyz1234", `v${SHA.slice(0, 7)}`, `${SHA.slice(0, 7)}-dirty`])(
      "tag %s carries no commit",
      (tag) => {
        expect(identifyRelease("api", [`ghcr.io/acme/api:${tag}`])?.shaFromTag).toBeUndefined();
      },
    );

    it("reads no commit from a digest", () => {
      expect(identifyRelease("api", [`ghcr.io/acme/api@${DIGEST}`])?.shaFromTag).toBeUndefined();
    });

    it("reads the commit from the service's image, not a sidecar's SHA tag", () => {
      const release = identifyRelease("api", [`ghcr.io/acme/sidecar:${SHA.slice(0, 8)}`, "ghcr.io/acme/api:1.4.2"]);
      expect(release).toMatchObject({ version: "1.4.2", shaFromTag: undefined });
    });
  });
});
