"use client";
// Deployments and failures per bucket (day or week) as stacked bars. The numbers themselves are
// also given to screen readers as the chart's description.
import { DeploymentTrendBars } from "./deployment-trend-bars";
import { DeploymentTrendFigure, type DeploymentTrendPoint } from "./deployment-trend-figure";

export function DeploymentTrendChart({ points, label, height = 220 }: { points: DeploymentTrendPoint[]; label: string; height?: number }) {
  return (
    <DeploymentTrendFigure points={points} label={label} height={height}>
      <DeploymentTrendBars points={points} />
    </DeploymentTrendFigure>
  );
}
