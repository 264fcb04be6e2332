// 10,000 random bodies with valid credentials, spread over the three endpoints: arbitrary JSON
// (any Unicode, lone surrogates and NUL included) and real payloads with one field replaced by
// arbitrary JSON or removed. Whatever arrives, the answer is 2xx or a 4xx with a reason; a 5xx
// would mean a body can crash the accept path (for example a NUL that PostgreSQL text refuses).
import fc from "fast-check";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { argocdApplication, bearerRequest, githubFixtures, githubRequest, warmDatabase } from "../../../support/webhooks";

vi.stubEnv("ARGOCD_WEBHOOK_TOKENS", "argocd-token");
vi.stubEnv("BUILD_WEBHOOK_TOKENS", "build-token");
vi.stubEnv("GITHUB_WEBHOOK_SECRET", "github-secret-new");
afterAll(() => void vi.unstubAllEnvs());

const argocd = await import("../../../../app/api/webhooks/argocd/route");
const github = await import("../../../../app/api/webhooks/github/route");
const build = await import("../../../../app/api/webhooks/build/route");

const TOTAL = 10_000;
const CONCURRENCY = 8;

type Json = unknown;
type Sample = { target: "argocd" | "github" | "build"; body: string; header?: string };

let argocdNotification: Record<string, Json>;
let githubPayload: Record<string, Json>;
beforeAll(async () => {
  await warmDatabase();
  const app = await argocdApplication();
  delete (app.status as Record<string, Json>).resources;
  argocdNotification = { event: "on-deployed", instance: "prod-eu", app };
  githubPayload = JSON.parse((await githubFixtures()).find((fixture) => fixture.file === "push/payload.json")!.text) as Record<string, Json>;
});

const buildReport = {
  service: "hello-world",
  repository: "Codertocat/Hello-World",
  commitSha: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
  image: "ghcr.io/codertocat/hello-world",
  tag: "1.0.0",
  digest: `sha256:${"b".repeat(64)}`,
  builtAt: "2024-03-05T07:30:00Z",
};

const ARGOCD_PATHS = [
  "event", "instance", "app", "app.metadata", "app.metadata.name", "app.metadata.namespace", "app.metadata.uid",
  "app.status", "app.status.health", "app.status.health.status", "app.status.sync", "app.status.sync.revision",
  "app.status.sync.revisions", "app.status.reconciledAt", "app.status.operationState", "app.status.operationState.phase",
  "app.status.operationState.startedAt", "app.status.operationState.retryCount", "app.status.operationState.syncResult",
  "app.status.operationState.syncResult.revision", "app.status.operationState.operation.sync.revisions",
];
const GITHUB_PATHS = ["repository", "repository.full_name", "ref", "commits", "sender"];
const BUILD_PATHS = Object.keys(buildReport);

const anyJson = fc.jsonValue({ maxDepth: 3, stringUnit: "binary" });
/** Strings as hostile as JSON allows: NUL, lone surrogates, control characters, very long. */
const hostileString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom("", "\u0000", "a\u0000b", "\ud800", "\udfff", " ", "x".repeat(5_000), "../../etc", "'; DROP TABLE webhook_deliveries; --"),
);
const replacement = fc.oneof(anyJson, hostileString, fc.constant(undefined));

/** A copy of `base` with the value at `path` replaced (undefined: removed). */
function withChange(base: Record<string, Json>, path: string, value: Json): Record<string, Json> {
  const copy = structuredClone(base);
  const keys = path.split(".");
  let node = copy as Record<string, Json>;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null) return copy;
    node = next as Record<string, Json>;
  }
  const last = keys.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const printableHeader = fc.string({ unit: fc.constantFrom(..." !#$%&'*+-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ^_`abcdefghijklmnopqrstuvwxyz|~"), maxLength: 260 });

const sample = (): fc.Arbitrary<Sample> =>
  fc.oneof(
    fc.record({ target: fc.constantFrom("argocd" as const, "github" as const, "build" as const), body: anyJson.map((value) => JSON.stringify(value)) }),
    fc.record({
      target: fc.constant("argocd" as const),
      body: fc.tuple(fc.constantFrom(...ARGOCD_PATHS), replacement).map(([path, value]) => JSON.stringify(withChange(argocdNotification, path, value))),
    }),
    fc.record({
      target: fc.constant("github" as const),
      body: fc.tuple(fc.constantFrom(...GITHUB_PATHS), replacement).map(([path, value]) => JSON.stringify(withChange(githubPayload, path, value))),
      header: printableHeader,
    }),
    fc.record({
      target: fc.constant("build" as const),
      body: fc.tuple(fc.constantFrom(...BUILD_PATHS), replacement).map(([path, value]) => JSON.stringify(withChange(buildReport, path, value))),
      header: fc.option(printableHeader, { nil: undefined }),
    }),
  );

function send({ target, body, header }: Sample): Promise<Response> {
  if (target === "github") {
    // `header` as the event name: empty, over-long and odd names included.
    return github.POST(githubRequest(body, header === undefined ? {} : { event: header }), undefined);
  }
  if (target === "build") {
    return build.POST(bearerRequest("build", body, "build-token", header === undefined ? {} : { "idempotency-key": header }), undefined);
  }
  return argocd.POST(bearerRequest("argocd", body, "argocd-token"), undefined);
}

it(`answers ${TOTAL} random bodies with valid credentials without a 5xx`, { timeout: 300_000 }, async () => {
  const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
  const samples = fc.sample(sample(), { numRuns: TOTAL, seed });
  const statuses = new Map<number, number>();
  const failures: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let index = next++; index < samples.length; index = next++) {
        const item = samples[index]!;
        const response = await send(item);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status >= 500 && failures.length < 5) {
          failures.push(`${item.target} ${response.status} ${await response.text()} ← ${item.body.slice(0, 300)} (header ${JSON.stringify(item.header)})`);
        }
      }
    }),
  );
  expect(failures, `seed ${seed} (rerun with FC_SEED=${seed})`).toEqual([]);
  expect([...statuses.keys()].every((status) => [200, 202, 400, 409].includes(status)), JSON.stringify([...statuses])).toBe(true);
  // The mix exercised both outcomes, not only rejections.
  expect(statuses.get(202) ?? 0).toBeGreaterThan(TOTAL / 10);
  expect(statuses.get(400) ?? 0).toBeGreaterThan(TOTAL / 10);
});
