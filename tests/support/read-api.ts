// Calls read API route handlers the way Next 16 does: a real Request, and for dynamic segments
// a context whose `params` is a promise. Answers come back as status, headers and parsed JSON.
import { getDb } from "../../lib/db/client";
import { seedDemoFleet } from "../../prisma/demo-fleet/seed-demo-fleet";
import { type TestUser, signIn, signedInRequest } from "./sign-in";

type Handler<Params> = (request: Request, context: { params: Promise<Params> }) => Promise<Response>;

export type ApiAnswer<Body = any> = { status: number; headers: Headers; body: Body };

/**
 * Calls a route handler as a signed-in person: by default a fleet-wide viewer created once per
 * test file; `as` gives another user (signIn() from sign-in.ts) or null for an anonymous call.
 */
export async function callRoute<Params extends Record<string, string>>(
  handler: Handler<Params>,
  pathAndQuery: string,
  params: Params = {} as Params,
  { as, init }: { as?: TestUser | null; init?: RequestInit } = {},
): Promise<ApiAnswer> {
  const user = as === undefined ? await defaultViewer() : as;
  const response = await handler(signedInRequest(user, `http://shiplog.test${pathAndQuery}`, init), { params: Promise.resolve(params) });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

let viewer: Promise<TestUser> | undefined;

/** The fleet-wide viewer route tests read as (one per test file and database). */
export function defaultViewer(): Promise<TestUser> {
  viewer ??= signIn([{ role: "viewer", teamId: null }]);
  return viewer;
}

/** The demo clock: every test file's fleet is the same 12 services, whatever the date. */
export const demoNow = new Date("2026-11-24T12:00:00Z");

/** Seeds the 12-service demo fleet through the domain functions (a few seconds). */
export async function seedSmallFleet(): Promise<void> {
  await seedDemoFleet(getDb(), { services: 12, now: demoNow, lanes: 3 });
}

/** Follows nextCursor from `firstPath` until the last page; returns every item in order. */
export async function walkPages<Item>(handler: Handler<Record<string, string>>, firstPath: string): Promise<{ items: Item[]; pages: number }> {
  const items: Item[] = [];
  let pages = 0;
  let cursor: string | null = null;
  do {
    const separator = firstPath.includes("?") ? "&" : "?";
    const answer: ApiAnswer = await callRoute(handler, cursor === null ? firstPath : `${firstPath}${separator}cursor=${encodeURIComponent(cursor)}`);
    if (answer.status !== 200) throw new Error(`${firstPath}: ${answer.status} ${JSON.stringify(answer.body)}`);
    items.push(...answer.body.items);
    cursor = answer.body.nextCursor;
    pages += 1;
    if (pages > 1000) throw new Error(`${firstPath}: more than 1000 pages; is the cursor advancing?`);
  } while (cursor !== null);
  return { items, pages };
}
