import type { Metadata } from "next";
import { connection } from "next/server";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { EmptyState } from "@/components/ui/empty-state";
import { describeZodIssues } from "@/lib/http/with-error-handling";
import { AppError } from "@/lib/http/app-error";
import { getImageRollout, getImageRolloutQuery } from "@/lib/rollouts/get-image-rollout";
import { describeRolloutCounts } from "@/lib/rollouts/group-timeline-rollouts";
import { RolloutEnvironments } from "../_components/rollout-environments";

export const metadata: Metadata = { title: "Image rollout" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function ImageRolloutPage({ searchParams }: Props) {
  // Rendered per request: what runs changes by the minute, and `next build` has no database.
  await connection();
  await requirePageViewer();
  const raw = await searchParams;
  const parsed = getImageRolloutQuery.safeParse(Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined && value !== "")));
  if (!parsed.success) {
    return (
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Image rollout</h1>
        <EmptyState title="Which image?">
          <p>{describeZodIssues(parsed.error.issues)}</p>
          <p className="mt-1">
            Name one with its tag: <span className="font-mono">/rollouts/image?ref=registry.example.com/platform/envoy:1.31.2</span>
          </p>
        </EmptyState>
      </div>
    );
  }
  const rollout = await getImageRollout(parsed.data).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "not_found") return error.message;
    throw error;
  });
  if (typeof rollout === "string") {
    return (
      <div className="space-y-6">
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">Image rollout</h1>
        <EmptyState title={rollout} />
      </div>
    );
  }
  const { image } = rollout;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-950">
          Rollout of <span className="font-mono break-all">{image.ref}</span>
          {rollout.environment ? <> in {rollout.environment}</> : null}
        </h1>
        <p className="mt-1 text-sm text-zinc-600">
          {image.servicesRunning} of {image.services} services running <span className="font-mono break-all">{image.repository}</span> have this tag somewhere;{" "}
          {describeRolloutCounts(rollout.counts)}. Applications running another tag count as not yet reached.
        </p>
      </div>
      <RolloutEnvironments counts={rollout.counts} environments={rollout.environments} now={new Date()} showReached={false} />
    </div>
  );
}
