"use client";

// What a release rollback covers: only the degraded or failed applications (the server's default
// when some are healthy), all of them, one environment, chosen regions or chosen clusters. The
// choices and counts come from the plan (scopeChoices); picking one plans again on the server.
import { useId, useState } from "react";
import type { ReleaseSelection, ScopeChoices } from "@/lib/rollback/rollback-plan";

/** What the person is choosing; regions and clusters may be empty while they pick (not yet plannable). */
export type SelectionDraft =
  | { by: "all" }
  | { by: "degraded-or-failed" }
  | { by: "environment"; environment: string }
  | { by: "regions"; regions: (string | null)[] }
  | { by: "clusters"; clusters: string[] };

/** The draft as a selection the server accepts, or null while a list is still empty. */
export function completeSelection(draft: SelectionDraft): ReleaseSelection | null {
  if (draft.by === "regions" && draft.regions.length === 0) return null;
  if (draft.by === "clusters" && draft.clusters.length === 0) return null;
  return draft;
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;
const regionLabel = (region: string | null) => region ?? "no region";
const counts = (entry: { applications: number; degradedOrFailed: number }) =>
  `${plural(entry.applications, "application")}${entry.degradedOrFailed > 0 ? `, ${entry.degradedOrFailed} degraded or failed` : ""}`;

export function RollbackScopePicker({ choices, draft, onChange }: { choices: ScopeChoices; draft: SelectionDraft; onChange: (draft: SelectionDraft) => void }) {
  const name = useId();
  const environmentId = useId();
  const clusterFilterId = useId();
  const [clusterFilter, setClusterFilter] = useState("");
  const firstFailing = <Entry extends { degradedOrFailed: number }>(entries: Entry[]) => entries.find((entry) => entry.degradedOrFailed > 0) ?? entries[0];
  const options: { by: SelectionDraft["by"]; label: string; disabled?: boolean; start: () => SelectionDraft }[] = [
    {
      by: "degraded-or-failed",
      label: `Only the degraded or failed: ${choices.degradedOrFailed} of ${plural(choices.applications, "application")}`,
      disabled: choices.degradedOrFailed === 0,
      start: () => ({ by: "degraded-or-failed" }),
    },
    { by: "all", label: `All ${plural(choices.applications, "application")}`, start: () => ({ by: "all" }) },
    {
      by: "environment",
      label: "One environment",
      start: () => ({ by: "environment", environment: firstFailing(choices.environments)?.name ?? "" }),
    },
    { by: "regions", label: "Chosen regions", start: () => ({ by: "regions", regions: [] }) },
    { by: "clusters", label: "Chosen clusters", start: () => ({ by: "clusters", clusters: [] }) },
  ];
  const shownClusters = choices.clusters.filter((cluster) => cluster.name.toLowerCase().includes(clusterFilter.trim().toLowerCase()));
  const toggle = <Value,>(list: Value[], value: Value, on: boolean) => (on ? [...list, value] : list.filter((item) => item !== value));

  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-zinc-900">What to roll back</legend>
      <div className="flex flex-wrap gap-x-5 gap-y-1.5">
        {options.map((option) => (
          <label key={option.by} className={`flex items-center gap-1.5 text-sm ${option.disabled ? "text-zinc-500" : "text-zinc-900"}`}>
            <input type="radio" name={name} checked={draft.by === option.by} disabled={option.disabled} onChange={() => onChange(option.start())} />
            {option.label}
          </label>
        ))}
      </div>
      {draft.by === "environment" ? (
        <div className="flex items-center gap-2">
          <label htmlFor={environmentId} className="text-sm text-zinc-700">
            Environment
          </label>
          <select
            id={environmentId}
            value={draft.environment}
            onChange={(event) => onChange({ by: "environment", environment: event.target.value })}
            className="rounded border border-zinc-300 bg-white px-2 py-1 text-sm"
          >
            {choices.environments.map((environment) => (
              <option key={environment.name} value={environment.name}>
                {environment.name} ({counts(environment)})
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {draft.by === "regions" ? (
        <fieldset className="max-h-32 overflow-y-auto rounded border border-zinc-200 px-3 py-2">
          <legend className="sr-only">Regions</legend>
          <div className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-2">
            {choices.regions.map((region) => (
              <label key={regionLabel(region.region)} className="flex items-center gap-1.5 text-sm">
                <input
                  type="checkbox"
                  checked={draft.regions.includes(region.region)}
                  onChange={(event) => onChange({ by: "regions", regions: toggle(draft.regions, region.region, event.target.checked) })}
                />
                <span>
                  {regionLabel(region.region)} <span className="text-zinc-600">({counts(region)})</span>
                </span>
              </label>
            ))}
          </div>
          {draft.regions.length === 0 ? <p className="mt-1 text-xs text-zinc-700">Choose at least one region.</p> : null}
        </fieldset>
      ) : null}
      {draft.by === "clusters" ? (
        <div className="space-y-1.5">
          <div className="flex flex-wrap items-center gap-2">
            <label htmlFor={clusterFilterId} className="text-sm text-zinc-700">
              Find a cluster
            </label>
            <input
              id={clusterFilterId}
              type="search"
              value={clusterFilter}
              onChange={(event) => setClusterFilter(event.target.value)}
              className="rounded border border-zinc-300 px-2 py-1 text-sm"
            />
            <button
              type="button"
              onClick={() => onChange({ by: "clusters", clusters: [...new Set([...draft.clusters, ...shownClusters.filter((cluster) => cluster.degradedOrFailed > 0).map((cluster) => cluster.name)])] })}
              className="rounded px-2 py-1 text-xs font-medium text-zinc-700 ring-1 ring-zinc-300 hover:bg-zinc-100"
            >
              Add the degraded or failed
            </button>
            <span className="text-xs text-zinc-700">{plural(draft.clusters.length, "cluster")} chosen</span>
          </div>
          <fieldset className="max-h-32 overflow-y-auto rounded border border-zinc-200 px-3 py-2">
            <legend className="sr-only">Clusters</legend>
            <div className="grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-2">
              {shownClusters.map((cluster) => (
                <label key={cluster.name} className="flex items-center gap-1.5 text-sm">
                  <input
                    type="checkbox"
                    checked={draft.clusters.includes(cluster.name)}
                    onChange={(event) => onChange({ by: "clusters", clusters: toggle(draft.clusters, cluster.name, event.target.checked) })}
                  />
                  <span>
                    {cluster.name}{" "}
                    <span className="text-zinc-600">
                      ({[cluster.environments.join(", "), regionLabel(cluster.region), cluster.degradedOrFailed > 0 ? `${cluster.degradedOrFailed} degraded or failed` : null].filter(Boolean).join(" · ")})
                    </span>
                  </span>
                </label>
              ))}
            </div>
            {shownClusters.length === 0 ? <p className="text-xs text-zinc-700">No cluster matches.</p> : null}
          </fieldset>
          {draft.clusters.length === 0 ? <p className="text-xs text-zinc-700">Choose at least one cluster.</p> : null}
        </div>
      ) : null}
    </fieldset>
  );
}
