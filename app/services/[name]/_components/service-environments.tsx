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
import { LagLinks, LagSummary } from "@/components/environments/environment-lag";
import type { ServiceEnvironment, ServiceEnvironments as EnvironmentsView } from "@/lib/environments/get-service-environments";

type Environment = ServiceDetail["environments"][number];

/**
 * The promotion path (each environment's release, and how far it lags the one before it), then per
 * environment, per cluster: the application, the version it runs (and since when), its health and
 * sync; skew marked. `canRollback`: the viewer may roll back this service (decided on the server
 * with can()); it also decides who sees Promote.
 */
export function ServiceEnvironments({
  service,
  view,
  now,
  canRollback = false,
}: {
  service: ServiceDetail;
  view: EnvironmentsView | null;
  now: Date;
  canRollback?: boolean;
}) {
  if (service.environments.length === 0) {
    return (
      <EmptyState title="No applications">
        <p>No Argo CD application is filed under {service.name}, so nothing of it runs anywhere Shiplog can see.</p>
      </EmptyState>
    );
  }
  const lagOf = new Map((view?.environments ?? []).map((environment) => [environment.name, environment]));
  return (
    <div className="space-y-6">
      {view && view.environments.length > 1 ? <PromotionPath view={view} now={now} canPromote={canRollback} /> : null}
      {service.environments.map((environment) => (
        <EnvironmentTable key={environment.name} environment={environment} lag={lagOf.get(environment.name)} service={service.name} now={now} canRollback={canRollback} />
      ))}
    </div>
  );
}

/**
 * The environments in rank order, what each runs, and for each one behind, the lag with its links.
 * Its title is not a heading: the section's level-3 headings are the environments, one each.
 */
function PromotionPath({ view, now, canPromote }: { view: EnvironmentsView; now: Date; canPromote: boolean }) {
  return (
    <section aria-labelledby="promotion-path-heading" className="rounded-lg border border-zinc-200 bg-white px-4 py-3 shadow-xs">
      <p id="promotion-path-heading" className="text-base font-semibold text-zinc-950">
        Promotion path
      </p>
      <ol className="mt-2 divide-y divide-zinc-100" aria-label="Environments in promotion order">
        {view.environments.map((environment) => (
          <li key={environment.name} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 py-2" data-environment={environment.name}>
            <span className="w-28 shrink-0 font-medium text-zinc-900">{environment.name}</span>
            <span className="font-mono text-xs text-zinc-900">
              {environment.releases.length === 0 ? <span className="font-sans text-zinc-600">unknown release</span> : environment.releases.map((release) => release.version).join(", ")}
            </span>
            {environment.behind && environment.lag && environment.previous && environment.compare && environment.promotion ? (
              <>
                <Badge tone="warn">
                  behind {environment.previous.environment} ({environment.previous.release.version})
                </Badge>
                <LagSummary lag={environment.lag} now={now} />
                <LagLinks
                  compare={environment.compare}
                  promotion={environment.promotion}
                  canPromote={canPromote}
                  subject={`${environment.previous.release.version} to ${environment.name}`}
                />
              </>
            ) : environment.previous ? (
              <span className="text-sm text-zinc-600">up to date with {environment.previous.environment}</span>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Where an environment's clusters run different releases: which regions and clusters run which. */
function ReleaseSpread({ lag }: { lag: ServiceEnvironment }) {
  if (lag.releases.length < 2) return null;
  return (
    <ul className="space-y-0.5 text-sm text-zinc-700" aria-label={`Releases in ${lag.name} by region and cluster`}>
      {lag.releases.map((release) => (
        <li key={release.id}>
          <Link href={`/releases/${release.id}`} className="font-mono text-xs text-sky-800 underline">
            {release.version}
          </Link>{" "}
          in {release.regions.length > 0 ? release.regions.join(", ") : "no region"} ({release.clusters.join(", ")})
        </li>
      ))}
    </ul>
  );
}

function EnvironmentTable({
  environment,
  lag,
  service,
  now,
  canRollback,
}: {
  environment: Environment;
  lag: ServiceEnvironment | undefined;
  service: string;
  now: Date;
  canRollback: boolean;
}) {
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
      {lag ? <ReleaseSpread lag={lag} /> : null}
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
