import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { idField, nameField } from "@/lib/api/query-fields";
import { releaseRolloutHref } from "@/lib/rollouts/build-rollout-href";
import { getReleaseRollout } from "@/lib/rollouts/get-release-rollout";
import { describeRolloutCounts } from "@/lib/rollouts/group-timeline-rollouts";
import { AppError } from "@/lib/http/app-error";
import { EnvironmentPicker } from "../../_components/environment-picker";
import { RolloutEnvironments } from "../../_components/rollout-environments";

type Props = { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> };

export const metadata: Metadata = { title: "Rollout" };

export default async function ReleaseRolloutPage({ params, searchParams }: Props) {
  // Rendered per request: rollouts change by the minute, and `next build` has no database.
  await connection();
  await requirePageViewer();
  const id = idField.safeParse((await params).id);
  const raw = (await searchParams).environment;
  const environment = raw === undefined || raw === "" ? undefined : nameField.safeParse(raw);
  if (!id.success || (environment && !environment.success)) notFound();
  const rollout = await getReleaseRollout(id.data, { environment: environment?.data }).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  });
  if (!rollout) notFound();
  const { release } = rollout;

  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm text-zinc-600">
          <Link href={`/services/${encodeURIComponent(release.service.name)}`} className="font-medium text-sky-800 underline">
            {release.service.name}
          </Link>{" "}
          ·{" "}
          <Link href={`/releases/${release.id}`} className="font-mono text-sky-800 underline">
            {release.version}
          </Link>
        </p>
        <h1 className="mt-1 text-2xl font-semibold tracking-tight text-zinc-950">
          Rollout of <span className="font-mono">{release.version}</span>
          {rollout.environment ? <> in {rollout.environment}</> : null}
        </h1>
        <p className="mt-1 text-sm text-zinc-600">
          {describeRolloutCounts(rollout.counts)}. Per region and cluster (a wave), in the order the release reached them; counted across the
          whole fleet.
        </p>
      </div>
      <EnvironmentPicker environments={rollout.environmentNames} current={rollout.environment} href={(name) => releaseRolloutHref(release.id, name)} />
      <RolloutEnvironments counts={rollout.counts} environments={rollout.environments} now={new Date()} showReached />
    </div>
  );
}
