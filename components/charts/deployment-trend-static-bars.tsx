// Deployments and failures per bucket as plain SVG bars: no script, no measuring, so it is drawn
// by the server, in a print, in a full-page screenshot and before recharts has loaded. The team
// comparison's sparklines are these bars at a small size; the deployment trend chart shows them
// until its interactive plot is drawn (deployment-trend-chart-when-visible.tsx).
import type { DeploymentTrendPoint } from "./deployment-trend-figure";

export function DeploymentTrendStaticBars({ points, label, className }: { points: DeploymentTrendPoint[]; label?: string; className?: string }) {
  const highest = Math.max(1, ...points.map((point) => point.deployments));
  const width = Math.max(1, points.length) * 10;
  const height = 100;
  return (
    <svg
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      className={className ?? "h-full w-full"}
      role={label ? "img" : undefined}
      aria-label={label}
      aria-hidden={label ? undefined : true}
      data-static-bars
    >
      {points.map((point, index) => {
        const total = (point.deployments / highest) * height;
        const failed = (point.failures / highest) * height;
        return (
          <g key={point.start} data-bucket={point.start}>
            {total - failed > 0 ? <rect x={index * 10 + 1} y={height - total} width={8} height={total - failed} className="fill-zinc-700" /> : null}
            {failed > 0 ? <rect x={index * 10 + 1} y={height - failed} width={8} height={failed} className="fill-red-600" /> : null}
          </g>
        );
      })}
    </svg>
  );
}
