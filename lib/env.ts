// The only reader of process.env. Every setting Shiplog understands is declared here,
// validated once, and documented in README.md and .env.example.
import { createPrivateKey } from "node:crypto";
import { z } from "zod";
import { argoInstanceSchema } from "./argocd/argocd-client";
import { roleMappingSchema } from "./auth/role-mappings";
import { classificationRulesSchema } from "./fleet/classify-application";
import { webhookHookSchema } from "./github/webhook-hook";
import { gitlabWebhookHookSchema } from "./gitlab/gitlab-webhook-hook";
import { webUrl } from "./links/web-url";

const port = z.coerce
  .number()
  .int()
  .min(1)
  .max(65535);

/** Requests allowed per key and window; 0 turns the limit off. */
const rateLimit = z.coerce
  .number({ error: "must be a whole number of requests (0 turns the limit off)" })
  .int({ error: "must be a whole number of requests (0 turns the limit off)" })
  .min(0, { error: "must be 0 (off) or more" })
  .max(1_000_000);

const commaList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const flag = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .optional()
  .transform((value) => (value === undefined ? undefined : ["true", "1", "yes"].includes(value)));

/**
 * A setting holding JSON: empty when unset, the parse error worded with an example, then the
 * schema's own checks.
 */
function jsonSetting<T extends z.ZodType>(example: string, empty: unknown, schema: T) {
  return z
    .string()
    .optional()
    .transform((value, context) => {
      if (!value) return empty;
      try {
        return JSON.parse(value) as unknown;
      } catch {
        context.addIssue({ code: "custom", message: `must be a JSON ${example.startsWith("[") ? "array" : "object"} like ${example}` });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

export const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** External PostgreSQL. When unset, Shiplog runs the embedded PostgreSQL. */
  DATABASE_URL: z
    .string()
    .trim()
    .min(1)
    .refine((value) => /^postgres(ql)?:\/\//.test(value), {
      message: "must be a postgres:// or postgresql:// connection URL",
    })
    .optional(),
  /** HTTP port of the web server. */
  PORT: port.default(3000),
  /** Folder for the embedded PostgreSQL's data and other local state. */
  SHIPLOG_DATA_DIR: z.string().min(1).default(".shiplog"),
  /** Port of the embedded PostgreSQL (loopback only). */
  EMBEDDED_POSTGRES_PORT: port.default(54329),
  /**
   * Restarts of an embedded PostgreSQL that exits on its own (killed, crashed) that `npm start`
   * makes within 10 minutes; one more exit (or 0) stops Shiplog with exit code 1 so a supervisor
   * can restart it (docs/scaling.md, "When the database goes away").
   */
  EMBEDDED_POSTGRES_RESTARTS: z.coerce.number().int().min(0).max(100).default(3),
  /** What an empty database is filled with at start: the demo fleet, or nothing. */
  SHIPLOG_SEED: z.enum(["demo", "none"]).default("demo"),
  /** Size of the demo fleet seeded into an empty database. */
  SHIPLOG_DEMO_SERVICES: z.coerce.number().int().min(1).max(20000).default(500),
  /**
   * Read replicas of DATABASE_URL, comma-separated: the dashboard reads that tolerate replica lag
   * go to one of them (lib/db/client.ts readDb, docs/scaling.md); writes never do.
   */
  DATABASE_REPLICA_URLS: commaList.refine((urls) => urls.every((url) => /^postgres(ql)?:\/\//.test(url) && URL.canParse(url)), {
    message: "must be postgres:// or postgresql:// connection URLs, comma-separated",
  }),
  /**
   * A transaction-mode pooler (PgBouncer) in front of DATABASE_URL, for the Prisma client's pool
   * only; LISTEN, session advisory locks and migrations keep DATABASE_URL (docs/scaling.md).
   */
  DATABASE_POOLER_URL: z
    .string()
    .trim()
    .refine((value) => /^postgres(ql)?:\/\//.test(value) && URL.canParse(value), { message: "must be a postgres:// or postgresql:// connection URL" })
    .optional(),
  /** Database connections per process. */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * Prepare each statement once per connection (lib/db/name-prepared-statement.ts). Default: yes,
   * except through DATABASE_POOLER_URL (a transaction-mode pooler must support prepared
   * statements: PgBouncer 1.21+ with max_prepared_statements set; then set this to true).
   */
  DATABASE_PREPARED_STATEMENTS: flag,
  /** Milliseconds to wait for a new database connection to open before failing. */
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).default(2000),
  /**
   * Milliseconds a query waits for one of the pool's DATABASE_POOL_SIZE connections while all
   * are busy, before failing. A burst of page loads waits its turn rather than failing after the
   * connect timeout; a database that stopped answering still fails at its own deadlines.
   */
  DATABASE_POOL_WAIT_MS: z.coerce.number().int().min(100).default(15_000),
  /** Least severe log lines written (lib/log/logger.ts); every process and every lib module honours it. */
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /**
   * `json`: one JSON object a line (for log collectors); `pretty`: human-readable lines. Unset:
   * pretty when stdout is a terminal, JSON otherwise (docs/observability.md).
   */
  LOG_FORMAT: z.enum(["json", "pretty"]).optional(),
  /**
   * The bearer token Prometheus sends to scrape GET /metrics (web) and the worker's /metrics.
   * Unset: /metrics answers 404 naming this setting (docs/observability.md).
   */
  SHIPLOG_METRICS_TOKEN: z.string().min(16, { message: "must be at least 16 characters (e.g. `openssl rand -hex 24`)" }).optional(),
  /**
   * An OpenTelemetry collector's OTLP/HTTP base URL (e.g. http://otel-collector:4318): spans go to
   * <url>/v1/traces (docs/observability.md "Traces"). Unset: no tracing is loaded and nothing is sent.
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: webUrl.transform((value) => value.replace(/\/+$/, "")).optional(),
  /** The traces' service.name; default shiplog-web for the web server, shiplog-worker for `npm run worker`. */
  OTEL_SERVICE_NAME: z.string().trim().min(1).optional(),
  /** Port of `npm run worker`'s own HTTP listener (/metrics, /healthz); unset: no listener. */
  SHIPLOG_WORKER_METRICS_PORT: port.optional(),
  /**
   * Port of the dedicated accept server, `npm run accept` (lib/ingest/accept/webhook-server.ts):
   * the webhook routes without Next.js, for fleets whose senders outrun the web server.
   */
  SHIPLOG_ACCEPT_PORT: port.default(3001),

  // Ingestion credentials (see docs/setup-*.md). Comma-separated to allow rotation overlap.
  GITHUB_WEBHOOK_SECRET: commaList,
  ARGOCD_WEBHOOK_TOKENS: commaList,
  BUILD_WEBHOOK_TOKENS: commaList,
  /** Bearer token(s) of any deployer's deployment events (POST /api/webhooks/deployments). */
  DEPLOYER_WEBHOOK_TOKENS: commaList,
  /** GitLab webhooks' secret tokens (X-Gitlab-Token); two during a rotation (docs/setup-gitlab.md). */
  GITLAB_WEBHOOK_SECRET: commaList,
  /** Flux generic-hmac Providers' token(s): HMAC-SHA256 key of X-Signature; two during a rotation (docs/setup-flux.md). */
  FLUX_WEBHOOK_SECRET: commaList,
  /** GitHub API access for compare ranges and redelivery; optional. A token, or the GitHub App below. */
  GITHUB_TOKEN: z.string().min(1).optional(),
  GITHUB_API_URL: webUrl.default("https://api.github.com"),
  /** A GitHub App instead of GITHUB_TOKEN: its id, private key (PEM; "\n" escapes allowed) and installation. */
  GITHUB_APP_ID: z.coerce.number().int().positive().optional(),
  GITHUB_APP_PRIVATE_KEY: z
    .string()
    .optional()
    .transform((value) => value?.replaceAll("\\n", "\n").trim())
    .refine((value) => value === undefined || isPrivateKey(value), { message: "must be the App's private key in PEM format (-----BEGIN RSA PRIVATE KEY-----…)" }),
  GITHUB_APP_INSTALLATION_ID: z.coerce.number().int().positive().optional(),
  /** Time limit of one GitHub API call. */
  GITHUB_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Webhooks whose failed deliveries are redelivered: owner/repo:<hook id>, org:<org>:<hook id> or app. */
  GITHUB_WEBHOOK_HOOKS: commaList.pipe(z.array(webhookHookSchema)),
  /** Seconds between runs completing release commit ranges from the compare API; 0 turns it off. */
  GITHUB_RANGES_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(600),
  /** Seconds between checks of GITHUB_WEBHOOK_HOOKS for failed deliveries; 0 turns it off. */
  GITHUB_REDELIVERY_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(600),
  /** GitLab API access (docs/setup-gitlab.md): compare ranges, GitOps merge requests; optional. */
  GITLAB_TOKEN: z.string().min(1).optional(),
  /** The GitLab instance: https://gitlab.com, or a self-managed one's web address (not …/api/v4). */
  GITLAB_URL: webUrl
    .transform((value) => value.replace(/\/+$/, ""))
    .refine((value) => !/\/api\/v4$/.test(value), { message: "is the instance's web address (https://gitlab.example.com), without /api/v4" })
    .default("https://gitlab.com"),
  /** Time limit of one GitLab API call. */
  GITLAB_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Seconds between runs completing GitLab projects' release commit ranges; 0 turns it off. */
  GITLAB_RANGES_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(600),
  /** GitLab webhooks whose failed events are resent from their event log: group/project:<hook id> or group:<group>:<hook id>. */
  GITLAB_WEBHOOK_HOOKS: commaList.pipe(z.array(gitlabWebhookHookSchema)),
  /** Seconds between checks of GITLAB_WEBHOOK_HOOKS' event logs for failed deliveries; 0 turns it off. */
  GITLAB_REDELIVERY_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(600),
  /** Run the ingestion worker inside the web process (single-machine default). */
  SHIPLOG_INLINE_WORKER: flag,
  /**
   * Days raw webhook deliveries are kept (docs/webhooks.md "Retention"): older days are dropped
   * whole, except a day still holding an unfinished delivery; 0 keeps them forever.
   */
  SHIPLOG_DELIVERY_RETENTION_DAYS: z.coerce.number().int().min(0).max(36500).default(30),

  /**
   * Argo CD instances to reconcile against (missed notifications) and to roll back through:
   * a JSON array of {"name", "url", "token"}; `name` must match the notifications' `instance`.
   */
  ARGOCD_INSTANCES: jsonSetting('[{"name":"prod","url":"https://argocd.example.com","token":"…"}]', [], z.array(argoInstanceSchema)),
  /**
   * How applications are filed under services, teams, environments and clusters: JSON with any of
   * the label lists of lib/fleet/classify-application.ts, each replacing its default, e.g.
   * {"serviceLabels":["acme.io/service","app.kubernetes.io/part-of"],"environmentLabels":["acme.io/env"]}.
   */
  SHIPLOG_CLASSIFICATION_RULES: jsonSetting('{"serviceLabels":["acme.io/service"]}', {}, classificationRulesSchema.partial()),
  /** Seconds between reconciliation polls of each Argo CD instance; 0 turns polling off. */
  ARGOCD_POLL_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(300),
  /** Time limit of one Argo CD API call. */
  ARGOCD_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** The cluster a Flux event belongs to when its metadata names none (an Alert's eventMetadata `cluster`; docs/setup-flux.md). */
  FLUX_CLUSTER: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "must be a cluster name: letters, digits, . _ - (at most 100)")
    .default("flux"),
  /** Rollbacks touching a production environment wait for a second person's approval (`production`), or none do (`none`). */
  SHIPLOG_ROLLBACK_APPROVAL: z.enum(["production", "none"]).default("none"),
  /** Merge a GitOps rollback's pull request as soon as it is opened (else a person merges it). */
  SHIPLOG_ROLLBACK_AUTO_MERGE: flag,
  /** Minutes a rollback may stay executing or waiting for Argo CD's healthy sync before it is marked failed. */
  SHIPLOG_ROLLBACK_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  /** Promotions into a production environment wait for a second person's approval (`production`), or none do (`none`). */
  SHIPLOG_PROMOTION_APPROVAL: z.enum(["production", "none"]).default("none"),
  /** Merge a promotion's GitOps pull requests as soon as they are opened (else a person merges each). */
  SHIPLOG_PROMOTION_AUTO_MERGE: flag,
  /** Roll a wave back (lib/rollback) when it turns Degraded or its sync fails. */
  SHIPLOG_PROMOTION_AUTO_ROLLBACK: flag,
  /** Clusters in a promotion's first (canary) wave; 0: no canary wave. */
  SHIPLOG_PROMOTION_CANARY_CLUSTERS: z.coerce.number().int().min(0).max(50).default(1),
  /** Clusters per wave after the canary; 0: one wave per region. */
  SHIPLOG_PROMOTION_WAVE_SIZE: z.coerce.number().int().min(0).max(1000).default(0),
  /** Regions promoted first, in this order (comma-separated); the others follow by name. */
  SHIPLOG_PROMOTION_REGION_ORDER: commaList,
  /** Minutes every application of a wave must stay Synced and Healthy before the next wave starts. */
  SHIPLOG_PROMOTION_SOAK_MINUTES: z.coerce.number().min(0).max(1440).default(10),
  /** Minutes a wave may take to run the release Synced and Healthy (pull requests merged included) before the promotion stops. */
  SHIPLOG_PROMOTION_WAVE_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(60),

  // Sign-in (docs/auth.md).
  /** Signs session cookies and encrypts OAuth state; `npm start` generates and keeps one in SHIPLOG_DATA_DIR when unset. */
  SHIPLOG_AUTH_SECRET: z.string().min(32, { message: "must be at least 32 characters (e.g. `openssl rand -base64 32`)" }).optional(),
  /** The address people open Shiplog at, e.g. https://shiplog.example.com: sign-in callbacks and Secure cookies (https). */
  SHIPLOG_PUBLIC_URL: webUrl.transform((value) => value.replace(/\/+$/, "")).optional(),
  /**
   * Reverse proxies (load balancers, ingress controllers) in front of Shiplog, as addresses or
   * CIDR ranges, comma-separated. Only a request arriving from one of them has its
   * X-Forwarded-For believed (lib/http/client-address.ts); from anyone else it is the sender's
   * word and ignored. Unset: nobody's forwarded headers are believed (docs/security.md).
   */
  SHIPLOG_TRUSTED_PROXIES: commaList.refine((entries) => entries.every(isAddressOrRange), {
    message: "must be IP addresses or CIDR ranges, comma-separated, e.g. 10.0.0.0/8,fd00::/8,192.0.2.7",
  }),
  /**
   * Rate limits (docs/security.md "Rate limits"), each counted per key in PostgreSQL so it holds
   * across replicas, over windows of SHIPLOG_RATE_LIMIT_WINDOW_SECONDS; 0 turns a limit off.
   * /api/v1 requests per API token, and per client address (every request, token or session);
   * webhooks are never limited by them.
   */
  SHIPLOG_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  SHIPLOG_API_RATE_LIMIT_PER_TOKEN: rateLimit.default(600),
  SHIPLOG_API_RATE_LIMIT_PER_ADDRESS: rateLimit.default(1200),
  /** Local sign-in attempts (POST /api/auth/sign-in/email) per client address and window. */
  SHIPLOG_SIGN_IN_RATE_LIMIT_PER_ADDRESS: rateLimit.default(20),
  /** Every other /api/auth request (single sign-on starts and callbacks, sign-out) per client address and window. */
  SHIPLOG_AUTH_RATE_LIMIT_PER_ADDRESS: rateLimit.default(100),
  /** The first administrator, created at the first start; without a password a one-time one is printed. */
  SHIPLOG_ADMIN_EMAIL: z.string().email().default("admin@shiplog.local"),
  SHIPLOG_ADMIN_PASSWORD: z.string().min(12, { message: "must be at least 12 characters" }).optional(),
  /** Local accounts (email and password) can sign in; turn off once single sign-on works. */
  SHIPLOG_LOCAL_SIGN_IN: flag,
  /** OpenID Connect single sign-on: the issuer (its /.well-known/openid-configuration is read), client id and secret. */
  OIDC_ISSUER_URL: webUrl.transform((value) => value.replace(/\/+$/, "")).optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** Scopes asked of the provider, space-separated; add `groups` for Okta and Dex. */
  OIDC_SCOPES: z
    .string()
    .default("openid email profile")
    .transform((value) => value.split(/\s+/).filter((scope) => scope.length > 0)),
  /** The ID token / userinfo claim listing the person's groups. */
  OIDC_GROUPS_CLAIM: z.string().min(1).default("groups"),
  /** The label of the sign-in button, e.g. "Okta". */
  OIDC_DISPLAY_NAME: z.string().min(1).default("single sign-on"),
  /** GitHub OAuth App sign-in; GITHUB_OAUTH_URL points at GitHub Enterprise Server (its API is <url>/api/v3). */
  GITHUB_OAUTH_CLIENT_ID: z.string().min(1).optional(),
  GITHUB_OAUTH_CLIENT_SECRET: z.string().min(1).optional(),
  GITHUB_OAUTH_URL: webUrl.transform((value) => value.replace(/\/+$/, "")).default("https://github.com"),
  /** Roles from the identity provider's groups: JSON [{"group":"platform-sre","role":"sre","team":"payments"}] (team optional). */
  SHIPLOG_ROLE_MAPPINGS: jsonSetting('[{"group":"platform-sre","role":"sre","team":"payments"}]', [], z.array(roleMappingSchema)),
  /** The role every person signing in through single sign-on gets besides their mapped ones: viewer, or none. */
  SHIPLOG_DEFAULT_ROLE: z.enum(["viewer", "none"]).default("viewer"),
}).superRefine((settings, context) => {
  const app = [settings.GITHUB_APP_ID, settings.GITHUB_APP_PRIVATE_KEY, settings.GITHUB_APP_INSTALLATION_ID];
  const appSettings = ["GITHUB_APP_ID", "GITHUB_APP_PRIVATE_KEY", "GITHUB_APP_INSTALLATION_ID"];
  if (app.some((value) => value !== undefined) && app.some((value) => value === undefined)) {
    for (const [index, name] of appSettings.entries()) {
      if (app[index] === undefined) context.addIssue({ code: "custom", path: [name], message: `a GitHub App needs all of ${appSettings.join(", ")}` });
    }
  }
  for (const [prefix, names] of [
    ["OIDC", ["OIDC_ISSUER_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET"]],
    ["GitHub sign-in", ["GITHUB_OAUTH_CLIENT_ID", "GITHUB_OAUTH_CLIENT_SECRET"]],
  ] as const) {
    const values = names.map((name) => settings[name]);
    if (values.some((value) => value !== undefined) && values.some((value) => value === undefined)) {
      for (const [index, name] of names.entries()) {
        if (values[index] === undefined) context.addIssue({ code: "custom", path: [name], message: `${prefix} needs all of ${names.join(", ")}` });
      }
    }
  }
  if (settings.GITHUB_TOKEN !== undefined && settings.GITHUB_APP_ID !== undefined) {
    context.addIssue({ code: "custom", path: ["GITHUB_APP_ID"], message: "set either GITHUB_TOKEN or a GitHub App (GITHUB_APP_*), not both" });
  }
  if (settings.GITLAB_WEBHOOK_HOOKS.length > 0 && settings.GITLAB_TOKEN === undefined) {
    context.addIssue({ code: "custom", path: ["GITLAB_WEBHOOK_HOOKS"], message: "needs GITLAB_TOKEN (the api scope, Maintainer of each hook's project) to read the hooks' event logs and resend" });
  }
  if (settings.GITHUB_WEBHOOK_HOOKS.some((hook) => hook.kind === "app") && settings.GITHUB_APP_ID === undefined) {
    context.addIssue({ code: "custom", path: ["GITHUB_WEBHOOK_HOOKS"], message: "the entry `app` needs a GitHub App (GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY, GITHUB_APP_INSTALLATION_ID)" });
  }
});

function isAddressOrRange(entry: string): boolean {
  return [z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()].some((schema) => schema.safeParse(entry).success);
}

function isPrivateKey(pem: string): boolean {
  try {
    createPrivateKey(pem);
    return true;
  } catch {
    return false; // the message names the expected format; the key itself is never shown
  }
}

export type Config = z.infer<typeof configSchema>;

/** Settings whose values never appear in messages or logs. */
const SECRET_SETTINGS = /SECRET|(?<!_PER_)TOKENS?$|PASSWORD|PRIVATE_KEY|^DATABASE_URL$|^DATABASE_REPLICA_URLS$|^DATABASE_POOLER_URL$|^ARGOCD_INSTANCES$/;

/** Whether a setting holds a credential: hidden in messages, and read from a Secret by the Helm chart. */
export function isSecretSetting(name: string): boolean {
  return SECRET_SETTINGS.test(name);
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid configuration:\n${issues.map((issue) => `  - ${issue}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses settings from an environment-like record; throws ConfigError naming each bad setting. */
export function parseConfig(source: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, value]) => value !== undefined && value !== ""),
  );
  const result = configSchema.safeParse(cleaned);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = String(issue.path[0] ?? "");
        const shown = SECRET_SETTINGS.test(name) ? "value hidden" : `got ${JSON.stringify(source[name] ?? null)}`;
        return `${issue.path.join(".")}: ${issue.message} (${shown})`;
      }),
    );
  }
  return result.data;
}

let cached: Config | undefined;

/** The validated configuration of this process. */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

/**
 * Records the database URL chosen at start-up (the embedded server's, when DATABASE_URL
 * is unset) so that this process and the processes it starts use the same database.
 */
export function useDatabaseUrl(url: string): void {
  process.env.DATABASE_URL = url;
  cached = undefined;
}

/**
 * Records the auth secret `npm start` generated or read from SHIPLOG_DATA_DIR (when
 * SHIPLOG_AUTH_SECRET is unset) for this process and the processes it starts.
 */
export function useAuthSecret(secret: string): void {
  process.env.SHIPLOG_AUTH_SECRET = secret;
  cached = undefined;
}

/** The database URL, or a clear error when none has been configured or started. */
export function databaseUrl(): string {
  const url = config().DATABASE_URL;
  if (!url) {
    throw new ConfigError([
      "DATABASE_URL: not set. Start Shiplog with `npm start` (which runs the embedded PostgreSQL) or set DATABASE_URL to an external PostgreSQL.",
    ]);
  }
  return url;
}
