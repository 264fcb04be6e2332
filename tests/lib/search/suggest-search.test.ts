// Search suggestions (issue 16) against an oracle: random fleets of services (names from a tiny
// alphabet, so prefixes and substrings collide), releases and commits (SHAs sharing prefixes), and
// random queries (name fragments, SHA prefixes, "<service> <version>"); suggestSearch must answer
// exactly what the plain-JavaScript model below ranks. Then the cost at 5,000 services, and the
// route: 401 without a session, 400 naming the parameter, 200 for any role.
// Runs per property: PROPERTY_RUNS, else 40 on CI and 10 locally; PROPERTY_SEED replays a seed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GET as suggestionsRoute } from "@/app/api/v1/search/suggestions/route";
import { getDb } from "@/lib/db/client";
import { MIN_SHA_PREFIX, SUGGESTION_LIMITS, suggestSearch } from "@/lib/search/suggest-search";
import { as, signIn, signedInRequest } from "../../support/sign-in";

const runs = Number(process.env.PROPERTY_RUNS ?? (process.env.CI ? 40 : 10));
const seed = process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED) } : {};
const db = getDb();
const T0 = Date.parse("2026-11-01T00:00:00.000Z");

type Fleet = {
  services: { name: string; team: string | null }[];
  releases: { service: number; version: string; minute: number; sha: string | null }[];
  commits: { sha: string; minute: number; message: string }[];
};

const hexSha = fc.string({ unit: fc.constantFrom("a", "b", "0"), minLength: 4, maxLength: 6 }).map((prefix) => prefix.padEnd(40, "f"));
const fleetArbitrary: fc.Arbitrary<Fleet> = fc
  .uniqueArray(fc.string({ unit: fc.constantFrom("a", "b", "c"), minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 14 })
  .chain((names) =>
    fc.record({
      services: fc.constant(names).chain((all) => fc.tuple(...all.map((name) => fc.record({ name: fc.constant(name), team: fc.option(fc.constantFrom("Payments", "Core"), { nil: null }) })))),
      releases: fc.array(
        fc.record({ service: fc.nat(names.length - 1), version: fc.constantFrom("1.0", "1.1", "1.10", "2.0", "2.1"), minute: fc.nat(500), sha: fc.option(hexSha, { nil: null }) }),
        { maxLength: 25 },
      ),
      commits: fc.uniqueArray(fc.record({ sha: hexSha, minute: fc.nat(500), message: fc.constantFrom("Fix the cart\nbody", "Add a test", "Bump") }), { selector: (commit) => commit.sha, maxLength: 12 }),
    }),
  );

async function load(fleet: Fleet): Promise<{ releaseIds: number[] }> {
  await db.$executeRaw`TRUNCATE teams, services, releases, commits RESTART IDENTITY CASCADE`;
  const teams = new Map<string, number>();
  for (const team of ["Payments", "Core"]) teams.set(team, (await db.team.create({ data: { slug: team.toLowerCase(), name: team } })).id);
  const serviceIds: number[] = [];
  for (const service of fleet.services) serviceIds.push((await db.service.create({ data: { name: service.name, teamId: service.team ? teams.get(service.team)! : null } })).id);
  const releaseIds: number[] = [];
  const seen = new Set<string>();
  for (const release of fleet.releases) {
    // (service, version) is unique: a repeat is the same release.
    const key = `${release.service}:${release.version}`;
    if (seen.has(key)) {
      releaseIds.push(-1);
      continue;
    }
    seen.add(key);
    const row = await db.release.create({ data: { serviceId: serviceIds[release.service]!, version: release.version, firstSeenAt: new Date(T0 + release.minute * 60_000), commitSha: release.sha } });
    releaseIds.push(row.id);
  }
  for (const commit of fleet.commits) {
    await db.commit.create({ data: { repository: "acme/shop", sha: commit.sha, message: commit.message, authorLogin: "dev", committedAt: new Date(T0 + commit.minute * 60_000) } });
  }
  return { releaseIds };
}

/** The model: what the box should offer for `text`, as hrefs in order. */
function oracle(fleet: Fleet, releaseIds: number[], text: string): string[] {
  const query = text.trim();
  const lower = query.toLowerCase();
  const services = fleet.services
    .filter((service) => service.name.toLowerCase().includes(lower))
    .sort((a, b) => rank(b.name) - rank(a.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, SUGGESTION_LIMITS.service);
  function rank(name: string): number {
    return (name.toLowerCase() === lower ? 2 : 0) + (name.toLowerCase().startsWith(lower) ? 1 : 0);
  }
  const releases = fleet.releases
    .map((release, index) => ({ ...release, id: releaseIds[index]!, name: fleet.services[release.service]!.name }))
    .filter((release) => release.id > 0)
    .sort((a, b) => b.minute - a.minute || b.id - a.id);
  const sha = new RegExp(`^[0-9a-f]{${MIN_SHA_PREFIX},40}$`, "i").test(query) ? lower : null;
  const pair = /^([^\s@]+)(?:\s+|@)(\S+)$/.exec(query);
  const byService = pair
    ? releases.filter((release) => release.name.toLowerCase() === pair[1]!.toLowerCase() && release.version.toLowerCase().startsWith(pair[2]!.toLowerCase()))
    : services[0]
      ? releases.filter((release) => release.name === services[0]!.name)
      : [];
  const bySha = sha ? releases.filter((release) => release.sha?.startsWith(sha)) : [];
  const releaseHrefs = [...new Set([...byService.slice(0, SUGGESTION_LIMITS.release), ...bySha.slice(0, SUGGESTION_LIMITS.release)].map((release) => `/releases/${release.id}`))];
  const commits = sha
    ? fleet.commits
        .map((commit, index) => ({ ...commit, id: index }))
        .filter((commit) => commit.sha.startsWith(sha))
        .sort((a, b) => b.minute - a.minute || b.id - a.id)
        .slice(0, SUGGESTION_LIMITS.commit)
    : [];
  return [
    ...services.map((service) => `/services/${encodeURIComponent(service.name)}`),
    ...releaseHrefs.slice(0, SUGGESTION_LIMITS.release),
    ...commits.map((commit) => `/commits/${commit.sha}`),
  ];
}

const queryArbitrary = (fleet: Fleet) =>
  fc.oneof(
    fc.string({ unit: fc.constantFrom("a", "b", "c", "A"), minLength: 1, maxLength: 3 }),
    fc.constantFrom(...fleet.services.map((service) => service.name)),
    fc.string({ unit: fc.constantFrom("a", "b", "0", "f"), minLength: MIN_SHA_PREFIX, maxLength: 6 }),
    fc.tuple(fc.constantFrom(...fleet.services.map((service) => service.name)), fc.constantFrom("1", "1.1", "2", "@1", " 1.")).map(([name, version]) => (version.startsWith("@") || version.startsWith(" ") ? `${name}${version}` : `${name} ${version}`)),
  );

describe("suggestSearch", () => {
  it("offers exactly what the model ranks: services, then the best service's or the SHA's recent releases, then commits", { timeout: 600_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fleetArbitrary.chain((fleet) => fc.tuple(fc.constant(fleet), fc.array(queryArbitrary(fleet), { minLength: 1, maxLength: 6 }))), async ([fleet, queries]) => {
        const { releaseIds } = await load(fleet);
        for (const query of queries) {
          const answer = await suggestSearch(query, { db });
          expect(answer.items.map((item) => item.href), `query ${JSON.stringify(query)}`).toEqual(oracle(fleet, releaseIds, query));
        }
      }),
      { numRuns: runs, ...seed },
    );
  });

  it("labels each kind for the box: team names, service and version, short SHA and subject", async () => {
    await load({
      services: [{ name: "cart", team: "Payments" }, { name: "cartography", team: null }],
      releases: [{ service: 0, version: "2.0", minute: 10, sha: "abcd".padEnd(40, "0") }],
      commits: [{ sha: "abcd".padEnd(40, "0"), minute: 5, message: "Fix the cart\nwith a body" }],
    });
    expect((await suggestSearch("cart", { db })).items.map(({ kind, label, detail }) => [kind, label, detail])).toEqual([
      ["service", "cart", "Payments"],
      ["service", "cartography", "no team"],
      ["release", "cart 2.0", "release, first seen 2026-11-01 00:10 UTC"],
    ]);
    expect((await suggestSearch("ABCD", { db })).items.map(({ kind, label, detail }) => [kind, label, detail])).toEqual([
      ["release", "cart 2.0", "release, first seen 2026-11-01 00:10 UTC"],
      ["commit", "abcd000 Fix the cart", "commit in acme/shop by dev, 2026-11-01 00:05 UTC"],
    ]);
    expect((await suggestSearch("   ", { db })).items).toEqual([]);
    // LIKE's wildcards are taken literally.
    expect((await suggestSearch("c%", { db })).items).toEqual([]);
  });

  it("answers within tens of milliseconds at 5,000 services with 50,000 releases and commits", { timeout: 300_000 }, async () => {
    await db.$executeRaw`TRUNCATE teams, services, releases, commits RESTART IDENTITY CASCADE`;
    await db.$executeRaw`INSERT INTO services (name) SELECT 'svc-' || lpad(i::text, 4, '0') || '-' || (ARRAY['cart','payments','search','ledger','mail'])[1 + i % 5] FROM generate_series(1, 5000) i`;
    await db.$executeRaw`INSERT INTO releases (service_id, version, first_seen_at, commit_sha)
      SELECT 1 + i % 5000, '1.' || (i / 5000), now() - (i || ' minutes')::interval, md5(i::text) || substr(md5((i + 1)::text), 1, 8) FROM generate_series(1, 50000) i`;
    await db.$executeRaw`INSERT INTO commits (repository, sha, message, committed_at)
      SELECT 'acme/monorepo', md5(i::text) || substr(md5((i + 1)::text), 1, 8), 'Change ' || i, now() - (i || ' minutes')::interval FROM generate_series(1, 50000) i`;
    await db.$executeRaw`ANALYZE services, releases, commits`;
    const queries = ["svc-0042-cart", "payments", "svc-12", "ledger 1.", "c4ca", "svc-4999-cart@1.9", "zzz-nothing"];
    for (const query of queries) await suggestSearch(query, { db }); // warm
    const timings: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      for (const query of queries) {
        const started = performance.now();
        const answer = await suggestSearch(query, { db });
        timings.push(performance.now() - started);
        if (query === "payments") expect(answer.items.filter((item) => item.kind === "service")).toHaveLength(SUGGESTION_LIMITS.service);
        if (query === "c4ca") expect(answer.items.some((item) => item.kind === "commit")).toBe(true);
      }
    }
    timings.sort((a, b) => a - b);
    const median = timings[Math.floor(timings.length / 2)]!;
    console.log(`[suggestions] 5,000 services, 50,000 releases and commits: median ${median.toFixed(1)} ms, worst ${timings.at(-1)!.toFixed(1)} ms over ${timings.length} queries`);
    // Generous for a loaded two-core machine; about 2-5 ms on a quiet one.
    expect(median).toBeLessThan(150);
  });
});

describe("GET /api/v1/search/suggestions", () => {
  it("answers 401 without a session, 400 naming a missing or unknown parameter, and suggestions to any role", async () => {
    const call = async (user: Awaited<ReturnType<typeof signIn>> | null, url: string) => {
      const response = await suggestionsRoute(signedInRequest(user, url), undefined);
      return { status: response.status, body: await response.json() };
    };
    expect((await call(null, "/api/v1/search/suggestions?q=cart")).status).toBe(401);
    const viewer = await signIn(as("viewer"));
    const missing = await call(viewer, "/api/v1/search/suggestions");
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body.error)).toContain("q");
    const unknown = await call(viewer, "/api/v1/search/suggestions?q=cart&limit=5");
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain("unknown query parameter: limit");
    const long = await call(viewer, `/api/v1/search/suggestions?q=${"x".repeat(201)}`);
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body.error)).toContain("at most 200 characters");
    await db.service.upsert({ where: { name: "zz-route-probe" }, create: { name: "zz-route-probe" }, update: {} });
    const ok = await call(viewer, "/api/v1/search/suggestions?q=%20zz-route-pro");
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ query: "zz-route-pro", items: [{ kind: "service", label: "zz-route-probe", detail: "no team", href: "/services/zz-route-probe" }] });
  });
});
