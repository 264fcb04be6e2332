// Conditional GETs against the GitHub API, cached in Postgres (github_responses). A URL fetched
// before is requested with If-None-Match; GitHub's 304 does not count against the rate limit and
// is answered from the cache. Bodies are stored as parsed by the caller's schema (the fields
// Shiplog reads: a compare's file patches are left out) and parsed again when read back.
import type { z } from "zod";
import type { DbOrTx } from "../db/client";
import { githubStatus, type GithubClient } from "./github-client";

export type CachedGet<T> = { data: T; fromCache: boolean };

export async function cachedGet<Schema extends z.ZodType>(
  db: DbOrTx,
  github: GithubClient,
  route: string,
  params: Record<string, unknown>,
  schema: Schema,
  options: { signal?: AbortSignal } = {},
): Promise<CachedGet<z.output<Schema>>> {
  const { url } = github.request.endpoint(route, params);
  const row = await db.githubResponse.findUnique({ where: { url } });
  // A body stored under an older schema is simply fetched again.
  const cached = row ? schema.safeParse(row.body) : undefined;
  const etag = cached?.success ? row!.etag : undefined;
  try {
    const response = await github.request(route, {
      ...params,
      headers: etag ? { "if-none-match": etag } : {},
      request: { signal: options.signal },
    });
    const data = schema.parse(response.data);
    const newEtag = response.headers.etag;
    if (newEtag) {
      const body = data as object;
      await db.githubResponse.upsert({
        where: { url },
        create: { url, etag: newEtag, body, fetchedAt: new Date() },
        update: { etag: newEtag, body, fetchedAt: new Date() },
      });
    } else if (row) {
      // No validator to send next time: nothing worth keeping.
      await db.githubResponse.deleteMany({ where: { url } });
    }
    return { data, fromCache: false };
  } catch (error) {
    if (githubStatus(error) === 304 && cached?.success) {
      await db.githubResponse.update({ where: { url }, data: { fetchedAt: new Date() } });
      return { data: cached.data, fromCache: true };
    }
    throw error;
  }
}

/** Forgets responses not fetched or confirmed since `before`; returns how many. */
export async function pruneGithubResponses(db: DbOrTx, before: Date): Promise<number> {
  const { count } = await db.githubResponse.deleteMany({ where: { fetchedAt: { lt: before } } });
  return count;
}
