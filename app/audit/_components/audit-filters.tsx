"use client";

import { usePathname, useRouter } from "next/navigation";
import { type FormEvent, useTransition } from "react";

const FIELDS = [
  { name: "actor", label: "Actor", placeholder: "ada@example.com" },
  { name: "action", label: "Action", placeholder: "role.granted" },
  { name: "targetType", label: "Target type", placeholder: "webhook-token" },
  { name: "targetId", label: "Target id", placeholder: "42" },
] as const;

const OUTCOMES = ["success", "failure", "refused", "cancelled"] as const;

/** The audit filters: applied into the URL (router.push, so the back button undoes them), no full reload. */
export function AuditFilters({ initial }: { initial: Record<string, string> }) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();

  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [key, value] of new FormData(event.currentTarget)) {
      const text = String(value).trim();
      if (text === "") continue;
      // datetime-local has no zone: the viewer means their own, so send it as an instant.
      params.set(key, key === "from" || key === "to" ? new Date(text).toISOString() : text);
    }
    startTransition(() => router.push(params.size > 0 ? `${pathname}?${params}` : pathname));
  }

  return (
    <form onSubmit={apply} aria-label="Filter the audit log" className="flex flex-wrap items-end gap-3 rounded-lg border border-zinc-200 bg-white px-4 py-3 text-sm shadow-xs">
      {FIELDS.map((field) => (
        <label key={field.name} className="flex flex-col gap-1">
          <span className="font-medium text-zinc-700">{field.label}</span>
          <input
            name={field.name}
            defaultValue={initial[field.name] ?? ""}
            placeholder={field.placeholder}
            className="w-44 rounded-md border border-zinc-300 px-2 py-1 text-zinc-900 placeholder:text-zinc-500"
          />
        </label>
      ))}
      <label className="flex flex-col gap-1">
        <span className="font-medium text-zinc-700">Outcome</span>
        <select name="outcome" defaultValue={initial.outcome ?? ""} className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-zinc-900">
          <option value="">any</option>
          {OUTCOMES.map((outcome) => (
            <option key={outcome} value={outcome}>
              {outcome}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium text-zinc-700">From</span>
        <input type="datetime-local" name="from" defaultValue={localInput(initial.from)} className="rounded-md border border-zinc-300 px-2 py-1 text-zinc-900" />
      </label>
      <label className="flex flex-col gap-1">
        <span className="font-medium text-zinc-700">To</span>
        <input type="datetime-local" name="to" defaultValue={localInput(initial.to)} className="rounded-md border border-zinc-300 px-2 py-1 text-zinc-900" />
      </label>
      <button type="submit" disabled={pending} className="rounded-md bg-zinc-900 px-3 py-1.5 font-medium text-white hover:bg-zinc-700 disabled:opacity-60">
        {pending ? "Filtering…" : "Filter"}
      </button>
      <button
        type="button"
        onClick={() => startTransition(() => router.push(pathname))}
        className="rounded-md border border-zinc-300 bg-white px-3 py-1.5 font-medium text-zinc-800 hover:bg-zinc-50"
      >
        Clear
      </button>
    </form>
  );
}

/** An instant from the URL as the value of a datetime-local input, in the viewer's zone. */
function localInput(value: string | undefined): string {
  if (!value) return "";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}
