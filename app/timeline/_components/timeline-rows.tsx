"use client";

import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { RelativeTime } from "@/components/ui/relative-time";
import { deploymentDuration, formatDuration } from "@/lib/deployments/deployment-duration";
import { describeRolloutCounts, rolloutStatus, type TimelineEntry } from "@/lib/rollouts/group-timeline-rollouts";
import { releaseRolloutHref } from "@/lib/rollouts/build-rollout-href";
import type { TimelineDeployment } from "@/lib/deployments/timeline-deployment";
import { StatusBadge } from "./status-badge";

type Rollout = Extract<TimelineEntry, { kind: "rollout" }>;

const cell = "px-3 py-2 text-zinc-900";
const link = "text-zinc-900 underline decoration-zinc-300 underline-offset-2 hover:decoration-zinc-900";

function NewMark() {
  return <Badge tone="info">new</Badge>;
}

/** One deployment: service, where, which version, how it went, who, when, how long. */
export function DeploymentRow({ deployment, isNew, duration, nested = false }: { deployment: TimelineDeployment; isNew: boolean; duration: string | null; nested?: boolean }) {
  return (
    <tr data-row-key={`deployment-${deployment.id}`} data-deployment-id={deployment.id} data-new={isNew || undefined} data-nested={nested || undefined} className={isNew ? "bg-sky-50" : nested ? "bg-zinc-50" : "hover:bg-zinc-50"}>
      <td className={`${cell} ${nested ? "pl-9" : ""}`}>
        <span className="flex items-center gap-2">
          {nested ? (
            <span className="text-zinc-700">{deployment.application.name}</span>
          ) : (
            <Link href={`/services/${encodeURIComponent(deployment.service.name)}`} prefetch={false} className={`font-medium ${link}`}>
              {deployment.service.name}
            </Link>
          )}
          {isNew ? <NewMark /> : null}
        </span>
      </td>
      <td className={cell}>{deployment.environment}</td>
      <td className={cell}>
        {deployment.cluster}
        {deployment.region ? <span className="block text-xs text-zinc-600">{deployment.region}</span> : null}
      </td>
      <td className={cell}>
        <span className="flex items-center gap-2">
          {deployment.release ? (
            <Link href={`/releases/${deployment.release.id}`} prefetch={false} className={`font-mono ${link}`}>
              {deployment.release.version}
            </Link>
          ) : (
            <span className="text-zinc-600">unknown</span>
          )}
          {deployment.isRollback ? <Badge tone="warn">rollback</Badge> : null}
        </span>
      </td>
      <td className={cell}>
        <StatusBadge status={deployment.status} />
      </td>
      <td className={cell}>{deployment.initiatedBy ?? (deployment.automated ? <span className="text-zinc-600">automated</span> : <span className="text-zinc-600">unknown</span>)}</td>
      <td className={cell}>
        <RelativeTime date={deployment.startedAt} />
      </td>
      <td className={`${cell} text-right tabular-nums`}>{duration ?? <span className="text-zinc-600">running</span>}</td>
    </tr>
  );
}

/** A rollout (one release in one environment): one row with its fleet-wide counts, expanding to its loaded deployments. */
export function RolloutRow({ rollout, expanded, onToggle, newIds }: { rollout: Rollout; expanded: boolean; onToggle: () => void; newIds: ReadonlySet<number> }) {
  const newest = rollout.deployments[0]!;
  const { counts, release, environment } = rollout.rollout;
  const regions = [...new Set(rollout.deployments.map((deployment) => deployment.region).filter((region): region is string => region !== null))];
  const people = [...new Set(rollout.deployments.map((deployment) => deployment.initiatedBy).filter((who): who is string => who !== null))];
  const anyNew = rollout.deployments.some((deployment) => newIds.has(deployment.id));
  const progress = describeRolloutCounts(counts);
  const shown = rollout.deployments.length;
  return (
    <>
      <tr
        data-row-key={`rollout-${release.id}-${environment}`}
        data-rollout={release.id}
        data-rollout-environment={environment}
        data-deployment-ids={rollout.deployments.map((deployment) => deployment.id).join(",")}
        className={anyNew ? "bg-sky-50" : "hover:bg-zinc-50"}
      >
        <td className={cell}>
          <span className="flex items-center gap-2">
            <button
              type="button"
              onClick={onToggle}
              aria-expanded={expanded}
              aria-label={`${expanded ? "Collapse" : "Expand"} rollout of ${newest.service.name} ${release.version} in ${environment}: ${progress}`}
              className="rounded px-1 text-zinc-700 hover:bg-zinc-200 focus-visible:outline-2 focus-visible:outline-sky-700"
            >
              <span aria-hidden="true">{expanded ? "▾" : "▸"}</span>
            </button>
            <Link href={`/services/${encodeURIComponent(newest.service.name)}`} prefetch={false} className={`font-medium ${link}`}>
              {newest.service.name}
            </Link>
            {anyNew ? <NewMark /> : null}
          </span>
          <span className="mt-0.5 block pl-7 text-xs text-zinc-700">
            <Link href={releaseRolloutHref(release.id, environment)} prefetch={false} className={link}>
              Rollout
            </Link>
            : {progress}
            {shown > 1 ? ` · ${shown} deployments loaded` : ""}
          </span>
        </td>
        <td className={cell}>{environment}</td>
        <td className={cell}>
          {counts.clusters === 1 ? newest.cluster : `${counts.clusters} clusters`}
          {regions.length === 1 ? <span className="block text-xs text-zinc-600">{regions[0]}</span> : null}
        </td>
        <td className={cell}>
          <Link href={`/releases/${release.id}`} prefetch={false} className={`font-mono ${link}`}>
            {release.version}
          </Link>
        </td>
        <td className={cell}>
          <StatusBadge status={rolloutStatus(counts)} />
        </td>
        <td className={cell}>{people.length === 0 ? <span className="text-zinc-600">automated</span> : people.length === 1 ? people[0] : `${people.length} people`}</td>
        <td className={cell}>
          <RelativeTime date={newest.startedAt} />
        </td>
        <td className={`${cell} text-right tabular-nums`}>
          {rollout.rollout.startedAt && rollout.rollout.finishedAt ? (
            formatDuration(Date.parse(rollout.rollout.finishedAt) - Date.parse(rollout.rollout.startedAt))
          ) : (
            <span className="text-zinc-600">running</span>
          )}
        </td>
      </tr>
      {expanded
        ? rollout.deployments.map((deployment) => (
            <DeploymentRow
              key={deployment.id}
              deployment={deployment}
              isNew={newIds.has(deployment.id)}
              duration={deploymentDuration(deployment.startedAt, deployment.finishedAt)}
              nested
            />
          ))
        : null}
    </>
  );
}
