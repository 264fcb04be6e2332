"use client";

// A rollback as it runs: the group's state along requested → approved → executing → waiting for
// sync → succeeded/failed, updated live (polling) without a reload; each application's rollback
// with its pull request, error in plain words and transitions (who and when); and Approve for a
// second SRE while it waits for approval.
import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { callRollbackApi } from "@/components/rollback/call-rollback-api";
import { RollbackStateBadge } from "@/components/rollback/rollback-state-badge";
import { RelativeTime } from "@/components/ui/relative-time";
import type { RollbackGroup } from "@/lib/rollback/get-rollback-group";
import type { RollbackView } from "@/lib/rollback/rollback-plan";
import { describeRollbackState } from "@/lib/rollback/summarize-rollback-group";
import { useRollbackGroup } from "./use-rollback-group";
import { TableHeader } from "@/components/ui/table-header";
import { ExternalLink } from "@/components/ui/external-link";

const STEPS = ["REQUESTED", "APPROVED", "EXECUTING", "WAITING_FOR_SYNC"] as const;

export function RollbackProgress({ initial, approval }: { initial: RollbackGroup; approval: "allowed" | "own-request" | "not-allowed" }) {
  const query = useRollbackGroup(initial);
  const group = query.data;
  const approve = useMutation({
    mutationFn: () => callRollbackApi<RollbackGroup>(`/api/v1/rollbacks/${group.id}/approve`, { body: {} }),
    onSuccess: () => query.refetch(),
  });
  const first = group.rollbacks.find((rollback) => rollback.id === group.id) ?? group.rollbacks[0]!;
  const clusters = new Set(group.rollbacks.map((rollback) => rollback.application.cluster));
  const waiting = group.state === "REQUESTED";

  return (
    <div className="space-y-8">
      <div className="space-y-2">
        <nav aria-label="Breadcrumb" className="text-sm">
          <Link href="/rollbacks" className="font-medium text-sky-800 underline">
            ← Rollbacks
          </Link>
        </nav>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">
          Rollback of{" "}
          <Link href={`/services/${encodeURIComponent(first.service.name)}`} className="text-sky-800 underline">
            {first.service.name}
          </Link>{" "}
          <span className="font-mono">{first.fromRelease?.version ?? "?"}</span> → <span className="font-mono">{first.toRelease.version}</span>
        </h1>
        <p className="text-sm text-zinc-700">
          {group.rollbacks.length} application{group.rollbacks.length === 1 ? "" : "s"} on {clusters.size} cluster{clusters.size === 1 ? "" : "s"}, requested by {first.requestedBy}{" "}
          <RelativeTime date={first.requestedAt} />: “{first.reason}”
        </p>
        <p role="status" aria-live="polite" className="flex items-center gap-2 text-base">
          <span className="font-medium">State:</span> <RollbackStateBadge state={group.state} />
          {group.finished ? null : <span className="text-sm text-zinc-600">updating live</span>}
        </p>
        {query.isError ? (
          <p role="alert" className="text-sm text-red-800">
            Could not refresh the rollback ({query.error.message}); showing what was last known and trying again.
          </p>
        ) : null}
      </div>

      <Steps state={group.state} />

      {waiting ? (
        <section aria-labelledby="approval-heading" className="space-y-2 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3">
          <h2 id="approval-heading" className="text-base font-semibold text-amber-950">
            Waiting for a second SRE&apos;s approval
          </h2>
          {approval === "allowed" ? (
            <>
              <p className="text-sm text-amber-950">Approving starts the rollback at once.</p>
              <button
                type="button"
                disabled={approve.isPending}
                onClick={() => approve.mutate()}
                className="rounded bg-red-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-800 disabled:bg-zinc-300 disabled:text-zinc-700"
              >
                {approve.isPending ? "Approving…" : "Approve rollback"}
              </button>
            </>
          ) : (
            <p className="text-sm text-amber-950">
              {approval === "own-request" ? "You requested it, so another SRE must approve it." : "An SRE of this service's team must approve it."}
            </p>
          )}
          {approve.isError ? (
            <p role="alert" className="text-sm text-red-800">
              {approve.error.message}
            </p>
          ) : null}
        </section>
      ) : null}

      <section aria-labelledby="applications-heading" className="space-y-3">
        <h2 id="applications-heading" className="text-lg font-semibold text-zinc-950">
          Applications
        </h2>
        <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
          <table className="min-w-full divide-y divide-zinc-200 text-sm">
            <caption className="sr-only">Each application&apos;s rollback: wave, state, method and outcome</caption>
            <TableHeader columns={["Wave", "Cluster and application", "State", "Method", "Outcome"]} />
            <tbody className="divide-y divide-zinc-100">
              {group.rollbacks.map((rollback) => (
                <tr key={rollback.id}>
                  <td className="px-3 py-2.5 whitespace-nowrap">{rollback.wave + 1}</td>
                  <td className="px-3 py-2.5">
                    <span className="font-medium">{rollback.application.cluster}</span>
                    <span className="block text-xs text-zinc-600">
                      {rollback.application.environment} · {rollback.application.name}
                    </span>
                  </td>
                  <td className="px-3 py-2.5 whitespace-nowrap">
                    <RollbackStateBadge state={rollback.state} />
                  </td>
                  <td className="px-3 py-2.5">
                    {rollback.method === "ARGOCD" ? `Argo CD rollback${rollback.argoHistoryId !== null ? ` (history entry ${rollback.argoHistoryId})` : ""}` : "GitOps pull request"}
                    <ExternalLink href={rollback.pullRequestUrl} className="block text-sky-800 underline" fallback={null}>
                      Pull request<span className="sr-only"> for {rollback.application.name}</span>
                    </ExternalLink>
                  </td>
                  <td className="px-3 py-2.5">
                    <Outcome rollback={rollback} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="history-heading" className="space-y-3">
        <h2 id="history-heading" className="text-lg font-semibold text-zinc-950">
          What happened
        </h2>
        <ol className="space-y-1.5 text-sm text-zinc-900">
          {transitionsOf(group.rollbacks).map((transition) => (
            <li key={transition.key} className="flex flex-wrap items-baseline gap-2">
              <RelativeTime date={transition.at} />
              <RollbackStateBadge state={transition.toState} />
              <span>
                {group.rollbacks.length > 1 ? `${transition.application}: ` : ""}
                {transition.fromState ? `${describeRollbackState(transition.fromState)} → ` : ""}
                {describeRollbackState(transition.toState)} by {transition.actor}
                {transition.note ? ` (${transition.note})` : ""}
              </span>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

function Steps({ state }: { state: RollbackView["state"] }) {
  const end = state === "FAILED" || state === "CANCELLED" ? state : "SUCCEEDED";
  const steps: RollbackView["state"][] = [...STEPS, end];
  const reached = steps.indexOf(state);
  return (
    <ol aria-label="Progress" className="flex flex-wrap items-center gap-2 text-sm">
      {steps.map((step, index) => {
        const done = index < reached || (index === reached && step === "SUCCEEDED");
        const current = index === reached;
        return (
          <li key={step} aria-current={current ? "step" : undefined} className="flex items-center gap-2">
            <span
              className={`rounded-full px-3 py-1 font-medium ring-1 ring-inset ${
                current ? (step === "FAILED" ? "bg-red-700 text-white ring-red-700" : step === "SUCCEEDED" ? "bg-emerald-700 text-white ring-emerald-700" : "bg-sky-700 text-white ring-sky-700") : done ? "bg-zinc-100 text-zinc-900 ring-zinc-300" : "bg-white text-zinc-600 ring-zinc-300"
              }`}
            >
              {describeRollbackState(step)}
            </span>
            {index < steps.length - 1 ? <span aria-hidden="true" className="text-zinc-500">→</span> : null}
          </li>
        );
      })}
    </ol>
  );
}

function Outcome({ rollback }: { rollback: RollbackView }) {
  if (rollback.error) return <span className="text-red-800">{rollback.error}</span>;
  if (rollback.state === "SUCCEEDED")
    return (
      <span>
        Runs <span className="font-mono">{rollback.toRelease.version}</span> healthy{rollback.finishedAt ? <> since <RelativeTime date={rollback.finishedAt} /></> : null}
      </span>
    );
  if (rollback.state === "WAITING_FOR_SYNC") return <span>Waiting for Argo CD to sync and report healthy</span>;
  if (rollback.state === "EXECUTING") return <span>{rollback.method === "ARGOCD" ? "Calling Argo CD" : "Opening the pull request"}</span>;
  if (rollback.state === "CANCELLED") return <span>Not started (an earlier failure stopped the group)</span>;
  if (rollback.state === "APPROVED") return <span>{rollback.wave > 0 ? "Waits for the earlier wave" : "About to start"}</span>;
  return <span>Waiting for approval</span>;
}

function transitionsOf(rollbacks: RollbackView[]) {
  return rollbacks
    .flatMap((rollback) => rollback.transitions.map((transition, index) => ({ ...transition, application: rollback.application.name, key: `${rollback.id}-${index}` })))
    .sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key));
}
