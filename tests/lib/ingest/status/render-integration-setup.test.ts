// The set-up snippets the ingestion page offers for copying: valid YAML whose ConfigMap is the
// documented one (docs/setup-argocd.md), for this Shiplog's URL and the instance typed in.
import { execFileSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { deploymentEventSchema } from "../../../../lib/ingest/accept/deployment-event";
import { ARGOCD_SECRET_KEY, ARGOCD_TRIGGERS, FLUX_EVENT_SOURCES, GITHUB_EVENTS, GITLAB_TRIGGERS, renderIntegrationSetup } from "../../../../lib/ingest/status/render-integration-setup";

type ConfigMap = { kind: string; metadata: { name: string }; data: Record<string, string> };

describe("renderIntegrationSetup", () => {
  const setup = renderIntegrationSetup({ baseUrl: "https://shiplog.example.com/", instance: "prod-eu" });

  it("points every sender at this Shiplog's webhook endpoints", () => {
    expect(setup.argocd.url).toBe("https://shiplog.example.com/api/webhooks/argocd");
    expect(setup.github.payloadUrl).toBe("https://shiplog.example.com/api/webhooks/github");
    expect(setup.github.contentType).toBe("application/json");
    expect(setup.build.url).toBe("https://shiplog.example.com/api/webhooks/build");
    expect(setup.build.curl).toContain("curl -sS --fail-with-body https://shiplog.example.com/api/webhooks/build");
    expect(setup.build.curl).toContain('-H "Authorization: Bearer $SHIPLOG_BUILD_TOKEN"');
    expect(setup.argocd.curl).toContain("https://shiplog.example.com/api/webhooks/argocd");
  });

  it("renders the Secret with a placeholder, never a token", () => {
    const secret = parseYaml(setup.argocd.secretYaml) as { kind: string; metadata: { name: string }; stringData: Record<string, string> };
    expect(secret).toMatchObject({ kind: "Secret", metadata: { name: "argocd-notifications-secret" } });
    expect(Object.keys(secret.stringData)).toEqual([ARGOCD_SECRET_KEY]);
    expect(secret.stringData[ARGOCD_SECRET_KEY]).toMatch(/^<.+>$/);
  });

  it("renders the ConfigMap: the webhook service, a template and a trigger per event, one subscription to them all", () => {
    const configMap = parseYaml(setup.argocd.configMapYaml) as ConfigMap;
    expect(configMap).toMatchObject({ kind: "ConfigMap", metadata: { name: "argocd-notifications-cm" } });
    const service = parseYaml(configMap.data["service.webhook.shiplog"]!) as { url: string; headers: { name: string; value: string }[] };
    expect(service.url).toBe(setup.argocd.url);
    expect(service.headers).toEqual([
      { name: "Authorization", value: `Bearer $${ARGOCD_SECRET_KEY}` },
      { name: "Content-Type", value: "application/json" },
    ]);

    for (const trigger of ARGOCD_TRIGGERS) {
      const template = parseYaml(configMap.data[`template.shiplog-${trigger.name}`]!) as { webhook: { shiplog: { method: string; body: string } } };
      expect(template.webhook.shiplog.method).toBe("POST");
      // What Argo CD renders once {{toJson .app}} is replaced by the Application's JSON.
      expect(JSON.parse(template.webhook.shiplog.body.replace("{{toJson .app}}", '{"metadata":{}}'))).toEqual({
        event: trigger.name,
        instance: "prod-eu",
        app: { metadata: {} },
      });
      const rules = parseYaml(configMap.data[`trigger.shiplog-${trigger.name}`]!) as { when: string; oncePer: string; send: string[] }[];
      expect(rules).toEqual([{ when: trigger.when === '"true"' ? "true" : trigger.when, oncePer: trigger.oncePer, send: [`shiplog-${trigger.name}`] }]);
    }
    const subscriptions = parseYaml(configMap.data.subscriptions!) as { recipients: string[]; triggers: string[] }[];
    expect(subscriptions).toEqual([{ recipients: ["shiplog"], triggers: ARGOCD_TRIGGERS.map((trigger) => `shiplog-${trigger.name}`) }]);
  });

  it("is the configuration docs/setup-argocd.md documents, trigger for trigger", async () => {
    const docs = await readFile(path.resolve(import.meta.dirname, "../../../../docs/setup-argocd.md"), "utf8");
    const documented = parseYaml(/```yaml\n[\s\S]*?---\n([\s\S]*?)```/.exec(docs)![1]!) as ConfigMap;
    const rendered = parseYaml(renderIntegrationSetup({ baseUrl: "https://shiplog.example.com", instance: "prod-eu" }).argocd.configMapYaml) as ConfigMap;
    expect(Object.keys(rendered.data).sort()).toEqual(Object.keys(documented.data).sort());
    for (const key of Object.keys(documented.data).filter((name) => name.startsWith("trigger.") || name.startsWith("template."))) {
      expect(parseYaml(rendered.data[key]!), key).toEqual(parseYaml(documented.data[key]!));
    }
  });

  it("keeps an unusual instance name intact in every template body", () => {
    const odd = renderIntegrationSetup({ baseUrl: "http://localhost:3000", instance: `it's "prod"` });
    const configMap = parseYaml(odd.argocd.configMapYaml) as ConfigMap;
    const template = parseYaml(configMap.data["template.shiplog-on-deployed"]!) as { webhook: { shiplog: { body: string } } };
    expect(JSON.parse(template.webhook.shiplog.body.replace("{{toJson .app}}", "{}")).instance).toBe(`it's "prod"`);
  });

  it("lists the GitHub events Shiplog acts on", () => {
    expect(setup.github.events).toEqual(GITHUB_EVENTS);
    expect(setup.github.events).toContain("push");
    expect(setup.github.events).toContain("pull_request");
  });

  it("gives GitLab's webhook URL, the triggers docs/setup-gitlab.md names, and the same hook as a GitLab API call", async () => {
    expect(setup.gitlab.url).toBe("https://shiplog.example.com/api/webhooks/gitlab");
    const guide = await readFile(path.resolve(import.meta.dirname, "../../../../docs/setup-gitlab.md"), "utf8");
    for (const trigger of GITLAB_TRIGGERS) expect(guide).toContain(trigger);
    expect(setup.gitlab.curl).toContain('"$GITLAB_URL/api/v4/projects/$PROJECT_ID/hooks"');
    expect(setup.gitlab.curl).toContain('--data-urlencode "url=https://shiplog.example.com/api/webhooks/gitlab"');
    // One API flag per trigger ticked in the form, none other.
    expect(setup.gitlab.curl.match(/-d \w+_events=true/g)).toHaveLength(GITLAB_TRIGGERS.length);
    expect(setup.gitlab.curl).not.toMatch(/token=[^$]/);
  });

  it("gives Flux's Secret, generic-hmac Provider and Alert as valid YAML, the same docs/setup-flux.md shows", async () => {
    const documents = parseAllDocuments(setup.flux.yaml).map((document) => document.toJS() as { kind: string; spec?: Record<string, any>; stringData?: Record<string, string> });
    expect(documents.map((document) => document.kind)).toEqual(["Secret", "Provider", "Alert"]);
    const [secret, provider, alert] = documents;
    expect(provider!.spec).toEqual({ type: "generic-hmac", address: "https://shiplog.example.com/api/webhooks/flux", secretRef: { name: "shiplog-webhook" } });
    expect(Object.keys(secret!.stringData!)).toEqual(["token"]);
    expect(alert!.spec!.eventSources.map((source: { kind: string }) => source.kind)).toEqual([...FLUX_EVENT_SOURCES]);
    expect(alert!.spec!.eventSeverity).toBe("info");
    expect(alert!.spec!.eventMetadata.cluster).toBe("prod-eu");
    const guide = await readFile(path.resolve(import.meta.dirname, "../../../../docs/setup-flux.md"), "utf8");
    expect(guide).toContain(setup.flux.yaml);
  });
});

// The deployment-event snippets are run, not just read: bash runs each with a stand-in `curl`
// that prints what it would send, and every body must be an event the endpoint accepts.
describe("renderIntegrationSetup: the deployment event snippets", () => {
  const { deployer } = renderIntegrationSetup({ baseUrl: "https://shiplog.example.com" });
  const SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
  const STAND_INS = [
    // Prints the body each call would post: the argument after --data-binary, or stdin for @-.
    `curl() { local previous=""; for argument in "$@"; do if [ "$previous" = --data-binary ]; then if [ "$argument" = @- ]; then cat; else printf '%s' "$argument"; fi; echo; fi; previous="$argument"; done; }`,
    `git() { echo ${SHA}; }`,
  ].join("\n");

  function bodiesSent(script: string, env: Record<string, string>): unknown[] {
    const output = execFileSync("bash", ["-euo", "pipefail", "-c", `${STAND_INS}\n${script}`], {
      env: { NODE_ENV: "test", PATH: process.env.PATH ?? "/usr/bin:/bin", USER: "alice", SHIPLOG_DEPLOYER_TOKEN: "t", ...env },
      encoding: "utf8",
    });
    return output.trim().split("\n").map((line) => JSON.parse(line) as unknown);
  }

  it("curl: sends a valid v1 event", () => {
    const [event] = bodiesSent(deployer.curl, {});
    expect(deploymentEventSchema.parse(event)).toMatchObject({ schemaVersion: "v1", commitSha: SHA, status: "succeeded", by: "alice" });
  });

  it("GitHub Actions: the two steps send the start and the end of one deployment", () => {
    const steps = parseYaml(deployer.githubActions) as { name: string; env: Record<string, string>; run: string }[];
    expect(steps.map((step) => step.name)).toEqual(["Tell Shiplog the deployment started", "Tell Shiplog how it ended"]);
    const github = { GITHUB_SHA: SHA, GITHUB_RUN_ID: "4711", GITHUB_RUN_ATTEMPT: "1", GITHUB_ACTOR: "octocat", GITHUB_OUTPUT: "/dev/null" };
    // What Actions puts in for the ${{ }} expressions of each step's env.
    const expressions = (env: Record<string, string>) =>
      Object.fromEntries(Object.entries(env).map(([name, value]) => [name, { STATUS: "succeeded", STARTED: "2026-03-05T07:30:00Z" }[name] ?? (value.startsWith("${{") ? "t" : value)]));
    const [started] = bodiesSent(steps[0]!.run, { ...github, ...expressions(steps[0]!.env) });
    const [ended] = bodiesSent(steps[1]!.run, { ...github, ...expressions(steps[1]!.env) });
    expect(deploymentEventSchema.parse(started)).toMatchObject({ status: "started", deploymentId: "4711-1", commitSha: SHA, by: "octocat" });
    expect(deploymentEventSchema.parse(ended)).toMatchObject({ status: "succeeded", deploymentId: "4711-1", startedAt: "2026-03-05T07:30:00Z" });
  });

  it("GitLab CI: after_script reports the job's outcome", () => {
    const job = (parseYaml(deployer.gitlabCi) as { deploy: { after_script: string[] } }).deploy;
    const gitlab = { CI_COMMIT_SHA: SHA, CI_JOB_ID: "99", CI_JOB_STARTED_AT: "2026-03-05T07:30:00Z", GITLAB_USER_LOGIN: "alice" };
    for (const [jobStatus, status] of [["success", "succeeded"], ["failed", "failed"]] as const) {
      const [event] = bodiesSent(job.after_script.join("\n"), { ...gitlab, CI_JOB_STATUS: jobStatus });
      expect(deploymentEventSchema.parse(event)).toMatchObject({ status, deploymentId: "99", commitSha: SHA });
    }
  });
});
