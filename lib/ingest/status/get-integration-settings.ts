// Which credentials and GitHub and GitLab API access this Shiplog is configured with, for the ingestion
// page: whether each webhook accepts deliveries and which setting or stored token makes it so.
// Never a value: counts of configured entries, names of stored tokens, the names of settings.
// GitHub App and installation ids, API URLs and hook names are not secrets and are shown.
import { type DbOrTx, getDb } from "../../db/client";
import { type Config, config } from "../../env";
import { TOKEN_SETTING } from "../accept/authenticate-bearer";
import { GITLAB_TOKEN_SETTING } from "../accept/authenticate-gitlab-token";

export type BearerIntegration = {
  setting: string;
  /** Tokens in the setting (comma-separated entries). */
  configuredTokens: number;
  /** Live database tokens, by name (npm run webhook-token). */
  storedTokens: string[];
  accepting: boolean;
};

export type IntegrationSettings = {
  argocd: BearerIntegration & { instances: { name: string; url: string }[]; pollIntervalSeconds: number };
  build: BearerIntegration;
  deployer: BearerIntegration;
  /** Secret tokens (X-Gitlab-Token) in GITLAB_WEBHOOK_SECRET and stored GitLab tokens; the API access behind them. */
  gitlab: BearerIntegration & {
    api: { kind: "none" } | { kind: "token"; setting: "GITLAB_TOKEN"; url: string };
    hooks: string[];
    rangesIntervalSeconds: number;
    redeliveryIntervalSeconds: number;
  };
  /** Flux: generic-hmac keys in FLUX_WEBHOOK_SECRET, and stored Flux tokens sent as a bearer header. */
  flux: BearerIntegration & { defaultCluster: string };
  github: {
    setting: "GITHUB_WEBHOOK_SECRET";
    configuredSecrets: number;
    accepting: boolean;
    api:
      | { kind: "none" }
      | { kind: "token"; setting: "GITHUB_TOKEN"; apiUrl: string }
      | { kind: "app"; appId: number; installationId: number; settings: string[]; apiUrl: string };
    hooks: string[];
    rangesIntervalSeconds: number;
    redeliveryIntervalSeconds: number;
  };
};

type Settings = Pick<
  Config,
  | "ARGOCD_WEBHOOK_TOKENS" | "BUILD_WEBHOOK_TOKENS" | "DEPLOYER_WEBHOOK_TOKENS" | "GITHUB_WEBHOOK_SECRET" | "GITHUB_TOKEN" | "GITHUB_API_URL" | "GITHUB_APP_ID"
  | "GITHUB_APP_INSTALLATION_ID" | "GITHUB_WEBHOOK_HOOKS" | "GITHUB_RANGES_INTERVAL_SECONDS" | "GITHUB_REDELIVERY_INTERVAL_SECONDS"
  | "ARGOCD_INSTANCES" | "ARGOCD_POLL_INTERVAL_SECONDS" | "GITLAB_WEBHOOK_SECRET" | "FLUX_WEBHOOK_SECRET" | "FLUX_CLUSTER"
  | "GITLAB_TOKEN" | "GITLAB_URL" | "GITLAB_WEBHOOK_HOOKS" | "GITLAB_RANGES_INTERVAL_SECONDS" | "GITLAB_REDELIVERY_INTERVAL_SECONDS"
>;

export async function getIntegrationSettings(db: DbOrTx = getDb(), settings: Settings = config()): Promise<IntegrationSettings> {
  const stored = await db.webhookToken.findMany({ where: { revokedAt: null }, select: { source: true, name: true }, orderBy: { name: "asc" } });
  const bearer = (source: "ARGOCD" | "BUILD" | "DEPLOYER" | "GITLAB" | "FLUX", configured: readonly string[]): BearerIntegration => {
    const storedTokens = stored.filter((token) => token.source === source).map((token) => token.name);
    return { setting: source === "GITLAB" ? GITLAB_TOKEN_SETTING : TOKEN_SETTING[source], configuredTokens: configured.length, storedTokens, accepting: configured.length + storedTokens.length > 0 };
  };
  const api: IntegrationSettings["github"]["api"] =
    settings.GITHUB_TOKEN !== undefined
      ? { kind: "token", setting: "GITHUB_TOKEN", apiUrl: settings.GITHUB_API_URL }
      : settings.GITHUB_APP_ID !== undefined && settings.GITHUB_APP_INSTALLATION_ID !== undefined
        ? {
            kind: "app",
            appId: settings.GITHUB_APP_ID,
            installationId: settings.GITHUB_APP_INSTALLATION_ID,
            settings: ["GITHUB_APP_ID", "GITHUB_APP_PRIVATE_KEY", "GITHUB_APP_INSTALLATION_ID"],
            apiUrl: settings.GITHUB_API_URL,
          }
        : { kind: "none" };
  return {
    argocd: {
      ...bearer("ARGOCD", settings.ARGOCD_WEBHOOK_TOKENS),
      instances: settings.ARGOCD_INSTANCES.map(({ name, url }) => ({ name, url })),
      pollIntervalSeconds: settings.ARGOCD_POLL_INTERVAL_SECONDS,
    },
    build: bearer("BUILD", settings.BUILD_WEBHOOK_TOKENS),
    deployer: bearer("DEPLOYER", settings.DEPLOYER_WEBHOOK_TOKENS),
    gitlab: {
      ...bearer("GITLAB", settings.GITLAB_WEBHOOK_SECRET),
      api: settings.GITLAB_TOKEN !== undefined ? { kind: "token", setting: "GITLAB_TOKEN", url: settings.GITLAB_URL } : { kind: "none" },
      hooks: settings.GITLAB_WEBHOOK_HOOKS.map((hook) => hook.name),
      rangesIntervalSeconds: settings.GITLAB_RANGES_INTERVAL_SECONDS,
      redeliveryIntervalSeconds: settings.GITLAB_REDELIVERY_INTERVAL_SECONDS,
    },
    flux: { ...bearer("FLUX", settings.FLUX_WEBHOOK_SECRET), defaultCluster: settings.FLUX_CLUSTER },
    github: {
      setting: "GITHUB_WEBHOOK_SECRET",
      configuredSecrets: settings.GITHUB_WEBHOOK_SECRET.length,
      accepting: settings.GITHUB_WEBHOOK_SECRET.length > 0,
      api,
      hooks: settings.GITHUB_WEBHOOK_HOOKS.map((hook) => hook.name),
      rangesIntervalSeconds: settings.GITHUB_RANGES_INTERVAL_SECONDS,
      redeliveryIntervalSeconds: settings.GITHUB_REDELIVERY_INTERVAL_SECONDS,
    },
  };
}
