// SHIPLOG_ROLE_MAPPINGS: which identity-provider groups carry which role, fleet-wide or for one
// team (by its slug). Applied at each single sign-on: the person's idp grants are replaced by
// the mapped ones; grants given by hand in Shiplog stay.
import { z } from "zod";
import { type Grant, ROLES } from "./roles";

export const roleMappingSchema = z.object({
  group: z.string().min(1, { message: "group: the identity provider's group name" }),
  role: z.enum(ROLES, { message: `role must be one of ${ROLES.join(", ")}` }),
  team: z.string().min(1).optional(),
});

export type RoleMapping = z.infer<typeof roleMappingSchema>;

/**
 * The grants `groups` earn. `teamIdOf` resolves a team slug (null when Shiplog has no such
 * team: that mapping is skipped and reported in `unknownTeams`).
 */
export function mapGroupsToGrants(
  groups: readonly string[],
  mappings: readonly RoleMapping[],
  teamIdOf: (slug: string) => number | null,
  defaultRole: "viewer" | "none" = "viewer",
): { grants: Grant[]; unknownTeams: string[] } {
  const have = new Set(groups);
  const grants = new Map<string, Grant>();
  const unknownTeams: string[] = [];
  if (defaultRole === "viewer") grants.set("viewer:*", { role: "viewer", teamId: null });
  for (const mapping of mappings) {
    if (!have.has(mapping.group)) continue;
    let teamId: number | null = null;
    if (mapping.team !== undefined) {
      teamId = teamIdOf(mapping.team);
      if (teamId === null) {
        unknownTeams.push(mapping.team);
        continue;
      }
    }
    grants.set(`${mapping.role}:${teamId ?? "*"}`, { role: mapping.role, teamId });
  }
  return { grants: [...grants.values()], unknownTeams };
}
