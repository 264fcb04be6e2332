import { describe, expect, it } from "vitest";
import { extractGitlabIssueReferences } from "@/lib/pull-requests/extract-gitlab-issue-references";

describe("extractGitlabIssueReferences", () => {
  it("makes every form of a reference full: this project, a sibling project, another group's", () => {
    expect(extractGitlabIssueReferences("Acme/Payments/API", "Fixes #12, payments-ui#4 and (other/group/lib#0099)", "closes #12")).toEqual([
      "acme/payments/api#12",
      "acme/payments/payments-ui#4",
      "other/group/lib#99",
    ]);
  });

  it("leaves out what only looks like one: anchors, HTML entities, URL fragments, merge requests, a # without digits", () => {
    expect(extractGitlabIssueReferences("acme/api", "see /blob/main/a.ts#L12, &#123;, https://x.test/a#12, !34, abc#, #12a", "x/#5")).toEqual([]);
  });

  it("finds one at the very start of a branch name or title", () => {
    expect(extractGitlabIssueReferences("acme/api", "#7 fix", null, undefined)).toEqual(["acme/api#7"]);
  });
});
