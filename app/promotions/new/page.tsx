import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { ForbiddenState } from "@/components/ui/forbidden-state";
import { EmptyState } from "@/components/ui/empty-state";
import { findTextProblem } from "@/lib/api/plain-text";
import { idField } from "@/lib/api/query-fields";
import { can } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { listPromotionChoices } from "@/lib/promotions/list-promotion-choices";
import { PromoteForm } from "./_components/promote-form";

export const metadata: Metadata = { title: "Promote a release" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const one = (value: string | string[] | undefined) => (typeof value === "string" && value !== "" ? value : null);

export default async function NewPromotionPage({ searchParams }: Props) {
  await connection();
  const viewer = await requirePageViewer();
  const raw = await searchParams;
  // A value that is not plain text (a NUL, a control character) names no service, release or
  // environment: the 404 page, as for the other pages' bad path segments and filters.
  if (Object.values(raw).some((value) => [value].flat().some((text) => text !== undefined && findTextProblem(text) !== undefined))) notFound();
  const release = idField.safeParse(one(raw.release) ?? undefined);
  const choices = await listPromotionChoices(getDb(), { service: one(raw.service), releaseId: release.success ? release.data : null });
  if (!choices) {
    return (
      <EmptyState title="Choose a release to promote">
        <p>Open a release page and use its Promote button, or pass ?service=&amp;release= naming an existing service and release.</p>
      </EmptyState>
    );
  }
  if (!can(viewer, "promote", { teamId: choices.service.teamId })) {
    return (
      <ForbiddenState title={`You may not promote ${choices.service.name}`}>
        <p>Promoting needs the sre role for the service&apos;s team (or fleet-wide).</p>
      </ForbiddenState>
    );
  }
  const environment = one(raw.environment);
  return (
    <PromoteForm
      choices={choices}
      initialReleaseId={release.success && choices.releases.some((entry) => entry.id === release.data) ? release.data : (choices.releases[0]?.id ?? null)}
      initialEnvironment={environment && choices.environments.some((entry) => entry.name === environment) ? environment : choices.defaultEnvironment}
    />
  );
}
