// Reads a search box's text as a commit query: a full or abbreviated SHA (7+ hex), a pull
// request (`owner/repo#123` or its URL) or a ticket key (`PAY-123`). Apart from
// find-commit-locations.ts so the search box (a client component) needs none of its server code.
export type CommitQuery =
  | { kind: "sha"; prefix: string }
  | { kind: "pull-request"; repository: string; number: number }
  | { kind: "ticket"; key: string };

/** Reads a search box's text as a commit query; undefined when it is none of the forms. */
export function parseCommitQuery(text: string): CommitQuery | undefined {
  const value = text.trim();
  if (/^[0-9a-f]{7,40}$/i.test(value)) return { kind: "sha", prefix: value.toLowerCase() };
  const url = /^https?:\/\/[^/]+\/([\w.-]+\/[\w.-]+)\/pull\/(\d+)/.exec(value);
  const short = /^([\w.-]+\/[\w.-]+)#(\d+)$/.exec(value);
  const pr = url ?? short;
  if (pr) return { kind: "pull-request", repository: pr[1]!, number: Number.parseInt(pr[2]!, 10) };
  if (/^[A-Za-z][A-Za-z0-9]{1,9}-\d{1,7}$/.test(value)) {
    const [project, number] = value.split("-");
    return { kind: "ticket", key: `${project!.toUpperCase()}-${Number.parseInt(number!, 10)}` };
  }
  return undefined;
}
