import { notFound } from "next/navigation";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { idField } from "@/lib/api/query-fields";
import { getDb } from "@/lib/db/client";
import { getRollbackGroup } from "@/lib/rollback/get-rollback-group";

/**
 * Answers an unknown or malformed id with a real 404 (app/not-found.tsx): the page itself
 * streams behind loading.tsx, and by the time it could call notFound() the 200 is sent.
 * The same read as the page's, so the two cannot disagree about what exists.
 */
export default async function RollbackLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  await connection();
  await requirePageViewer();
  const id = idField.safeParse((await params).id);
  if (!id.success || !(await getRollbackGroup(getDb(), id.data))) notFound();
  return children;
}
