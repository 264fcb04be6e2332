"use client";

// A promotion as it runs, updated live (polling): its state, wave by wave (canary, then region
// by region) with each wave's soak clock, application by application with the pull request or
// Argo CD operation it got, Argo CD's health and sync now and errors in plain words; Pause,
// Resume, Abort (and Approve for a second SRE) for those allowed; and every step with who and when.
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { PromotionStateBadge } from "@/components/promotions/promotion-state-badge";
import { callRollbackApi } from "@/components/rollback/call-rollback-api";
import { ExternalLink } from "@/components/ui/external-link";
import { RelativeTime } from "@/components/ui/relative-time";
import { TableHeader } from "@/components/ui/table-header";
import type { PromotionView } from "@/lib/promotions/promotion-plan";

/** How often a running promotion is asked for again; it moves as Argo CD's events arrive. */
export const PROMOTION_POLL_MS = 2_000;
const FINISHED = ["SUCCEEDED", "FAILED", "ABORTED"];

type Controls = { control: boolean; approve: "allowed" | "own-request" | "not-allowed" };

export function PromotionProgress({ initial, controls }: { initial: PromotionView; controls: Controls }) {
  const query = useQuery({
    queryKey: ["promotion", initial.id],
    queryFn: ({ signal }) => callRollbackApi<PromotionView>(`/api/v1/promotions/${initial.id}`, { signal }),
    initialData: initial,
    staleTime: 0,
    refetchInterval: (state) => (FINISHED.includes(state.state.data?.state ?? "") ? false : PROMOTION_POLL_MS),
  });
  const promotion = query.data;
  const act = useMutation({
    mutationFn: (action: "pause" | "resume" | "abort" | "approve") => callRollbackApi<PromotionView>(`/api/v1/promotions/${promotion.id}/${action}`, { body: {} }),
    onSuccess: () => query.refetch(),
  });
  const finished = FINISHED.includes(promotion.state);
  const applications = promotion.waves.reduce((sum, wave) => sum + wave.applications.length, 0);
  const button = (action: "pause" | "resume" | "abort" | "approve", label: string, tone: "neutral" | "danger") => (
    <button
      type="button"
      disabled={act.isPending}
      onClick={() => act.mutate(action)}
      className={
        tone === "danger"
          ? "rounded bg-red-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-800 disabled:bg-zinc-300 disabled:text-zinc-700"
          : "rounded border border-zinc-300 bg-white px-3 py-1.5 text-sm font-semibold text-zinc-900 hover:bg-zinc-50 disabled:text-zinc-500"
      }
    >
      {label}
    </button>
  );

  return (
    <div className="space-y-8">
      <div className="space-y-2">
        <nav aria-label="Breadcrumb" className="text-sm">
          <Link href="/promotions" className="font-medium text-sky-800 underline">
            ← Promotions
          </Link>
        </nav>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">
          Promotion of{" "}
          <Link href={`/services/${encodeURIComponent(promotion.service.name)}`} className="text-sky-800 underline">
            {promotion.service.name}
          </Link>{" "}
          <Link href={`/releases/${promotion.release.id}`} className="font-mono text-sky-800 underline">
            {promotion.release.version}
          </Link>{" "}
          into {promotion.environment.name}
        </h1>
        <p className="text-sm text-zinc-700">
          {applications} application{applications === 1 ? "" : "s"} in {promotion.waves.length} wave{promotion.waves.length === 1 ? "" : "s"}, each soaking {promotion.soakMinutes} minutes; requested by {promotion.requestedBy}{" "}
          <RelativeTime date={promotion.requestedAt} />
          {promotion.reason ? `: “${promotion.reason}”` : ""}
          {promotion.autoRollback ? " A failing wave is rolled back automatically." : ""}
        </p>
        <p role="status" aria-live="polite" className="flex items-center gap-2 text-base">
          <span className="font-medium">State:</span> <PromotionStateBadge state={promotion.state} />
          {finished ? null : <span className="text-sm text-zinc-600">updating live</span>}
        </p>
        {promotion.error ? (
          <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            {promotion.error}
          </p>
        ) : null}
        {query.isError ? (
          <p role="alert" className="text-sm text-red-800">
            Could not refresh the promotion ({query.error.message}); showing what was last known and trying again.
          </p>
        ) : null}
      </div>

      {promotion.state === "AWAITING_APPROVAL" ? (
        <section aria-labelledby="approval-heading" className="space-y-2 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3">
          <h2 id="approval-heading" className="text-base font-semibold text-amber-950">
            Waiting for a second SRE&apos;s approval
          </h2>
          {controls.approve === "allowed" ? (
            button("approve", "Approve promotion", "danger")
          ) : (
            <p className="text-sm text-amber-950">{controls.approve === "own-request" ? "You requested it, so another SRE must approve it." : "An SRE of this service's team must approve it."}</p>
          )}
        </section>
      ) : null}

      {controls.control && !finished ? (
        <div className="flex flex-wrap gap-2" role="group" aria-label="Promotion controls">
          {promotion.state === "RUNNING" ? button("pause", "Pause", "neutral") : null}
          {promotion.state === "PAUSED" ? button("resume", "Resume", "neutral") : null}
          {button("abort", "Abort", "danger")}
        </div>
      ) : null}
      {act.isError ? (
        <p role="alert" className="text-sm text-red-800">
          {act.error.message}
        </p>
      ) : null}

      {promotion.waves.map((wave) => (
        <section key={wave.index} aria-labelledby={`wave-${wave.index}`} className="space-y-3">
          <h2 id={`wave-${wave.index}`} className="flex flex-wrap items-center gap-2 text-lg font-semibold text-zinc-950">
            Wave {wave.index + 1}: {wave.kind === "canary" ? "canary" : (wave.region ?? "no region")} <PromotionStateBadge state={wave.state} />
            <span className="text-sm font-normal text-zinc-600">
              {wave.clusters.length} cluster{wave.clusters.length === 1 ? "" : "s"}
              {wave.state === "SOAKING" && wave.healthySince ? (
                <>
                  {" "}
                  · healthy since <RelativeTime date={wave.healthySince} />
                </>
              ) : null}
            </span>
          </h2>
          {wave.error ? <p className="text-sm text-red-800">{wave.error}</p> : null}
          <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
            <table className="min-w-full divide-y divide-zinc-200 text-sm">
              <caption className="sr-only">Applications of wave {wave.index + 1}: state, Argo CD health and sync, and what Shiplog did</caption>
              <TableHeader columns={["Cluster and application", "State", "Argo CD", "Change"]} />
              <tbody className="divide-y divide-zinc-100">
                {wave.applications.map((app) => (
                  <tr key={app.id}>
                    <td className="px-3 py-2.5">
                      <span className="font-medium">{app.cluster}</span>
                      <span className="block text-xs text-zinc-600">{app.name}</span>
                    </td>
                    <td className="px-3 py-2.5 whitespace-nowrap">
                      <PromotionStateBadge state={app.state} />
                    </td>
                    <td className="px-3 py-2.5 whitespace-nowrap text-xs text-zinc-700">
                      {app.health.toLowerCase()} · {app.sync.toLowerCase().replaceAll("_", " ")}
                    </td>
                    <td className="px-3 py-2.5">
                      {app.method === "GITOPS" ? "GitOps pull request" : "Argo CD sync"}
                      <ExternalLink href={app.pullRequestUrl} className="block text-sky-800 underline" fallback={null}>
                        Pull request<span className="sr-only"> for {app.name}</span>
                      </ExternalLink>
                      {app.argoOperation ? <span className="block text-xs text-zinc-600">{app.argoOperation}</span> : null}
                      {app.rollbackId !== null ? (
                        <Link href={`/rollbacks/${app.rollbackId}`} className="block text-sky-800 underline">
                          Rollback #{app.rollbackId}
                        </Link>
                      ) : null}
                      {app.error ? <span className="block text-xs text-red-800">{app.error}</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}

      <section aria-labelledby="steps-heading" className="space-y-2">
        <h2 id="steps-heading" className="text-lg font-semibold text-zinc-950">
          History
        </h2>
        <ol className="space-y-1 text-sm">
          {promotion.steps.map((step, index) => (
            <li key={index} className="text-zinc-800">
              <span className="font-mono text-xs text-zinc-600">{step.action.replace(/^promotion\./, "")}</span> {step.note ?? ""}{" "}
              <span className="text-xs text-zinc-600">
                — {step.actor}, <RelativeTime date={step.at} />
              </span>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
