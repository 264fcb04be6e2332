// A GitHub webhook whose deliveries Shiplog checks for failures (GITHUB_WEBHOOK_HOOKS): a
// repository hook ("owner/repo:<hook id>"), an organization hook ("org:<org>:<hook id>") or the
// GitHub App's own webhook ("app"). Each kind has its own deliveries endpoints.
import { z } from "zod";

export type WebhookHook =
  | { kind: "repository"; name: string; owner: string; repo: string; hookId: number }
  | { kind: "organization"; name: string; org: string; hookId: number }
  | { kind: "app"; name: "app" };

const REPOSITORY_HOOK = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100}):(\d{1,19})$/;
const ORGANIZATION_HOOK = /^org:([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})):(\d{1,19})$/;

/** One entry of GITHUB_WEBHOOK_HOOKS. */
export const webhookHookSchema = z.string().transform((entry, context): WebhookHook => {
  if (entry === "app") return { kind: "app", name: "app" };
  const repository = REPOSITORY_HOOK.exec(entry);
  if (repository) return { kind: "repository", name: entry, owner: repository[1]!, repo: repository[2]!, hookId: Number(repository[3]) };
  const organization = ORGANIZATION_HOOK.exec(entry);
  if (organization) return { kind: "organization", name: entry, org: organization[1]!, hookId: Number(organization[2]) };
  context.addIssue({
    code: "custom",
    message: `"${entry}" is not a webhook: use owner/repo:<hook id>, org:<organization>:<hook id> or app`,
  });
  return z.NEVER;
});

/** The REST routes that list a hook's deliveries and redeliver one, with their path parameters. */
export function deliveryRoutes(hook: WebhookHook): {
  list: string;
  redeliver: string;
  params: Record<string, string | number>;
} {
  switch (hook.kind) {
    case "repository":
      return {
        list: "GET /repos/{owner}/{repo}/hooks/{hook_id}/deliveries",
        redeliver: "POST /repos/{owner}/{repo}/hooks/{hook_id}/deliveries/{delivery_id}/attempts",
        params: { owner: hook.owner, repo: hook.repo, hook_id: hook.hookId },
      };
    case "organization":
      return {
        list: "GET /orgs/{org}/hooks/{hook_id}/deliveries",
        redeliver: "POST /orgs/{org}/hooks/{hook_id}/deliveries/{delivery_id}/attempts",
        params: { org: hook.org, hook_id: hook.hookId },
      };
    case "app":
      return {
        list: "GET /app/hook/deliveries",
        redeliver: "POST /app/hook/deliveries/{delivery_id}/attempts",
        params: {},
      };
  }
}
