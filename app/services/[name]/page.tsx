import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { cache, Suspense } from "react";
import { DoraSummary } from "@/components/metrics/dora-summary";
import { can } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { getServiceEnvironments } from "@/lib/environments/get-service-environments";
import { findServiceTeamId } from "@/lib/rollback/find-service-team-id";
import { getService, getServiceParams } from "@/lib/services/get-service";
import { DeploymentHistory } from "./_components/deployment-history";
import { RecentReleases } from "./_components/recent-releases";
import { decodeSegment } from "./_components/decode-segment";
import { ServiceEnvironments } from "./_components/service-environments";
import { ExternalLink } from "@/components/ui/external-link";

type Props = { params: Promise<{ name: string }> };

/** One read per request for the title and the page; null for a name no service could have. */
const loadService = cache(async (segment: string) => {
  const parsed = getServiceParams.safeParse({ name: decodeSegment(segment) });
  return parsed.success ? getService(parsed.data.name) : null;
});

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  await connection();
  await requirePageViewer();
  const service = await loadService((await params).name);
  return { title: service ? service.name : "Service not found" };
}

export default async function ServicePage({ params }: Props) {
  // Rendered per request: what runs where changes by the minute, and `next build` has no database.
  await connection();
  const viewer = await requirePageViewer();
  const service = await loadService((await params).name);
  if (!service) notFound();
  const now = new Date();
  // Roll back and Promote controls only for people allowed to roll back this service; the routes check again.
  const [environments, teamId] = await Promise.all([getServiceEnvironments(service.name), findServiceTeamId(getDb(), service.id)]);
  const canRollback = can(viewer, "rollback", { teamId });
  const timelineHref = `/timeline?service=${encodeURIComponent(service.name)}`;

  return (
    <div className="space-y-10">
      <div className="space-y-3">
        <div>
          <p className="text-sm text-zinc-600">Service</p>
          <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">{service.name}</h1>
        </div>
        <dl className="flex flex-wrap gap-x-8 gap-y-2 text-sm">
          <div>
            <dt className="font-medium text-zinc-600">Owners</dt>
            <dd className="text-zinc-900">
              {service.team ? (
                <Link href={`/timeline?team=${encodeURIComponent(service.team.slug)}`} className="text-sky-800 underline">
                  {service.team.name}
                </Link>
              ) : (
                <span className="text-zinc-600">no team</span>
              )}
            </dd>
          </div>
          <div>
            <dt className="font-medium text-zinc-600">Repository</dt>
            <dd className="text-zinc-900">
              <ExternalLink href={service.repositoryUrl} className="text-sky-800 underline" fallback={<span className="text-zinc-600">{service.repository ?? "not known"}</span>}>
                {service.repository} on GitHub
              </ExternalLink>
            </dd>
          </div>
          <div>
            <dt className="font-medium text-zinc-600">Tier</dt>
            <dd className="text-zinc-900">{service.tier}</dd>
          </div>
          <div>
            <dt className="font-medium text-zinc-600">Applications</dt>
            <dd className="text-zinc-900">
              {service.applications.total} in Argo CD
              {service.applications.byHealth.DEGRADED > 0 ? `, ${service.applications.byHealth.DEGRADED} degraded` : ""}
              {service.applications.outOfSync > 0 ? `, ${service.applications.outOfSync} out of sync` : ""}
            </dd>
          </div>
        </dl>
      </div>

      <section aria-labelledby="running-heading" className="space-y-4">
        <h2 id="running-heading" className="text-lg font-semibold text-zinc-950">
          What runs where
        </h2>
        <ServiceEnvironments service={service} view={environments} now={now} canRollback={canRollback} />
      </section>

      <section aria-labelledby="dora-heading" className="space-y-3">
        <h2 id="dora-heading" className="text-lg font-semibold text-zinc-950">
          DORA metrics
        </h2>
        <Suspense fallback={<div className="h-28 animate-pulse rounded-lg bg-zinc-100" role="status" aria-label="Loading DORA metrics" />}>
          <DoraSummary service={service.name} />
        </Suspense>
      </section>

      <section aria-labelledby="history-heading" className="space-y-3">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="history-heading" className="text-lg font-semibold text-zinc-950">
            Deployment history
          </h2>
          <Link href={timelineHref} className="text-sm font-medium text-sky-800 underline">
            See in timeline
          </Link>
        </div>
        <DeploymentHistory service={service.name} initialPage={JSON.parse(JSON.stringify(service.recentDeployments))} />
      </section>

      <section aria-labelledby="releases-heading" className="space-y-3">
        <h2 id="releases-heading" className="text-lg font-semibold text-zinc-950">
          Latest releases
        </h2>
        <RecentReleases releases={service.recentReleases} now={now} />
      </section>
    </div>
  );
}
