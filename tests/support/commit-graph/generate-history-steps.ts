// fast-check arbitraries of the steps a repository history is played out from
// (repository-history.ts), one mix per scenario family so each family can be checked on its own:
// the steps a family leaves out never happen in its histories.
import fc from "fast-check";
import type { MergeStyle, Step, TagStyle, TicketIndex, TicketPlace } from "./repository-history";

export type Family =
  /** Direct commits and pull requests merged by merge commit, squash or rebase. */
  | "merges"
  /** Direct commits, and main force-pushed back one or two commits. */
  | "force-push"
  /** Direct commits, release branches off older main commits, cherry-picks of main's commits. */
  | "release-branch"
  /** Ticket keys in commit messages and in pull requests' titles, bodies and branches; cherry-picks of keyed commits. */
  | "tickets"
  /** Direct commits; releases whose image names no full SHA: `sha-<7 hex>` tags and digests, each with a build report. */
  | "release-identification"
  /** Direct commits; releases of the first service also deployed through GitHub deployments. */
  | "github-deployments"
  /** Everything above but GitHub deployments at once (for shuffled and late delivery). */
  | "everything";

// Each family adds one kind of history to direct commits, releases and Argo CD syncs (with
// failures and rollbacks), so a defect in one kind fails its own family and not the others.
type Mix = {
  /** How pull requests merge (none: no pull requests). */
  styles: MergeStyle[];
  tags: TagStyle[];
  tickets: boolean;
  forcePush: boolean;
  releaseBranch: boolean;
  githubDeployments: boolean;
};

const ALL_STYLES: MergeStyle[] = ["merge", "squash", "rebase"];
const PLAIN: Mix = { styles: [], tags: ["full-sha"], tickets: false, forcePush: false, releaseBranch: false, githubDeployments: false };

const MIXES: Record<Family, Mix> = {
  merges: { ...PLAIN, styles: ALL_STYLES },
  "force-push": { ...PLAIN, forcePush: true },
  "release-branch": { ...PLAIN, releaseBranch: true },
  tickets: { ...PLAIN, styles: ALL_STYLES, tickets: true, releaseBranch: true },
  "release-identification": { ...PLAIN, tags: ["full-sha", "short-sha", "digest"] },
  "github-deployments": { ...PLAIN, githubDeployments: true },
  // GitHub deployments are shuffled in their own family: they have order rules of their own.
  everything: { styles: ALL_STYLES, tags: ["full-sha", "short-sha", "digest"], tickets: true, forcePush: true, releaseBranch: true, githubDeployments: false },
};

const ticketIndex = fc.constantFrom<TicketIndex>(0, 1, 2);
const place = fc.constantFrom<TicketPlace>("title", "body", "branch", "commit");

export function historySteps(family: Family): fc.Arbitrary<Step[]> {
  const mix = MIXES[family];
  const ticket = mix.tickets ? fc.option(ticketIndex, { freq: 2 }) : fc.constant(null);
  const prTicket = mix.tickets ? fc.option(fc.record({ key: ticketIndex, place }), { freq: 3 }) : fc.constant(null);
  const steps: { weight: number; arbitrary: fc.Arbitrary<Step> }[] = [
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("commit" as const), count: fc.integer({ min: 1, max: 3 }), ticket }) },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("release" as const),
        service: fc.constantFrom<0 | 1>(0, 0, 1),
        from: mix.releaseBranch ? fc.constantFrom<"main" | "release-branch">("main", "release-branch") : fc.constant("main" as const),
        tag: fc.constantFrom(...mix.tags),
        // Usually synced to dev at once, as continuous delivery does; sometimes only built.
        deployTo: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat({ max: 2 }) }, { weight: 1, arbitrary: fc.constant(null) }),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("deploy" as const),
        release: fc.nat({ max: 30 }),
        environment: fc.nat({ max: 2 }),
        // One sync in ten fails: Argo CD keeps reporting the images it was replacing.
        fails: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      }),
    },
  ];
  if (mix.styles.length > 0) {
    steps.push({
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant("pull-request" as const),
        style: fc.constantFrom(...mix.styles),
        count: fc.integer({ min: 1, max: 3 }),
        forkBack: fc.integer({ min: 0, max: 2 }),
        ticket: prTicket,
      }),
    });
  }
  if (mix.forcePush) steps.push({ weight: 2, arbitrary: fc.record({ kind: fc.constant("force-push" as const), drop: fc.integer({ min: 1, max: 2 }) }) });
  if (mix.releaseBranch) {
    steps.push({ weight: 1, arbitrary: fc.record({ kind: fc.constant("release-branch" as const), back: fc.integer({ min: 1, max: 4 }) }) });
    steps.push({ weight: 2, arbitrary: fc.record({ kind: fc.constant("cherry-pick" as const), pick: fc.nat({ max: 20 }) }) });
  }
  if (mix.githubDeployments) {
    steps.push({
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant("github-deploy" as const), release: fc.nat({ max: 30 }), environment: fc.nat({ max: 2 }) }),
    });
  }
  return fc.array(fc.oneof(...steps), { minLength: 2, maxLength: 16, size: "medium" });
}
