"use client";

// The promote form: choose a release, a target environment and the scope (all of its clusters,
// some regions, some clusters), see the plan grouped by wave (canary, then region by region) with
// the method per application, dry-run results and what blocks it, before anything happens; then
// confirm. The plan is asked for again whenever a choice changes; confirming sends the plan's
// selectionDigest, so a scope that changed meanwhile is refused instead of acted on.
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { callRollbackApi } from "@/components/rollback/call-rollback-api";
import { TableHeader } from "@/components/ui/table-header";
import type { PromotionChoices } from "@/lib/promotions/list-promotion-choices";
import type { PromotionPlan, PromotionSelection } from "@/lib/promotions/promotion-plan";

type Props = { choices: PromotionChoices; initialReleaseId: number | null; initialEnvironment: string | null };

export function PromoteForm({ choices, initialReleaseId, initialEnvironment }: Props) {
  const router = useRouter();
  const [releaseId, setReleaseId] = useState(initialReleaseId);
  const [environment, setEnvironment] = useState(initialEnvironment);
  const [scope, setScope] = useState<"all" | "regions" | "clusters">("all");
  const [picked, setPicked] = useState<(string | null)[]>([]);
  const [reason, setReason] = useState("");
  // One key per form: a double click or a retried request is the same promotion.
  const [idempotencyKey] = useState(() => `promote-${crypto.randomUUID()}`);
  const select: PromotionSelection =
    scope === "regions" && picked.length > 0 ? { by: "regions", regions: picked } : scope === "clusters" && picked.length > 0 ? { by: "clusters", clusters: picked.filter((name): name is string => name !== null) } : { by: "all" };
  const plan = useQuery({
    queryKey: ["promotion-plan", releaseId, environment, select],
    enabled: releaseId !== null && environment !== null,
    queryFn: ({ signal }) => callRollbackApi<PromotionPlan>("/api/v1/promotions", { body: { releaseId, environment, select, dryRun: true }, signal }),
    retry: false,
  });
  const promote = useMutation({
    mutationFn: () =>
      callRollbackApi<{ promotionId: number; url: string }>("/api/v1/promotions", {
        body: { releaseId, environment, select, selectionDigest: plan.data?.selectionDigest, reason },
        headers: { "Idempotency-Key": idempotencyKey },
      }),
    onSuccess: (made) => router.push(made.url),
  });
  const current = plan.data;
  const toggle = (value: string | null) => setPicked((list) => (list.includes(value) ? list.filter((entry) => entry !== value) : [...list, value]));

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Promote {choices.service.name}</h1>
        <p className="mt-1 text-sm text-zinc-600">Nothing happens until you confirm: first the plan, wave by wave.</p>
      </div>
      <form className="grid max-w-3xl gap-4 sm:grid-cols-2" onSubmit={(event) => event.preventDefault()}>
        <label className="space-y-1 text-sm">
          <span className="font-medium text-zinc-900">Release</span>
          <select value={releaseId ?? ""} onChange={(event) => setReleaseId(Number(event.target.value))} className="block w-full rounded border border-zinc-300 bg-white px-2 py-1.5">
            {choices.releases.map((release) => (
              <option key={release.id} value={release.id}>
                {release.version}
              </option>
            ))}
          </select>
        </label>
        <label className="space-y-1 text-sm">
          <span className="font-medium text-zinc-900">Target environment</span>
          <select
            value={environment ?? ""}
            onChange={(event) => {
              setEnvironment(event.target.value);
              setPicked([]);
            }}
            className="block w-full rounded border border-zinc-300 bg-white px-2 py-1.5"
          >
            <option value="" disabled>
              Choose…
            </option>
            {choices.environments.map((entry) => (
              <option key={entry.name} value={entry.name}>
                {entry.name}
                {entry.isProduction ? " (production)" : ""}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="space-y-1 text-sm sm:col-span-2">
          <legend className="font-medium text-zinc-900">Scope</legend>
          <div className="flex flex-wrap gap-4">
            {(["all", "regions", "clusters"] as const).map((kind) => (
              <label key={kind} className="flex items-center gap-1.5">
                <input
                  type="radio"
                  name="scope"
                  checked={scope === kind}
                  onChange={() => {
                    setScope(kind);
                    setPicked([]);
                  }}
                />
                {kind === "all" ? "All of its clusters" : kind === "regions" ? "Some regions" : "Some clusters"}
              </label>
            ))}
          </div>
          {scope !== "all" && current ? (
            <div className="flex flex-wrap gap-3 pt-2">
              {(scope === "regions" ? current.choices.regions.map((entry) => ({ value: entry.region, label: entry.region ?? "no region", count: entry.applications })) : current.choices.clusters.map((entry) => ({ value: entry.name as string | null, label: entry.name, count: entry.applications }))).map(
                (entry) => (
                  <label key={entry.label} className="flex items-center gap-1.5">
                    <input type="checkbox" checked={picked.includes(entry.value)} onChange={() => toggle(entry.value)} />
                    {entry.label} <span className="text-xs text-zinc-600">({entry.count})</span>
                  </label>
                ),
              )}
            </div>
          ) : null}
        </fieldset>
      </form>

      <section aria-labelledby="plan-heading" className="space-y-3">
        <h2 id="plan-heading" className="text-lg font-semibold text-zinc-950">
          Plan
        </h2>
        {environment === null ? <p className="text-sm text-zinc-600">Choose the environment to promote into.</p> : null}
        {plan.isFetching ? <p className="text-sm text-zinc-600">Planning (dry run against GitHub and Argo CD)…</p> : null}
        {plan.isError ? (
          <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {plan.error.message}
          </p>
        ) : null}
        {current && !plan.isFetching ? <PlanView plan={current} /> : null}
      </section>

      {current && current.executable && !plan.isFetching ? (
        <section aria-labelledby="confirm-heading" className="max-w-3xl space-y-2">
          <h2 id="confirm-heading" className="text-lg font-semibold text-zinc-950">
            Confirm
          </h2>
          <label className="block space-y-1 text-sm">
            <span className="font-medium text-zinc-900">Why (optional, goes into the pull requests)</span>
            <input value={reason} onChange={(event) => setReason(event.target.value)} className="block w-full rounded border border-zinc-300 px-2 py-1.5" />
          </label>
          {current.approvalRequired ? <p className="text-sm text-amber-900">A second SRE must approve before the first wave starts.</p> : null}
          <button
            type="button"
            disabled={promote.isPending}
            onClick={() => promote.mutate()}
            className="rounded bg-sky-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-sky-800 disabled:bg-zinc-300 disabled:text-zinc-700"
          >
            {promote.isPending ? "Starting…" : `Promote ${current.release.version} to ${current.environment.name}`}
          </button>
          {promote.isError ? (
            <p role="alert" className="text-sm text-red-800">
              {promote.error.message}
            </p>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

function PlanView({ plan }: { plan: PromotionPlan }) {
  const byId = new Map(plan.applications.map((app) => [app.applicationId, app]));
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-700">
        {plan.applications.length} application{plan.applications.length === 1 ? "" : "s"} in {plan.waves.length} wave{plan.waves.length === 1 ? "" : "s"}; each wave waits until its applications are Synced and Healthy for{" "}
        {plan.settings.soakMinutes} minutes{plan.settings.autoRollback ? ", and a failing wave is rolled back" : ""}.
        {plan.alreadyRunning > 0 ? ` ${plan.alreadyRunning} already run ${plan.release.version} and are left out.` : ""}
      </p>
      {plan.blockers.length > 0 ? (
        // The alert around the list: a list with role="alert" is no longer a list to screen readers.
        <div role="alert" className="rounded border border-red-200 bg-red-50 py-2 pr-3 pl-8 text-sm text-red-800">
          <ul className="list-disc space-y-1">
            {plan.blockers.map((blocker) => (
              <li key={blocker}>{blocker}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
        <table className="min-w-full divide-y divide-zinc-200 text-sm">
          <caption className="sr-only">The plan, wave by wave</caption>
          <TableHeader columns={["Wave", "Clusters", "Applications", "Methods", "Dry run"]} />
          <tbody className="divide-y divide-zinc-100">
            {plan.waves.map((wave) => {
              const apps = wave.applicationIds.map((id) => byId.get(id)!);
              const gitops = apps.filter((app) => app.method === "GITOPS").length;
              const argo = apps.filter((app) => app.method === "ARGOCD").length;
              const passed = apps.filter((app) => app.dryRun.status === "passed").length;
              const failed = apps.filter((app) => app.dryRun.status === "failed").length;
              return (
                <tr key={wave.index}>
                  <td className="px-3 py-2.5 whitespace-nowrap">
                    {wave.index + 1}: {wave.kind === "canary" ? "canary" : (wave.region ?? "no region")}
                  </td>
                  <td className="px-3 py-2.5">{wave.clusters.join(", ")}</td>
                  <td className="px-3 py-2.5">{apps.length}</td>
                  <td className="px-3 py-2.5 whitespace-nowrap">
                    {gitops > 0 ? `${gitops} pull request${gitops === 1 ? "" : "s"}` : ""}
                    {gitops > 0 && argo > 0 ? ", " : ""}
                    {argo > 0 ? `${argo} Argo CD sync${argo === 1 ? "" : "s"}` : ""}
                  </td>
                  <td className="px-3 py-2.5 whitespace-nowrap">
                    {passed} passed{failed > 0 ? <span className="text-red-800">, {failed} failed</span> : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
