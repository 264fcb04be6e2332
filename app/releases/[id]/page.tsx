import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { cache } from "react";
import { connection } from "next/server";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { PromoteLink } from "@/components/promotions/promote-link";
import { idField } from "@/lib/api/query-fields";
import { can } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { compareReleases } from "@/lib/releases/compare-releases";
import { getRelease } from "@/lib/releases/get-release";
import { listReleasesAround } from "@/lib/releases/list-releases-around";
import { findServiceTeamId } from "@/lib/rollback/find-service-team-id";
import { ReleaseCommits } from "./_components/release-commits";
import { ReleaseComparisonSection } from "./_components/release-comparison";
import { ReleaseHeader } from "./_components/release-header";
import { ReleaseRollbacks } from "./_components/release-rollbacks";
import { ReleaseRollout } from "./_components/release-rollout";
import { RollbackReleasePanel } from "./_components/rollback-release-panel";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const id = idField.safeParse((await params).id);
  if (!id.success) return { title: "Release not found" };
  await connection();
  await requirePageViewer();
  const release = await loadRelease(id.data);
  return { title: release ? `${release.service.name} ${release.version}` : "Release not found" };
}

/** One read per request for the title and the page. */
const loadRelease = cache((id: number) => getRelease(id));

export default async function ReleasePage({ params, searchParams }: Props) {
  // Rendered per request: rollouts change by the minute, and `next build` has no database.
  await connection();
  const viewer = await requirePageViewer();
  const id = idField.safeParse((await params).id);
  if (!id.success) notFound();
  const compareParam = (await searchParams).compare;
  const compareText = typeof compareParam === "string" && compareParam !== "" ? compareParam : null;
  const compareId = compareText === null ? null : idField.safeParse(compareText);

  const [release, choices, comparison] = await Promise.all([
    loadRelease(id.data),
    listReleasesAround(id.data),
    compareId?.success ? compareReleases(id.data, compareId.data) : null,
  ]);
  if (!release) notFound();
  const now = new Date();
  // Roll back controls only for people allowed to roll back this service; the routes check again.
  const teamId = await findServiceTeamId(getDb(), release.service.id);
  const canRollback = can(viewer, "rollback", { teamId });
  const canPromote = can(viewer, "promote", { teamId });

  return (
    <div className="space-y-10">
      <div className="space-y-3">
        <ReleaseHeader release={release} now={now} />
        {canPromote ? <PromoteLink service={release.service.name} releaseId={release.id} /> : null}
      </div>
      {canRollback ? <RollbackReleasePanel release={release} /> : null}
      <ReleaseRollout release={release} now={now} canRollback={canRollback} />
      <ReleaseCommits release={release} now={now} />
      <ReleaseComparisonSection
        release={release}
        choices={choices.filter((choice) => choice.id !== release.id)}
        requested={compareText}
        comparison={comparison}
        now={now}
      />
      <ReleaseRollbacks release={release} now={now} />
    </div>
  );
}
