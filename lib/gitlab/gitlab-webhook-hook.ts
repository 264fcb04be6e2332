// A GitLab webhook whose event log Shiplog checks for failed deliveries (GITLAB_WEBHOOK_HOOKS),
// as GITHUB_WEBHOOK_HOOKS names GitHub's: a project hook ("group/project:<hook id>", nested
// groups allowed) or a group hook ("group:<group path>:<hook id>", GitLab Premium). Both have the
// same event log and resend calls under their own prefix (GitLab 17.3+ lists, 17.4+ resends).
import { z } from "zod";

export type GitlabWebhookHook = {
  kind: "project" | "group";
  /** The entry as configured: the name logs, settings rows and the ingestion page use. */
  name: string;
  /** The project's or group's full path on GITLAB_URL's instance. */
  path: string;
  hookId: number;
};

// GitLab path segments: letters, digits, `_`, `-`, `.`; not starting with `-` or `.`.
const SEGMENT = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,254}";
const PROJECT_HOOK = new RegExp(`^(${SEGMENT}(?:/${SEGMENT})+):(\\d{1,19})$`);
const GROUP_HOOK = new RegExp(`^group:(${SEGMENT}(?:/${SEGMENT})*):(\\d{1,19})$`);

/** One entry of GITLAB_WEBHOOK_HOOKS. */
export const gitlabWebhookHookSchema = z.string().transform((entry, context): GitlabWebhookHook => {
  const group = GROUP_HOOK.exec(entry);
  if (group) return { kind: "group", name: entry, path: group[1]!, hookId: Number(group[2]) };
  const project = PROJECT_HOOK.exec(entry);
  if (project) return { kind: "project", name: entry, path: project[1]!, hookId: Number(project[2]) };
  context.addIssue({
    code: "custom",
    message: `"${entry}" is not a GitLab webhook: use group/project:<hook id> (a project's hook) or group:<group path>:<hook id> (a group's)`,
  });
  return z.NEVER;
});

/** The hook's path under its resource (`/projects/` or `/groups/`): the prefix of its event log and resend calls. */
export function gitlabHookPath(hook: GitlabWebhookHook): string {
  return `${encodeURIComponent(hook.path)}/hooks/${hook.hookId}`;
}
