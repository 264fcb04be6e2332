import type { Metadata } from "next";
import { headers } from "next/headers";
import { connection } from "next/server";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { can } from "@/lib/auth/roles";
import { z } from "zod";
import { strictQuery } from "@/lib/api/query-fields";
import { config } from "@/lib/env";
import { resolveWebhookBaseUrl } from "@/lib/http/resolve-webhook-base-url";
import { getIngestionHealth } from "@/lib/ingest/status/get-ingestion-health";
import { getIntegrationSettings, type IntegrationSettings } from "@/lib/ingest/status/get-integration-settings";
import { deliverySourceField, listDeliveries } from "@/lib/ingest/status/list-deliveries";
import { renderIntegrationSetup } from "@/lib/ingest/status/render-integration-setup";
import { ArgocdSetup } from "./_components/argocd-setup";
import { asJson } from "./_components/as-json";
import { FailedDeliveries } from "./_components/failed-deliveries";
import { IngestionHealthPanel } from "./_components/ingestion-health-panel";
import { SetupSnippet, SetupValue } from "./_components/setup-snippet";
import { SOURCE_PARAMS } from "./_components/source-labels";

export const metadata: Metadata = { title: "Ingestion" };

const pageQuery = z.strictObject({ source: deliverySourceField.optional() }, strictQuery);

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function IntegrationsPage({ searchParams }: Props) {
  // Rendered per request: deliveries arrive constantly, and `next build` has no database.
  await connection();
  const viewer = await requirePageViewer();
  const parsed = pageQuery.safeParse(await searchParams);
  const source = parsed.success ? parsed.data.source : undefined;
  const { url: baseUrl, from: baseUrlFrom } = resolveWebhookBaseUrl(config().SHIPLOG_PUBLIC_URL, await headers());
  const [health, failed, settings] = await Promise.all([getIngestionHealth(), listDeliveries({ source }), getIntegrationSettings()]);
  const setup = renderIntegrationSetup({ baseUrl });

  return (
    <div className="space-y-10">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Ingestion</h1>
        <p className="mt-1 max-w-3xl text-sm text-zinc-600">
          Where Argo CD, Flux, GitHub, GitLab, CI and other deployers send their webhooks, whether each keeps up, and the deliveries that failed. Webhook URLs use{" "}
          <code className="font-mono">{baseUrl}</code>
          {baseUrlFrom === "SHIPLOG_PUBLIC_URL" ? (
            <>
              , from <code className="font-mono">SHIPLOG_PUBLIC_URL</code>.
            </>
          ) : (
            <>
              , the address this page was opened at, because <code className="font-mono">SHIPLOG_PUBLIC_URL</code> is not set: set it to the
              address senders reach Shiplog at, or open this page through that address (behind a proxy, X-Forwarded-Host and
              X-Forwarded-Proto count).
            </>
          )}
        </p>
      </div>

      <section aria-labelledby="health" className="space-y-3">
        <h2 id="health" className="text-lg font-semibold text-zinc-950">
          Health per source
        </h2>
        <IngestionHealthPanel initialData={asJson(health)} />
      </section>

      <section aria-labelledby="failed-deliveries" className="space-y-3">
        <h2 id="failed-deliveries" className="text-lg font-semibold text-zinc-950">
          Failed deliveries
        </h2>
        <p className="max-w-3xl text-sm text-zinc-600">
          A failed delivery is retried on its own with growing pauses; after 8 attempts, or at once when its payload cannot be used, it is
          quarantined. Replay puts it back in the queue once the cause is fixed. Replaying needs the engineer role
          (fleet-wide).
        </p>
        {parsed.success ? null : (
          <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
            The filter in the address is not valid ({parsed.error.issues.map((issue) => `${issue.path.join(".") || "query"}: ${issue.message}`).join("; ")}
            ); showing every source.
          </p>
        )}
        <FailedDeliveries
          key={source ?? "all"}
          source={source ? SOURCE_PARAMS[source] : undefined}
          initialPage={asJson(failed)}
          canReplay={can(viewer, "replay")}
        />
      </section>

      <section aria-labelledby="setup" className="space-y-6">
        <h2 id="setup" className="text-lg font-semibold text-zinc-950">
          Set up the senders
        </h2>

        <Integration title="Argo CD Notifications" id="setup-argocd" credential={<BearerCredential integration={settings.argocd} source="argocd" />}>
          <ArgocdSetup baseUrl={baseUrl} initialInstance={settings.argocd.instances[0]?.name ?? "prod-eu"} />
          <ArgocdReconciliation settings={settings} />
        </Integration>

        <Integration title="GitHub" id="setup-github" credential={<GithubCredential settings={settings} />}>
          <p className="text-sm text-zinc-600">
            In the organization&apos;s or repository&apos;s <strong>Settings → Webhooks → Add webhook</strong> (or a GitHub App&apos;s webhook):
          </p>
          <dl className="space-y-2">
            <SetupValue label="Payload URL" value={setup.github.payloadUrl} />
            <SetupValue label="Content type" value={setup.github.contentType} />
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
              <dt className="w-32 shrink-0 font-medium text-zinc-700">Secret</dt>
              <dd className="text-zinc-800">
                one of the values of <code className="font-mono">GITHUB_WEBHOOK_SECRET</code> (never shown here)
              </dd>
            </div>
            <SetupValue label="Events" value={setup.github.events.join(", ")} />
          </dl>
          <p className="text-sm text-zinc-600">Or choose &quot;Send me everything&quot;. GitHub sends a ping at once; its Recent Deliveries entry should show 202.</p>
          <GithubApi settings={settings} />
        </Integration>

        <Integration title="GitLab" id="setup-gitlab" credential={<BearerCredential integration={settings.gitlab} source="gitlab" />}>
          <p className="text-sm text-zinc-600">
            In the project&apos;s or group&apos;s <strong>Settings → Webhooks → Add new webhook</strong> (gitlab.com or self-managed):
          </p>
          <dl className="space-y-2">
            <SetupValue label="URL" value={setup.gitlab.url} />
            <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
              <dt className="w-32 shrink-0 font-medium text-zinc-700">Secret token</dt>
              <dd className="text-zinc-800">
                one of the values of <code className="font-mono">{settings.gitlab.setting}</code>, or a stored GitLab token (never shown here)
              </dd>
            </div>
            <SetupValue label="Triggers" value={setup.gitlab.triggers.join(", ")} />
          </dl>
          <SetupSnippet title="The same webhook through GitLab's API (curl)" text={setup.gitlab.curl} language="sh" />
          <p className="text-sm text-zinc-600">
            GitLab&apos;s <strong>Test → Push events</strong> should show 202. What each event becomes: docs/setup-gitlab.md.
          </p>
          <GitlabApi settings={settings} />
        </Integration>

        <Integration title="Flux" id="setup-flux" credential={<BearerCredential integration={settings.flux} source="flux" />}>
          <p className="text-sm text-zinc-600">
            On each cluster, in the namespace of Flux&apos;s notification-controller: a <code className="font-mono">generic-hmac</code> Provider
            signing with a token from <code className="font-mono">{settings.flux.setting}</code>, and an Alert for every Kustomization and HelmRelease.
            Set the cluster&apos;s name in <code className="font-mono">eventMetadata.cluster</code>; without it events are filed under{" "}
            <code className="font-mono">{settings.flux.defaultCluster}</code> (FLUX_CLUSTER).
          </p>
          <dl className="space-y-2">
            <SetupValue label="Address" value={setup.flux.url} />
          </dl>
          <SetupSnippet title="Secret, Provider and Alert (kubectl apply -f -)" text={setup.flux.yaml} language="yaml" />
          <p className="text-sm text-zinc-600">
            The next reconciliation shows here as a delivery. What each event becomes, and stored tokens as a bearer header instead: docs/setup-flux.md.
          </p>
        </Integration>

        <Integration title="CI build reports" id="setup-build" credential={<BearerCredential integration={settings.build} source="build" />}>
          <dl className="space-y-2">
            <SetupValue label="Report URL" value={setup.build.url} />
          </dl>
          <SetupSnippet title="Build report from CI (curl)" text={setup.build.curl} language="sh" />
          <p className="text-sm text-zinc-600">
            Run it after pushing the image, with the token in <code className="font-mono">SHIPLOG_BUILD_TOKEN</code>. Fields and answers: docs/webhooks.md.
          </p>
        </Integration>

        <Integration
          title="Deployment events (any deployer)"
          id="setup-deployer"
          credential={<BearerCredential integration={settings.deployer} source="deployer" />}
        >
          <p className="text-sm text-zinc-600">
            For what neither Argo CD nor GitHub deploys (serverless functions, Terraform, mobile releases, database migrations): the deploy job
            sends a versioned event when it starts and when it ends, with the token in <code className="font-mono">SHIPLOG_DEPLOYER_TOKEN</code>.
            Fields and answers: docs/webhooks.md.
          </p>
          <dl className="space-y-2">
            <SetupValue label="Event URL" value={setup.deployer.url} />
          </dl>
          <SetupSnippet title="Deployment event (curl)" text={setup.deployer.curl} language="sh" />
          <SetupSnippet title="GitHub Actions steps" text={setup.deployer.githubActions} language="yaml" />
          <SetupSnippet title="GitLab CI job" text={setup.deployer.gitlabCi} language="yaml" />
        </Integration>
      </section>
    </div>
  );
}

function Integration({ title, id, credential, children }: { title: string; id: string; credential: React.ReactNode; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-4 rounded-lg border border-zinc-200 bg-white px-5 py-4 shadow-xs">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={id} className="text-base font-semibold text-zinc-950">
          {title}
        </h3>
        <div className="text-sm">{credential}</div>
      </div>
      {children}
    </section>
  );
}

function Status({ ok, children }: { ok: boolean; children: React.ReactNode }) {
  return (
    <span className={ok ? "text-emerald-800" : "text-amber-900"}>
      <span aria-hidden="true">{ok ? "● " : "○ "}</span>
      {children}
    </span>
  );
}

function BearerCredential({ integration, source }: { integration: IntegrationSettings["build"]; source: "argocd" | "build" | "deployer" | "gitlab" | "flux" }) {
  if (!integration.accepting) {
    return (
      <Status ok={false}>
        Not accepting yet: set <code className="font-mono">{integration.setting}</code> or run{" "}
        <code className="font-mono">npm run webhook-token -- create {source} &lt;name&gt;</code>
      </Status>
    );
  }
  const parts = [
    ...(integration.configuredTokens > 0 ? [`${integration.configuredTokens} token(s) in ${integration.setting}`] : []),
    ...(integration.storedTokens.length > 0 ? [`stored token(s) ${integration.storedTokens.map((name) => `"${name}"`).join(", ")}`] : []),
  ];
  const header = source === "gitlab" ? "X-Gitlab-Token" : source === "flux" ? "X-Signature or Authorization: Bearer" : "Authorization: Bearer";
  return <Status ok>Accepting: {header}, {parts.join("; ")}</Status>;
}

function GithubCredential({ settings }: { settings: IntegrationSettings }) {
  const { github } = settings;
  return github.accepting ? (
    <Status ok>
      Accepting: signed with <code className="font-mono">{github.setting}</code> ({github.configuredSecrets} secret{github.configuredSecrets === 1 ? "" : "s"})
    </Status>
  ) : (
    <Status ok={false}>
      Not accepting yet: set <code className="font-mono">{github.setting}</code>
    </Status>
  );
}

function GithubApi({ settings }: { settings: IntegrationSettings }) {
  const { api, hooks, rangesIntervalSeconds, redeliveryIntervalSeconds } = settings.github;
  return (
    <div className="space-y-1 border-t border-zinc-100 pt-3 text-sm text-zinc-700">
      <h4 className="font-medium text-zinc-900">GitHub API access (commit ranges, redelivery of failed webhooks)</h4>
      {api.kind === "none" ? (
        <p>
          None: set <code className="font-mono">GITHUB_TOKEN</code> or a GitHub App (<code className="font-mono">GITHUB_APP_ID</code>,{" "}
          <code className="font-mono">GITHUB_APP_PRIVATE_KEY</code>, <code className="font-mono">GITHUB_APP_INSTALLATION_ID</code>). Shiplog runs on
          webhooks alone until then.
        </p>
      ) : api.kind === "token" ? (
        <p>
          A token, from <code className="font-mono">{api.setting}</code> (value not shown), against <code className="font-mono">{api.apiUrl}</code>.
        </p>
      ) : (
        <p>
          GitHub App {api.appId}, installation {api.installationId}, key from <code className="font-mono">GITHUB_APP_PRIVATE_KEY</code> (not shown),
          against <code className="font-mono">{api.apiUrl}</code>.
        </p>
      )}
      <p>
        Webhooks checked for failed deliveries (<code className="font-mono">GITHUB_WEBHOOK_HOOKS</code>):{" "}
        {hooks.length === 0 ? "none" : hooks.map((hook) => <code key={hook} className="mr-2 font-mono">{hook}</code>)}
        {hooks.length > 0 && redeliveryIntervalSeconds > 0 ? ` every ${redeliveryIntervalSeconds} s` : ""}. Commit ranges completed{" "}
        {rangesIntervalSeconds > 0 ? `every ${rangesIntervalSeconds} s` : "never (GITHUB_RANGES_INTERVAL_SECONDS=0)"}.
      </p>
    </div>
  );
}

function GitlabApi({ settings }: { settings: IntegrationSettings }) {
  const { api, hooks, rangesIntervalSeconds, redeliveryIntervalSeconds } = settings.gitlab;
  return (
    <div className="space-y-1 border-t border-zinc-100 pt-3 text-sm text-zinc-700">
      <h4 className="font-medium text-zinc-900">GitLab API access (commit ranges, resending failed webhook events)</h4>
      {api.kind === "none" ? (
        <p>
          None: set <code className="font-mono">GITLAB_TOKEN</code> (and <code className="font-mono">GITLAB_URL</code> for a self-managed instance).
          Shiplog runs on GitLab&apos;s webhooks alone until then.
        </p>
      ) : (
        <p>
          A token, from <code className="font-mono">{api.setting}</code> (value not shown), against <code className="font-mono">{api.url}</code>.
        </p>
      )}
      <p>
        Webhooks whose event log is checked for failed deliveries (<code className="font-mono">GITLAB_WEBHOOK_HOOKS</code>):{" "}
        {hooks.length === 0 ? "none" : hooks.map((hook) => <code key={hook} className="mr-2 font-mono">{hook}</code>)}
        {hooks.length > 0 ? (redeliveryIntervalSeconds > 0 ? ` every ${redeliveryIntervalSeconds} s` : " never (GITLAB_REDELIVERY_INTERVAL_SECONDS=0)") : ""}
        {api.kind === "none" ? "" : `. Commit ranges completed ${rangesIntervalSeconds > 0 ? `every ${rangesIntervalSeconds} s` : "never (GITLAB_RANGES_INTERVAL_SECONDS=0)"}`}.
      </p>
    </div>
  );
}

function ArgocdReconciliation({ settings }: { settings: IntegrationSettings }) {
  const { instances, pollIntervalSeconds } = settings.argocd;
  return (
    <p className="border-t border-zinc-100 pt-3 text-sm text-zinc-700">
      Reconciliation (<code className="font-mono">ARGOCD_INSTANCES</code>, tokens not shown):{" "}
      {instances.length === 0
        ? "no instance configured, so a missed notification stays missed until the application's next event."
        : `${instances.map((instance) => `${instance.name} (${instance.url})`).join(", ")}, polled ${pollIntervalSeconds > 0 ? `every ${pollIntervalSeconds} s` : "never (ARGOCD_POLL_INTERVAL_SECONDS=0)"}.`}
    </p>
  );
}
