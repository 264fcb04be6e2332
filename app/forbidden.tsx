import { headers } from "next/headers";
import Link from "next/link";
import { ForbiddenState } from "@/components/ui/forbidden-state";
import { PATH_HEADER } from "./_auth/require-page-viewer-path";

/** What each admin page is, for its 403: says which role it needs instead of pretending it is not there. */
const titles: [prefix: string, title: string][] = [
  ["/audit", "The audit log is for admins"],
  ["/settings/users", "Users and roles are for admins"],
  ["/settings/tokens", "Webhook tokens are for admins"],
];

/** The 403 page, answered by forbidden() (app/_auth/require-page-viewer.ts: requirePageAdmin). */
export default async function Forbidden() {
  const path = (await headers()).get(PATH_HEADER) ?? "";
  const title = titles.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`))?.[1] ?? "This page is for admins";
  return (
    <ForbiddenState title={title}>
      <p>Ask a Shiplog admin for the admin role if you need it.</p>
      <p className="mt-4">
        <Link href="/" className="font-medium text-sky-800 underline">
          Back to the fleet
        </Link>
      </p>
    </ForbiddenState>
  );
}
