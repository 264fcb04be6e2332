"use client";
// Deployments and failures per bucket (day or week) as stacked bars. The numbers themselves are
// also given to screen readers as the chart's description.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type DeploymentTrendPoint = { start: string; deployments: number; failures: number };

export function DeploymentTrendChart({ points, label, height = 220 }: { points: DeploymentTrendPoint[]; label: string; height?: number }) {
  const data = points.map((point) => ({ start: point.start, succeeded: point.deployments - point.failures, failures: point.failures }));
  const total = points.reduce((sum, point) => sum + point.deployments, 0);
  const failures = points.reduce((sum, point) => sum + point.failures, 0);
  return (
    <figure className="rounded-lg border border-zinc-200 bg-white p-4 shadow-xs">
      <figcaption className="mb-2 text-sm font-medium text-zinc-700">{label}</figcaption>
      <div role="img" aria-label={`${label}: ${total} deployments, ${failures} failures`} style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e4e4e7" />
            <XAxis dataKey="start" tickFormatter={shortDay} tick={{ fontSize: 11, fill: "#52525b" }} minTickGap={16} />
            <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: "#52525b" }} />
            <Tooltip labelFormatter={(value) => String(value)} />
            <Bar dataKey="succeeded" name="Not failed" stackId="deployments" fill="#3f3f46" isAnimationActive={false} />
            <Bar dataKey="failures" name="Failed" stackId="deployments" fill="#dc2626" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
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

function shortDay(day: string): string {
  return day.slice(5);
}
