import type { ReactNode } from "react";
import { requirePageAdmin } from "../../_auth/require-page-viewer";

/** A real 403 for people without the admin role: the page streams behind loading.tsx, too late to change its status. */
export default async function AdminOnlyLayout({ children }: { children: ReactNode }) {
  await requirePageAdmin();
  return children;
}
