// What the promote form offers before any plan: the service's recent releases (newest first) and
// the environments (by rank), with the one a release would go to next by default: the first
// environment ranked above every environment it already runs in.
import type { DbOrTx } from "../db/client";

export type PromotionChoices = {
  service: { id: number; name: string; teamId: number | null };
  releases: { id: number; version: string }[];
  environments: { name: string; isProduction: boolean; runsRelease: boolean }[];
  defaultEnvironment: string | null;
};

const RELEASES_SHOWN = 50;

export async function listPromotionChoices(db: DbOrTx, input: { service?: string | null; releaseId?: number | null }): Promise<PromotionChoices | null> {
  const release = input.releaseId ? await db.release.findUnique({ where: { id: input.releaseId }, select: { id: true, serviceId: true } }) : null;
  const service = release
    ? await db.service.findUnique({ where: { id: release.serviceId }, select: { id: true, name: true, teamId: true } })
    : input.service
      ? await db.service.findUnique({ where: { name: input.service }, select: { id: true, name: true, teamId: true } })
      : null;
  if (!service) return null;
  const releases = await db.release.findMany({ where: { serviceId: service.id }, orderBy: [{ firstSeenAt: "desc" }, { id: "desc" }], take: RELEASES_SHOWN, select: { id: true, version: true } });
  if (release && !releases.some((entry) => entry.id === release.id)) {
    releases.unshift(await db.release.findUniqueOrThrow({ where: { id: release.id }, select: { id: true, version: true } }));
  }
  const chosen = release?.id ?? releases[0]?.id ?? null;
  const environments = await db.environment.findMany({
    where: { applications: { some: { serviceId: service.id, deletedAt: null } } },
    orderBy: [{ rank: "asc" }, { name: "asc" }],
    select: { id: true, name: true, isProduction: true },
  });
  const running = chosen
    ? new Set((await db.application.findMany({ where: { serviceId: service.id, currentReleaseId: chosen, deletedAt: null }, select: { environmentId: true }, distinct: ["environmentId"] })).map((row) => row.environmentId))
    : new Set<number>();
  const highest = environments.reduce((last, environment, index) => (running.has(environment.id) ? index : last), -1);
  return {
    service,
    releases,
    environments: environments.map((environment) => ({ name: environment.name, isProduction: environment.isProduction, runsRelease: running.has(environment.id) })),
    defaultEnvironment: environments[highest + 1]?.name ?? null,
  };
}
