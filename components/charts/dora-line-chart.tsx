"use client";
// One DORA measure over time as a line (a rate in percent or a duration in hours), optionally
// with its mean as a dashed second line; buckets without a value leave a gap instead of
// pretending zero.
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { chartColours, chartTooltipStyle } from "./chart-colours";

export type DoraLinePoint = { start: string; value: number | null; mean?: number | null };

export function DoraLineChart({
  points,
  label,
  unit,
  valueName = label,
  meanName,
  height = 180,
}: {
  points: DoraLinePoint[];
  label: string;
  unit: string;
  /** What the solid line is, for the tooltip (median); the label by default. */
  valueName?: string;
  /** Given: the points' `mean` is drawn dashed under this name. */
  meanName?: string;
  height?: number;
}) {
  const known = points.filter((point) => point.value !== null).length;
  return (
    <figure className="rounded-lg border border-zinc-200 bg-white p-4 shadow-xs">
      <figcaption className="mb-2 text-sm font-medium text-zinc-700">{label}</figcaption>
      <div role="img" aria-label={`${label}: ${known} of ${points.length} periods have a value`} style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={points} margin={{ top: 4, right: 8, bottom: 0, left: -8 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={chartColours.grid} />
            <XAxis dataKey="start" tickFormatter={(day: string) => day.slice(5)} tick={{ fontSize: 11, fill: chartColours.tick }} minTickGap={16} />
            <YAxis tick={{ fontSize: 11, fill: chartColours.tick }} unit={unit} />
            <Tooltip {...chartTooltipStyle} formatter={(value, name) => [`${Number(value).toFixed(1)}${unit}`, name]} />
            <Line type="linear" dataKey="value" name={valueName} stroke={chartColours.line} strokeWidth={2} dot={{ r: 2.5, fill: chartColours.line }} connectNulls={false} isAnimationActive={false} />
            {meanName ? (
              <Line type="linear" dataKey="mean" name={meanName} stroke={chartColours.mean} strokeWidth={1.5} strokeDasharray="4 3" dot={false} connectNulls={false} isAnimationActive={false} />
            ) : null}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
