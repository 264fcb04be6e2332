// Where the header's search sends what was typed. The box itself only refuses empty text and
// sends everything else to /search?q=, because only the server knows the service names; the
// /search page then decides with the services it found: a service's exact name goes to its
// page, anything parseCommitQuery reads (a SHA or prefix, a pull request or its URL, a ticket
// key) to the commit page, and anything else stays on /search, listing the services whose
// names contain it, or saying nothing matches. An exact service name wins over a commit
// reading, so a service called `cafe1234` stays reachable by name.
import { parseCommitQuery } from "./parse-commit-query";

export type SearchRoute =
  | { kind: "go"; href: string }
  /** No service of that name and no commit reading: list services containing the text. */
  | { kind: "services"; text: string }
  | { kind: "unrecognised"; message: string };

export const NOTHING_MATCHES = "No service, commit, pull request or ticket matches";
export const EMPTY_SEARCH = "Type a service name, a commit SHA, a pull request (owner/repo#123) or a ticket key";

/** Where the header's box sends `text`: /search?q=…, or nowhere (with a message) when it is empty. */
export function searchBoxTarget(text: string): SearchRoute {
  const value = text.trim();
  if (value === "") return { kind: "unrecognised", message: EMPTY_SEARCH };
  return { kind: "go", href: `/search?q=${encodeURIComponent(value)}` };
}

/**
 * Where /search sends `text`, given the service whose name is exactly `text` (ignoring case),
 * when there is one.
 */
export function routeSearchQuery(text: string, { exactService }: { exactService?: string | null } = {}): SearchRoute {
  const value = text.trim();
  if (value === "") return { kind: "unrecognised", message: EMPTY_SEARCH };
  if (exactService) return { kind: "go", href: `/services/${encodeURIComponent(exactService)}` };
  // The commit page parses the same text again: one reading of a query, in find-commit-locations.ts.
  if (parseCommitQuery(value)) return { kind: "go", href: `/commits/${encodeURIComponent(value)}` };
  return { kind: "services", text: value };
}
