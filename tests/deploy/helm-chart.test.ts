// The Helm chart (deploy/helm/shiplog): `helm lint`, then `helm template` with the default values
// and with ci/all-options-values.yaml (every option on), every rendered object validated against
// Kubernetes' schemas (kubernetes-models, and the KEDA, Prometheus Operator and Argo CD models).
// Every setting of lib/env.ts must be reachable through values: the list comes from the schema,
// so a new setting without a value fails here. The Argo CD example (deploy/argocd/) installs this
// chart and points the notifications at the Service it renders.
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { configSchema, isSecretSetting, parseConfig } from "../../lib/env";
import { renderIntegrationSetup } from "../../lib/ingest/status/render-integration-setup";
import { CHART, findHelm, installHelm, lintChart, parseManifests, renderChart, renderError, validateObject, type KubeObject } from "../support/helm";

const ALL_OPTIONS = path.join(CHART, "ci/all-options-values.yaml");
const ARGOCD_EXAMPLES = path.resolve(import.meta.dirname, "../../deploy/argocd");
const SETTINGS = Object.keys(configSchema.shape);
const CREDENTIALS = SETTINGS.filter(isSecretSetting);
const PLAIN = SETTINGS.filter((name) => !isSecretSetting(name));

type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } } };
type Container = { name: string; image: string; command?: string[]; args?: string[]; env?: EnvVar[]; ports?: { name: string; containerPort: number }[]; [field: string]: unknown };
type PodSpec = { containers: Container[]; serviceAccountName?: string; [field: string]: unknown };
type Values = { settings: Record<string, unknown>; secrets: { existingSecret: string; settings: Record<string, unknown> } };

function find(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map((object) => `${object.kind}/${object.metadata.name}`).join(", ")}`);
  return found;
}

function podSpec(object: KubeObject): PodSpec {
  return (object as unknown as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
}

/** An Ingress's rules in order, one [host, path, pathType, Service] per path. */
function ingressRoutes(ingress: KubeObject): [string, string, string, string][] {
  type Rule = { host?: string; http: { paths: { path: string; pathType: string; backend: { service: { name: string } } }[] } };
  const rules = (ingress as unknown as { spec: { rules: Rule[] } }).spec.rules;
  return rules.flatMap((rule) => rule.http.paths.map((entry): [string, string, string, string] => [rule.host ?? "", entry.path, entry.pathType, entry.backend.service.name]));
}

function env(container: Container): Map<string, EnvVar> {
  return new Map((container.env ?? []).map((entry) => [entry.name, entry]));
}

/** What a container's environment would be once the kubelet resolved its Secrets from `secretValues`. */
function resolveEnv(container: Container, secretValues: Record<string, string>): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const entry of container.env ?? []) {
    const ref = entry.valueFrom?.secretKeyRef;
    if (ref) {
      const value = secretValues[`${ref.name}/${ref.key}`];
      if (value !== undefined) resolved[entry.name] = value;
    } else {
      resolved[entry.name] = entry.value ?? "";
    }
  }
  return resolved;
}

const helm = (await findHelm()) ?? (await installHelm());
if (!helm) {
  console.warn("tests/deploy/helm-chart.test.ts skipped: no helm binary, and `npm run helm:install` failed (above). Set HELM_PATH to a helm binary.");
}

describe.skipIf(!helm)("the Helm chart", () => {
  const helmPath = helm!;
  let defaults: KubeObject[];
  let allOptions: KubeObject[];
  let values: Values;
  let allValues: Values;

  beforeAll(async () => {
    [defaults, allOptions] = await Promise.all([renderChart(helmPath), renderChart(helmPath, { values: [ALL_OPTIONS], releaseName: "ops" })]);
    values = parseYaml(await readFile(path.join(CHART, "values.yaml"), "utf8")) as Values;
    allValues = parseYaml(await readFile(ALL_OPTIONS, "utf8")) as Values;
  });

  it("passes helm lint --strict with the default values and with every option on", async () => {
    expect(await lintChart(helmPath)).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(await lintChart(helmPath, [ALL_OPTIONS])).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it("renders valid Kubernetes objects with the default values: web, worker, migrations", () => {
    for (const object of defaults) validateObject(object);
    expect(defaults.map((object) => `${object.kind}/${object.metadata.name}`).sort()).toEqual([
      "Deployment/shiplog-web",
      "Deployment/shiplog-worker",
      "Job/shiplog-migrate",
      "PodDisruptionBudget/shiplog-web",
      "Service/shiplog-web",
      "Service/shiplog-worker",
      "ServiceAccount/shiplog",
    ]);
  });

  it("renders valid objects with every option on, from every template", async () => {
    for (const object of allOptions) validateObject(object);
    const kinds = new Set(allOptions.map((object) => object.kind));
    for (const kind of ["Deployment", "Service", "Ingress", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ScaledObject", "ServiceMonitor", "NetworkPolicy", "Job", "ServiceAccount"]) {
      expect(kinds, kind).toContain(kind);
    }
    const templates = (await readdir(path.join(CHART, "templates"))).filter((file) => file.endsWith(".yaml"));
    const postgresql = await renderChart(helmPath, { values: [ALL_OPTIONS], set: { "worker.autoscaling.keda.trigger": "postgresql" } });
    for (const object of postgresql) validateObject(object);
    const rendered = new Set([...allOptions, ...postgresql].map((object) => object.source));
    expect(templates.filter((file) => !rendered.has(`templates/${file}`)), "templates that rendered nothing").toEqual([]);
  });

  it("validates for real: a wrong type, a missing field or an unknown kind is refused", () => {
    const deployment = structuredClone(find(defaults, "Deployment", "shiplog-web"));
    podSpec(deployment).containers[0]!.ports = [{ name: "http", containerPort: "3000" as unknown as number }];
    expect(() => validateObject(deployment)).toThrow(/Deployment shiplog-web .*containerPort must be integer/);
    const service = structuredClone(find(defaults, "Service", "shiplog-web")) as KubeObject & { spec: { ports: unknown[] } };
    service.spec.ports = [{ name: "http", targetPort: "http" }];
    expect(() => validateObject(service)).toThrow(/Service shiplog-web .*ports\/0 must have required property port/);
    expect(() => validateObject({ ...service, apiVersion: "example.com/v1", kind: "Widget" })).toThrow(/no schema for example.com\/v1 Widget/);
  });

  it("declares every setting of lib/env.ts in values.yaml: credentials by Secret reference, the rest as settings", () => {
    expect(Object.keys(values.secrets.settings).sort()).toEqual([...CREDENTIALS].sort());
    expect(Object.keys(values.settings).sort()).toEqual([...PLAIN].sort());
    // The all-options file gives each one a value.
    expect(Object.keys(allValues.settings).sort()).toEqual([...PLAIN].sort());
    expect(Object.keys(allValues.secrets.settings).sort()).toEqual([...CREDENTIALS].sort());
  });

  it("reads each credential from the existing Secret under the setting's name, DATABASE_URL and SHIPLOG_AUTH_SECRET required", () => {
    for (const deployment of ["shiplog-web", "shiplog-worker"]) {
      const variables = env(podSpec(find(defaults, "Deployment", deployment)).containers[0]!);
      for (const name of CREDENTIALS) {
        expect(variables.get(name)?.value, `${name} must never be a plain value`).toBeUndefined();
        expect(variables.get(name)?.valueFrom?.secretKeyRef, `${deployment} ${name}`).toEqual({
          name: "shiplog",
          key: name,
          optional: !["DATABASE_URL", "SHIPLOG_AUTH_SECRET"].includes(name),
        });
      }
    }
  });

  it("brings every setting to Shiplog with the value the values file gives it (web, worker, accept and migrations)", () => {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
    // The Secrets the all-options file points at, as the kubelet would find them.
    const secretValues: Record<string, string> = {
      "shiplog-db-app/uri": "postgresql://shiplog:pw@db.internal:5432/shiplog",
      "shiplog-db-ro/uri": "postgresql://shiplog_ro:pw@db-ro.internal:5432/shiplog",
      "shiplog-db-pooler/uri": "postgresql://shiplog:pw@pgbouncer.internal:6432/shiplog",
      "shiplog-credentials/SHIPLOG_AUTH_SECRET": "a".repeat(40),
      "shiplog-credentials/SHIPLOG_ADMIN_PASSWORD": "correct horse battery",
      "shiplog-metrics/token": "m".repeat(24),
      "shiplog-credentials/GITHUB_WEBHOOK_SECRET": "old-secret,new-secret",
      "shiplog-credentials/ARGOCD_WEBHOOK_TOKENS": "argocd-token",
      "shiplog-credentials/BUILD_WEBHOOK_TOKENS": "build-token",
      "shiplog-credentials/DEPLOYER_WEBHOOK_TOKENS": "deployer-token",
      "shiplog-credentials/GITLAB_WEBHOOK_SECRET": "gitlab-secret",
      "shiplog-credentials/GITLAB_TOKEN": "glpat-token",
      "shiplog-credentials/FLUX_WEBHOOK_SECRET": "flux-secret",
      // GITHUB_TOKEN stays unset: the file configures a GitHub App, and Shiplog refuses both.
      "shiplog-github-app/private-key.pem": pem,
      "shiplog-credentials/ARGOCD_INSTANCES": JSON.stringify([{ name: "prod-eu", url: "https://argocd.eu.example.com", token: "t" }]),
      "shiplog-oidc/client-secret": "oidc-secret",
      "shiplog-credentials/GITHUB_OAUTH_CLIENT_SECRET": "oauth-secret",
    };
    const unset = parseConfig({});
    for (const [kind, name] of [["Deployment", "shiplog-web"], ["Deployment", "shiplog-worker"], ["Deployment", "shiplog-accept"], ["Job", "shiplog-migrate"]] as const) {
      const container = podSpec(find(allOptions, kind, name)).containers[0]!;
      const variables = env(container);
      for (const setting of SETTINGS) expect(variables.has(setting), `${name} lacks ${setting}`).toBe(true);
      const parsed = parseConfig(resolveEnv(container, secretValues));
      for (const setting of PLAIN) {
        expect(parsed[setting as keyof typeof parsed], `${name}: ${setting} reached Shiplog as its default`).not.toEqual(unset[setting as keyof typeof unset]);
      }
      for (const setting of CREDENTIALS.filter((setting) => setting !== "GITHUB_TOKEN")) {
        expect(parsed[setting as keyof typeof parsed], `${name}: ${setting}`).not.toEqual(unset[setting as keyof typeof unset]);
      }
      expect(parsed.SHIPLOG_ROLE_MAPPINGS).toEqual([{ group: "platform-sre", role: "sre", team: "payments" }, { group: "shiplog-admins", role: "admin" }]);
      expect(parsed.SHIPLOG_CLASSIFICATION_RULES).toEqual({ serviceLabels: ["acme.io/service", "app.kubernetes.io/part-of"], environmentLabels: ["acme.io/stage"], knownEnvironments: ["live", "staging", "dev"] });
      expect(parsed.OIDC_SCOPES).toEqual(["openid", "email", "profile", "groups"]);
      expect(parsed.SHIPLOG_TRUSTED_PROXIES).toEqual(["10.0.0.0/8", "fd00::/8"]);
      expect(parsed.GITHUB_APP_PRIVATE_KEY).toBe(pem.trim());
      expect(variables.get("OTEL_SERVICE_NAME")?.value, "extraEnv").toBe("shiplog");
    }
    // Each component's own settings win over the shared ones.
    const poolSize = (kind: string, name: string) => env(podSpec(find(allOptions, kind, name)).containers[0]!).get("DATABASE_POOL_SIZE")?.value;
    expect([poolSize("Deployment", "shiplog-web"), poolSize("Deployment", "shiplog-worker"), poolSize("Deployment", "shiplog-accept"), poolSize("Job", "shiplog-migrate")]).toEqual(["30", "12", "8", "20"]);
  });

  it("reaches any one setting from the command line, a number without an exponent", async () => {
    const objects = await renderChart(helmPath, { set: { "settings.SHIPLOG_DELIVERY_RETENTION_DAYS": "90" }, setJson: { "settings.SHIPLOG_DEMO_SERVICES": "1000000" } });
    const variables = env(podSpec(find(objects, "Deployment", "shiplog-web")).containers[0]!);
    expect(variables.get("SHIPLOG_DELIVERY_RETENTION_DAYS")?.value).toBe("90");
    expect(variables.get("SHIPLOG_DEMO_SERVICES")?.value).toBe("1000000");
    expect(variables.has("SHIPLOG_SEED"), "an empty setting is left to Shiplog's default").toBe(false);
  });

  it("runs the image's web, worker and migrate commands with probes on Shiplog's health endpoints", () => {
    const web = podSpec(find(defaults, "Deployment", "shiplog-web")).containers[0]!;
    expect([web.command, web.args]).toEqual([["shiplog"], ["web"]]);
    expect(web.image).toBe("shiplog:0.1.0");
    expect(web.ports).toEqual([{ name: "http", containerPort: 3000, protocol: "TCP" }]);
    expect(env(web).get("PORT")?.value).toBe("3000");
    expect(web).toMatchObject({
      livenessProbe: { httpGet: { path: "/api/health", port: "http" } },
      readinessProbe: { httpGet: { path: "/api/ready", port: "http" } },
      startupProbe: { httpGet: { path: "/api/health", port: "http" } },
    });
    expect(env(web).get("SHIPLOG_INLINE_WORKER")?.value, "the workers ingest").toBe("false");

    const worker = podSpec(find(defaults, "Deployment", "shiplog-worker")).containers[0]!;
    expect([worker.command, worker.args]).toEqual([["shiplog"], ["worker", "--concurrency=4", "--batch-size=25", "--poll-interval-ms=250"]]);
    expect(worker.ports).toEqual([{ name: "metrics", containerPort: 9464, protocol: "TCP" }]);
    expect(worker).toMatchObject({ livenessProbe: { httpGet: { path: "/healthz", port: "metrics" } } });
    expect(worker.readinessProbe).toBeUndefined();

    const job = find(defaults, "Job", "shiplog-migrate");
    expect(job.metadata.annotations).toMatchObject({ "helm.sh/hook": "pre-install,pre-upgrade" });
    const migrate = podSpec(job);
    expect([migrate.containers[0]!.command, migrate.containers[0]!.args]).toEqual([["shiplog"], ["migrate"]]);
    // A pre-install hook runs before the release's ServiceAccount exists.
    expect(migrate.serviceAccountName).toBeUndefined();

    const service = find(defaults, "Service", "shiplog-web") as unknown as { spec: { ports: { port: number; targetPort: string }[]; selector: Record<string, string> } };
    expect(service.spec.ports).toEqual([{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
    expect(service.spec.selector).toEqual((find(defaults, "Deployment", "shiplog-web") as unknown as { spec: { selector: { matchLabels: Record<string, string> } } }).spec.selector.matchLabels);
  });

  it("renders no accept object, and sends webhooks to web, while accept is off (the default)", async () => {
    expect(defaults.filter((object) => object.metadata.labels?.["app.kubernetes.io/component"] === "accept")).toEqual([]);
    const objects = await renderChart(helmPath, { values: [ALL_OPTIONS], setJson: { "accept.enabled": "false" } });
    for (const object of objects) validateObject(object);
    expect(objects.filter((object) => object.metadata.name === "shiplog-accept").map((object) => object.kind)).toEqual([]);
    expect(objects.filter((object) => object.source.startsWith("templates/accept-"))).toEqual([]);
    expect(ingressRoutes(find(objects, "Ingress", "shiplog"))).toEqual([["shiplog.example.com", "/", "Prefix", "shiplog-web"]]);
  });

  it("runs `shiplog accept` on SHIPLOG_ACCEPT_PORT with probes on /api/health and /api/ready when accept is on", async () => {
    const objects = await renderChart(helmPath, { setJson: { "accept.enabled": "true" } });
    for (const object of objects) validateObject(object);
    expect(objects.filter((object) => object.metadata.name === "shiplog-accept").map((object) => object.kind).sort()).toEqual(["Deployment", "PodDisruptionBudget", "Service"]);
    const deployment = find(objects, "Deployment", "shiplog-accept") as KubeObject & { spec: { replicas?: number; selector: { matchLabels: Record<string, string> } } };
    expect(deployment.spec.replicas).toBe(2);
    const pod = podSpec(deployment);
    expect(pod.terminationGracePeriodSeconds, "above the 10 s it gives requests in flight").toBeGreaterThan(10);
    const accept = pod.containers[0]!;
    expect([accept.name, accept.command, accept.args, accept.image]).toEqual(["accept", ["shiplog"], ["accept"], "shiplog:0.1.0"]);
    expect(accept.ports).toEqual([{ name: "http", containerPort: 3001, protocol: "TCP" }]);
    expect(env(accept).get("SHIPLOG_ACCEPT_PORT")?.value).toBe("3001");
    expect(env(accept).get("NODE_OPTIONS")?.value).toBe("--max-old-space-size=256");
    expect(env(accept).has("SHIPLOG_INLINE_WORKER"), "the accept server runs no worker").toBe(false);
    expect(accept).toMatchObject({
      startupProbe: { httpGet: { path: "/api/health", port: "http" } },
      livenessProbe: { httpGet: { path: "/api/health", port: "http" } },
      readinessProbe: { httpGet: { path: "/api/ready", port: "http" } },
    });
    // Its own pods only: the web Service must not select them, nor the accept Service web's.
    const service = find(objects, "Service", "shiplog-accept") as unknown as { spec: { ports: unknown[]; selector: Record<string, string> } };
    expect(service.spec.ports).toEqual([{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(service.spec.selector["app.kubernetes.io/component"]).toBe("accept");
    expect((find(objects, "Service", "shiplog-web") as unknown as { spec: { selector: Record<string, string> } }).spec.selector["app.kubernetes.io/component"]).toBe("web");

    // The port follows the setting, the component's own override first.
    const moved = await renderChart(helmPath, { setJson: { "accept.enabled": "true", "accept.settings.SHIPLOG_ACCEPT_PORT": "4100" } });
    const movedContainer = podSpec(find(moved, "Deployment", "shiplog-accept")).containers[0]!;
    expect([movedContainer.ports?.[0]?.containerPort, env(movedContainer).get("SHIPLOG_ACCEPT_PORT")?.value]).toEqual([4100, "4100"]);
    const all = podSpec(find(allOptions, "Deployment", "shiplog-accept")).containers[0]!;
    expect([all.ports?.[0]?.containerPort, env(all).get("SHIPLOG_ACCEPT_PORT")?.value]).toEqual([3101, "3101"]);
    expect(env(podSpec(find(allOptions, "Deployment", "shiplog-web")).containers[0]!).get("PORT")?.value).toBe("8080");
  });

  it("routes /api/webhooks/ of every Ingress host to the accept Service, ahead of the host's paths, when accept is on", async () => {
    const ingress = find(allOptions, "Ingress", "shiplog");
    expect(ingressRoutes(ingress)).toEqual([
      ["shiplog.example.com", "/api/webhooks/", "Prefix", "shiplog-accept"],
      ["shiplog.example.com", "/", "Prefix", "shiplog-web"],
    ]);
    const service = find(allOptions, "Service", "shiplog-accept") as unknown as { spec: { ports: { name: string; port: number }[] } };
    expect(service.spec.ports).toEqual([{ name: "http", port: 8082, targetPort: "http", protocol: "TCP" }]);
    const twoHosts = await renderChart(helmPath, {
      setJson: {
        "accept.enabled": "true",
        "ingress.enabled": "true",
        "ingress.hosts": JSON.stringify([{ host: "a.example.com", paths: [{ path: "/" }] }, { host: "b.example.com", paths: [{ path: "/", pathType: "Prefix" }, { path: "/api", pathType: "Prefix" }] }]),
      },
    });
    for (const object of twoHosts) validateObject(object);
    expect(ingressRoutes(find(twoHosts, "Ingress", "shiplog"))).toEqual([
      ["a.example.com", "/api/webhooks/", "Prefix", "shiplog-accept"],
      ["a.example.com", "/", "Prefix", "shiplog-web"],
      ["b.example.com", "/api/webhooks/", "Prefix", "shiplog-accept"],
      ["b.example.com", "/", "Prefix", "shiplog-web"],
      ["b.example.com", "/api", "Prefix", "shiplog-web"],
    ]);
  });

  it("runs the inline worker in the web pods when the worker Deployment is off", async () => {
    const objects = await renderChart(helmPath, { setJson: { "worker.enabled": "false" } });
    for (const object of objects) validateObject(object);
    expect(objects.filter((object) => object.metadata.name.startsWith("shiplog-worker"))).toEqual([]);
    expect(env(podSpec(find(objects, "Deployment", "shiplog-web")).containers[0]!).get("SHIPLOG_INLINE_WORKER")?.value).toBe("true");
  });

  it("leaves out the worker's port, probe, Service and ServiceMonitor without SHIPLOG_WORKER_METRICS_PORT", async () => {
    const objects = await renderChart(helmPath, { values: [ALL_OPTIONS], set: { "settings.SHIPLOG_WORKER_METRICS_PORT": "" } });
    for (const object of objects) validateObject(object);
    const worker = podSpec(find(objects, "Deployment", "shiplog-worker")).containers[0]!;
    expect([worker.ports, worker.livenessProbe]).toEqual([undefined, undefined]);
    expect(objects.filter((object) => object.kind === "Service").map((object) => object.metadata.name).sort()).toEqual(["shiplog-accept", "shiplog-web"]);
    expect(objects.filter((object) => object.kind === "ServiceMonitor").map((object) => object.metadata.name).sort()).toEqual(["shiplog-accept", "shiplog-web"]);
  });

  it("scrapes with SHIPLOG_METRICS_TOKEN from the Secret the pods read it from", () => {
    const tokenRef = env(podSpec(find(allOptions, "Deployment", "shiplog-web")).containers[0]!).get("SHIPLOG_METRICS_TOKEN")?.valueFrom?.secretKeyRef;
    expect(tokenRef).toEqual({ name: "shiplog-metrics", key: "token", optional: false });
    for (const [name, port] of [["shiplog-web", "http"], ["shiplog-worker", "metrics"], ["shiplog-accept", "http"]]) {
      const monitor = find(allOptions, "ServiceMonitor", name!) as unknown as { metadata: { labels: Record<string, string> }; spec: { endpoints: unknown[]; selector: { matchLabels: Record<string, string> } } };
      expect(monitor.metadata.labels.release).toBe("kube-prometheus-stack");
      expect(monitor.spec.endpoints).toEqual([
        expect.objectContaining({ port, path: "/metrics", authorization: { type: "Bearer", credentials: { name: tokenRef!.name, key: tokenRef!.key } } }),
      ]);
      const service = find(allOptions, "Service", name!);
      expect(service.metadata.labels).toMatchObject(monitor.spec.selector.matchLabels);
    }
  });

  it("scales: HPA on the web and accept Deployments, KEDA on the worker's backlog (Prometheus or PostgreSQL), replicas left to them", async () => {
    const hpa = find(allOptions, "HorizontalPodAutoscaler", "shiplog-web") as unknown as { spec: { scaleTargetRef: { name: string }; minReplicas: number; maxReplicas: number } };
    expect(hpa.spec).toMatchObject({ scaleTargetRef: { kind: "Deployment", name: "shiplog-web" }, minReplicas: 3, maxReplicas: 12 });
    expect((find(allOptions, "Deployment", "shiplog-web") as unknown as { spec: { replicas?: number } }).spec.replicas).toBeUndefined();
    expect((find(allOptions, "Deployment", "shiplog-worker") as unknown as { spec: { replicas?: number } }).spec.replicas).toBeUndefined();
    expect((find(defaults, "Deployment", "shiplog-web") as unknown as { spec: { replicas?: number } }).spec.replicas).toBe(2);
    const acceptHpa = find(allOptions, "HorizontalPodAutoscaler", "shiplog-accept") as unknown as { spec: { metrics: { resource: { name: string; target: { averageUtilization: number } } }[] } };
    expect(acceptHpa.spec).toMatchObject({ scaleTargetRef: { kind: "Deployment", name: "shiplog-accept" }, minReplicas: 2, maxReplicas: 6 });
    expect(acceptHpa.spec.metrics.map((metric) => [metric.resource.name, metric.resource.target.averageUtilization])).toEqual([["cpu", 60], ["memory", 85]]);
    expect((find(allOptions, "Deployment", "shiplog-accept") as unknown as { spec: { replicas?: number } }).spec.replicas).toBeUndefined();
    expect((find(allOptions, "PodDisruptionBudget", "shiplog-accept") as unknown as { spec: { minAvailable?: number } }).spec.minAvailable).toBe(1);

    const scaled = find(allOptions, "ScaledObject", "shiplog-worker") as unknown as { spec: { scaleTargetRef: { name: string }; triggers: { type: string; metadata: Record<string, string> }[] } };
    expect(scaled.spec.scaleTargetRef.name).toBe("shiplog-worker");
    expect(scaled.spec.triggers).toEqual([
      {
        type: "prometheus",
        metadata: { serverAddress: "http://prometheus-operated.monitoring.svc:9090", query: "sum(max by (source) (shiplog_delivery_queue_depth))", threshold: "5000", activationThreshold: "200" },
        authenticationRef: { name: "prometheus-credentials" },
      },
    ]);

    const postgresql = await renderChart(helmPath, { set: { "worker.autoscaling.keda.trigger": "postgresql" }, setJson: { "worker.autoscaling.keda.enabled": "true" } });
    const auth = find(postgresql, "TriggerAuthentication", "shiplog-worker") as unknown as { spec: { secretTargetRef: unknown[] } };
    // Without a connection Secret of its own, KEDA reads DATABASE_URL's.
    expect(auth.spec.secretTargetRef).toEqual([{ parameter: "connection", name: "shiplog", key: "DATABASE_URL" }]);
    const trigger = (find(postgresql, "ScaledObject", "shiplog-worker") as unknown as { spec: { triggers: { type: string; metadata: { query: string }; authenticationRef: { name: string } }[] } }).spec.triggers[0]!;
    expect(trigger).toMatchObject({ type: "postgresql", authenticationRef: { name: "shiplog-worker" } });
    expect(trigger.metadata.query).toMatch(/FROM webhook_deliveries WHERE status IN \('PENDING', 'FAILED'\)/);
  });

  it("limits traffic with NetworkPolicies: web and accept ports from the listed peers, worker metrics from Prometheus, nothing into migrations", async () => {
    const policies = allOptions.filter((object) => object.kind === "NetworkPolicy") as unknown as { metadata: { name: string }; spec: { ingress: { ports?: { port: string }[]; from?: unknown[] }[]; egress?: { ports?: { port: number }[] }[] } }[];
    const byName = new Map(policies.map((policy) => [policy.metadata.name, policy.spec]));
    expect(byName.get("shiplog-web")!.ingress).toEqual([{ ports: [{ port: "http", protocol: "TCP" }], from: expect.arrayContaining([expect.objectContaining({ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "argocd" } } })]) }]);
    expect(byName.get("shiplog-worker")!.ingress).toEqual([{ ports: [{ port: "metrics", protocol: "TCP" }], from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }] }]);
    expect(byName.get("shiplog-migrate")!.ingress).toEqual([]);
    expect(byName.get("shiplog-accept")!.ingress).toEqual([{ ports: [{ port: "http", protocol: "TCP" }], from: expect.arrayContaining([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ci" } } }]) }]);
    for (const policy of policies) expect(policy.spec.egress?.[0]?.ports?.map((port) => port.port), "DNS first").toEqual([53, 53]);
    // Without acceptFrom, the accept port admits web's peers.
    const fallback = await renderChart(helmPath, { values: [ALL_OPTIONS], setJson: { "networkPolicy.acceptFrom": "[]" } });
    const acceptPolicy = find(fallback, "NetworkPolicy", "shiplog-accept") as unknown as { spec: { ingress: { from?: unknown[] }[] } };
    expect(acceptPolicy.spec.ingress[0]!.from).toEqual((allValues as unknown as { networkPolicy: { webFrom: unknown[] } }).networkPolicy.webFrom);
  });

  it("refuses bad values with a message naming what to change", async () => {
    expect(await renderError(helmPath, { set: { "settings.DATABASE_URL": "postgresql://u:p@db/shiplog" } })).toMatch(/DATABASE_URL is a credential: put it in the Secret "shiplog" under the key DATABASE_URL, or point secrets.settings.DATABASE_URL/);
    expect(await renderError(helmPath, { set: { "worker.settings.DATABASE_POOL_SIZE": "4" } })).toMatch(/worker.concurrency \(4\) must stay below the worker's DATABASE_POOL_SIZE \(4\)/);
    // values.schema.json: a misspelt value or a wrong type is refused, not silently ignored.
    expect(await renderError(helmPath, { setJson: { "worker.concurrency": "0" } })).toMatch(/at '\/worker\/concurrency': minimum: got 0, want 1/);
    expect(await renderError(helmPath, { setJson: { "web.replicas": '"two"' } })).toMatch(/at '\/web\/replicas': got string, want integer/);
    expect(await renderError(helmPath, { setJson: { "webb.replicas": "3" } })).toMatch(/additional properties 'webb' not allowed/);
    expect(await renderError(helmPath, { set: { "secrets.settings.DATABASE_URL.nme": "db" } })).toMatch(/at '\/secrets\/settings\/DATABASE_URL': additional properties 'nme' not allowed/);
    expect(await renderError(helmPath, { set: { "worker.autoscaling.keda.trigger": "cpu" }, setJson: { "worker.autoscaling.keda.enabled": "true" } })).toMatch(/at '\/worker\/autoscaling\/keda\/trigger': value must be one of 'prometheus', 'postgresql'/);
    expect(await renderError(helmPath, { setJson: { "web.podDisruptionBudget.minAvailable": "1" } })).toMatch(/web.podDisruptionBudget: set minAvailable or maxUnavailable, not both/);
    expect(await renderError(helmPath, { setJson: { "accept.enabled": "true", "accept.podDisruptionBudget.minAvailable": "1" } })).toMatch(/accept.podDisruptionBudget: set minAvailable or maxUnavailable, not both/);
    expect(await renderError(helmPath, { setJson: { "accept.enabled": "true", "accept.autoscaling.enabled": "true", "accept.autoscaling.minReplicas": "5", "accept.autoscaling.maxReplicas": "3" } })).toMatch(/accept.autoscaling: minReplicas \(5\) is above maxReplicas \(3\)/);
    expect(await renderError(helmPath, { setJson: { "accept.enabled": "true", "ingress.enabled": "true", "ingress.hosts": JSON.stringify([{ host: "a.example.com", paths: [{ path: "/" }, { path: "/api/webhooks" }] }]) } })).toMatch(
      /ingress.hosts: a.example.com lists the path \/api\/webhooks, which the chart routes to the accept server while accept.enabled/,
    );
    expect(await renderError(helmPath, { setJson: { "accept.replicas": '"two"' } })).toMatch(/at '\/accept\/replicas': got string, want integer/);
    expect(await renderError(helmPath, { setJson: { "accept.enable": "true" } })).toMatch(/at '\/accept': additional properties 'enable' not allowed/);
    expect(await renderError(helmPath, { set: { "secrets.existingSecret": "" } })).toMatch(/has no Secret to read it from: set secrets.existingSecret/);
    expect(await renderError(helmPath, { set: { "settings.log_level": "debug" } })).toMatch(/settings.log_level: setting names are lib\/env.ts's environment variable names/);
    expect(await renderError(helmPath, { set: { "secrets.settings.github_token.key": "token" } })).toMatch(/secrets.settings.github_token: setting names are lib\/env.ts's environment variable names/);
  });

  describe("the Argo CD example", () => {
    type Application = KubeObject & { spec: { source: { path: string; helm: { releaseName: string; valuesObject: unknown } }; destination: { namespace: string } } };
    let application: Application;
    let installed: KubeObject[];

    beforeAll(async () => {
      application = parseManifests(await readFile(path.join(ARGOCD_EXAMPLES, "shiplog-application.yaml"), "utf8"))[0] as Application;
      const folder = await mkdtemp(path.join(tmpdir(), "shiplog-chart-"));
      const valuesFile = path.join(folder, "values.yaml");
      await writeFile(valuesFile, JSON.stringify(application.spec.source.helm.valuesObject));
      try {
        installed = await renderChart(helmPath, { values: [valuesFile], releaseName: application.spec.source.helm.releaseName, namespace: application.spec.destination.namespace });
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
    });

    it("is a valid Application that installs this chart, rendering valid objects", () => {
      validateObject(application);
      expect(application.spec.source.path).toBe("deploy/helm/shiplog");
      for (const object of installed) validateObject(object);
      expect(installed.map((object) => object.kind)).toContain("Ingress");
    });

    it("sends Argo CD's notifications to the Service the chart renders, with the documented configuration", async () => {
      const [configMap] = parseManifests(await readFile(path.join(ARGOCD_EXAMPLES, "argocd-notifications-cm.yaml"), "utf8")) as (KubeObject & { data: Record<string, string> })[];
      validateObject(configMap!);
      const service = installed.find((object) => object.kind === "Service" && object.metadata.labels?.["app.kubernetes.io/component"] === "web") as KubeObject & { spec: { ports: { port: number }[] } };
      const port = service.spec.ports[0]!.port;
      const baseUrl = `http://${service.metadata.name}.${application.spec.destination.namespace}.svc.cluster.local${port === 80 ? "" : `:${port}`}`;
      const webhook = parseYaml(configMap!.data["service.webhook.shiplog"]!) as { url: string };
      expect(webhook.url).toBe(`${baseUrl}/api/webhooks/argocd`);
      // The same services, templates, triggers and subscription as docs/setup-argocd.md and the ingestion page.
      const expected = parseYaml(renderIntegrationSetup({ baseUrl, instance: "prod-eu" }).argocd.configMapYaml) as { data: Record<string, string> };
      expect(Object.keys(configMap!.data).sort()).toEqual(Object.keys(expected.data).sort());
      for (const [key, value] of Object.entries(expected.data)) expect(parseYaml(configMap!.data[key]!), key).toEqual(parseYaml(value));
      // The web NetworkPolicy example lets Argo CD's notifications controller in.
      const subscriptions = parseYaml(configMap!.data.subscriptions!) as { recipients: string[] }[];
      expect(subscriptions[0]!.recipients).toEqual(["shiplog"]);
    });

    it("names, in its comment, the accept Service the chart renders for the example when accept is on", async () => {
      const text = await readFile(path.join(ARGOCD_EXAMPLES, "argocd-notifications-cm.yaml"), "utf8");
      const commented = /^#\s+url: (\S+)$/m.exec(text)?.[1];
      const folder = await mkdtemp(path.join(tmpdir(), "shiplog-chart-"));
      const valuesFile = path.join(folder, "values.yaml");
      await writeFile(valuesFile, JSON.stringify(application.spec.source.helm.valuesObject));
      let objects: KubeObject[];
      try {
        objects = await renderChart(helmPath, { values: [valuesFile], setJson: { "accept.enabled": "true" }, releaseName: application.spec.source.helm.releaseName, namespace: application.spec.destination.namespace });
      } finally {
        await rm(folder, { recursive: true, force: true });
      }
      const service = objects.find((object) => object.kind === "Service" && object.metadata.labels?.["app.kubernetes.io/component"] === "accept") as KubeObject & { spec: { ports: { port: number }[] } };
      const port = service.spec.ports[0]!.port;
      expect(commented).toBe(`http://${service.metadata.name}.${application.spec.destination.namespace}.svc.cluster.local${port === 80 ? "" : `:${port}`}/api/webhooks/argocd`);
    });
  });
});
