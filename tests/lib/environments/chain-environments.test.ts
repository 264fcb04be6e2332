// chainEnvironments, the rule of the environments view, without a database: worked examples,
// then properties over random environments (PROPERTY_RUNS, else 100 on CI and 50 locally; it is
// pure and fast) checked against a brute-force restatement of the rule.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chainEnvironments, compareReleaseOrder, type ChainRelease } from "../../../lib/environments/chain-environments";

const runs = Number(process.env.PROPERTY_RUNS ?? (process.env.CI ? 100 : 50));
const at = (n: number) => new Date(Date.UTC(2026, 10, 1) + n * 60_000);
const release = (id: number, minute: number): ChainRelease => ({ id, firstSeenAt: at(minute) });

describe("chainEnvironments", () => {
  it("orders by rank then name, and compares each with the newest release of the nearest lower rank", () => {
    const chain = chainEnvironments([
      { name: "prod", rank: 30, releases: [release(2, 2), release(1, 1)] },
      { name: "dev", rank: 10, releases: [release(3, 3)] },
      { name: "staging", rank: 20, releases: [release(2, 2)] },
    ]);
    expect(chain.map((link) => [link.name, link.previous?.environment ?? null, link.previous?.release.id ?? null, link.oldest?.id, link.behind])).toEqual([
      ["dev", null, null, 3, false],
      ["staging", "dev", 3, 2, true],
      // staging runs 2; prod's oldest is 1 (one cluster still on it): behind.
      ["prod", "staging", 2, 1, true],
    ]);
  });

  it("settles equal first-seen times by id, and is not behind an environment running an older release", () => {
    const chain = chainEnvironments([
      { name: "dev", rank: 10, releases: [release(7, 5)] },
      { name: "prod", rank: 20, releases: [release(8, 5)] },
    ]);
    expect(chain[1]!.behind).toBe(false);
    const reversed = chainEnvironments([
      { name: "dev", rank: 10, releases: [release(8, 5)] },
      { name: "prod", rank: 20, releases: [release(7, 5)] },
    ]);
    expect(reversed[1]!.behind).toBe(true);
  });

  it("skips environments that run no known release when looking for the one before", () => {
    const chain = chainEnvironments([
      { name: "dev", rank: 10, releases: [release(3, 3)] },
      { name: "staging", rank: 20, releases: [] },
      { name: "prod", rank: 30, releases: [release(1, 1)] },
    ]);
    expect(chain.map((link) => [link.name, link.previous?.environment ?? null, link.behind])).toEqual([
      ["dev", null, false],
      ["staging", "dev", false],
      ["prod", "dev", true],
    ]);
  });

  const environmentsArbitrary = fc.uniqueArray(
    fc.record({
      name: fc.constantFrom("dev", "qa", "staging", "canary", "prod", "prod-eu", "prod-us"),
      rank: fc.integer({ min: 0, max: 4 }),
      releases: fc.array(fc.record({ id: fc.integer({ min: 1, max: 12 }), minute: fc.integer({ min: 0, max: 6 }) }), { maxLength: 4 }),
    }),
    { selector: (environment) => environment.name, maxLength: 6 },
  );

  it("agrees with a brute-force restatement of the rule", () => {
    fc.assert(
      fc.property(environmentsArbitrary, (raw) => {
        // One first-seen time per release id, as in the database.
        const releases = raw.map((environment) => ({ ...environment, releases: environment.releases.map(({ id }) => release(id, id % 7)) }));
        const chain = chainEnvironments(releases);
        const newestOf = (list: ChainRelease[]) => [...list].sort((a, b) => compareReleaseOrder(b, a))[0];
        const oldestOf = (list: ChainRelease[]) => [...list].sort(compareReleaseOrder)[0];
        expect(chain.map((link) => link.name)).toEqual([...releases].sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name)).map((environment) => environment.name));
        for (const link of chain) {
          const own = releases.find((environment) => environment.name === link.name)!;
          expect(link.oldest?.id ?? null).toBe(oldestOf(own.releases)?.id ?? null);
          expect(link.newest?.id ?? null).toBe(newestOf(own.releases)?.id ?? null);
          expect(link.releases.map((item) => item.id)).toEqual([...new Set(own.releases.map((item) => item.id))].sort((a, b) => compareReleaseOrder(release(b, b % 7), release(a, a % 7))));
          // Candidates: every environment of the nearest lower rank that runs something.
          const lower = releases.filter((environment) => environment.rank < link.rank && environment.releases.length > 0);
          const nearest = Math.max(...lower.map((environment) => environment.rank));
          const candidates = lower.filter((environment) => environment.rank === nearest).flatMap((environment) => environment.releases);
          const expected = candidates.length === 0 ? null : newestOf(candidates)!;
          expect(link.previous?.release.id ?? null).toBe(expected?.id ?? null);
          if (link.previous) {
            const from = releases.find((environment) => environment.name === link.previous!.environment)!;
            expect(from.rank).toBe(nearest);
            expect(from.releases.some((item) => item.id === link.previous!.release.id)).toBe(true);
          }
          const behind = expected !== null && link.oldest !== null && compareReleaseOrder(expected, link.oldest) > 0;
          expect(link.behind).toBe(behind);
        }
      }),
      { numRuns: runs },
    );
  });

  it("never calls the first environment, or one running what the one before runs, behind", () => {
    fc.assert(
      fc.property(environmentsArbitrary, (raw) => {
        const same = raw.map((environment) => ({ ...environment, releases: [release(1, 1)] }));
        expect(chainEnvironments(same).every((link) => !link.behind)).toBe(true);
        const chain = chainEnvironments(raw.map((environment) => ({ ...environment, releases: environment.releases.map(({ id }) => release(id, id)) })));
        if (chain[0]) expect(chain[0].behind).toBe(false);
      }),
      { numRuns: runs },
    );
  });
});
