// The signed-in person (a link to their account page) and their highest role, top right of every
// page, with sign-out.
import Link from "next/link";
import { readPageViewer } from "./require-page-viewer";
import { highestRole } from "@/lib/auth/roles";
import { SignOutButton } from "./sign-out-button";

export async function UserMenu() {
  const viewer = await readPageViewer().catch(() => null);
  if (!viewer) return null;
  const role = highestRole(viewer.grants);
  const scoped = viewer.grants.some((grant) => grant.role === role && grant.teamId !== null) && !viewer.grants.some((grant) => grant.role === role && grant.teamId === null);
  return (
    <div className="flex shrink-0 items-center gap-3 text-sm" data-testid="user-menu">
      <span className="text-right leading-tight">
        <Link href="/settings/account" className="block max-w-40 truncate font-medium text-zinc-900 hover:underline" title={`${viewer.email}: your account and password`}>
          {viewer.name || viewer.email}
        </Link>
        <span className="block text-xs text-zinc-600">{role === null ? "no role" : scoped ? `${role} (team)` : role}</span>
      </span>
      <SignOutButton />
    </div>
  );
}
