import { notFound } from "next/navigation";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { idField } from "@/lib/api/query-fields";
import { getDb } from "@/lib/db/client";
import { getPromotion } from "@/lib/promotions/get-promotion";

/** Answers an unknown or malformed id with a real 404 before the page streams (as the rollback page does). */
export default async function PromotionLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  await connection();
  await requirePageViewer();
  const id = idField.safeParse((await params).id);
  if (!id.success || !(await getPromotion(getDb(), id.data))) notFound();
  return children;
}
