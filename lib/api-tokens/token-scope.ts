// What a token may do: one role, fleet-wide or for one team, never more than its creator holds.
// Pure, so the rules are tested without a database. A personal token is re-checked against its
// owner's grants at every use (a person who loses a role loses it in their tokens too); a service
// token, made by an admin for automation, holds its scope on its own until it expires or is revoked.
import { type Grant, type Role, roleIncludes } from "../auth/roles";

/** The scope a token is created with: a role, fleet-wide (teamId null) or for one team. */
export type TokenScope = { role: Role; teamId: number | null };

/** Whether `grants` cover `scope`: a grant of at least the role, fleet-wide or for that very team. */
export function grantsCoverScope(grants: readonly Grant[], scope: TokenScope): boolean {
  return grants.some((grant) => roleIncludes(grant.role, scope.role) && (grant.teamId === null || grant.teamId === scope.teamId));
}

/**
 * The grants a personal token acts with: each of the owner's current grants cut down to the
 * token's role and, for a team token, to that team. Empty when the owner no longer holds any of it.
 */
export function scopeGrants(ownerGrants: readonly Grant[], scope: TokenScope): Grant[] {
  const scoped: Grant[] = [];
  for (const grant of ownerGrants) {
    if (scope.teamId !== null && grant.teamId !== null && grant.teamId !== scope.teamId) continue;
    const role = roleIncludes(grant.role, scope.role) ? scope.role : grant.role;
    const teamId = scope.teamId ?? grant.teamId;
    if (!scoped.some((kept) => kept.role === role && kept.teamId === teamId)) scoped.push({ role, teamId });
  }
  return scoped;
}
