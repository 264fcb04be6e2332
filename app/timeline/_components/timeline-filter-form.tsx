"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useTransition } from "react";
import type { TimelineFilterOptions } from "@/lib/deployments/list-timeline-filter-options";
import {
  hasTimelineFilters,
  QUICK_RANGES,
  quickRangeFilters,
  timelineHref,
  type TimelineFilterName,
  type TimelineFilters,
  withTimelineFilters,
} from "@/lib/deployments/timeline-filters";
import { StatusFilter } from "./status-filter";

const fieldClass =
  "block w-full rounded-md border border-zinc-300 bg-white px-2.5 py-1.5 text-sm text-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-sky-700";
const labelClass = "block text-xs font-medium text-zinc-700";
const chipClass =
  "rounded-full border px-2.5 py-1 text-xs font-medium focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-700";

/**
 * The timeline's filters. They live in the URL: select lists apply at once, text fields on
 * Enter or "Apply"; each change is a history entry (router.push, no full reload), so the back
 * button steps back through them and a view can be shared as a link.
 */
export function TimelineFilterForm({ filters, options }: { filters: TimelineFilters; options: TimelineFilterOptions }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  // Remounting resets the text fields to the URL's values; a status tick leaves the status
  // list open for the next one.
  const formKey = timelineHref({ ...filters, status: undefined });

  const go = (next: TimelineFilters) => startTransition(() => router.push(timelineHref(next), { scroll: false }));
  const set = (name: TimelineFilterName, value: string) => go(withTimelineFilters(filters, { [name]: value }));

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const changes: TimelineFilters = {};
    for (const name of ["service", "cluster", "initiatedBy", "q"] as const) changes[name] = String(data.get(name) ?? "");
    for (const name of ["from", "to"] as const) changes[name] = fromLocalInput(String(data.get(name) ?? ""), filters[name]);
    go(withTimelineFilters(filters, changes));
  };

  const select = (name: TimelineFilterName, label: string, choices: { value: string; label: string }[]) => (
    <div>
      <label htmlFor={`filter-${name}`} className={labelClass}>
        {label}
      </label>
      <select id={`filter-${name}`} name={name} value={filters[name] ?? ""} onChange={(event) => set(name, event.target.value)} className={fieldClass}>
        <option value="">Any</option>
        {/* A value typed into the URL that the list does not know still shows as chosen. */}
        {filters[name] && !choices.some((choice) => choice.value === filters[name]) ? <option value={filters[name]}>{filters[name]}</option> : null}
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </div>
  );

  const text = (name: "service" | "cluster" | "initiatedBy" | "q", label: string, placeholder: string) => (
    <div>
      <label htmlFor={`filter-${name}`} className={labelClass}>
        {label}
      </label>
      <input id={`filter-${name}`} name={name} type="search" defaultValue={filters[name] ?? ""} placeholder={placeholder} className={fieldClass} />
    </div>
  );

  return (
    <form
      key={formKey}
      onSubmit={submit}
      aria-label="Timeline filters"
      aria-busy={pending}
      className="space-y-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs"
    >
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-8">
        {select("team", "Team", options.teams.map((team) => ({ value: team.slug, label: team.name === team.slug ? team.slug : `${team.name} (${team.slug})` })))}
        {select("environment", "Environment", options.environments.map((name) => ({ value: name, label: name })))}
        <StatusFilter value={filters.status} statuses={options.statuses} onChange={(next) => set("status", next)} labelClass={labelClass} fieldClass={fieldClass} />
        {select("region", "Region", options.regions.map((name) => ({ value: name, label: name })))}
        {text("service", "Service", "exact name")}
        {text("cluster", "Cluster", "exact name")}
        {text("initiatedBy", "Deployed by", "user")}
        {text("q", "Text", "name or version")}
      </div>
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="filter-from" className={labelClass}>
            From
          </label>
          <input id="filter-from" name="from" type="datetime-local" defaultValue={toLocalInput(filters.from)} className={fieldClass} />
        </div>
        <div>
          <label htmlFor="filter-to" className={labelClass}>
            To
          </label>
          <input id="filter-to" name="to" type="datetime-local" defaultValue={toLocalInput(filters.to)} className={fieldClass} />
        </div>
        <div role="group" aria-label="Quick time ranges" className="flex flex-wrap gap-1.5 pb-1">
          {QUICK_RANGES.map((range) => (
            <button
              key={range.key}
              type="button"
              onClick={() => go(withTimelineFilters(filters, { ...quickRangeFilters(range.key, new Date()), to: "" }))}
              className={`${chipClass} border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-100`}
            >
              {range.label}
            </button>
          ))}
          {filters.from || filters.to ? (
            <button type="button" onClick={() => go(withTimelineFilters(filters, { from: "", to: "" }))} className={`${chipClass} border-zinc-300 bg-white text-zinc-800 hover:bg-zinc-100`}>
              Any time
            </button>
          ) : null}
        </div>
        <div className="ml-auto flex items-center gap-3">
          {pending ? (
            <span role="status" className="text-xs text-zinc-600">
              Updating…
            </span>
          ) : null}
          {hasTimelineFilters(filters) ? (
            <button type="button" onClick={() => go({})} className="text-sm font-medium text-zinc-700 underline hover:text-zinc-950">
              Clear filters
            </button>
          ) : null}
          <button
            type="submit"
            className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900"
          >
            Apply
          </button>
        </div>
      </div>
    </form>
  );
}

/** An ISO instant as a datetime-local value in the viewer's zone ("" when absent or unreadable). */
function toLocalInput(iso: string | undefined): string {
  if (!iso) return "";
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "";
  const local = new Date(at.getTime() - at.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/**
 * A datetime-local value (viewer's zone) as an ISO instant. An unchanged field keeps the URL's
 * own spelling, so applying text filters does not rewrite a hand-written `from`.
 */
function fromLocalInput(value: string, current: string | undefined): string {
  if (!value) return "";
  if (current && toLocalInput(current) === value) return current;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : at.toISOString().replace(".000Z", "Z");
}
