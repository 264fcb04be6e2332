import { describe, expect, it } from "vitest";
import { referencedCommitSha } from "@/lib/commits/reference-trailer";

const SHA = "3f9c2a7e1b4d5c6f7a8b9c0d1e2f3a4b5c6d7e8f";

// A hydrated config commit as Argo CD's source hydrator writes it: subject, body, trailers.
const hydratedCommit = [
  "[Argo CD Bot] hydrate 3f9c2a7e1b4d5c6f7a8b9c0d1e2f3a4b5c6d7e8f",
  "",
  "Argocd-reference-commit-author: Alice <alice@acme.dev>",
  `Argocd-reference-commit-sha: ${SHA}`,
  "Argocd-reference-commit-subject: Fix refund rounding (#142)",
  "Argocd-reference-commit-repourl: https://github.com/acme/payments-api",
].join("\n");

describe("referencedCommitSha", () => {
  it("reads the code commit from the trailer of a hydrated config commit", () => {
    expect(referencedCommitSha(hydratedCommit)).toBe(SHA);
  });

  it("accepts an abbreviated SHA of at least 7 digits", () => {
    expect(referencedCommitSha(`Bump\n\nArgocd-reference-commit-sha: ${SHA.slice(0, 7)}`)).toBe(SHA.slice(0, 7));
  });

  it("lower-cases the SHA and ignores the case of the trailer key", () => {
    expect(referencedCommitSha(`Bump\n\nargocd-Reference-Commit-SHA: ${SHA.toUpperCase()}`)).toBe(SHA);
  });

  it("tolerates Windows line endings and trailing spaces", () => {
    expect(referencedCommitSha(`Bump\r\n\r\nArgocd-reference-commit-sha:   ${SHA}  \r\nSigned-off-by: Bob <bob@acme.dev>\r\n`)).toBe(SHA);
  });

  it.each([
    ["no trailer", "Fix refund rounding (#142)"],
    ["a trailer that is not at the start of a line", `See Argocd-reference-commit-sha: ${SHA}`],
    ["a value that is not a SHA", "Argocd-reference-commit-sha: main"],
    ["a SHA shorter than 7 digits", "Argocd-reference-commit-sha: 3f9c2a"],
    ["a SHA longer than 40 digits", `Argocd-reference-commit-sha: ${SHA}00`],
    ["text after the SHA", `Argocd-reference-commit-sha: ${SHA} (squashed)`],
    ["another trailer key", `Argocd-reference-commit-author: ${SHA}`],
  ])("finds nothing in %s", (_, message) => {
    expect(referencedCommitSha(message)).toBeUndefined();
  });
});
