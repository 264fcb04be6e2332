// Who may do what: four roles, each including the ones before it, granted fleet-wide or for one
// team. Pure (no database, no Next): route handlers, pages and tests all ask `can`.
import { z } from "zod";

export const ROLES = ["viewer", "engineer", "sre", "admin"] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

/** A role held fleet-wide (`teamId` null) or for one team's services only. */
export type Grant = { role: Role; teamId: number | null };

/** The API token a request came with (lib/api-tokens), when it did not come with a session. */
export type ViewerToken = { id: number; kind: "personal" | "service"; name: string };

/**
 * The signed-in person, as every check sees them. With an API token: the token's owner (a service
 * token: `service-token:<id>` as id and email) and the grants the token acts with.
 */
export type Viewer = { id: string; email: string; name: string; grants: Grant[]; token?: ViewerToken };

export const PERMISSIONS = ["read", "replay", "rollback", "approve-rollback", "promote", "approve-promotion", "admin"] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** The least role that carries each permission. */
export const REQUIRED_ROLE: Record<Permission, Role> = {
  read: "viewer",
  replay: "engineer",
  rollback: "sre",
  "approve-rollback": "sre",
  promote: "sre",
  "approve-promotion": "sre",
  admin: "admin",
};

/** What the permission is about: a team's resource, or (teamId null / no scope) the fleet as a whole. */
export type Scope = { teamId: number | null };

export function rankOf(role: Role): number {
  return ROLES.indexOf(role);
}

/** Whether `role` includes everything `required` may do. */
export function roleIncludes(role: Role, required: Role): boolean {
  return rankOf(role) >= rankOf(required);
}

/**
 * Whether the viewer holds `permission` for `scope`. A fleet-wide grant covers everything; a
 * team grant covers only resources of that team, so it never satisfies a fleet-wide scope (no
 * scope, or a resource without a team).
 */
export function can(viewer: Pick<Viewer, "grants"> | null | undefined, permission: Permission, scope?: Scope): boolean {
  if (!viewer) return false;
  const required = REQUIRED_ROLE[permission];
  const teamId = scope?.teamId ?? null;
  return viewer.grants.some(
    (grant) => roleIncludes(grant.role, required) && (grant.teamId === null || (teamId !== null && grant.teamId === teamId)),
  );
}

/** Whether the viewer holds `permission` for at least one team or fleet-wide (to show a control at all). */
export function canAnywhere(viewer: Pick<Viewer, "grants"> | null | undefined, permission: Permission): boolean {
  if (!viewer) return false;
  return viewer.grants.some((grant) => roleIncludes(grant.role, REQUIRED_ROLE[permission]));
}

/** The highest role among the grants (any scope), for showing in the header; null without grants. */
export function highestRole(grants: readonly Grant[]): Role | null {
  let best: Role | null = null;
  for (const grant of grants) if (best === null || rankOf(grant.role) > rankOf(best)) best = grant.role;
  return best;
}
