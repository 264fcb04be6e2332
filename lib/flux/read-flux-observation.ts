// What one Flux event says about Shiplog's model, decided without a database. A Kustomization or
// HelmRelease is an application; its reconciliation at a source revision is a deployment of that
// revision: a success reason is a succeeded deployment, an error-severity event a failed one,
// Progressing one in progress. Events of other kinds (GitRepository, HelmChart, ImagePolicy...),
// events without a revision, and reasons that say nothing about the revision applied
// (DependencyNotReady, ArtifactFailed: the source could not be fetched, the cluster still runs
// what it ran) are stored and left alone, with the reason why.
import { type ClassificationRules, classifyApplication, type Classification } from "../fleet/classify-application";
import type { ApplicationSnapshot } from "../argocd/application-snapshot";
import {
  type FluxApplicationKind,
  type FluxEvent,
  type FluxRevision,
  fluxClusterOf,
  fluxLabels,
  fluxMetadataValue,
  isFluxApplicationKind,
  parseFluxRevision,
} from "./flux-event";

export type FluxPhase = "RUNNING" | "SUCCEEDED" | "FAILED";

/** Reasons of kustomize-controller and helm-controller (v2) that mean "applied at this revision". */
const SUCCEEDED_REASONS = new Set(["ReconciliationSucceeded", "InstallSucceeded", "UpgradeSucceeded", "TestSucceeded"]);
const RUNNING_REASONS = new Set(["Progressing", "ProgressingWithRetry"]);
/** Errors that are not about the revision applied: the last good one still runs. */
const NOT_ABOUT_THE_REVISION = new Set(["ArtifactFailed", "DependencyNotReady", "UninstallFailed", "DeleteFailed"]);

export type FluxObservation =
  | {
      kind: "deployment";
      /** Flux's name for the object, as `flux get` prints it: "kustomization/podinfo". */
      applicationName: string;
      objectKind: FluxApplicationKind;
      namespace: string;
      cluster: string;
      classification: Classification;
      revision: FluxRevision;
      phase: FluxPhase;
      at: Date;
      message: string;
      reason: string;
    }
  | { kind: "ignored"; reason: string };

export function readFluxObservation(event: FluxEvent, options: { defaultCluster: string; rules: ClassificationRules }): FluxObservation {
  const { kind, name, namespace } = event.involvedObject;
  const what = `${kind}/${namespace}/${name}`;
  if (!isFluxApplicationKind(kind)) return { kind: "ignored", reason: `${what}: only Kustomizations and HelmReleases deploy; ${kind} events are not modelled` };
  const phase = phaseOf(event);
  if (phase === undefined) return { kind: "ignored", reason: `${what}: ${event.severity} event ${event.reason} says nothing about a deployment` };
  const revisionText = fluxMetadataValue(event, "revision");
  if (!revisionText) return { kind: "ignored", reason: `${what}: ${event.reason} names no revision (metadata.revision), so no deployment to attach it to` };

  const cluster = fluxClusterOf(event, options.defaultCluster);
  const labels = fluxLabels(event);
  const classification = classifyApplication(snapshotForClassification(name, namespace, cluster, labels), options.rules);
  // Metadata values may hold "/", unlike Kubernetes labels: a GitLab project (host/group/name) is taken as it is.
  const repository = repositoryOf(labels, options.rules) ?? classification.repository;
  return {
    kind: "deployment",
    applicationName: `${kind.toLowerCase()}/${name}`,
    objectKind: kind,
    namespace,
    cluster,
    classification: { ...classification, repository },
    revision: parseFluxRevision(revisionText),
    phase,
    at: new Date(event.timestamp),
    message: event.message,
    reason: event.reason,
  };
}

function phaseOf(event: FluxEvent): FluxPhase | undefined {
  if (NOT_ABOUT_THE_REVISION.has(event.reason)) return undefined;
  if (event.severity === "error") return "FAILED";
  if (SUCCEEDED_REASONS.has(event.reason)) return "SUCCEEDED";
  if (RUNNING_REASONS.has(event.reason)) return "RUNNING";
  return undefined;
}

/** The classification rules read an Argo CD snapshot: the Flux object stands in for one. */
function snapshotForClassification(name: string, namespace: string, cluster: string, labels: Record<string, string>): ApplicationSnapshot {
  return {
    instance: "flux",
    namespace,
    name,
    labels,
    project: "flux",
    source: {},
    destination: { server: `flux://${cluster}`, name: cluster, namespace },
    autoSync: true,
    sync: { status: "UNKNOWN" },
    health: { status: "UNKNOWN" },
    images: [],
    observedAt: new Date(0),
  };
}

function repositoryOf(labels: Record<string, string>, rules: ClassificationRules): string | undefined {
  for (const key of rules.repositoryLabels) {
    const value = labels[key]?.trim();
    if (value?.includes("/")) return value;
  }
  return undefined;
}
