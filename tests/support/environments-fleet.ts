// A small fleet built by hand for the environments view's oracle (tests/lib/environments) and its
// HTTP test: three services whose environments lag in known ways, with commits, pull requests
// and tickets placed so each lag can be counted on paper. The expected numbers live in the tests,
// worked out from this picture, never computed from it:
//
//   ledger (team payments, acme/ledger)   r1 < r2 < r3 < r4 < r5 (first seen Nov 1..5, 10:00)
//     r1: c1            r2: c2, c3 (PR #10 [PAY-1])     r3: c4 "PAY-2" (no PR), c5 [PAY-3] (PR #11 [PAY-1, PAY-3])
//     r4: c6 (PR #12)   r5: c7 (PR #13 [PAY-4]), c8 (no PR)
//     dev r5 on dev-1; staging r4 on stg-1, stg-2; prod r2 on prod-eu-1 (eu-west), r3 on prod-us-1 (us-east)
//   search-api (team search)               s1; dev s1, prod s1: nothing behind
//   cart (no team, paths [cart])           k1 (Nov 2 12:00, ka), k2 (Nov 4 12:00: kb cart/main.go PR #5 [CART-1],
//                                          kc docs/readme.md PR #6 [DOC-9]); staging k2; prod k1; prod-asia k2
//   environments: sandbox 5 (unused), dev 10, staging 20, prod 30 (production), prod-asia 30 (production)
import type { DbOrTx } from "../../lib/db/client";

const day = (n: number, hour = 10) => new Date(Date.UTC(2026, 10, n, hour));
const sha = (seed: string) => Buffer.from(seed.padEnd(20, "-")).toString("hex").slice(0, 40);

export type EnvironmentsFleet = { releases: Record<string, number>; services: Record<string, number>; teams: Record<string, number> };

export async function buildEnvironmentsFleet(db: DbOrTx): Promise<EnvironmentsFleet> {
  const environments: Record<string, number> = {};
  for (const [name, rank, isProduction] of [["sandbox", 5, false], ["dev", 10, false], ["staging", 20, false], ["prod", 30, true], ["prod-asia", 30, true]] as const) {
    environments[name] = (await db.environment.upsert({ where: { name }, create: { name, rank, isProduction }, update: { rank, isProduction } })).id;
  }
  const teams = {
    payments: (await db.team.create({ data: { slug: "payments", name: "Payments" } })).id,
    search: (await db.team.create({ data: { slug: "search", name: "Search" } })).id,
  };
  const instance = await db.argoInstance.create({ data: { name: "argocd-envs" } });
  const clusters: Record<string, number> = {};
  for (const [name, region] of [["dev-1", "eu-west"], ["stg-1", "eu-west"], ["stg-2", "us-east"], ["prod-eu-1", "eu-west"], ["prod-us-1", "us-east"], ["asia-1", "ap-south"]] as const) {
    clusters[name] = (await db.cluster.create({ data: { argoInstanceId: instance.id, name, server: `https://${name}.envs.test`, region } })).id;
  }
  const services = {
    ledger: (await db.service.create({ data: { name: "ledger", teamId: teams.payments, repository: "acme/ledger" } })).id,
    "search-api": (await db.service.create({ data: { name: "search-api", teamId: teams.search, repository: "acme/search-api" } })).id,
    cart: (await db.service.create({ data: { name: "cart", repository: "acme/shop", paths: ["cart"] } })).id,
  };

  const releases: Record<string, number> = {};
  async function release(service: keyof typeof services, version: string, firstSeenAt: Date, commits: { seed: string; message?: string; tickets?: string[]; paths?: string[] }[]) {
    const repository = service === "cart" ? "acme/shop" : `acme/${service}`;
    const created = await db.release.create({
      data: { serviceId: services[service], version, firstSeenAt, commitSha: sha(`${service}-${version}`), commitsComplete: true },
    });
    releases[version] = created.id;
    for (const [index, commit] of commits.entries()) {
      const row = await db.commit.create({
        data: {
          repository,
          sha: sha(commit.seed),
          message: commit.message ?? `Change ${commit.seed}`,
          ticketKeys: commit.tickets ?? [],
          paths: commit.paths,
          committedAt: new Date(firstSeenAt.getTime() - (commits.length - index) * 3_600_000),
        },
      });
      await db.releaseCommit.create({ data: { releaseId: created.id, commitId: row.id } });
    }
  }
  await release("ledger", "r1", day(1), [{ seed: "c1" }]);
  await release("ledger", "r2", day(2), [{ seed: "c2" }, { seed: "c3" }]);
  await release("ledger", "r3", day(3), [{ seed: "c4", message: "PAY-2 fix rounding", tickets: ["PAY-2"] }, { seed: "c5", tickets: ["PAY-3"] }]);
  await release("ledger", "r4", day(4), [{ seed: "c6" }]);
  await release("ledger", "r5", day(5), [{ seed: "c7" }, { seed: "c8" }]);
  await release("search-api", "s1", day(1), [{ seed: "s1" }]);
  await release("cart", "k1", day(2, 12), [{ seed: "ka", paths: ["cart/go.mod"] }]);
  await release("cart", "k2", day(4, 12), [{ seed: "kb", paths: ["cart/main.go"] }, { seed: "kc", paths: ["docs/readme.md"] }]);

  async function pullRequest(repository: string, number: number, tickets: string[], commitSeeds: string[]) {
    const created = await db.pullRequest.create({
      data: { repository, number, title: `PR ${number}`, state: "MERGED", ticketKeys: tickets, openedAt: day(1, 8), mergedAt: day(1, 9) },
    });
    for (const seed of commitSeeds) {
      const commit = await db.commit.findUniqueOrThrow({ where: { repository_sha: { repository, sha: sha(seed) } } });
      await db.pullRequestCommit.create({ data: { pullRequestId: created.id, commitId: commit.id } });
    }
  }
  await pullRequest("acme/ledger", 10, ["PAY-1"], ["c2", "c3"]);
  await pullRequest("acme/ledger", 11, ["PAY-1", "PAY-3"], ["c5"]);
  await pullRequest("acme/ledger", 12, [], ["c6"]);
  await pullRequest("acme/ledger", 13, ["PAY-4"], ["c7"]);
  await pullRequest("acme/shop", 5, ["CART-1"], ["kb"]);
  await pullRequest("acme/shop", 6, ["DOC-9"], ["kc"]);

  async function application(service: keyof typeof services, environment: string, cluster: string, version: string | null) {
    await db.application.create({
      data: {
        argoInstanceId: instance.id,
        namespace: "apps",
        name: `${service}-${environment}-${cluster}`,
        serviceId: services[service],
        environmentId: environments[environment]!,
        clusterId: clusters[cluster]!,
        currentReleaseId: version === null ? null : releases[version]!,
        healthStatus: "HEALTHY",
        syncStatus: "SYNCED",
      },
    });
  }
  await application("ledger", "dev", "dev-1", "r5");
  await application("ledger", "staging", "stg-1", "r4");
  await application("ledger", "staging", "stg-2", "r4");
  await application("ledger", "prod", "prod-eu-1", "r2");
  await application("ledger", "prod", "prod-us-1", "r3");
  await application("search-api", "dev", "dev-1", "s1");
  await application("search-api", "prod", "prod-eu-1", "s1");
  await application("cart", "staging", "stg-1", "k2");
  await application("cart", "prod", "prod-eu-1", "k1");
  await application("cart", "prod", "prod-us-1", null);
  await application("cart", "prod-asia", "asia-1", "k2");
  return { releases, services, teams };
}
