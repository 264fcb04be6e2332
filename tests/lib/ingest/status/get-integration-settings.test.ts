// What the ingestion page says about GitLab's API access: the settings by name, the hooks whose
// event log is checked and how often; never the token.
import { describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { parseConfig } from "@/lib/env";
import { getIntegrationSettings } from "@/lib/ingest/status/get-integration-settings";

describe("getIntegrationSettings: GitLab", () => {
  it("names GITLAB_TOKEN, the instance, GITLAB_WEBHOOK_HOOKS' entries and both intervals, never the token", async () => {
    const token = "glpat-never-shown-0123456789";
    const settings = parseConfig({
      GITLAB_TOKEN: token,
      GITLAB_URL: "https://gitlab.example.com",
      GITLAB_WEBHOOK_HOOKS: "acme/api:42,group:acme:7",
      GITLAB_REDELIVERY_INTERVAL_SECONDS: "300",
      GITLAB_RANGES_INTERVAL_SECONDS: "900",
    });
    const { gitlab } = await getIntegrationSettings(getDb(), settings);
    expect(gitlab).toMatchObject({
      api: { kind: "token", setting: "GITLAB_TOKEN", url: "https://gitlab.example.com" },
      hooks: ["acme/api:42", "group:acme:7"],
      redeliveryIntervalSeconds: 300,
      rangesIntervalSeconds: 900,
    });
    expect(JSON.stringify(gitlab)).not.toContain(token);
  });

  it("says there is no API access without GITLAB_TOKEN", async () => {
    const { gitlab } = await getIntegrationSettings(getDb(), parseConfig({}));
    expect(gitlab).toMatchObject({ api: { kind: "none" }, hooks: [], redeliveryIntervalSeconds: 600 });
  });
});
