// Which failed GitLab webhook events are resent, from one look at a hook's event log; and the
// GITLAB_WEBHOOK_HOOKS entries naming the hooks.
// Runs per property: PROPERTY_RUNS, else 40 on CI and 10 locally.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/env";
import { gitlabHookPath, gitlabWebhookHookSchema } from "@/lib/gitlab/gitlab-webhook-hook";
import { planGitlabResends, type FailedHookEvent, type PastResend } from "@/lib/gitlab/plan-gitlab-resends";

const runs = Number(process.env.PROPERTY_RUNS ?? (process.env.CI ? 40 : 10));
let ids = 1000;
const failure = (key: string, status = "503", event = "Push Hook"): FailedHookEvent => ({ id: (ids += 1), key, event, status });
const none = new Set<string>();
const noPast = new Map<string, PastResend>();

describe("planGitlabResends", () => {
  it("resends each failed event Shiplog has not stored once, its newest failed entry, oldest event first", () => {
    const first = failure("k-1", "internal error");
    const other = failure("k-2", "401", "Merge Request Hook");
    const again = failure("k-1", "502");
    const plan = planGitlabResends([again, other, first], none, noPast, 3);
    expect(plan.resend.map((item) => [item.key, item.eventId, item.attempt, item.event])).toEqual([
      ["k-2", other.id, 1, "Merge Request Hook"],
      ["k-1", again.id, 1, "Push Hook"],
    ]);
  });

  it("leaves alone what Shiplog stored (through another hook, or a retry that got through)", () => {
    const plan = planGitlabResends([failure("stored"), failure("missing")], new Set(["stored"]), noPast, 3);
    expect(plan.resend.map((item) => item.key)).toEqual(["missing"]);
    expect(plan.alreadyStored).toBe(1);
  });

  it("asks again only after GitLab logged a failure newer than the last resend, and gives up after maxAttempts", () => {
    const original = failure("k");
    const past = new Map([["k", { key: "k", attempts: 1, lastEventId: original.id }]]);
    // The resend got through (its success is not in the failed list) or was refused: nothing new.
    expect(planGitlabResends([original], none, past, 3)).toMatchObject({ resend: [], unchanged: 1 });
    const failedAgain = failure("k", "500");
    expect(planGitlabResends([original, failedAgain], none, past, 3).resend).toEqual([
      { key: "k", event: "Push Hook", eventId: failedAgain.id, attempt: 2, previous: past.get("k") },
    ]);
    const exhausted = new Map([["k", { key: "k", attempts: 3, lastEventId: original.id }]]);
    expect(planGitlabResends([original, failedAgain], none, exhausted, 3)).toMatchObject({ resend: [], gaveUp: [{ key: "k", eventId: failedAgain.id }] });
  });

  it("never resends a stored event, an event twice, nor one without a failure newer than its last resend", () => {
    const entry = fc.record({ id: fc.integer({ min: 1, max: 500 }), key: fc.constantFrom("a", "b", "c", "d", "e"), status: fc.constantFrom("500", "404", "internal error") });
    fc.assert(
      fc.property(
        fc.uniqueArray(entry, { selector: (item) => item.id, maxLength: 30 }),
        fc.subarray(["a", "b", "c", "d", "e"]),
        fc.array(fc.record({ key: fc.constantFrom("a", "b", "c", "d", "e"), attempts: fc.integer({ min: 1, max: 4 }), lastEventId: fc.integer({ min: 1, max: 500 }) })),
        (entries, stored, pastRows) => {
          const failed = entries.map((item) => ({ ...item, event: "Push Hook" }));
          const past = new Map<string, PastResend>(pastRows.map((row) => [row.key, row]));
          const plan = planGitlabResends(failed, new Set(stored), past, 3);
          const keys = plan.resend.map((item) => item.key);
          expect(new Set(keys).size).toBe(keys.length);
          for (const item of plan.resend) {
            expect(stored).not.toContain(item.key);
            expect(item.eventId).toBe(Math.max(...failed.filter((candidate) => candidate.key === item.key).map((candidate) => candidate.id)));
            const previous = past.get(item.key);
            if (previous) expect(item.eventId > previous.lastEventId && previous.attempts < 3).toBe(true);
          }
          const distinct = new Set(failed.map((item) => item.key)).size;
          expect(plan.resend.length + plan.gaveUp.length + plan.alreadyStored + plan.unchanged).toBe(distinct);
        },
      ),
      { numRuns: runs },
    );
  });
});

describe("GITLAB_WEBHOOK_HOOKS", () => {
  it("names project hooks (nested groups too) and group hooks", () => {
    expect(gitlabWebhookHookSchema.parse("acme/payments/api:42")).toEqual({ kind: "project", name: "acme/payments/api:42", path: "acme/payments/api", hookId: 42 });
    expect(gitlabWebhookHookSchema.parse("group:acme/platform:7")).toEqual({ kind: "group", name: "group:acme/platform:7", path: "acme/platform", hookId: 7 });
    expect(gitlabHookPath(gitlabWebhookHookSchema.parse("acme/payments/api:42"))).toBe("acme%2Fpayments%2Fapi/hooks/42");
  });

  it("refuses an entry that names no hook, and hooks without GITLAB_TOKEN, naming the setting", () => {
    expect(() => parseConfig({ GITLAB_TOKEN: "glpat-x", GITLAB_WEBHOOK_HOOKS: "acme/api" })).toThrow(/GITLAB_WEBHOOK_HOOKS.*"acme\/api" is not a GitLab webhook: use group\/project:<hook id>/);
    expect(() => parseConfig({ GITLAB_TOKEN: "glpat-x", GITLAB_WEBHOOK_HOOKS: "api:12" })).toThrow(/GITLAB_WEBHOOK_HOOKS/);
    expect(() => parseConfig({ GITLAB_WEBHOOK_HOOKS: "acme/api:12" })).toThrow(/GITLAB_WEBHOOK_HOOKS.*needs GITLAB_TOKEN/);
    const settings = parseConfig({ GITLAB_TOKEN: "glpat-x", GITLAB_WEBHOOK_HOOKS: "acme/api:12, group:acme:3", GITLAB_REDELIVERY_INTERVAL_SECONDS: "300" });
    expect(settings.GITLAB_WEBHOOK_HOOKS.map((hook) => hook.name)).toEqual(["acme/api:12", "group:acme:3"]);
    expect(settings.GITLAB_REDELIVERY_INTERVAL_SECONDS).toBe(300);
  });
});
