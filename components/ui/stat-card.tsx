import Link from "next/link";
import type { ReactNode } from "react";

const numberFormat = new Intl.NumberFormat("en-US");

const toneClasses = {
  neutral: "text-zinc-950",
  bad: "text-red-700",
  warn: "text-amber-700",
} as const;

export type StatCardProps = {
  label: string;
  value: number;
  /** Colour the value when it calls for attention; zero always renders neutral. */
  tone?: keyof typeof toneClasses;
  hint?: ReactNode;
  /** The view that lists what the number counts (the fleet filtered to degraded, say). */
  href?: string;
};

export function StatCard({ label, value, tone = "neutral", hint, href }: StatCardProps) {
  const number = numberFormat.format(value);
  return (
    <div className="rounded-lg border border-zinc-200 bg-white px-4 py-3 shadow-xs">
      <dt className="text-sm font-medium text-zinc-600">{label}</dt>
      <dd className={`mt-1 text-3xl font-semibold tabular-nums ${toneClasses[value === 0 ? "neutral" : tone]}`}>
        {href ? (
          <Link href={href} aria-label={`${number} ${label.toLowerCase()}: show them`} className="underline decoration-2 underline-offset-4 hover:decoration-4">
            {number}
          </Link>
        ) : (
          number
        )}
      </dd>
      {hint ? <dd className="mt-0.5 text-xs text-zinc-500">{hint}</dd> : null}
    </div>
  );
}
