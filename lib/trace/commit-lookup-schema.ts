// The HTTP face of "where is commit X?" (find-commit-locations.ts): the query forms the read API
// accepts and the zod schema of its answer, for validation and the OpenAPI document. The
// answer's types are declared in find-commit-locations.ts; the assertions at the bottom fail
// the type check the moment the schema and those types disagree.
import { z } from "zod";
import { plainText } from "../api/plain-text";
import { strictQuery } from "../api/query-fields";
import type { CommitLocation } from "./find-commit-locations";
import { type CommitQuery, parseCommitQuery } from "./parse-commit-query";

const commitQueryText = plainText().trim().min(1, "is required").max(300, "must be at most 300 characters");

/** `/api/v1/commits/{query}`: a SHA or SHA prefix (a path segment cannot carry `owner/repo#12`). */
export const commitShaParams = z.object({
  query: commitQueryText
    .transform((text, context): CommitQuery => {
      const query = parseCommitQuery(text);
      if (query?.kind !== "sha") {
        context.addIssue({ code: "custom", message: "must be a commit SHA or a prefix of 7–40 hex characters (search pull requests and tickets with /api/v1/commits?q=)" });
        return z.NEVER;
      }
      return query;
    })
    .meta({ description: "A commit SHA, or a prefix of at least 7 hex characters." }),
});

/** `/api/v1/commits?q=`: any form a search box takes. */
export const searchCommitsQuery = z.strictObject(
  {
    q: commitQueryText
      .transform((text, context): CommitQuery => {
        const query = parseCommitQuery(text);
        if (!query) {
          context.addIssue({ code: "custom", message: "must be a SHA prefix (7+ hex), a pull request (owner/repo#12 or its URL) or a ticket key (PAY-123)" });
          return z.NEVER;
        }
        return query;
      })
      .meta({ description: "A SHA prefix (7+ hex), a pull request (`owner/repo#12` or its GitHub URL) or a ticket key (`PAY-123`)." }),
  },
  strictQuery,
);

export const commitQuerySchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("sha"), prefix: z.string() }),
    z.object({ kind: z.literal("pull-request"), repository: z.string(), number: z.number().int() }),
    z.object({ kind: z.literal("ticket"), key: z.string() }),
  ])
  .meta({ id: "CommitQuery", description: "How the query was read." });

export const commitLocationSchema = z
  .object({
    commit: z.object({
      sha: z.string(),
      repository: z.string(),
      message: z.string(),
      authorLogin: z.string().nullable(),
      committedAt: z.date(),
      ticketKeys: z.array(z.string()).meta({ description: "Ticket keys in the commit's own message." }),
      cherryPickedFrom: z
        .string()
        .nullable()
        .meta({ description: "The commit this one was cherry-picked from (\"(cherry picked from commit …)\" in its message), if any." }),
      pullRequests: z
        .array(z.object({ number: z.number().int(), title: z.string(), url: z.string().nullable(), ticketKeys: z.array(z.string()) }))
        .meta({ description: "Pull requests that merged the commit, or the commit it was cherry-picked from." }),
    }),
    services: z.array(
      z.object({
        service: z.object({ id: z.number().int(), name: z.string() }),
        firstRelease: z
          .object({ id: z.number().int(), version: z.string(), firstSeenAt: z.date() })
          .nullable()
          .meta({ description: "The first release (by first sighting) of the service whose commit has this commit as an ancestor; null when none has shipped it yet." }),
        applications: z.array(
          z.object({
            id: z.number().int(),
            name: z.string(),
            environment: z.string(),
            environmentRank: z.number().int(),
            cluster: z.string(),
            region: z.string().nullable(),
            currentRelease: z.object({ id: z.number().int(), version: z.string() }).nullable(),
            contains: z.boolean().meta({ description: "Whether the commit is an ancestor of (or is) the commit of the release running now, by git history." }),
            since: z.date().nullable().meta({ description: "Since when it has continuously run a release containing the commit." }),
          }),
        ),
      }),
    ),
  })
  .meta({ id: "CommitLocation", description: "One commit the query matched, and where it runs." });

export const commitLookupSchema = z
  .object({ query: commitQuerySchema, matches: z.array(commitLocationSchema) })
  .meta({ id: "CommitLookup" });

export type CommitLookup = z.output<typeof commitLookupSchema>;

// Compile-time proof that the schema describes exactly what findCommitLocations returns.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesLocations: Same<z.output<typeof commitLocationSchema>, CommitLocation> = true;
const schemaMatchesQuery: Same<z.output<typeof commitQuerySchema>, CommitQuery> = true;
void schemaMatchesLocations;
void schemaMatchesQuery;
