// Compares what Shiplog answers (read-traceability.ts) with the reachability oracle
// (reachability-oracle.ts) and says each difference in one line, commits and releases by their
// labels in the history (m3, M2, shop@m5), so a shrunk counterexample reads on its own.
import type { Oracle } from "./reachability-oracle";
import type { ProductAnswers } from "./read-traceability";
import type { History } from "./repository-history";

export type Check = "contains" | "release-commits" | "tickets";

export function compareWithOracle(history: History, oracle: Oracle, answers: ProductAnswers, checks: readonly Check[]): string[] {
  const label = (sha: string) => history.bySha.get(sha)?.label ?? sha.slice(0, 7);
  const labels = (shas: Iterable<string>) => [...shas].map(label).sort(byLabel).join(" ") || "nothing";
  const problems: string[] = [];

  if (checks.includes("contains")) {
    for (const commit of history.commits) {
      const expected = oracle.containing(commit.sha);
      const actual = answers.containing.get(commit.sha) ?? new Map<string, string | null>();
      for (const application of new Set([...expected.keys(), ...actual.keys()])) {
        const want = expected.get(application);
        const got = actual.get(application);
        const running = oracle.current.get(application)?.label ?? "nothing";
        if (want !== undefined && got === undefined) {
          problems.push(`contains: ${application} runs ${running}, which contains ${commit.label}; Shiplog says it does not`);
        } else if (want === undefined && got !== undefined) {
          problems.push(`contains: ${application} runs ${running}, which does not contain ${commit.label}; Shiplog says it does (since ${got})`);
        } else if (want !== got) {
          problems.push(`since: ${application} has run ${commit.label} since ${want}; Shiplog says since ${got}`);
        }
      }
    }
  }

  if (checks.includes("release-commits")) {
    const expectedKeys = new Set<string>();
    for (const range of oracle.ranges.values()) {
      const { release } = range;
      const key = `${release.service} ${release.version}`;
      expectedKeys.add(key);
      const actual = answers.releases.get(key);
      const base = range.base ? `base ${range.base.label}` : "no base";
      if (!actual) {
        problems.push(`release ${release.label}: not recorded`);
        continue;
      }
      if (actual.commitSha !== release.commit) {
        problems.push(`release ${release.label}: commit ${actual.commitSha ? label(actual.commitSha) : "unknown"}, should be ${label(release.commit)}`);
      }
      const missing = [...range.commits].filter((sha) => !actual.commits.has(sha));
      const extra = [...actual.commits].filter((sha) => !range.commits.has(sha));
      if (missing.length > 0 || extra.length > 0) {
        problems.push(
          `release ${release.label} (${base}): commits [${labels(actual.commits)}], should be [${labels(range.commits)}]` +
            `${missing.length > 0 ? `; missing ${labels(missing)}` : ""}${extra.length > 0 ? `; extra ${labels(extra)}` : ""}`,
        );
      }
      const baseVersion = range.base?.version ?? null;
      if (actual.base !== baseVersion) {
        const named = (version: string | null) =>
          version === null ? "none" : (oracle.releases.find((other) => other.service === release.service && other.version === version)?.label ?? version);
        problems.push(`release ${release.label}: base ${named(actual.base)}, should be ${named(baseVersion)}`);
      }
      if (actual.complete !== range.complete) {
        problems.push(`release ${release.label} (${base}): commits_complete ${actual.complete}, should be ${range.complete}`);
      }
    }
    // A GitHub deployment records its own release of the commit, named by the 12-character SHA
    // (lib/deployments/record-github-deployment.ts); it is checked through contains and since.
    for (const event of history.events) {
      if (event.kind === "github-deployment") expectedKeys.add(`${event.release.service} ${event.release.commit.slice(0, 12)}`);
    }
    for (const key of answers.releases.keys()) {
      if (!expectedKeys.has(key)) problems.push(`release ${key}: recorded, but the history has no such release (no Argo CD sync or GitHub deployment ran it)`);
    }
  }

  if (checks.includes("tickets")) {
    for (const [key, expected] of oracle.tickets) {
      const actual = answers.tickets.get(key)!;
      const missingApplications = [...expected.applications].filter((application) => !actual.applications.has(application));
      const extraApplications = [...actual.applications].filter((application) => !expected.applications.has(application));
      if (missingApplications.length > 0 || extraApplications.length > 0) {
        problems.push(
          `ticket ${key}: applications [${[...actual.applications].sort().join(" ")}], should be [${[...expected.applications].sort().join(" ")}]` +
            ` (its commits: ${labels(expected.required)})`,
        );
      }
      const missing = [...expected.required].filter((sha) => !actual.commits.has(sha));
      const extra = [...actual.commits].filter((sha) => !expected.allowed.has(sha));
      if (missing.length > 0) problems.push(`ticket ${key}: does not find ${labels(missing)}`);
      if (extra.length > 0) problems.push(`ticket ${key}: finds ${labels(extra)}, which carry no ${key}`);
    }
  }
  return problems;
}

/** m2 before m10: letters, then each number as a number. */
function byLabel(a: string, b: string): number {
  return a.localeCompare(b, "en", { numeric: true });
}

/** The differences between two canonical dumps (read-traceability.ts), a few rows per table. */
export function compareDumps(inOrder: Record<string, string[]>, shuffled: Record<string, string[]>): string[] {
  const problems: string[] = [];
  for (const table of Object.keys(inOrder)) {
    const a = new Set(inOrder[table]);
    const b = new Set(shuffled[table]);
    const onlyInOrder = [...a].filter((row) => !b.has(row));
    const onlyShuffled = [...b].filter((row) => !a.has(row));
    for (const row of onlyInOrder.slice(0, 3)) problems.push(`${table}: in order only: ${row}`);
    for (const row of onlyShuffled.slice(0, 3)) problems.push(`${table}: shuffled only: ${row}`);
    if (onlyInOrder.length + onlyShuffled.length > 6) problems.push(`${table}: … ${onlyInOrder.length} + ${onlyShuffled.length} rows differ in all`);
  }
  return problems;
}

/** Shiplog's answers as rows of text (commits by label), to compare two deliveries of one history with compareDumps. */
export function answersAsRows(history: History, answers: ProductAnswers): Record<string, string[]> {
  const label = (sha: string) => history.bySha.get(sha)?.label ?? sha.slice(0, 7);
  const sorted = (values: Iterable<string>) => [...values].sort(byLabel).join(" ");
  return {
    "answer: contains": [...answers.containing].flatMap(([sha, applications]) =>
      [...applications].map(([application, since]) => `${label(sha)} in ${application} since ${since}`),
    ),
    "answer: release commits": [...answers.releases].map(
      ([key, range]) =>
        `${key}: commit ${range.commitSha ? label(range.commitSha) : "unknown"}, base ${range.base}, complete ${range.complete}, [${sorted([...range.commits].map(label))}]`,
    ),
    "answer: tickets": [...answers.tickets].map(
      ([key, found]) => `${key}: commits [${sorted([...found.commits].map(label))}], applications [${sorted(found.applications)}]`,
    ),
  };
}
