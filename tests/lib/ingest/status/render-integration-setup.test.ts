// The set-up snippets the ingestion page offers for copying: valid YAML whose ConfigMap is the
// documented one (docs/setup-argocd.md), for this Shiplog's URL and the instance typed in.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { ARGOCD_SECRET_KEY, ARGOCD_TRIGGERS, GITHUB_EVENTS, GITLAB_TRIGGERS, renderIntegrationSetup } from "../../../../lib/ingest/status/render-integration-setup";

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
});
