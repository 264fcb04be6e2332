import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { idField } from "@/lib/api/query-fields";
import { can } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { getRollbackGroup } from "@/lib/rollback/get-rollback-group";
import { RollbackProgress } from "./_components/rollback-progress";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const id = idField.safeParse((await params).id);
  return { title: id.success ? `Rollback #${id.data}` : "Rollback not found" };
}

export default async function RollbackPage({ params }: Props) {
  // Rendered per request: a rollback moves on as Argo CD reports.
  await connection();
  const viewer = await requirePageViewer();
  const id = idField.safeParse((await params).id);
  if (!id.success) notFound();
  const group = await getRollbackGroup(getDb(), id.data);
  if (!group) notFound();
  const first = group.rollbacks[0]!;
  // The approve route checks again; this only decides whether to offer the button.
  const approval = first.requestedBy === viewer.email ? "own-request" : can(viewer, "approve-rollback", { teamId: first.service.teamId }) ? "allowed" : "not-allowed";
  return <RollbackProgress initial={group} approval={approval} />;
}
