// At each single sign-on: the person's idp grants become exactly what SHIPLOG_ROLE_MAPPINGS
// gives their current groups (a group they left takes its role with it); manual grants stay.
import type { Db } from "../db/client";
import { type Config, config } from "../env";
import { logger } from "../log/logger";
import { forgetGrants } from "./read-grants";
import { mapGroupsToGrants } from "./role-mappings";

export async function syncIdpGrants(db: Db, userId: string, groups: readonly string[], settings: Config = config()): Promise<void> {
  const slugs = [...new Set(settings.SHIPLOG_ROLE_MAPPINGS.flatMap((mapping) => (mapping.team ? [mapping.team] : [])))];
  const teams = slugs.length > 0 ? await db.team.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true } }) : [];
  const teamIds = new Map(teams.map((team) => [team.slug, team.id]));
  const { grants, unknownTeams } = mapGroupsToGrants(groups, settings.SHIPLOG_ROLE_MAPPINGS, (slug) => teamIds.get(slug) ?? null, settings.SHIPLOG_DEFAULT_ROLE);
  if (unknownTeams.length > 0) {
    logger("auth").warn(`SHIPLOG_ROLE_MAPPINGS names teams Shiplog does not know (${unknownTeams.join(", ")}); those mappings were skipped.`);
  }
  const groupOf = (role: string, teamId: number | null) =>
    settings.SHIPLOG_ROLE_MAPPINGS.find((mapping) => mapping.role === role && groups.includes(mapping.group) && (mapping.team ? teamIds.get(mapping.team) : null) === teamId)?.group ?? null;
  await db.$transaction(async (tx) => {
    await tx.roleGrant.deleteMany({ where: { userId, source: "idp" } });
    if (grants.length > 0) {
      await tx.roleGrant.createMany({
        data: grants.map((grant) => ({ userId, role: grant.role, teamId: grant.teamId, source: "idp" as const, group: groupOf(grant.role, grant.teamId) })),
      });
    }
  });
  forgetGrants(userId);
}
