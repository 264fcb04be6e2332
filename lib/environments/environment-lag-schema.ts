// The shapes the environments view shares between the per-service read and the fleet-wide
// "waiting for promotion" list: a release named in it, the comparison links of a lagging
// environment, and the promotion it could get. Zod, so the OpenAPI document is built from them.
import { z } from "zod";
import { config } from "../env";
import { buildGithubUrl } from "../releases/build-github-url";

export const namedReleaseSchema = z.object({
  id: z.number().int(),
  version: z.string(),
  firstSeenAt: z.date(),
  commitSha: z.string().nullable(),
});

export type NamedRelease = z.output<typeof namedReleaseSchema>;

export const lagCompareSchema = z
  .object({
    path: z.string().meta({ description: "Shiplog's release page comparing the two (`/releases/{newer}?compare={older}`)." }),
    apiPath: z.string().meta({ description: "The same comparison in the read API (`/api/v1/releases/{newer}/compare/{older}`)." }),
    githubUrl: z.string().nullable().meta({ description: "GitHub's compare view between the two releases' commits, when both commits and the repository are known." }),
  })
  .meta({ id: "LagCompare" });

export const promotionTargetSchema = z
  .object({
    releaseId: z.number().int().meta({ description: "The release the environment would get: the newest of the environment before it." }),
    environment: z.string().meta({ description: "The environment that is behind." }),
    path: z.string().meta({ description: "The promotion form for it: `/promotions/new?service=…&release=…&environment=…`." }),
  })
  .meta({ id: "PromotionTarget" });

export function buildLagCompare(repository: string | null, older: NamedRelease, newer: NamedRelease): z.output<typeof lagCompareSchema> {
  return {
    path: `/releases/${newer.id}?compare=${older.id}`,
    apiPath: `/api/v1/releases/${newer.id}/compare/${older.id}`,
    githubUrl:
      repository && older.commitSha && newer.commitSha && older.commitSha !== newer.commitSha
        ? buildGithubUrl(config().GITHUB_API_URL, { kind: "compare", repository, base: older.commitSha, head: newer.commitSha })
        : null,
  };
}

export function buildPromotionTarget(service: string, release: NamedRelease, environment: string): z.output<typeof promotionTargetSchema> {
  const query = new URLSearchParams({ service, release: String(release.id), environment });
  return { releaseId: release.id, environment, path: `/promotions/new?${query}` };
}
