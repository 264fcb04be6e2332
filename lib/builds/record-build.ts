// Build evidence: image:tag was built from a commit (CI build reports, published packages,
// workflow runs). Releases already seen running that image learn their commit from it.
import type { DbOrTx } from "../db/client";
import type { BuildSource } from "../generated/prisma/enums";
import { linkReleaseAndSuccessor } from "../trace/link-release-commits";

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
  const releases = await db.$queryRaw<{ id: number }[]>`
    UPDATE releases SET commit_sha = ${input.commitSha}
    WHERE image = ${input.image} AND image_tag = ${input.tag} AND commit_sha IS NULL
    RETURNING id`;
  for (const release of releases) await linkReleaseAndSuccessor(db, release.id);
  return { id: build.id, releasesLinked: releases.length };
}
