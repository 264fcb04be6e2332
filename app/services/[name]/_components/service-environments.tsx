import Link from "next/link";
import { RollbackButton } from "@/components/rollback/rollback-button";
import { Badge } from "@/components/ui/badge";
import { HealthBadge, SyncBadge } from "@/components/ui/deployment-badges";
import { EmptyState } from "@/components/ui/empty-state";
import { RelativeTime } from "@/components/ui/relative-time";
import { findVersionSkew } from "@/lib/services/find-version-skew";
import type { ServiceDetail } from "@/lib/services/get-service";
import { TableHeader } from "@/components/ui/table-header";
import { ExternalLink } from "@/components/ui/external-link";

type Environment = ServiceDetail["environments"][number];

/** Per environment, per cluster: the application, the version it runs (and since when), its health and sync; skew marked. */
/** `canRollback`: the viewer may roll back this service (decided on the server with can()). */
export function ServiceEnvironments({ service, now, canRollback = false }: { service: ServiceDetail; now: Date; canRollback?: boolean }) {
  if (service.environments.length === 0) {
    return (
      <EmptyState title="No applications">
        <p>No Argo CD application is filed under {service.name}, so nothing of it runs anywhere Shiplog can see.</p>
      </EmptyState>
    );
  }
  return (
    <div className="space-y-6">
      {service.environments.map((environment) => (
        <EnvironmentTable key={environment.name} environment={environment} service={service.name} now={now} canRollback={canRollback} />
      ))}
    </div>
  );
}

function EnvironmentTable({ environment, service, now, canRollback }: { environment: Environment; service: string; now: Date; canRollback: boolean }) {
  const skew = findVersionSkew(environment.applications);
  const outliers = new Set(skew.outliers);
  const headingId = `environment-${environment.name}`;
  const headers = ["Cluster", "Region", "Application", "Version", "Health", "Sync", "Since", "Argo CD"];
  return (
    <section aria-labelledby={headingId} className="space-y-2">
      <h3 id={headingId} className="flex flex-wrap items-center gap-2 text-base font-semibold text-zinc-950">
        {environment.name}
        {environment.isProduction ? <Badge tone="info">production</Badge> : null}
        {skew.skewed ? (
          <Badge tone="warn">
            version skew: {skew.versions.map((version) => `${version.version} on ${version.applications}`).join(", ")}
          </Badge>
        ) : skew.majority ? (
          <span className="text-sm font-normal text-zinc-600">
            every cluster runs <span className="font-mono">{skew.majority}</span>
          </span>
        ) : null}
      </h3>
      <div className="overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-xs">
        <table className="min-w-full divide-y divide-zinc-200 text-sm">
          <caption className="sr-only">{`${service} in ${environment.name}: what each cluster runs`}</caption>
          <TableHeader columns={headers} />
          <tbody className="divide-y divide-zinc-100">
            {environment.applications.map((application) => (
              <tr key={application.id} className="hover:bg-zinc-50">
                <td className="px-3 py-2.5 font-medium text-zinc-900">{application.cluster}</td>
                <td className="px-3 py-2.5 text-zinc-900">{application.region ?? <span className="text-zinc-600">—</span>}</td>
                <td className="px-3 py-2.5 text-zinc-900">{application.name}</td>
                <td className="px-3 py-2.5">
                  {application.release ? (
                    <span className="flex items-center gap-1.5">
                      <Link href={`/releases/${application.release.id}`} className="font-mono text-xs text-sky-800 underline">
                        {application.release.version}
                      </Link>
                      {outliers.has(application.id) ? <Badge tone="warn">differs</Badge> : null}
                      {canRollback ? (
                        <RollbackButton compact scope={{ kind: "application", applicationId: application.id }} subject={`${application.name} on ${application.cluster}`} />
                      ) : null}
                    </span>
                  ) : (
                    <span className="text-zinc-600">unknown</span>
                  )}
                </td>
                <td className="px-3 py-2.5">
                  <HealthBadge health={application.health} />
                </td>
                <td className="px-3 py-2.5">
                  <SyncBadge sync={application.sync} />
                </td>
                <td className="px-3 py-2.5 text-zinc-900">
                  {application.release?.since ? <RelativeTime date={application.release.since} now={now} /> : <span className="text-zinc-600">—</span>}
                </td>
                <td className="px-3 py-2.5">
                  <ExternalLink
                    href={application.argocdUrl}
                    className="relative text-sky-800 underline"
                    fallback={<span className="text-xs text-zinc-600">{application.argoInstance}</span>}
                  >
                    Open<span className="sr-only"> {application.name} in Argo CD</span>
                  </ExternalLink>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
