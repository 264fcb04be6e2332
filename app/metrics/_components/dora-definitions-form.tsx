"use client";
// Edits the DORA definitions: PUT /api/v1/metrics/definitions, which validates them, stores
// them and recomputes the rollups; the page then re-renders with the new numbers.
import { useRouter } from "next/navigation";
import { type FormEvent, useState, useTransition } from "react";
import type { DoraDefinitions } from "@/lib/metrics/dora-definitions";

const FAILURE_LABELS: Record<DoraDefinitions["failureStatuses"][number], string> = {
  FAILED: "Failed sync (Argo CD operation failed or errored)",
  DEGRADED: "Degraded after the deployment and not recovered by itself (counted even when then rolled back)",
  ROLLED_BACK: "Rolled back (replaced by an earlier release), degraded or not",
};

export function DoraDefinitionsForm({ definitions, environments }: { definitions: DoraDefinitions; environments: { name: string; isProduction: boolean }[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [byName, setByName] = useState(definitions.productionEnvironments !== null);
  const [message, setMessage] = useState<{ tone: "error" | "ok"; text: string } | null>(null);
  const marked = environments.filter((environment) => environment.isProduction).map((environment) => environment.name);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const body = {
      productionEnvironments: byName ? form.getAll("productionEnvironment").map(String) : null,
      failureStatuses: form.getAll("failureStatus").map(String),
      leadTimeStart: String(form.get("leadTimeStart")),
    };
    setMessage(null);
    const response = await fetch("/api/v1/metrics/definitions", {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = (await response.json().catch(() => null)) as { error?: { message?: string }; rebuilt?: { milliseconds: number } } | null;
    if (!response.ok) {
      setMessage({ tone: "error", text: answer?.error?.message ?? `Saving failed (HTTP ${response.status}).` });
      return;
    }
    setMessage({ tone: "ok", text: `Saved; the metrics were recomputed in ${answer?.rebuilt?.milliseconds ?? "?"} ms.` });
    startTransition(() => router.refresh());
  }

  return (
    <form onSubmit={submit} aria-label="Edit DORA definitions" className="space-y-4 rounded-lg border border-zinc-200 bg-white p-4 shadow-xs">
      <fieldset className="space-y-2">
        <legend className="text-sm font-semibold text-zinc-900">Production environments</legend>
        <label className="flex items-center gap-2 text-sm text-zinc-800">
          <input type="radio" name="productionMode" checked={!byName} onChange={() => setByName(false)} />
          Environments marked production ({marked.length > 0 ? marked.join(", ") : "none yet"})
        </label>
        <label className="flex items-center gap-2 text-sm text-zinc-800">
          <input type="radio" name="productionMode" checked={byName} onChange={() => setByName(true)} />
          These environments:
        </label>
        <div className="flex flex-wrap gap-4 pl-6">
          {environments.map((environment) => (
            <label key={environment.name} className="flex items-center gap-1.5 text-sm text-zinc-800">
              <input
                type="checkbox"
                name="productionEnvironment"
                value={environment.name}
                disabled={!byName}
                defaultChecked={(definitions.productionEnvironments ?? marked).includes(environment.name)}
              />
              {environment.name}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-sm font-semibold text-zinc-900">A deployment counts as a failure when it is</legend>
        {(Object.keys(FAILURE_LABELS) as (keyof typeof FAILURE_LABELS)[]).map((status) => (
          <label key={status} className="flex items-center gap-2 text-sm text-zinc-800">
            <input type="checkbox" name="failureStatus" value={status} defaultChecked={definitions.failureStatuses.includes(status)} />
            {FAILURE_LABELS[status]}
          </label>
        ))}
      </fieldset>
      <fieldset className="space-y-2">
        <legend className="text-sm font-semibold text-zinc-900">Lead time starts at</legend>
        <label className="flex items-center gap-2 text-sm text-zinc-800">
          <input type="radio" name="leadTimeStart" value="commit" defaultChecked={definitions.leadTimeStart === "commit"} />
          The commit&apos;s time
        </label>
        <label className="flex items-center gap-2 text-sm text-zinc-800">
          <input type="radio" name="leadTimeStart" value="merge" defaultChecked={definitions.leadTimeStart === "merge"} />
          The merge of its pull request (commit time when it has none)
        </label>
      </fieldset>
      <div className="flex items-center gap-3">
        <button type="submit" disabled={pending} className="rounded-md bg-zinc-900 px-3 py-1.5 text-sm font-medium text-white hover:bg-zinc-700 disabled:opacity-60">
          Save definitions
        </button>
        {message ? (
          <p role={message.tone === "error" ? "alert" : "status"} className={`text-sm ${message.tone === "error" ? "text-red-700" : "text-emerald-800"}`}>
            {message.text}
          </p>
        ) : null}
      </div>
    </form>
  );
}
