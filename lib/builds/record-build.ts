// Build evidence: image:tag, and the image's digest when known, was built from a commit (CI build
// reports, published packages, workflow runs). Releases already seen running that image, by tag
// or pinned by digest, re-derive their commit with it (lib/releases/rederive-release-commits.ts).
import type { DbOrTx } from "../db/client";
import { Prisma } from "../generated/prisma/client";
import type { BuildSource } from "../generated/prisma/enums";
import { rederiveReleaseCommits } from "../releases/rederive-release-commits";

export type BuildInput = {
  repository: string;
  commitSha: string;
  image: string;
  tag: string;
  digest?: string | null;
  builtAt: Date;
  source: BuildSource;
  /** The service the image belongs to, when the reporter knows it: it learns its repository. */
  service?: string | null;
};

export async function recordBuild(db: DbOrTx, input: BuildInput): Promise<{ id: number; releasesLinked: number }> {
  const fields = {
    repository: input.repository,
    commitSha: input.commitSha,
    digest: input.digest ?? null,
    builtAt: input.builtAt,
    source: input.source,
  };
  const build = await db.build.upsert({
    where: { image_tag: { image: input.image, tag: input.tag } },
    create: { image: input.image, tag: input.tag, ...fields },
    update: fields,
    select: { id: true },
  });
  if (input.service) {
    await db.service.updateMany({ where: { name: input.service, repository: null }, data: { repository: input.repository } });
  }
  // A tagged release's version is its tag: found through the (service_id, version) index.
  const changed = await rederiveReleaseCommits(
    db,
    Prisma.sql`
      SELECT id FROM releases WHERE version = ${input.tag} AND image = ${input.image} AND image_tag = ${input.tag}
      UNION
      SELECT id FROM releases WHERE image_digest = ${input.digest ?? null}::text`,
  );
  return { id: build.id, releasesLinked: changed.length };
}
