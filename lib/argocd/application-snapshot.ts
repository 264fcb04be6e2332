// What Shiplog keeps of one observation of an Argo CD Application: the Application object as
// `{{toJson .app}}` renders it, reduced to the fields the fleet model is built from.
// lib/argocd/parse-application.ts builds it from the JSON; the demo fleet builds it directly.
import type { HealthStatus, OperationPhase, SyncStatus } from "../generated/prisma/enums";
import type { ApplicationSource } from "./application-sources";
import type { RolloutResourceHealth } from "../argo-rollouts/rollout-resources";

export type ApplicationSnapshot = {
  /** The Argo CD instance that reported it (notification body `instance`, or the poller's name). */
  instance: string;
  namespace: string;
  name: string;
  uid?: string;
  labels: Record<string, string>;
  /** Name of the owning ApplicationSet, from metadata.ownerReferences. */
  applicationSet?: string;
  project: string;
  source: { repoUrl?: string; path?: string; chart?: string; targetRevision?: string };
  /** Every source of a multi-source application (spec.sources) with its synced revision; absent or [] for one source. */
  sources?: ApplicationSource[];
  /** The `argocd.argoproj.io/manifest-generate-paths` annotation: the directories a monorepo application is built from. */
  manifestGeneratePaths?: string;
  destination: { server?: string; name?: string; namespace?: string };
  autoSync: boolean;
  sync: { status: SyncStatus; revision?: string };
  health: { status: HealthStatus; message?: string };
  /** status.summary.images: what runs now. */
  images: string[];
  /** status.operationState: the last (or running) sync operation. */
  operation?: SyncOperation;
  /** Newest entry of status.history, used for the Argo CD history id of a finished operation. */
  latestHistory?: { id: number; revision?: string; deployStartedAt?: Date; deployedAt: Date };
  /** The Argo Rollouts Rollouts among status.resources, with their health; absent when not read. */
  rollouts?: RolloutResourceHealth[];
  /** When this state was true: the newest timestamp the object carries. Later observations win. */
  observedAt: Date;
};

export type SyncOperation = {
  phase: OperationPhase;
  startedAt: Date;
  finishedAt?: Date;
  /** syncResult.revision, else the revision the operation asked for. */
  revision?: string;
  /** A multi-source application's revision of each source (syncResult.revisions, else those asked for). */
  revisions?: string[];
  /** Username for a manual sync; undefined when automated. */
  initiatedBy?: string;
  automated: boolean;
  message?: string;
};
