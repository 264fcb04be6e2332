import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { requirePageViewer } from "@/app/_auth/require-page-viewer";
import { idField } from "@/lib/api/query-fields";
import { can } from "@/lib/auth/roles";
import { getDb } from "@/lib/db/client";
import { getPromotion } from "@/lib/promotions/get-promotion";
import { PromotionProgress } from "./_components/promotion-progress";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const id = idField.safeParse((await params).id);
  return { title: id.success ? `Promotion #${id.data}` : "Promotion not found" };
}

export default async function PromotionPage({ params }: Props) {
  // Rendered per request: a promotion moves on as Argo CD reports.
  await connection();
  const viewer = await requirePageViewer();
  const id = idField.safeParse((await params).id);
  if (!id.success) notFound();
  const promotion = await getPromotion(getDb(), id.data);
  if (!promotion) notFound();
  // The routes check again; this only decides which controls to offer.
  const teamId = promotion.service.teamId;
  const controls = {
    control: can(viewer, "promote", { teamId }),
    approve: promotion.requestedBy === viewer.email ? ("own-request" as const) : can(viewer, "approve-promotion", { teamId }) ? ("allowed" as const) : ("not-allowed" as const),
  };
  return <PromotionProgress initial={promotion} controls={controls} />;
}
