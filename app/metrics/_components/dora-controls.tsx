"use client";
// Scope (team, service) and window (7/30/90 days or a custom range) of /metrics. Every choice
// goes into the URL with router.push, so views can be shared and the back button works.
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useState, useTransition } from "react";

export type DoraControlsProps = {
  teams: { slug: string; name: string }[];
  team: string | null;
  service: string | null;
  days: number | null;
  from: string | null;
  to: string | null;
  per: "day" | "week" | null;
};

const PRESETS = [7, 30, 90];

export function DoraControls({ teams, team, service, days, from, to, per }: DoraControlsProps) {
  const router = useRouter();
  const pathname = usePathname();
  const current = useSearchParams();
  const [pending, startTransition] = useTransition();
  const custom = from !== null;
  const [mode, setMode] = useState<string>(custom ? "custom" : String(days ?? 30));
  const [serviceText, setServiceText] = useState(service ?? "");

  function navigate(changes: Record<string, string | null>) {
    const next = new URLSearchParams(current.toString());
    for (const [key, value] of Object.entries(changes)) {
      if (value === null || value === "") next.delete(key);
      else next.set(key, value);
    }
    const query = next.toString();
    startTransition(() => router.push(query ? `${pathname}?${query}` : pathname, { scroll: false }));
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const windowChoice = String(form.get("window"));
    navigate({
      team: String(form.get("team") ?? ""),
      service: serviceText.trim(),
      days: windowChoice === "custom" ? null : windowChoice,
      from: windowChoice === "custom" ? String(form.get("from") ?? "") : null,
      to: windowChoice === "custom" ? String(form.get("to") ?? "") : null,
      per: String(form.get("per") ?? ""),
      // A drill-down page belongs to the scope and window it was read in: start the new one from the newest.
      cursor: null,
    });
  }

  return (
    <form onSubmit={submit} aria-label="Scope and window" className="flex flex-wrap items-end gap-3 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs">
      <label className="flex flex-col gap-1 text-sm font-medium text-zinc-700">
        Team
        <select name="team" defaultValue={team ?? ""} className="rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900">
          <option value="">All teams (fleet)</option>
          {teams.map((option) => (
            <option key={option.slug} value={option.slug}>
              {option.name}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium text-zinc-700">
        Service
        <input
          name="service"
          value={serviceText}
          onChange={(event) => setServiceText(event.target.value)}
          placeholder="All services"
          className="w-48 rounded-md border border-zinc-300 px-2 py-1.5 text-sm text-zinc-900 placeholder:text-zinc-500"
        />
      </label>
      <label className="flex flex-col gap-1 text-sm font-medium text-zinc-700">
        Window
        <select
          name="window"
          value={mode}
          onChange={(event) => setMode(event.target.value)}
          className="rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900"
        >
          {PRESETS.map((preset) => (
            <option key={preset} value={String(preset)}>
              Last {preset} days
            </option>
          ))}
          <option value="custom">Custom range</option>
        </select>
      </label>
      {mode === "custom" ? (
        <>
          <label className="flex flex-col gap-1 text-sm font-medium text-zinc-700">
            From
            <input type="date" name="from" defaultValue={from ?? ""} required className="rounded-md border border-zinc-300 px-2 py-1.5 text-sm text-zinc-900" />
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium text-zinc-700">
            To
            <input type="date" name="to" defaultValue={to ?? ""} className="rounded-md border border-zinc-300 px-2 py-1.5 text-sm text-zinc-900" />
          </label>
        </>
      ) : null}
      <label className="flex flex-col gap-1 text-sm font-medium text-zinc-700">
        Trend
        <select name="per" defaultValue={per ?? ""} className="rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm text-zinc-900">
          <option value="">Automatic</option>
          <option value="day">Per day</option>
          <option value="week">Per week</option>
        </select>
      </label>
      <button type="submit" className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-60" disabled={pending}>
        {pending ? "Loading…" : "Show"}
      </button>
    </form>
  );
}
