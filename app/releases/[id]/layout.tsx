import { notFound } from "next/navigation";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { idField } from "@/lib/api/query-fields";
import { releaseExists } from "@/lib/releases/release-exists";

/**
 * Answers an unknown or malformed id with a real 404 (app/releases/not-found.tsx): the page
 * itself streams behind loading.tsx, and by the time it could call notFound() the 200 is sent.
 */
export default async function ReleaseLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  await connection();
  const id = idField.safeParse((await params).id);
  if (!id.success || !(await releaseExists(id.data))) notFound();
  return children;
}
