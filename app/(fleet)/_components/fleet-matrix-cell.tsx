import Link from "next/link";
import type { FleetCell, Health } from "@/lib/fleet/derive-fleet-cell";
import { versionLabel } from "@/lib/fleet/version-label";

const healthStyle: Record<Health, { label: string; dot: string; text: string }> = {
  HEALTHY: { label: "Healthy", dot: "bg-emerald-600", text: "text-emerald-800" },
  PROGRESSING: { label: "Progressing", dot: "bg-sky-600", text: "text-sky-800" },
  DEGRADED: { label: "Degraded", dot: "bg-red-600", text: "text-red-800 font-semibold" },
  SUSPENDED: { label: "Suspended", dot: "bg-zinc-500", text: "text-zinc-700" },
  MISSING: { label: "Missing", dot: "bg-orange-600", text: "text-orange-800 font-semibold" },
  UNKNOWN: { label: "Unknown", dot: "bg-zinc-400", text: "text-zinc-700" },
};

export function healthLabel(health: Health): string {
  return healthStyle[health].label;
}

/** "1 degraded, 3 healthy", worst first. */
function describeCounts(cell: FleetCell): string {
  return Object.entries(cell.healthCounts)
    .sort(([a], [b]) => (a === cell.health ? -1 : b === cell.health ? 1 : 0))
    .map(([health, count]) => `${count} ${healthStyle[health as Health].label.toLowerCase()}`)
    .join(", ");
}

/** A small warning mark whose meaning is in its accessible name and tooltip. */
export function SkewMark({ children, detail }: { children: string; detail: string }) {
  return (
    <span
      title={detail}
      className="inline-flex items-center gap-0.5 rounded bg-amber-50 px-1 text-[11px] leading-4 font-medium whitespace-nowrap text-amber-900 ring-1 ring-amber-300 ring-inset"
    >
      <span aria-hidden="true">⇄</span>
      {children}
      <span className="sr-only">: {detail}</span>
    </span>
  );
}

/** One matrix cell: worst health with counts, the version running, and a mark when clusters disagree. */
export function FleetMatrixCell({ cell, timelineHref }: { cell: FleetCell; timelineHref: string }) {
  const style = healthStyle[cell.health];
  const worst = cell.healthCounts[cell.health] ?? 0;
  return (
    <Link
      href={timelineHref}
      // A screen of cells would otherwise prefetch dozens of timeline views nobody opens.
      prefetch={false}
      className="block h-full rounded px-2 py-1 no-underline hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-zinc-900"
      title={`${describeCounts(cell)}${cell.outOfSync ? `; ${cell.outOfSync} out of sync` : ""}${cell.rollingOut ? `; ${cell.rollingOut} Argo Rollouts in progress` : ""}. Open its deployments in the timeline.`}
      data-health={cell.health}
    >
      <span className="flex items-center gap-1.5 text-sm">
        <span aria-hidden="true" className={`size-2 shrink-0 rounded-full ${style.dot}`} />
        <span className={style.text}>{style.label}</span>
        <span className="text-xs text-zinc-600 tabular-nums">
          {worst === cell.applications ? cell.applications : `${worst}/${cell.applications}`}
          <span className="sr-only"> applications ({describeCounts(cell)})</span>
        </span>
        {cell.outOfSync > 0 ? <span className="text-xs font-medium text-amber-800">{cell.outOfSync} out of sync</span> : null}
        {cell.rollingOut ? (
          <span className="text-xs font-medium whitespace-nowrap text-sky-800" data-rolling-out={cell.rollingOut}>
            <span aria-hidden="true">⇢ </span>
            {cell.rollingOut} rolling out
          </span>
        ) : null}
      </span>
      <span className="mt-0.5 flex items-center gap-1.5">
        <span className="truncate font-mono text-xs text-zinc-800" data-version>
          {versionLabel(cell)}
        </span>
        {cell.clusterSkew ? <SkewMark detail={`Clusters run different versions: ${cell.versions.join(", ")}${cell.versionCount > cell.versions.length ? ", …" : ""}`}>clusters</SkewMark> : null}
      </span>
    </Link>
  );
}
