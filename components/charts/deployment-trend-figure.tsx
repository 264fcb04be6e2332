// The frame of a deployment trend chart: caption, the plot's box at its final height, the
// numbers as the plot's description for screen readers, and the legend. Free of recharts, so a
// page can render all of it on the server and load the plot itself (`children`) separately.
import type { ReactNode, Ref } from "react";

export type DeploymentTrendPoint = { start: string; deployments: number; failures: number };

export function DeploymentTrendFigure({
  points,
  label,
  height,
  plotRef,
  children,
}: {
  points: DeploymentTrendPoint[];
  label: string;
  height: number;
  /** The plot's box, for a caller that watches whether it is on screen. */
  plotRef?: Ref<HTMLDivElement>;
  children: ReactNode;
}) {
  const total = points.reduce((sum, point) => sum + point.deployments, 0);
  const failures = points.reduce((sum, point) => sum + point.failures, 0);
  return (
    <figure className="rounded-lg border border-zinc-200 bg-white p-4 shadow-xs">
      <figcaption className="mb-2 text-sm font-medium text-zinc-700">{label}</figcaption>
      <div ref={plotRef} role="img" aria-label={`${label}: ${total} deployments, ${failures} failures`} style={{ height }}>
        {children}
      </div>
      {/* An HTML legend: recharts' own is an absolutely placed box over the axis that axe cannot see through. */}
      <p className="mt-2 flex gap-4 text-xs text-zinc-700">
        <span className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-2.5 w-2.5 rounded-sm bg-zinc-700" />
          Not failed
        </span>
        <span className="flex items-center gap-1.5">
          <span aria-hidden="true" className="inline-block h-2.5 w-2.5 rounded-sm bg-red-600" />
          Failed
        </span>
      </p>
    </figure>
  );
}
