// Why the plan cannot run: each reason once, with how many applications it affects and the list
// of them behind a disclosure (a reason on 40 applications is one line, not 40).
import type { RollbackPlan } from "@/lib/rollback/rollback-plan";

export function RollbackBlockers({ plan }: { plan: RollbackPlan }) {
  if (plan.blockerGroups.length === 0) return null;
  const byId = new Map(plan.applications.map((app) => [app.applicationId, app]));
  return (
    <div role="alert" className="rounded border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
      <p className="font-medium">This rollback cannot run as planned:</p>
      <ul className="mt-1 list-disc space-y-1 pl-5">
        {plan.blockerGroups.map((group) => (
          <li key={group.reason}>
            {group.reason}
            {group.applicationIds.length === 1 ? (
              <span className="font-medium"> ({byId.get(group.applicationIds[0]!)?.name})</span>
            ) : group.applicationIds.length > 1 ? (
              <details className="mt-0.5">
                <summary className="cursor-pointer font-medium">{group.applicationIds.length} applications</summary>
                <ul className="mt-1 max-h-32 overflow-y-auto text-xs">
                  {group.applicationIds.map((id) => {
                    const app = byId.get(id);
                    return (
                      <li key={id}>
                        {app?.name ?? `application ${id}`}
                        {app ? <span className="text-red-700"> · {app.cluster.name} · {app.environment.name}</span> : null}
                      </li>
                    );
                  })}
                </ul>
              </details>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
