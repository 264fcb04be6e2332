// The reference oracle of "Traceability truth": random small repository histories (commits on
// main, pull requests merged by merge commit, squash or rebase, force-pushes, release branches
// with cherry-picks, tickets, one or two services, Argo CD syncs with failures and rollbacks,
// GitHub deployments) are turned into the deliveries GitHub, CI and Argo CD send, processed by
// the worker's own path (applyDeliveries), and every answer about the final state is compared
// with brute-force reachability over the true commit graph (tests/support/commit-graph/):
//
// - for every commit X and application: `contains` from findCommitLocations iff X is an
//   ancestor of the commit the application runs now, and `since` as the oracle computes it;
// - for every release: release_commits = ancestors(release) − ancestors(base), complete iff it
//   has a base (the nearest release of its service whose commit is a proper ancestor, or an
//   earlier-seen release of the same commit);
// - for every ticket key: the applications running one of its commits;
// - any arrival order, with duplicates, ends in the state and answers of in-order delivery.
//
// Each scenario family is its own describe block (generate-history-steps.ts: each adds one kind
// of history to direct commits, releases and syncs), so each can be run and fixed on its own
// (`-t "force-push"`). Runs per property: PROPERTY_RUNS, else 72 on CI (about 1,000 across the
// 14 properties, 0.2–0.8 s a run: each delivers a whole history to PostgreSQL, twice when
// shuffled) and 20 locally; PROPERTY_SEED replays a reported seed.
import fc from "fast-check";
import { describe, it } from "vitest";
import { answersAsRows, type Check, compareDumps, compareWithOracle } from "../../support/commit-graph/compare-with-oracle";
import { deliverInOrder, resetDatabase } from "../../support/commit-graph/deliver-in-order";
import { type Family, historySteps } from "../../support/commit-graph/generate-history-steps";
import { buildOracle } from "../../support/commit-graph/reachability-oracle";
import { dumpTraceability, readAnswers } from "../../support/commit-graph/read-traceability";
import { type Delivery, duplicateOf, loadFixtures, renderDeliveries } from "../../support/commit-graph/render-deliveries";
import { buildHistory, describeHistory, type History, type Step } from "../../support/commit-graph/repository-history";

const runs = Number(process.env.PROPERTY_RUNS ?? (process.env.CI ? 72 : 20));
const seed = process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {};
const fixtures = await loadFixtures();
/** Long enough for many runs and the shrinking of a failure. */
const TIMEOUT = 3_600_000;

const MAX_LINES = 30;

function fail(title: string, history: History, problems: string[], extra: string[] = []): never {
  const shown = problems.slice(0, MAX_LINES).map((problem) => `  ${problem}`);
  if (problems.length > MAX_LINES) shown.push(`  … and ${problems.length - MAX_LINES} more`);
  throw new Error([title, ...shown, "", describeHistory(history), ...extra].join("\n"));
}

/** Empties the database and applies `deliveries` in order; failed deliveries as problem lines. */
async function deliver(deliveries: Delivery[]): Promise<string[]> {
  await resetDatabase();
  const failures = await deliverInOrder(deliveries);
  return failures.map((failure) => `delivery ${failure.summary}: ${failure.status}: ${failure.error.split("\n")[0]}`);
}

/** In-order delivery of a `family` history; its answers checked against the oracle. */
async function checkOracle(family: Family, checks: readonly Check[]): Promise<void> {
  await fc.assert(
    fc.asyncProperty(historySteps(family), async (steps) => {
      const history = buildHistory(steps);
      const failed = await deliver(renderDeliveries(history, fixtures));
      if (failed.length > 0) fail("deliveries failed (delivered in order):", history, failed);
      const problems = compareWithOracle(history, buildOracle(history), await readAnswers(history), checks);
      if (problems.length > 0) fail(`Shiplog's answers differ from git reachability (${checks.join(", ")}; delivered in order):`, history, problems);
    }),
    { numRuns: runs, ...seed },
  );
}

/**
 * A `family` history and an arrival order for its deliveries: each delivery gets a sort key
 * (ties keep history order), and up to four are delivered twice. Keys shrink to zero, so a
 * shrunk order is as close to the history's own as the failure allows.
 */
const shuffledHistory = (family: Family) =>
  historySteps(family).chain((steps) => {
    const count = renderDeliveries(buildHistory(steps), fixtures).length;
    return fc.record({
      steps: fc.constant(steps),
      keys: fc.array(fc.nat({ max: 99 }), { minLength: count, maxLength: count }),
      duplicates: fc.array(fc.record({ of: fc.nat({ max: count - 1 }), key: fc.nat({ max: 99 }) }), { maxLength: 4 }),
    });
  });

type Arrival = { steps: Step[]; keys: number[]; duplicates: { of: number; key: number }[] };

function arrivalOrder(deliveries: Delivery[], arrival: Arrival): Delivery[] {
  const items = [
    ...deliveries.map((delivery, index) => ({ key: arrival.keys[index]!, rank: index, delivery })),
    ...arrival.duplicates.map((duplicate, index) => ({ key: duplicate.key, rank: deliveries.length + index, delivery: duplicateOf(deliveries[duplicate.of]!) })),
  ];
  return items.sort((a, b) => a.key - b.key || a.rank - b.rank).map((item) => item.delivery);
}

const describeOrder = (order: Delivery[]) => ["arrival order:", ...order.map((delivery, index) => `  ${index + 1}. ${delivery.summary}`)];

/** Shuffled delivery (with duplicates) of a `family` history ends in the state and answers of in-order delivery. */
async function checkShuffledConverges(family: Family): Promise<void> {
  await fc.assert(
    fc.asyncProperty(shuffledHistory(family), async (arrival) => {
      const history = buildHistory(arrival.steps);
      const deliveries = renderDeliveries(history, fixtures);
      const order = arrivalOrder(deliveries, arrival);
      const failedInOrder = await deliver(deliveries);
      const expected = { ...(await dumpTraceability()), ...answersAsRows(history, await readAnswers(history)) };
      const failedShuffled = await deliver(order);
      const actual = { ...(await dumpTraceability()), ...answersAsRows(history, await readAnswers(history)) };
      const problems = [
        ...failedInOrder.map((line) => `in order: ${line}`),
        ...failedShuffled.map((line) => `shuffled: ${line}`),
        ...compareDumps(expected, actual),
      ];
      if (problems.length > 0) fail("shuffled delivery ends elsewhere than in-order delivery:", history, problems, describeOrder(order));
    }),
    { numRuns: runs, ...seed },
  );
}

/** After shuffled delivery (with duplicates) of a `family` history, the answers are the oracle's. */
async function checkShuffledOracle(family: Family, checks: readonly Check[]): Promise<void> {
  await fc.assert(
    fc.asyncProperty(shuffledHistory(family), async (arrival) => {
      const history = buildHistory(arrival.steps);
      const order = arrivalOrder(renderDeliveries(history, fixtures), arrival);
      const failed = await deliver(order);
      if (failed.length > 0) fail("deliveries failed (shuffled):", history, failed, describeOrder(order));
      const problems = compareWithOracle(history, buildOracle(history), await readAnswers(history), checks);
      if (problems.length > 0) fail(`Shiplog's answers differ from git reachability (${checks.join(", ")}; shuffled delivery):`, history, problems, describeOrder(order));
    }),
    { numRuns: runs, ...seed },
  );
}

describe("linear history and pull requests merged by merge commit, squash or rebase", () => {
  it("an application contains exactly the ancestors of the commit it runs, since its first release containing them", () =>
    checkOracle("merges", ["contains"]), TIMEOUT);
  it("a release lists base..release; a service's first release is incomplete", () => checkOracle("merges", ["release-commits"]), TIMEOUT);
});

describe("force-push on main dropping its last one or two commits", () => {
  it("an application contains exactly the ancestors of the commit it runs, since its first release containing them", () =>
    checkOracle("force-push", ["contains"]), TIMEOUT);
  it("a release lists base..release; a service's first release is incomplete", () => checkOracle("force-push", ["release-commits"]), TIMEOUT);
});

describe("release branch off an older main commit, with cherry-picks", () => {
  it("an application contains exactly the ancestors of the commit it runs, since its first release containing them", () =>
    checkOracle("release-branch", ["contains"]), TIMEOUT);
  it("a release lists base..release; a service's first release is incomplete", () => checkOracle("release-branch", ["release-commits"]), TIMEOUT);
});

describe("tickets in commit messages and pull requests, with cherry-picks", () => {
  it("a ticket finds its commits, their cherry-picks, and the applications running any of them", () =>
    checkOracle("tickets", ["tickets"]), TIMEOUT);
});

describe("releases named by a short SHA tag or an image digest, with build reports", () => {
  it("an application contains exactly the ancestors of the commit it runs, since its first release containing them", () =>
    checkOracle("release-identification", ["contains"]), TIMEOUT);
  it("a release lists base..release; a service's first release is incomplete", () =>
    checkOracle("release-identification", ["release-commits"]), TIMEOUT);
});

describe("GitHub deployments of releases Argo CD also runs", () => {
  it("an application deployed through GitHub contains the ancestors of the commit it runs", () => checkOracle("github-deployments", ["contains"]), TIMEOUT);
  it("a GitHub deployment adds no release of its own; releases list base..release", () =>
    checkOracle("github-deployments", ["release-commits"]), TIMEOUT);
  it("in any arrival order, before or after Argo CD's sighting of the release, they end where in-order delivery ends", () =>
    checkShuffledConverges("github-deployments"), TIMEOUT);
});

describe("late and shuffled delivery", () => {
  it("any arrival order with duplicates ends in the state and answers of in-order delivery", () => checkShuffledConverges("everything"), TIMEOUT);
  // Tickets are left to the property above: with force-pushes, which commits of a rebased pull
  // request count as its own is a matter of definition, not of order.
  it("after shuffled delivery with duplicates, the answers are git reachability's", () =>
    checkShuffledOracle("everything", ["contains", "release-commits"]), TIMEOUT);
});
