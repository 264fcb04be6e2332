import { notFound } from "next/navigation";
import { connection } from "next/server";
import type { ReactNode } from "react";
import { getServiceParams } from "@/lib/services/get-service";
import { serviceExists } from "@/lib/services/service-exists";
import { decodeSegment } from "./_components/decode-segment";

/**
 * Answers an unknown service with a real 404 (app/services/not-found.tsx): the page itself
 * streams behind loading.tsx, and by the time it could call notFound() the 200 is sent.
 */
export default async function ServiceLayout({ children, params }: { children: ReactNode; params: Promise<{ name: string }> }) {
  await connection();
  const parsed = getServiceParams.safeParse({ name: decodeSegment((await params).name) });
  if (!parsed.success || !(await serviceExists(parsed.data.name))) notFound();
  return children;
}
