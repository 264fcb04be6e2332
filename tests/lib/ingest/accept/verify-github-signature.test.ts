// GitHub's signature scheme, checked against the example in GitHub's documentation
// ("Validating webhook deliveries": secret "It's a Secret to Everybody", payload "Hello, World!").
import { describe, expect, it } from "vitest";
import { signGithubPayload, verifyGithubSignature } from "../../../../lib/ingest/accept/verify-github-signature";

const documented = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

describe("verifyGithubSignature", () => {
  it("matches GitHub's documented example", () => {
    expect(signGithubPayload("It's a Secret to Everybody", "Hello, World!")).toBe(documented);
    expect(verifyGithubSignature(["It's a Secret to Everybody"], Buffer.from("Hello, World!"), documented)).toBe(0);
  });

  it("says which of several secrets signed, so rotation can overlap", () => {
    const body = Buffer.from("Hello, World!");
    expect(verifyGithubSignature(["old", "It's a Secret to Everybody"], body, documented)).toBe(1);
    expect(verifyGithubSignature(["old", "new"], body, documented)).toBeUndefined();
    expect(verifyGithubSignature([], body, documented)).toBeUndefined();
  });

  it("accepts upper-case hex and surrounding spaces, refuses anything else", () => {
    const body = Buffer.from("Hello, World!");
    const secrets = ["It's a Secret to Everybody"];
    expect(verifyGithubSignature(secrets, body, ` sha256=${documented.slice(7).toUpperCase()} `)).toBe(0);
    for (const header of [null, "", documented.slice(7), `sha1=${documented.slice(7)}`, `${documented}00`, documented.slice(0, -2)]) {
      expect(verifyGithubSignature(secrets, body, header)).toBeUndefined();
    }
  });
});
