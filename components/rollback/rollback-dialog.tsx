"use client";

// The rollback dialog: for a release, the SRE picks what it covers (only the degraded or failed
// applications, all, an environment, regions or clusters), then the target (the plan's default is
// the last release that was healthy there), reads the plan the server made with a dry run
// (grouped per environment and region, each blocking reason once, auto-sync, approval), gives a
// reason and confirms. The plan scrolls between a fixed header and a fixed footer, so Confirm is
// on screen whatever the plan's size. A native modal <dialog>: the rest of the page is inert
// while it is open (focus stays inside) and Escape closes it. One idempotency key per opened
// dialog, so a double click or a retry is one rollback; the plan's selection digest goes with
// the request, so applications that turned degraded meanwhile are never rolled back unseen.
import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import type { RollbackPlan, RollbackScope } from "@/lib/rollback/rollback-plan";
import { RollbackApiError, callRollbackApi } from "./call-rollback-api";
import { RollbackBlockers } from "./rollback-blockers";
import { RollbackPlanGroups, methodNames } from "./rollback-plan-groups";
import { RollbackScopePicker, type SelectionDraft, completeSelection } from "./rollback-scope-picker";

type RequestResult = { groupId: string; rollbackIds: number[]; replayed: boolean; state: "REQUESTED" | "APPROVED"; approvalRequired: boolean; url: string };

/** 128 random bits as hex; getRandomValues works on plain http too, unlike randomUUID. */
function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `rb-${Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")}`;
}

export function RollbackDialog({ scope, subject, onClose }: { scope: RollbackScope; subject: string; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const titleId = useId();
  const reasonId = useId();
  const targetId = useId();
  const [targetReleaseId, setTargetReleaseId] = useState<number | null>(null);
  const [reason, setReason] = useState("");
  const [idempotencyKey] = useState(newIdempotencyKey);
  // null: the server's default (only the degraded or failed when some are healthy).
  const [draft, setDraft] = useState<SelectionDraft | null>(null);
  const selection = draft === null ? undefined : completeSelection(draft);
  const askedScope: RollbackScope | null = scope.kind === "release" && selection !== undefined ? (selection === null ? null : { ...scope, select: selection }) : scope;

  useEffect(() => {
    const element = dialog.current;
    if (element && !element.open) element.showModal();
  }, []);

  const plan = useQuery({
    queryKey: ["rollback-plan", askedScope, targetReleaseId],
    queryFn: ({ signal }) =>
      callRollbackApi<RollbackPlan>("/api/v1/rollbacks/plan", { body: { scope: askedScope, targetReleaseId: targetReleaseId ?? undefined, dryRun: true }, signal }),
    // A region or cluster list still empty is not a scope yet: keep showing the last plan, not confirmable.
    enabled: askedScope !== null,
    placeholderData: keepPreviousData,
    staleTime: 0,
    retry: false,
  });

  const request = useMutation({
    mutationFn: (planned: RollbackPlan) =>
      callRollbackApi<RequestResult>("/api/v1/rollbacks", {
        // The plan's own scope (with the selection the server used) and digest: exactly what was shown.
        body: { scope: planned.scope, targetReleaseId: planned.target!.id, reason, selectionDigest: planned.selectionDigest },
        headers: { "Idempotency-Key": idempotencyKey },
      }),
    onSuccess: (result) => router.push(result.url),
    onError: (error) => {
      if (error instanceof RollbackApiError && (error.details as { reason?: string } | undefined)?.reason === "selection_changed") void plan.refetch();
    },
  });

  const current = plan.data;
  const ready = current !== undefined && askedScope !== null && !plan.isFetching && !plan.isPlaceholderData && current.target !== null;
  const canConfirm = ready && current.executable && reason.trim() !== "" && !request.isPending && !request.isSuccess;
  const pickedDraft: SelectionDraft | null = draft ?? (current?.scope.kind === "release" ? (current.scope.select ?? null) : null);

  // A modal <dialog> makes the page inert, but Tab past its last control would leave for the
  // browser's own UI: wrap around instead, so focus stays in the dialog until it closes.
  const keepFocusInside = (event: KeyboardEvent<HTMLDialogElement>) => {
    if (event.key !== "Tab") return;
    const focusable = [...event.currentTarget.querySelectorAll<HTMLElement>("button, select, textarea, input, a[href], [tabindex]:not([tabindex='-1'])")].filter(
      (element) => !(element as HTMLButtonElement).disabled && element.offsetParent !== null,
    );
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (canConfirm) request.mutate(current);
  };

  const conflictId = request.error instanceof RollbackApiError ? (request.error.details as { rollbackId?: number } | undefined)?.rollbackId : undefined;

  return (
    <dialog
      ref={dialog}
      aria-labelledby={titleId}
      onClose={onClose}
      onKeyDown={keepFocusInside}
      className="m-auto max-h-[calc(100dvh-2rem)] w-[min(72rem,calc(100vw-2rem))] overflow-hidden rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/40"
    >
      <form onSubmit={submit} className="flex max-h-[calc(100dvh-2rem-2px)] flex-col">
        <div className="flex items-start justify-between gap-4 border-b border-zinc-200 px-6 pt-4 pb-2.5">
          <div>
            <h2 id={titleId} className="text-lg font-semibold text-zinc-950">
              Roll back {subject}
            </h2>
            <p className="mt-0.5 text-sm text-zinc-600">Nothing changes until you confirm. The plan below comes from Shiplog&apos;s server, with a dry run where the method has one.</p>
          </div>
          <button type="button" onClick={() => dialog.current?.close()} className="rounded px-2 py-1 text-sm font-medium text-zinc-700 hover:bg-zinc-100">
            Close
          </button>
        </div>

        <div className="min-h-0 flex-1 space-y-3 overflow-y-auto px-6 py-3">
          {plan.isPending && askedScope !== null ? (
            <p role="status" className="text-sm text-zinc-700">
              Planning the rollback and asking for a dry run…
            </p>
          ) : plan.isError && !current ? (
            <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
              Could not plan this rollback: {plan.error.message}
            </p>
          ) : current ? (
            <>
              {current.scopeChoices && pickedDraft ? (
                <RollbackScopePicker
                  choices={current.scopeChoices}
                  draft={pickedDraft}
                  onChange={(next) => {
                    setDraft(next);
                    // Another set of applications may have another default target.
                    setTargetReleaseId(null);
                  }}
                />
              ) : null}
              <div className="space-y-1">
                <label htmlFor={targetId} className="block text-sm font-medium text-zinc-900">
                  Roll back to
                </label>
                {current.candidates.length === 0 ? (
                  <p className="text-sm text-zinc-700">There is no earlier release that ran here, so there is nothing to roll back to.</p>
                ) : (
                  <select
                    id={targetId}
                    value={current.target?.id ?? ""}
                    onChange={(event) => setTargetReleaseId(Number(event.target.value))}
                    className="block w-full max-w-xl rounded border border-zinc-300 bg-white px-2 py-1.5 text-sm"
                  >
                    {current.candidates.map((candidate) => (
                      <option key={candidate.id} value={candidate.id}>
                        {candidate.version}
                        {candidate.isDefault ? " (last healthy here, default)" : ""} · healthy on {candidate.healthyOn} of {current.applications.length}
                      </option>
                    ))}
                  </select>
                )}
                {plan.isFetching ? (
                  <p role="status" className="text-sm text-zinc-700">
                    Planning again for what you picked…
                  </p>
                ) : null}
                {plan.isError ? (
                  <p role="alert" className="text-sm text-red-800">
                    Could not plan this: {plan.error.message}
                  </p>
                ) : null}
              </div>
              <PlanSummary plan={current} />
            </>
          ) : null}
        </div>

        {current ? (
          <div className="space-y-2 border-t border-zinc-200 px-6 pt-3 pb-4">
            <div className="space-y-1">
              <label htmlFor={reasonId} className="block text-sm font-medium text-zinc-900">
                Reason (required, recorded in the audit log{current.method === "GITOPS" ? " and the pull request" : ""})
              </label>
              <textarea
                id={reasonId}
                required
                maxLength={2000}
                rows={2}
                value={reason}
                onChange={(event) => setReason(event.target.value)}
                className="block w-full rounded border border-zinc-300 px-2 py-1.5 text-sm"
              />
            </div>
            {request.isError ? (
              <p role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
                {request.error.message}
                {conflictId ? (
                  <>
                    {" "}
                    <Link href={`/rollbacks/${conflictId}`} className="font-medium underline">
                      Open rollback #{conflictId}
                    </Link>
                  </>
                ) : null}
              </p>
            ) : null}
            <div className="flex flex-wrap items-center justify-end gap-3">
              <button type="button" onClick={() => dialog.current?.close()} className="rounded px-3 py-1.5 text-sm font-medium text-zinc-700 hover:bg-zinc-100">
                Cancel
              </button>
              <button
                type="submit"
                disabled={!canConfirm}
                className="rounded bg-red-700 px-3 py-1.5 text-sm font-semibold text-white hover:bg-red-800 disabled:cursor-not-allowed disabled:bg-zinc-300 disabled:text-zinc-700"
              >
                {request.isPending || request.isSuccess
                  ? "Requesting…"
                  : current.approvalRequired
                    ? `Request rollback to ${current.target?.version ?? "…"} (needs approval)`
                    : `Roll back to ${current.target?.version ?? "…"}`}
              </button>
            </div>
          </div>
        ) : null}
      </form>
    </dialog>
  );
}

function PlanSummary({ plan }: { plan: RollbackPlan }) {
  const clusters = new Set(plan.applications.map((app) => app.cluster.name));
  const autoSyncOn = plan.autoSyncApplications.length;
  const every = autoSyncOn === plan.applications.length;
  const autoSyncNames = plan.autoSyncApplications.length <= 3 ? plan.autoSyncApplications.join(", ") : `${autoSyncOn} of ${plan.applications.length} applications`;
  return (
    <section aria-label="Rollback plan" className="space-y-3">
      <dl className="grid grid-cols-1 gap-x-6 gap-y-0.5 rounded border border-zinc-200 bg-zinc-50 px-4 py-2 text-sm sm:grid-cols-[auto_1fr]">
        <dt className="font-medium text-zinc-700">From → to</dt>
        <dd>
          <span className="font-mono">{plan.fromRelease?.version ?? "unknown"}</span> → <span className="font-mono">{plan.target?.version ?? "nothing earlier"}</span>, by{" "}
          {plan.method ? methodNames[plan.method] : "the method of each application (below)"}
        </dd>
        <dt className="font-medium text-zinc-700">Affected</dt>
        <dd>
          {plan.applications.length} application{plan.applications.length === 1 ? "" : "s"} on {clusters.size} cluster{clusters.size === 1 ? "" : "s"}
          {plan.scopeChoices && plan.applications.length < plan.scopeChoices.applications ? ` (of ${plan.scopeChoices.applications} running ${plan.fromRelease?.version ?? "it"})` : ""}
          {plan.waves.length > 1 ? `, in ${plan.waves.length} waves: ${plan.waves[0]!.clusters.join(", ")} first, then the rest once it is healthy (stopping at the first failure)` : ""}
        </dd>
        <dt className="font-medium text-zinc-700">Auto-sync</dt>
        <dd>
          {autoSyncOn > 0
            ? `On for ${every && autoSyncOn > 3 ? "all of them" : autoSyncNames}. Argo CD refuses its own rollback while auto-sync is on, so those go back through a GitOps pull request (auto-sync then applies it).`
            : plan.method === "ARGOCD"
              ? "Off everywhere. Argo CD's rollback syncs the old revision; the application then shows out of sync with Git until Git is changed too."
              : "Off everywhere."}
        </dd>
        <dt className="font-medium text-zinc-700">Approval</dt>
        <dd>{plan.approvalRequired ? "A second SRE must approve before anything runs (production)." : "Not needed: it starts as soon as you confirm."}</dd>
      </dl>
      {plan.activeRollbacks.length > 0 ? (
        <p role="alert" className="rounded border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Already being rolled back:{" "}
          {plan.activeRollbacks.slice(0, 5).map((active, index) => (
            <span key={active.id}>
              {index > 0 ? ", " : ""}
              <Link href={`/rollbacks/${active.id}`} className="font-medium underline">
                rollback #{active.id}
              </Link>{" "}
              ({active.state.toLowerCase().replaceAll("_", " ")})
            </span>
          ))}
          {plan.activeRollbacks.length > 5 ? ` and ${plan.activeRollbacks.length - 5} more` : ""}.
        </p>
      ) : null}
      <RollbackBlockers plan={plan} />
      <RollbackPlanGroups plan={plan} />
    </section>
  );
}
