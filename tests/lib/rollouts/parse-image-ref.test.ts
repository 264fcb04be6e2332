import { describe, expect, it } from "vitest";
import { imageRefField, parseImageRef } from "../../../lib/rollouts/parse-image-ref";

describe("parseImageRef", () => {
  it("splits a tag or a digest off the repository, keeping a registry port in the repository", () => {
    expect(parseImageRef("registry.acme.dev/platform/envoy:1.31.2")).toEqual({ ref: "registry.acme.dev/platform/envoy:1.31.2", repository: "registry.acme.dev/platform/envoy" });
    expect(parseImageRef("localhost:5000/base:2026.11")?.repository).toBe("localhost:5000/base");
    expect(parseImageRef("localhost:5000/base@sha256:abc")?.repository).toBe("localhost:5000/base");
    expect(parseImageRef("envoy:1.31@sha256:abc")?.repository).toBe("envoy");
  });

  it("refuses an image without a tag or digest, with a message that shows one", () => {
    for (const text of ["envoy", "localhost:5000/base", "envoy:", "envoy@", ":1.0", "@sha256:abc"]) expect(parseImageRef(text), text).toBeNull();
    const parsed = imageRefField.safeParse("registry.acme.dev/platform/envoy");
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toMatch(/tag or digest, e\.g\. registry\.example\.com\/platform\/envoy:1\.31\.2/);
  });
});
