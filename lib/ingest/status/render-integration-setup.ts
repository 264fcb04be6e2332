// The copy-pasteable set-up the ingestion page shows for each sender, rendered for this
// Shiplog's public URL: the Argo CD Notifications Secret and ConfigMap of docs/setup-argocd.md,
// the GitHub webhook form of docs/setup-github.md, the CI build report and any deployer's
// deployment event (curl, a GitHub Actions step, a GitLab CI job) of docs/webhooks.md, and the
// GitLab webhook of docs/setup-gitlab.md.
// Credentials are placeholders: Shiplog stores tokens only as hashes and never shows a secret.
// Pure, so the snippets are unit-tested (tests/lib/ingest/status/render-integration-setup.test.ts).

/** The Argo CD triggers Shiplog subscribes to, with the conditions of Argo CD's standard catalog. */
export const ARGOCD_TRIGGERS: { name: string; when: string; oncePer: string }[] = [
  { name: "on-created", when: '"true"', oncePer: "app.metadata.name" },
  { name: "on-deleted", when: "app.metadata.deletionTimestamp != nil", oncePer: "app.metadata.name" },
  { name: "on-sync-running", when: "app.status.operationState != nil and app.status.operationState.phase in ['Running']", oncePer: "app.status.operationState?.syncResult?.revision" },
  { name: "on-sync-succeeded", when: "app.status.operationState != nil and app.status.operationState.phase in ['Succeeded']", oncePer: "app.status.operationState?.syncResult?.revision" },
  { name: "on-sync-failed", when: "app.status.operationState != nil and app.status.operationState.phase in ['Error', 'Failed']", oncePer: "app.status.operationState?.syncResult?.revision" },
  { name: "on-sync-status-unknown", when: "app.status.sync.status == 'Unknown'", oncePer: "app.status.operationState?.syncResult?.revision" },
  {
    name: "on-deployed",
    when:
      "app.status.operationState != nil and app.status.operationState.phase in ['Succeeded'] and app.status.health.status == 'Healthy' and " +
      "(!time.Parse(app.status.health.lastTransitionTime).Add(1 * time.Minute).Before(time.Parse(app.status.operationState.finishedAt)) or " +
      "time.Parse(app.status.health.lastTransitionTime).Before(time.Parse(app.status.operationState.startedAt)))",
    oncePer: "app.status.operationState?.syncResult?.revision",
  },
  { name: "on-health-degraded", when: "app.status.health.status == 'Degraded'", oncePer: "app.status.operationState?.syncResult?.revision" },
  // Not in the catalog: every health transition, so a recovery reaches Shiplog in seconds.
  { name: "on-health-changed", when: "app.status.health.lastTransitionTime != nil", oncePer: "app.status.health.status + '@' + app.status.health.lastTransitionTime" },
];

/** The GitHub events Shiplog acts on (docs/setup-github.md); "Send me everything" works too. */
export const GITHUB_EVENTS = [
  "push", "pull_request", "create", "delete", "release", "deployment", "deployment_status",
  "workflow_run", "registry_package", "package",
] as const;

/** The GitLab webhook triggers to tick (docs/setup-gitlab.md): the events Shiplog stores. */
export const GITLAB_TRIGGERS = ["Push events", "Tag push events", "Merge request events", "Pipeline events", "Job events", "Deployment events", "Releases events"] as const;

/** Where the Argo CD token goes in the Secret, and how the ConfigMap refers to it. */
export const ARGOCD_SECRET_KEY = "shiplog-token";

export type IntegrationSetup = {
  argocd: { url: string; secretYaml: string; configMapYaml: string; curl: string };
  github: { payloadUrl: string; contentType: string; events: readonly string[] };
  build: { url: string; curl: string };
  deployer: { url: string; curl: string; githubActions: string; gitlabCi: string };
  gitlab: { url: string; triggers: readonly string[]; curl: string };
  flux: { url: string; yaml: string };
};

/** The Flux objects whose events Shiplog records (docs/setup-flux.md): each is an application. */
export const FLUX_EVENT_SOURCES = ["Kustomization", "HelmRelease"] as const;

/**
 * `baseUrl` is this Shiplog as senders reach it (no trailing slash needed); `instance` the name
 * Shiplog files one Argo CD instance's applications under.
 */
export function renderIntegrationSetup({ baseUrl, instance = "prod-eu" }: { baseUrl: string; instance?: string }): IntegrationSetup {
  const base = baseUrl.replace(/\/+$/, "");
  const argocdUrl = `${base}/api/webhooks/argocd`;
  const buildUrl = `${base}/api/webhooks/build`;
  const gitlabUrl = `${base}/api/webhooks/gitlab`;
  return {
    argocd: {
      url: argocdUrl,
      secretYaml: argocdSecretYaml(),
      configMapYaml: argocdConfigMapYaml(argocdUrl, instance),
      curl: [
        `curl -sS ${argocdUrl} \\`,
        `  -H "Authorization: Bearer $SHIPLOG_ARGOCD_TOKEN" -H "Content-Type: application/json" \\`,
        `  --data-binary '{"event":"on-deployed","instance":${JSON.stringify(instance)},"app":{"metadata":{"name":"api","namespace":"argocd"}}}'`,
      ].join("\n"),
    },
    github: { payloadUrl: `${base}/api/webhooks/github`, contentType: "application/json", events: GITHUB_EVENTS },
    build: {
      url: buildUrl,
      curl: [
        `curl -sS --fail-with-body ${buildUrl} \\`,
        `  -H "Authorization: Bearer $SHIPLOG_BUILD_TOKEN" -H "Content-Type: application/json" \\`,
        `  -H "Idempotency-Key: $GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT" \\`,
        `  --data-binary @- <<EOF`,
        `{"service":"api","repository":"acme/api","commitSha":"$GITHUB_SHA",`,
        ` "image":"ghcr.io/acme/api","tag":"1.4.2","digest":"$IMAGE_DIGEST",`,
        ` "builtAt":"$(date -u +%Y-%m-%dT%H:%M:%SZ)"}`,
        `EOF`,
      ].join("\n"),
    },
    gitlab: {
      url: gitlabUrl,
      triggers: GITLAB_TRIGGERS,
      // A project webhook, created through GitLab's API (the same as Settings → Webhooks).
      curl: [
        `curl -sS --fail-with-body "$GITLAB_URL/api/v4/projects/$PROJECT_ID/hooks" \\`,
        `  -H "PRIVATE-TOKEN: $GITLAB_ADMIN_TOKEN" \\`,
        `  --data-urlencode "url=${gitlabUrl}" --data-urlencode "token=$SHIPLOG_GITLAB_SECRET" \\`,
        `  -d push_events=true -d tag_push_events=true -d merge_requests_events=true -d pipeline_events=true \\`,
        `  -d job_events=true -d deployment_events=true -d releases_events=true -d enable_ssl_verification=true`,
      ].join("\n"),
    },
    deployer: deployerSetup(`${base}/api/webhooks/deployments`),
    flux: fluxSetup(`${base}/api/webhooks/flux`),
  };
}

/**
 * The Secret, Provider and Alert of docs/setup-flux.md, for one cluster: a generic-hmac Provider
 * signing with the Secret's token (one of FLUX_WEBHOOK_SECRET), and an Alert sending every
 * Kustomization's and HelmRelease's info and error events, naming the cluster in eventMetadata.
 */
function fluxSetup(url: string): IntegrationSetup["flux"] {
  return {
    url,
    yaml: [
      "apiVersion: v1",
      "kind: Secret",
      "metadata:",
      "  name: shiplog-webhook",
      "  namespace: flux-system",
      "stringData:",
      "  token: <one of FLUX_WEBHOOK_SECRET>",
      "---",
      "apiVersion: notification.toolkit.fluxcd.io/v1beta3",
      "kind: Provider",
      "metadata:",
      "  name: shiplog",
      "  namespace: flux-system",
      "spec:",
      "  type: generic-hmac",
      `  address: ${url}`,
      "  secretRef:",
      "    name: shiplog-webhook",
      "---",
      "apiVersion: notification.toolkit.fluxcd.io/v1beta3",
      "kind: Alert",
      "metadata:",
      "  name: shiplog",
      "  namespace: flux-system",
      "spec:",
      "  providerRef:",
      "    name: shiplog",
      "  eventSeverity: info",
      "  eventSources:",
      ...FLUX_EVENT_SOURCES.flatMap((kind) => [`    - kind: ${kind}`, "      name: '*'", "      namespace: '*'"]),
      "  eventMetadata:",
      "    cluster: prod-eu",
      "    env: production",
    ].join("\n"),
  };
}

/**
 * The deployment event (lib/ingest/accept/deployment-event.ts) as a deploy job sends it: once
 * when it starts and once when it ends, both with the same deploymentId. The Idempotency-Key is
 * left to Shiplog (derived from the event), so the start and the end are two deliveries.
 */
function deployerSetup(url: string): IntegrationSetup["deployer"] {
  const body = (sha: string, id: string, extra: string) =>
    `{"schemaVersion":"v1","deploymentId":"${id}","service":"checkout","environment":"production",` +
    `"target":{"region":"eu-west-1","function":"checkout-api"},"version":"1.4.2","commitSha":"${sha}",${extra}}`;
  const post = (indent: string, token: string, json: string) =>
    [
      `${indent}curl -sS --fail-with-body --retry 5 --retry-all-errors ${url} \\`,
      `${indent}  -H "Authorization: Bearer ${token}" -H "Content-Type: application/json" \\`,
      `${indent}  --data-binary "${json.replaceAll('"', '\\"')}"`,
    ].join("\n");
  return {
    url,
    curl: [
      `curl -sS --fail-with-body ${url} \\`,
      `  -H "Authorization: Bearer $SHIPLOG_DEPLOYER_TOKEN" -H "Content-Type: application/json" \\`,
      `  --data-binary @- <<EOF`,
      body("$(git rev-parse HEAD)", "deploy-4711", '"status":"succeeded","startedAt":"2026-03-05T07:30:00Z","finishedAt":"2026-03-05T07:32:10Z","by":"$USER"'),
      `EOF`,
    ].join("\n"),
    githubActions: [
      "# In the deploy job, around your deploy step; SHIPLOG_DEPLOYER_TOKEN is a repository secret.",
      "- name: Tell Shiplog the deployment started",
      "  id: shiplog",
      "  env:",
      "    SHIPLOG_DEPLOYER_TOKEN: ${{ secrets.SHIPLOG_DEPLOYER_TOKEN }}",
      "  run: |",
      "    STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)",
      '    echo "started=$STARTED" >> "$GITHUB_OUTPUT"',
      post("    ", "$SHIPLOG_DEPLOYER_TOKEN", body("$GITHUB_SHA", "$GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT", '"status":"started","startedAt":"$STARTED","by":"$GITHUB_ACTOR"')),
      "# … your deploy steps …",
      "- name: Tell Shiplog how it ended",
      "  if: always()",
      "  env:",
      "    SHIPLOG_DEPLOYER_TOKEN: ${{ secrets.SHIPLOG_DEPLOYER_TOKEN }}",
      "    STATUS: ${{ job.status == 'success' && 'succeeded' || 'failed' }}",
      "    STARTED: ${{ steps.shiplog.outputs.started }}",
      "  run: |",
      post(
        "    ",
        "$SHIPLOG_DEPLOYER_TOKEN",
        body(
          "$GITHUB_SHA",
          "$GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT",
          '"status":"$STATUS","startedAt":"$STARTED","finishedAt":"$(date -u +%Y-%m-%dT%H:%M:%SZ)","by":"$GITHUB_ACTOR"',
        ),
      ),
    ].join("\n"),
    gitlabCi: [
      "# .gitlab-ci.yml: SHIPLOG_DEPLOYER_TOKEN is a masked CI/CD variable.",
      "deploy:",
      "  stage: deploy",
      "  script:",
      "    - ./deploy.sh",
      "  after_script:",
      '    - if [ "$CI_JOB_STATUS" = success ]; then STATUS=succeeded; else STATUS=failed; fi',
      // after_script runs in a new shell, so the start time is the job's own (CI_JOB_STARTED_AT).
      "    - |",
      post(
        "      ",
        "$SHIPLOG_DEPLOYER_TOKEN",
        body(
          "$CI_COMMIT_SHA",
          "$CI_JOB_ID",
          '"status":"$STATUS","startedAt":"$CI_JOB_STARTED_AT","finishedAt":"$(date -u +%Y-%m-%dT%H:%M:%SZ)","by":"$GITLAB_USER_LOGIN"',
        ),
      ),
    ].join("\n"),
  };
}

function argocdSecretYaml(): string {
  return [
    "apiVersion: v1",
    "kind: Secret",
    "metadata:",
    "  name: argocd-notifications-secret",
    "  namespace: argocd",
    "stringData:",
    `  ${ARGOCD_SECRET_KEY}: "<your Argo CD webhook token>"`,
  ].join("\n");
}

function argocdConfigMapYaml(url: string, instance: string): string {
  // The body is a single-quoted YAML scalar: a quote in the instance name is doubled.
  const instanceJson = JSON.stringify(instance).replaceAll("'", "''");
  const lines = [
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    "  name: argocd-notifications-cm",
    "  namespace: argocd",
    "data:",
    "  service.webhook.shiplog: |",
    `    url: ${url}`,
    "    headers:",
    "    - name: Authorization",
    `      value: Bearer $${ARGOCD_SECRET_KEY}`,
    "    - name: Content-Type",
    "      value: application/json",
    "",
    "  # One template per trigger: a template cannot tell which trigger sent it.",
  ];
  for (const trigger of ARGOCD_TRIGGERS) {
    lines.push(
      `  template.shiplog-${trigger.name}: |`,
      "    webhook:",
      "      shiplog:",
      "        method: POST",
      `        body: '{"event":"${trigger.name}","instance":${instanceJson},"app":{{toJson .app}}}'`,
    );
  }
  lines.push("");
  for (const trigger of ARGOCD_TRIGGERS) {
    lines.push(
      `  trigger.shiplog-${trigger.name}: |`,
      `    - when: ${trigger.when}`,
      `      oncePer: ${trigger.oncePer}`,
      `      send: [shiplog-${trigger.name}]`,
    );
  }
  lines.push(
    "",
    "  # Every application reports; no per-application annotation needed.",
    "  subscriptions: |",
    "    - recipients: [shiplog]",
    `      triggers: [${ARGOCD_TRIGGERS.map((trigger) => `shiplog-${trigger.name}`).join(", ")}]`,
  );
  return lines.join("\n");
}
