"use client";
// The plot of a deployment trend: deployments and failures per bucket (day or week) as stacked
// bars. Its frame, description and legend are DeploymentTrendFigure's, which needs no recharts.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { chartColours, chartTooltipStyle } from "./chart-colours";
import type { DeploymentTrendPoint } from "./deployment-trend-figure";

export function DeploymentTrendBars({ points }: { points: DeploymentTrendPoint[] }) {
  const data = points.map((point) => ({ start: point.start, succeeded: point.deployments - point.failures, failures: point.failures }));
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={chartColours.grid} />
        <XAxis dataKey="start" tickFormatter={shortDay} tick={{ fontSize: 11, fill: chartColours.tick }} minTickGap={16} />
        <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: chartColours.tick }} />
        <Tooltip {...chartTooltipStyle} labelFormatter={(value) => String(value)} />
        <Bar dataKey="succeeded" name="Not failed" stackId="deployments" fill={chartColours.neutralBar} isAnimationActive={false} />
        <Bar dataKey="failures" name="Failed" stackId="deployments" fill={chartColours.failureBar} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

function shortDay(day: string): string {
  return day.slice(5);
}
