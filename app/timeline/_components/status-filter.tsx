"use client";

import { useOptimistic, useTransition } from "react";
import type { DeploymentStatus } from "@/lib/generated/prisma/enums";
import { readListFilter, toggleListFilter } from "@/lib/deployments/timeline-filters";
import { statusLabel } from "./status-badge";

/**
 * The timeline's status filter: any number of statuses (`status=FAILED,DEGRADED`), chosen with
 * checkboxes in a disclosure so the filter row keeps one line. Each tick applies at once.
 */
export function StatusFilter({
  value,
  statuses,
  onChange,
  labelClass,
  fieldClass,
}: {
  value: string | undefined;
  statuses: DeploymentStatus[];
  onChange: (next: string) => void;
  labelClass: string;
  fieldClass: string;
}) {
  // Ticks show at once, while the navigation they started is still on its way; a second tick
  // before it lands builds on the first.
  const [shown, setShown] = useOptimistic(value);
  const [, startTransition] = useTransition();
  const change = (next: string) =>
    startTransition(() => {
      setShown(next);
      onChange(next);
    });
  const chosen = readListFilter(shown);
  const summary = chosen.length === 0 ? "Any" : chosen.map((status) => (statuses.includes(status as DeploymentStatus) ? statusLabel(status as DeploymentStatus) : status)).join(", ");
  return (
    <div className="relative">
      <span id="filter-status-label" className={labelClass}>
        Status
      </span>
      <details className="group">
        <summary aria-labelledby="filter-status-label filter-status-summary" className={`${fieldClass} cursor-pointer list-none truncate`} title={summary}>
          <span id="filter-status-summary">{summary}</span>
        </summary>
        <fieldset className="absolute z-20 mt-1 w-48 space-y-1 rounded-md border border-zinc-300 bg-white p-2 shadow-md">
          <legend className="sr-only">Statuses to show</legend>
          {statuses.map((status) => (
            <label key={status} className="flex items-center gap-2 text-sm text-zinc-900">
              <input
                type="checkbox"
                value={status}
                checked={chosen.includes(status)}
                onChange={(event) => change(toggleListFilter(shown, status, event.target.checked, statuses))}
              />
              {statusLabel(status)}
            </label>
          ))}
          {chosen.length > 0 ? (
            <button type="button" onClick={() => change("")} className="text-xs font-medium text-zinc-700 underline hover:text-zinc-950">
              Any status
            </button>
          ) : null}
        </fieldset>
      </details>
    </div>
  );
}
