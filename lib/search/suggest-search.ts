// Suggestions under the header's search box while typing (issue 16): services whose name
// matches (findServicesByName's order: the exact name, then names starting with the text, then
// names containing it), the most recent releases of the best-matching service (or, for
// "<service> <version>" / "<service>@<version>", that service's releases whose version starts so),
// and, for 4 or more hex characters, the most recent commits and releases whose SHA starts with
// them. Every part walks an index: services by ILIKE over a few thousand names (about a
// millisecond, docs/api.md), releases by (service_id, first_seen_at), commits by sha and releases
// by commit_sha as a range. A replica's lag is fine for suggestions.
import { z } from "zod";
import { strictQuery, textField } from "../api/query-fields";
import { type DbOrTx, readDb } from "../db/client";
import { findServicesByName } from "./find-services-by-name";

/** How many of each kind the box shows: enough to pick from, few enough to read at a glance. */
export const SUGGESTION_LIMITS = { service: 6, release: 3, commit: 3 } as const;
/** Hex characters before a SHA prefix is looked up (the commit page itself needs 7). */
export const MIN_SHA_PREFIX = 4;

export const suggestSearchQuery = z.strictObject(
  { q: textField.meta({ description: "What has been typed so far (1 to 200 characters)." }) },
  strictQuery,
);

export const suggestionSchema = z
  .object({
    kind: z.enum(["service", "release", "commit"]),
    label: z.string().meta({ description: "The service's name, `<service> <version>`, or a commit's short SHA and subject." }),
    detail: z.string().meta({ description: "A second line: the team, when a release was first seen, a commit's repository and author." }),
    href: z.string().meta({ description: "The page the suggestion opens." }),
  })
  .meta({ id: "SearchSuggestion" });

export const searchSuggestionsSchema = z
  .object({ query: z.string(), items: z.array(suggestionSchema) })
  .meta({ id: "SearchSuggestions", description: "Services first, then releases, then commits, each in rank order." });

export type Suggestion = z.output<typeof suggestionSchema>;
export type SearchSuggestions = z.output<typeof searchSuggestionsSchema>;

/** `<service> <version>` or `<service>@<version>`: a service's releases by version prefix. */
function readReleaseQuery(text: string): { service: string; version: string } | null {
  const match = /^([^\s@]+)(?:\s+|@)(\S+)$/.exec(text);
  return match ? { service: match[1]!, version: match[2]! } : null;
}

export async function suggestSearch(text: string, { db = readDb() }: { db?: DbOrTx } = {}): Promise<SearchSuggestions> {
  const query = text.trim();
  if (query === "") return { query, items: [] };
  const shaPrefix = new RegExp(`^[0-9a-f]{${MIN_SHA_PREFIX},40}$`, "i").test(query) ? query.toLowerCase() : null;
  const releaseQuery = readReleaseQuery(query);

  const services = await findServicesByName(query, { limit: SUGGESTION_LIMITS.service }, db);
  const [releases, commits, releasesByCommit] = await Promise.all([
    releaseQuery ? releasesByVersion(db, releaseQuery) : services[0] ? latestReleases(db, services[0].name) : [],
    shaPrefix ? commitsBySha(db, shaPrefix) : [],
    shaPrefix ? releasesBySha(db, shaPrefix) : [],
  ]);
  // A release can be both a service's latest and one whose commit matches: listed once, at its first place.
  const releaseItems = [...new Map([...releases, ...releasesByCommit].map((release) => [release.id, release])).values()].slice(0, SUGGESTION_LIMITS.release);

  return {
    query,
    items: [
      ...services.map((service): Suggestion => ({
        kind: "service",
        label: service.name,
        detail: service.team?.name ?? "no team",
        href: `/services/${encodeURIComponent(service.name)}`,
      })),
      ...releaseItems.map((release): Suggestion => ({
        kind: "release",
        label: `${release.service} ${release.version}`,
        detail: `release, first seen ${formatUtc(release.first_seen_at)}`,
        href: `/releases/${release.id}`,
      })),
      ...commits.map((commit): Suggestion => ({
        kind: "commit",
        label: `${commit.sha.slice(0, 7)} ${subjectOf(commit.message)}`,
        detail: `commit in ${commit.repository}${commit.author ? ` by ${commit.author}` : ""}, ${formatUtc(commit.committed_at)}`,
        href: `/commits/${commit.sha}`,
      })),
    ],
  };
}

type ReleaseRow = { id: number; service: string; version: string; first_seen_at: Date };

function latestReleases(db: DbOrTx, service: string): Promise<ReleaseRow[]> {
  return db.$queryRaw<ReleaseRow[]>`
    SELECT r.id, s.name AS service, r.version, r.first_seen_at
    FROM services s JOIN releases r ON r.service_id = s.id
    WHERE s.name = ${service}
    ORDER BY r.first_seen_at DESC, r.id DESC
    LIMIT ${SUGGESTION_LIMITS.release}`;
}

function releasesByVersion(db: DbOrTx, { service, version }: { service: string; version: string }): Promise<ReleaseRow[]> {
  const prefix = `${version.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
  return db.$queryRaw<ReleaseRow[]>`
    SELECT r.id, s.name AS service, r.version, r.first_seen_at
    FROM services s JOIN releases r ON r.service_id = s.id
    WHERE lower(s.name) = lower(${service}) AND r.version ILIKE ${prefix}
    ORDER BY r.first_seen_at DESC, r.id DESC
    LIMIT ${SUGGESTION_LIMITS.release}`;
}

function releasesBySha(db: DbOrTx, prefix: string): Promise<ReleaseRow[]> {
  // A range on the commit_sha index: every SHA starting with `prefix` sorts between it and prefix || 'g'.
  return db.$queryRaw<ReleaseRow[]>`
    SELECT r.id, s.name AS service, r.version, r.first_seen_at
    FROM releases r JOIN services s ON s.id = r.service_id
    WHERE r.commit_sha >= ${prefix} AND r.commit_sha < ${`${prefix}g`}
    ORDER BY r.first_seen_at DESC, r.id DESC
    LIMIT ${SUGGESTION_LIMITS.release}`;
}

type CommitRow = { sha: string; repository: string; message: string; author: string | null; committed_at: Date };

function commitsBySha(db: DbOrTx, prefix: string): Promise<CommitRow[]> {
  return db.$queryRaw<CommitRow[]>`
    SELECT sha, repository, message, coalesce(author_login, author_name) AS author, committed_at
    FROM commits
    WHERE sha >= ${prefix} AND sha < ${`${prefix}g`}
    ORDER BY committed_at DESC, id DESC
    LIMIT ${SUGGESTION_LIMITS.commit}`;
}

/** A commit message's first line, cut to fit one line of the box. */
function subjectOf(message: string): string {
  const subject = message.split("\n", 1)[0]!.trim();
  return subject.length > 72 ? `${subject.slice(0, 71)}…` : subject;
}

function formatUtc(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
