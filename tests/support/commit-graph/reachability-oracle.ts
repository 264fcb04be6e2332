// What Shiplog should answer about a generated history, by brute force over the true commit
// graph (every parent of every commit), independent of how the product stores or walks it:
//
// - an application contains commit X iff X is an ancestor of (or is) the commit of the release
//   it runs now (its newest successful deployment); `since` is the finish of the first
//   successful deployment of a release containing X after the last one of a release without it;
// - a release's commits are git's base..release, base being, among the service's releases whose
//   commit is a proper ancestor of its own, one that is no ancestor of another (ties: the first
//   sighting, then the version); without a base, every ancestor, and the range is incomplete. A release of
//   the same commit first seen earlier (the image re-tagged or pinned by digest) is nearer still:
//   the later one adds nothing (base..release is empty) and is complete, as git's `A..A` is;
// - a ticket's commits are those whose message carries the key, the commits of pull requests
//   whose title, body or branch carries it, and cherry-picks of any of these; the applications
//   of a ticket are those running one of them.
import { type History, type Release, TICKETS } from "./repository-history";

export type ExpectedRange = { release: Release; base: Release | null; commits: Set<string>; complete: boolean };

export type ExpectedTicket = {
  /** Applications running a commit of the ticket. */
  applications: Set<string>;
  /** Commits the lookup must list: keyed messages, pull requests' merge commits, cherry-picks of them. */
  required: Set<string>;
  /** Commits it may list besides: the other commits of the keyed pull requests (branch, rebased). */
  allowed: Set<string>;
};

export type Oracle = {
  ancestors: (sha: string) => Set<string>;
  /** Releases the product can know: those a successful Argo CD sync showed running. */
  releases: Release[];
  /** The release each application runs now (null: none yet). */
  current: Map<string, Release | null>;
  /** Applications (by key) containing `sha`, each with its `since` as an ISO string. */
  containing: (sha: string) => Map<string, string>;
  ranges: Map<Release, ExpectedRange>;
  tickets: Map<string, ExpectedTicket>;
};

type Deployed = { release: Release; startedAt: Date; finishedAt: Date };

export function buildOracle(history: History): Oracle {
  const memo = new Map<string, Set<string>>();
  const ancestors = (sha: string): Set<string> => {
    let found = memo.get(sha);
    if (found) return found;
    found = new Set([sha]);
    for (const parent of history.bySha.get(sha)!.parents) for (const ancestor of ancestors(parent)) found.add(ancestor);
    memo.set(sha, found);
    return found;
  };

  // Successful deployments per application, oldest first.
  const deployed = new Map<string, Deployed[]>(history.applications.map((application) => [application.key, []]));
  const firstSeen = new Map<Release, number>();
  for (const event of history.events) {
    if (event.kind === "sync" && !event.fails) {
      deployed.get(event.application.key)!.push({ release: event.release, startedAt: event.startedAt, finishedAt: event.finishedAt });
      firstSeen.set(event.release, Math.min(firstSeen.get(event.release) ?? Number.POSITIVE_INFINITY, event.startedAt.getTime()));
    } else if (event.kind === "github-deployment") {
      deployed.get(event.application.key)!.push({ release: event.release, startedAt: event.createdAt, finishedAt: event.finishedAt });
    }
  }
  for (const list of deployed.values()) list.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  const releases = history.releases.filter((release) => firstSeen.has(release));
  const current = new Map(history.applications.map((application) => [application.key, deployed.get(application.key)!.at(-1)?.release ?? null]));

  const containing = (sha: string): Map<string, string> => {
    const found = new Map<string, string>();
    for (const application of history.applications) {
      const list = deployed.get(application.key)!;
      const now = list.at(-1);
      if (!now || !ancestors(now.release.commit).has(sha)) continue;
      let first = list.length - 1;
      while (first > 0 && ancestors(list[first - 1]!.release.commit).has(sha)) first -= 1;
      found.set(application.key, list[first]!.finishedAt.toISOString());
    }
    return found;
  };

  const ranges = new Map<Release, ExpectedRange>();
  for (const release of releases) {
    const below = ancestors(release.commit);
    const seenAt = firstSeen.get(release)!;
    const candidates = releases.filter(
      (other) =>
        other.service === release.service &&
        (other.commit === release.commit ? firstSeen.get(other)! < seenAt : below.has(other.commit)),
    );
    const nearest = candidates.filter(
      (candidate) => !candidates.some((other) => other.commit !== candidate.commit && ancestors(other.commit).has(candidate.commit)),
    );
    // Of several releases of one commit, the first seen (ties by version).
    nearest.sort((a, b) => firstSeen.get(a)! - firstSeen.get(b)! || (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
    const base = nearest[0] ?? null;
    const excluded = base ? ancestors(base.commit) : new Set<string>();
    ranges.set(release, { release, base, commits: new Set([...below].filter((sha) => !excluded.has(sha))), complete: base !== null });
  }

  const tickets = new Map<string, ExpectedTicket>();
  for (const key of TICKETS) {
    const required = new Set(history.commits.filter((commit) => carries(commit.message, key)).map((commit) => commit.sha));
    const allowed = new Set<string>();
    for (const event of history.events) {
      if (event.kind !== "pull-request" || ![event.title, event.body, event.headRef].some((text) => carries(text, key))) continue;
      required.add(event.mergeCommitSha);
      for (const sha of event.branchCommits) allowed.add(sha);
      if (event.style === "rebase") {
        // The rebased commits below the merge commit (the pull request's own, re-created on main).
        for (const sha of ancestors(event.mergeCommitSha)) if (!ancestors(event.baseSha).has(sha)) allowed.add(sha);
      }
    }
    for (const commit of history.commits) {
      const origin = /\(cherry picked from commit ([0-9a-f]{40})\)/.exec(commit.message)?.[1];
      if (origin && required.has(origin)) required.add(commit.sha);
    }
    for (const sha of required) allowed.add(sha);
    const applications = new Set<string>();
    for (const [application, release] of current) {
      if (release && [...required].some((sha) => ancestors(release.commit).has(sha))) applications.add(application);
    }
    tickets.set(key, { applications, required, allowed });
  }

  return { ancestors, releases, current, containing, ranges, tickets };
}

/** Whether `text` mentions `key` as a whole key (PLAT-1 is not in PLAT-12), in any case. */
export function carries(text: string, key: string): boolean {
  return new RegExp(`(?<![A-Za-z0-9])${key}(?![A-Za-z0-9])`, "i").test(text);
}
