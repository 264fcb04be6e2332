// The charts' colours as the palette's CSS variables, not hex: app/globals.css remaps them in dark
// mode, so a chart follows the scheme like the rest of the page (SVG presentation attributes take
// var()). The fallbacks are the light values, should Tailwind leave a variable out as unused.
import type { CSSProperties } from "react";

export const chartColours = {
  grid: "var(--color-zinc-200, #e4e4e7)",
  tick: "var(--color-zinc-600, #52525b)",
  /** Deployments that did not fail; the legend's swatch is bg-zinc-700. */
  neutralBar: "var(--color-zinc-700, #3f3f46)",
  /** Failures; the legend's swatch is bg-red-600. */
  failureBar: "var(--color-red-600, #dc2626)",
  line: "var(--color-blue-600, #2563eb)",
  mean: "var(--color-zinc-500, #71717a)",
} as const;

/** Recharts' tooltip box is white with dark text by default: the card surface and text colours instead. */
export const chartTooltipStyle: { contentStyle: CSSProperties; labelStyle: CSSProperties; itemStyle: CSSProperties } = {
  contentStyle: { backgroundColor: "var(--color-white, #fff)", borderColor: "var(--color-zinc-200, #e4e4e7)", color: "var(--color-zinc-900, #18181b)" },
  labelStyle: { color: "var(--color-zinc-900, #18181b)" },
  itemStyle: { color: "var(--color-zinc-800, #27272a)" },
};
