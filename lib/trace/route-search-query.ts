// Where the header's search box sends what was typed: anything parseCommitQuery reads (a SHA
// or prefix, a pull request or its URL, a ticket key) goes to the commit page; anything else
// stays put with a message, since there is no other page to search yet (service pages come later).
import { parseCommitQuery } from "./find-commit-locations";

export type SearchRoute = { kind: "go"; href: string } | { kind: "unrecognised"; message: string };

export const UNRECOGNISED_SEARCH = "No commit, pull request or ticket looks like that";
export const EMPTY_SEARCH = "Type a commit SHA, a pull request (owner/repo#123) or a ticket key";

export function routeSearchQuery(text: string): SearchRoute {
  const value = text.trim();
  if (value === "") return { kind: "unrecognised", message: EMPTY_SEARCH };
  if (!parseCommitQuery(value)) return { kind: "unrecognised", message: UNRECOGNISED_SEARCH };
  // The page parses the same text again: one reading of a query, in find-commit-locations.ts.
  return { kind: "go", href: `/commits/${encodeURIComponent(value)}` };
}
