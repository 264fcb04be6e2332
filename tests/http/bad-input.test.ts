// Bad input in a URL is a 400 with the reason (a page: its 404 or bad-filter message), never a
// 500 (issue 14, finding 6), and the OpenAPI document still builds once every page has been
// served (finding 7). Over real HTTP into `next start`, on a Shiplog and database of this file's
// own, so nothing has fetched /api/v1/openapi.json before the pages load their copies of the
// schemas (the shared server may have served it to another file first, which hides the bug).
//
// Generated from the filesystem, as tests/app/api/authorization-matrix.test.ts is: every route
// file under app/api/v1 with each method it exports, each query parameter the OpenAPI document
// gives it (built from the very schemas the routes parse with), every page under app/.
//   API   NUL (%00) and a malformed UTF-8 escape (%ED%A0%80) in every path segment after
//         /api/v1 and in every query parameter, and a keyset cursor whose key holds U+0000:
//         400 `bad_request` naming the reason. State-changing methods are called as an admin
//         from Shiplog's own origin, so only the bad input can refuse them.
//   pages every path segment: 404; every query parameter (of any route) with NUL: no 500.
import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { buildOpenApiDocument } from "../../lib/api/build-openapi-document";
import { encodeKeysetCursor } from "../../lib/api/keyset-cursor";
import { createDb } from "../../lib/db/client";
import { seedDemoFleet } from "../../prisma/demo-fleet/seed-demo-fleet";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";

const appDir = path.resolve(import.meta.dirname, "../../app");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
/** What goes into a segment or a value: NUL, and a UTF-8 encoding of a lone surrogate (not UTF-8). */
const BAD = { nul: "%00", "bad UTF-8": "ab%ED%A0%80" } as const;
/** Keys with U+0000 in the shapes Shiplog's cursors take (a name; a name and an id; a date and an id; three fields). */
const NUL_CURSORS = [["\u0000"], ["\u0000", 1], ["\u0000", "\u0000"], ["2026-11-01T00:00:00.000Z", "\u0000"], ["\u0000", "\u0000", 1]].map(encodeKeysetCursor);

type Route = { segments: string[]; methods: string[] };
type Answer = { status: number; text: string; contentType: string };

let baseUrl: string;
let cookie: string;
let db: ReturnType<typeof createDb>;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_input", template: inject("templateDatabase") });
  cleanups.push(database.drop);
  db = createDb(database.url);
  cleanups.unshift(() => db.$disconnect());
  await seedDemoFleet(db, { services: 12, now: new Date("2026-11-24T12:00:00Z"), lanes: 3 });
  const server = await startShiplogServer(database.url);
  cleanups.unshift(server.stop);
  baseUrl = server.url;
  ({ cookie } = await server.signIn([{ role: "admin", teamId: null }]));
}, 180_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
});

async function call(method: string, pathAndQuery: string): Promise<Answer> {
  const headers: Record<string, string> = { cookie };
  const init: RequestInit = { method, headers, redirect: "manual", signal: AbortSignal.timeout(60_000) };
  if (method !== "GET") {
    headers.origin = baseUrl;
    headers["content-type"] = "application/json";
    headers["idempotency-key"] = `bad-input-${randomUUID()}`;
    init.body = "{}";
  }
  // `fetch` would normalise the escapes away through URL(); the path goes on the wire as written.
  const response = await fetch(`${baseUrl}${pathAndQuery}`, init);
  return { status: response.status, text: await response.text(), contentType: response.headers.get("content-type") ?? "" };
}

/** Runs `work` over `items`, `width` at a time (two cores, shared). */
async function inBatches<Item>(items: Item[], width: number, work: (item: Item) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += width) await Promise.all(items.slice(start, start + width).map(work));
}

async function routeFiles(under: string, file: string): Promise<string[]> {
  return (await readdir(path.join(appDir, under), { recursive: true })).filter((entry) => path.basename(entry) === file);
}

/** Every route file under app/api/v1: its segments (`[id]` kept as is) and exported methods. */
async function apiRoutes(): Promise<Route[]> {
  const routes: Route[] = [];
  for (const file of await routeFiles("api/v1", "route.ts")) {
    const source = await readFile(path.join(appDir, "api/v1", file), "utf8");
    const methods = METHODS.filter((method) => new RegExp(`export (const|async function) ${method}\\b`).test(source));
    const dir = path.dirname(file);
    routes.push({ segments: ["api", "v1", ...(dir === "." ? [] : dir.split(path.sep))], methods });
  }
  return routes;
}

/** `/api/v1/services/[name]` → `/api/v1/services/{name}`, as the OpenAPI document names it. */
const openApiPath = (segments: string[]) => `/${segments.map((segment) => segment.replace(/^\[(\w+)\]$/, "{$1}")).join("/")}`;
const isDynamic = (segment: string) => /^\[.+\]$/.test(segment);

type Document = { paths: Record<string, Record<string, { parameters: { name: string; in: string }[] }>> };
const document = buildOpenApiDocument() as Document;

function queryParameters(route: Route, method: string): string[] {
  const operation = document.paths[openApiPath(route.segments)]?.[method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${openApiPath(route.segments)} is not in the OpenAPI document`);
  return operation.parameters.filter((parameter) => parameter.in === "query").map((parameter) => parameter.name);
}

/** A path with every dynamic segment filled with `fill` (a value its schema accepts), segment `at` replaced by `bad`. */
function pathWith(segments: string[], fill: (segment: string) => string, at = -1, bad = ""): string {
  return `/${segments.map((segment, index) => (index === at ? bad : isDynamic(segment) ? fill(segment) : segment)).join("/")}`;
}

function expectRefusal(what: string, answer: Answer, wrong: string[]) {
  if (answer.status !== 400) return void wrong.push(`${what}: ${answer.status} ${answer.text.slice(0, 200)}`);
  const body = JSON.parse(answer.text) as { error?: { code?: string; message?: string } };
  if (body.error?.code !== "bad_request" || !/control characters|UTF-8|not a cursor/.test(body.error.message ?? "")) {
    wrong.push(`${what}: 400 without the reason: ${answer.text.slice(0, 200)}`);
  }
}

describe("bad input in a URL", () => {
  it("every path segment and query parameter of every /api/v1 route: 400 with the reason", async () => {
    const routes = await apiRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(30);
    const calls: { what: string; method: string; url: string }[] = [];
    for (const route of routes) {
      for (const method of route.methods) {
        for (const [name, bad] of Object.entries(BAD)) {
          // After /api/v1: an `api` or `v1` replaced would no longer be an API path at all.
          for (let at = 2; at < route.segments.length; at += 1) {
            const url = pathWith(route.segments, () => "1", at, bad);
            calls.push({ what: `${method} ${url} (${name} in segment ${route.segments[at]})`, method, url });
          }
          for (const parameter of queryParameters(route, method)) {
            const url = `${pathWith(route.segments, () => "1")}?${parameter}=${bad.replace(/^ab/, "")}`;
            calls.push({ what: `${method} ${url} (${name} in ${parameter})`, method, url });
          }
        }
        if (queryParameters(route, method).includes("cursor")) {
          for (const cursor of NUL_CURSORS) {
            const url = `${pathWith(route.segments, () => "1")}?cursor=${cursor}`;
            calls.push({ what: `${method} ${url} (U+0000 in the cursor's key)`, method, url });
          }
        }
      }
    }
    const wrong: string[] = [];
    await inBatches(calls, 4, async ({ what, method, url }) => expectRefusal(what, await call(method, url), wrong));
    expect(wrong).toEqual([]);
    // Every route has segments to spoil; the query-string pairs are the 27+ of the finding.
    expect(calls.filter((entry) => entry.what.includes(" in segment ")).length).toBeGreaterThanOrEqual(2 * routes.length);
    expect(calls.filter((entry) => / in (?!segment)\w+\)$/.test(entry.what)).length / 2).toBeGreaterThanOrEqual(27);
  }, 300_000);

  it("every page: a bad path segment is its 404, a NUL in any filter its bad-filter message or 404, never a 500", async () => {
    const service = await db.service.findFirstOrThrow({ orderBy: { name: "asc" } });
    const release = await db.release.findFirstOrThrow({ orderBy: { id: "asc" } });
    const commit = await db.commit.findFirst({ select: { sha: true } });
    const rollback = await db.rollback.findFirst({ select: { id: true } });
    const real: Record<string, string> = {
      "[name]": encodeURIComponent(service.name),
      "[id]": String(release.id),
      "[sha]": commit?.sha ?? "abc1234",
    };
    const pages = (await routeFiles(".", "page.tsx")).map((file) => {
      const dir = path.dirname(file);
      // Route groups, (fleet), are not in the URL.
      return dir === "." ? [] : dir.split(path.sep).filter((segment) => !/^\(.+\)$/.test(segment));
    });
    expect(pages.length).toBeGreaterThanOrEqual(15);
    const fill = (segments: string[]) => (segment: string) => (segments[0] === "rollbacks" && segment === "[id]" ? String(rollback?.id ?? 1) : (real[segment] ?? "1"));
    // Every query parameter any API route takes, and the pages' own.
    const names = new Set(["compare", "drill", "next", "error", "source", "view"]);
    for (const item of Object.values(document.paths)) for (const operation of Object.values(item)) for (const parameter of operation.parameters) if (parameter.in === "query") names.add(parameter.name);

    const wrong: string[] = [];
    const checks: { url: string; want: (status: number) => boolean }[] = [];
    for (const segments of pages) {
      for (let at = 0; at < segments.length; at += 1) {
        for (const bad of Object.values(BAD)) checks.push({ url: pathWith(segments, fill(segments), at, bad), want: (status) => status === 404 });
      }
      const page = pathWith(segments, fill(segments));
      for (const name of names) checks.push({ url: `${page}?${name}=%00`, want: (status) => status < 500 });
      checks.push({ url: `${page}?${[...names].map((name) => `${name}=%ED%A0%80`).join("&")}`, want: (status) => status < 500 });
    }
    await inBatches(checks, 4, async ({ url, want }) => {
      const answer = await call("GET", url);
      if (!want(answer.status)) wrong.push(`${url}: ${answer.status}`);
      // A page streams its 200 before its content is read: a server error after that shows only as
      // its digest, in React's fallback template or in the inlined RSC payload (a string literal,
      // so its quotes escaped). notFound() and the like carry NEXT_… digests, not numbers.
      else if (/data-dgst="\d+"|\\?"digest\\?":\\?"\d+\\?"/.test(answer.text)) wrong.push(`${url}: ${answer.status}, but the page failed on the server`);
    });
    expect(wrong).toEqual([]);
    // The filter's own message, not a silent empty list.
    const timeline = await call("GET", "/timeline?service=%00");
    expect(timeline.status).toBe(200);
    expect(timeline.text).toContain("must not contain control characters (found U+0000)");
    expect((await call("GET", `/services/${real["[name]"]}`)).status).toBe(200);
  }, 300_000);

  it("the OpenAPI document, asked for the first time after every page has been served: 200", async () => {
    const answer = await call("GET", "/api/v1/openapi.json");
    expect(answer.status, answer.text.slice(0, 300)).toBe(200);
    const served = JSON.parse(answer.text) as { components: { schemas: Record<string, unknown> }; paths: Record<string, unknown> };
    expect(Object.keys(served.paths).sort()).toEqual(Object.keys(document.paths).sort());
    expect(served.components.schemas.Team).toBeDefined();
    // And it stays served.
    expect((await call("GET", "/api/v1/openapi.json")).status).toBe(200);
  });
});
