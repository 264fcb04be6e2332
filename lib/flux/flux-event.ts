// The event Flux's notification-controller posts to a `generic` or `generic-hmac` Provider: the
// fluxcd/pkg/apis/event/v1 Event, JSON-encoded (tests/fixtures/flux holds published examples).
// Only what Shiplog reads is checked; everything else in the body is kept as sent.
//
// Metadata keys: the controllers set them prefixed with their API group
// ("kustomize.toolkit.fluxcd.io/revision"); notification-controller strips that prefix before
// forwarding, and adds the Alert's `eventMetadata` (and `summary`). Both spellings are read.
import { z } from "zod";
import { deliveryText } from "../ingest/accept/delivery-text";

const kubernetesName = deliveryText(253);

export const fluxEventSchema = z.object({
  involvedObject: z.object({
    kind: deliveryText(100),
    name: kubernetesName,
    namespace: kubernetesName,
    uid: z.string().max(100).nullish(),
    apiVersion: z.string().max(200).nullish(),
  }),
  severity: z.enum(["info", "error", "trace"]),
  timestamp: z.iso.datetime({ offset: true }),
  message: z.string().max(100_000),
  reason: deliveryText(200),
  metadata: z.record(z.string(), z.string()).nullish(),
  reportingController: deliveryText(200),
  reportingInstance: z.string().max(300).nullish(),
}).meta({ description: "A Flux controller's event as notification-controller forwards it (docs/setup-flux.md)." });

export type FluxEvent = z.infer<typeof fluxEventSchema>;

/** The kinds that apply configuration to a cluster: each object is an application in Shiplog's model. */
export const FLUX_APPLICATION_KINDS = ["Kustomization", "HelmRelease"] as const;
export type FluxApplicationKind = (typeof FLUX_APPLICATION_KINDS)[number];

export function isFluxApplicationKind(kind: string): kind is FluxApplicationKind {
  return (FLUX_APPLICATION_KINDS as readonly string[]).includes(kind);
}

/** Metadata keys (after the group prefix is stripped) naming the event's cluster, first wins. */
export const FLUX_CLUSTER_KEYS = ["cluster", "shiplog.io/cluster", "app.kubernetes.io/cluster", "cluster-name"] as const;

/** The value of a metadata key, whether notification-controller stripped its group prefix or not. */
export function fluxMetadataValue(event: Pick<FluxEvent, "metadata">, key: string): string | undefined {
  const metadata = event.metadata ?? {};
  const plain = metadata[key]?.trim();
  if (plain) return plain;
  const suffix = `.toolkit.fluxcd.io/${key}`;
  for (const [name, value] of Object.entries(metadata)) {
    if (name.endsWith(suffix) && value.trim()) return value.trim();
  }
  return undefined;
}

/** The metadata with group prefixes stripped: what classification reads as the object's labels. */
export function fluxLabels(event: Pick<FluxEvent, "metadata">): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.metadata ?? {})) {
    const key = name.replace(/^[a-z0-9.-]+\.toolkit\.fluxcd\.io\//, "");
    if (labels[key] === undefined || key === name) labels[key] = value;
  }
  return labels;
}

/** The event's cluster: a metadata key an Alert can add (FLUX_CLUSTER_KEYS), else the configured default. */
export function fluxClusterOf(event: Pick<FluxEvent, "metadata">, defaultCluster: string): string {
  for (const key of FLUX_CLUSTER_KEYS) {
    const value = fluxMetadataValue(event, key);
    if (value) return value.slice(0, 100);
  }
  return defaultCluster;
}

export type FluxRevision = {
  /** As Flux wrote it: "main@sha1:<sha>", "main/<sha>" (before Flux 2.0), "6.5.4" (a chart version). */
  raw: string;
  /** The Git commit, when the revision names one. */
  sha: string | null;
  /** The branch or tag, when the revision names one. */
  ref: string | null;
};

const SHA1 = /^[0-9a-f]{40}$/;

/**
 * Reads a source revision. Flux 2.0+ writes `<ref>@sha1:<sha>` (or `sha1:<sha>` for a pinned
 * commit, `<tag>@sha256:<digest>` for OCI); before 2.0 it was `<branch>/<sha>`. A HelmRelease's
 * revision is its chart version, which names no commit.
 */
export function parseFluxRevision(raw: string): FluxRevision {
  const value = raw.trim();
  const at = value.lastIndexOf("@");
  const ref = at > 0 ? value.slice(0, at) : null;
  const digest = at >= 0 ? value.slice(at + 1) : value;
  const sha1 = /^sha1:([0-9a-fA-F]{40})$/.exec(digest)?.[1]?.toLowerCase();
  if (sha1) return { raw: value, sha: sha1, ref };
  const legacy = /^(.+)\/([0-9a-fA-F]{40})$/.exec(value);
  if (legacy && SHA1.test(legacy[2]!.toLowerCase())) return { raw: value, sha: legacy[2]!.toLowerCase(), ref: legacy[1]! };
  if (SHA1.test(value.toLowerCase())) return { raw: value, sha: value.toLowerCase(), ref: null };
  return { raw: value, sha: null, ref };
}
