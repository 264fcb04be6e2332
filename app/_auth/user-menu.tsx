// The signed-in person and their highest role, top right of every page, with sign-out.
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
        <span className="block max-w-48 truncate font-medium text-zinc-900" title={viewer.email}>{viewer.name || viewer.email}</span>
        <span className="block text-xs text-zinc-600">{role === null ? "no role" : scoped ? `${role} (team)` : role}</span>
      </span>
      <SignOutButton />
    </div>
  );
}
