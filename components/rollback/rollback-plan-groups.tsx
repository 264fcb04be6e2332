"use client";

// The plan's applications one row per environment and region, with counts (so a plan of a
// thousand applications fits one screen); each row opens to its applications with their method
// and dry run. A plan of a few applications opens them all.
import { Fragment, useState } from "react";
import { Badge } from "@/components/ui/badge";
import { TableHeader } from "@/components/ui/table-header";
import type { PlanGroup, RollbackPlan } from "@/lib/rollback/rollback-plan";

export const methodNames = { ARGOCD: "Argo CD rollback", GITOPS: "GitOps pull request" } as const;

/** Up to this many applications, every group starts open. */
const OPEN_UP_TO = 3;

const keyOf = (group: PlanGroup) => `${group.environment}\u0000${group.region ?? ""}`;

export function RollbackPlanGroups({ plan }: { plan: RollbackPlan }) {
  const [toggled, setToggled] = useState<Set<string>>(new Set());
  const startsOpen = plan.applications.length <= OPEN_UP_TO;
  const isOpen = (group: PlanGroup) => startsOpen !== toggled.has(keyOf(group));
  const byId = new Map(plan.applications.map((app) => [app.applicationId, app]));
  return (
    <div className="overflow-x-auto rounded border border-zinc-200">
      <table className="min-w-full divide-y divide-zinc-200 text-sm">
        <caption className="sr-only">Applications this rollback changes, per environment and region, with their methods and dry runs</caption>
        <TableHeader compact columns={["Environment and region", { label: "Applications", align: "right" }, "Wave", "Method", "Dry run"]} />
        <tbody className="divide-y divide-zinc-100">
          {plan.groups.map((group) => {
            const open = isOpen(group);
            const label = `${group.environment} · ${group.region ?? "no region"}`;
            return (
              <Fragment key={keyOf(group)}>
                <tr>
                  <td className="px-3 py-1.5">
                    <button
                      type="button"
                      aria-expanded={open}
                      onClick={() => setToggled((current) => new Set(current.has(keyOf(group)) ? [...current].filter((key) => key !== keyOf(group)) : [...current, keyOf(group)]))}
                      className="flex items-center gap-1 rounded text-left font-medium hover:underline"
                    >
                      <span aria-hidden="true">{open ? "▾" : "▸"}</span>
                      {label}
                      <span className="sr-only">: {open ? "hide" : "show"} its applications</span>
                    </button>
                  </td>
                  <td className="px-3 py-1.5 text-right whitespace-nowrap tabular-nums">
                    {group.applications}
                    <span className="text-xs text-zinc-600"> on {group.clusters} cl.</span>
                  </td>
                  <td className="px-3 py-1.5 whitespace-nowrap">{group.waves.map((wave) => wave + 1).join(", ")}</td>
                  <td className="px-3 py-1.5">
                    <Counts
                      entries={[
                        [methodNames.ARGOCD, group.methods.ARGOCD, "neutral"],
                        [methodNames.GITOPS, group.methods.GITOPS, "neutral"],
                        ["none possible", group.methods.none, "bad"],
                      ]}
                    />
                  </td>
                  <td className="px-3 py-1.5">
                    <Counts
                      entries={[
                        ["passed", group.dryRun.passed, "good"],
                        ["failed", group.dryRun.failed, "bad"],
                        ["not run", group.dryRun.notRun, "neutral"],
                        ["not available", group.dryRun.unavailable, "neutral"],
                      ]}
                    />
                  </td>
                </tr>
                {open ? (
                  <tr>
                    <td colSpan={5} className="bg-zinc-50/60 px-3 py-1">
                      <ul aria-label={`Applications in ${label}`} className="divide-y divide-zinc-100">
                        {group.applicationIds.map((id) => {
                          const app = byId.get(id)!;
                          return (
                            <li key={id} className="grid grid-cols-1 gap-x-4 py-0.5 sm:grid-cols-[minmax(0,1.4fr)_minmax(0,1fr)_minmax(0,1.6fr)]">
                              <span>
                                <span className="font-medium">{app.cluster.name}</span>{" "}
                                <span className="text-xs text-zinc-600">
                                  {app.name} · wave {app.wave + 1} · runs <span className="font-mono">{app.currentRelease?.version ?? "unknown"}</span> · {app.health.toLowerCase()}
                                  {app.autoSync ? " · auto-sync on" : ""}
                                </span>
                              </span>
                              <span className="text-xs">
                                {app.method ? methodNames[app.method] : <Badge tone="bad">none possible</Badge>}
                                {app.method === "ARGOCD" && app.argoHistoryId !== null ? <span className="text-zinc-600"> · history entry {app.argoHistoryId}</span> : null}
                                {app.method === "GITOPS" && app.gitops ? (
                                  <span className="break-all text-zinc-600">
                                    {" "}
                                    · {app.gitops.repository}/{app.gitops.path}
                                  </span>
                                ) : null}
                              </span>
                              <span className="text-xs">
                                <DryRunBadge status={app.dryRun.status} />
                                {app.dryRun.message ? <span className="ml-1 text-zinc-700">{app.dryRun.message}</span> : null}
                                {app.blockers.length > 0 ? <span className="block text-red-800">blocked: see above</span> : null}
                              </span>
                            </li>
                          );
                        })}
                      </ul>
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function Counts({ entries }: { entries: [string, number, "good" | "bad" | "neutral"][] }) {
  const shown = entries.filter(([, count]) => count > 0);
  return (
    <span className="flex flex-wrap gap-1">
      {shown.map(([label, count, tone]) => (
        <Badge key={label} tone={tone}>
          {count} {label}
        </Badge>
      ))}
    </span>
  );
}

function DryRunBadge({ status }: { status: RollbackPlan["applications"][number]["dryRun"]["status"] }) {
  if (status === "passed") return <Badge tone="good">passed</Badge>;
  if (status === "failed") return <Badge tone="bad">failed</Badge>;
  return <Badge>{status === "not-run" ? "not run" : "not available"}</Badge>;
}
