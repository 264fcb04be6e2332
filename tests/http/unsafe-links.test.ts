// Links from payloads and settings are http(s) or nothing (issue 14, finding 8), end to end:
// signed GitHub webhooks (GitHub's own push and pull_request examples) go into a Shiplog with its
// inline worker on; a merged pull request whose html_url is a `javascript:` or `data:` URL is
// stored without a URL, and the commit's page (and the API) carry no such link, while a pull
// request with an https html_url still gets its link. Argo CD instance URLs of those schemes,
// written straight into the database (as anything stored before the rule could be), render as
// text on the service and release pages. The other link sources are covered where they enter:
// the URL settings in tests/lib/env.test.ts; CI build reports and Argo CD notifications carry no
// field that becomes a link.
import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createDb } from "../../lib/db/client";
import { signGithubPayload } from "../../lib/ingest/accept/verify-github-signature";
import { seedDemoFleet } from "../../prisma/demo-fleet/seed-demo-fleet";
import { createDatabase } from "../support/postgres-admin";
import { startShiplogServer } from "../support/shiplog-server";
import { githubExample } from "../support/github-examples";

const { githubSecret } = inject("webhookCredentials");
const UNSAFE = { javascript: "javascript:alert(document.domain)", data: "data:text/html,<script>alert(document.domain)</script>" } as const;
const owner = "e2e-links";
const repo = "payments";
const commitSha = createHash("sha1").update("unsafe-links:merge").digest("hex");

let baseUrl: string;
let cookie: string;
let db: ReturnType<typeof createDb>;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  const database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_e2e_links", template: inject("templateDatabase") });
  cleanups.push(database.drop);
  db = createDb(database.url);
  cleanups.unshift(() => db.$disconnect());
  await seedDemoFleet(db, { services: 3, now: new Date("2026-11-24T12:00:00Z"), lanes: 1 });
  const server = await startShiplogServer(database.url, { SHIPLOG_INLINE_WORKER: "true", GITHUB_WEBHOOK_SECRET: githubSecret });
  cleanups.unshift(server.stop);
  baseUrl = server.url;
  ({ cookie } = await server.signIn([{ role: "viewer", teamId: null }]));
}, 180_000);

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup().catch(() => undefined);
});

async function fixture(file: string): Promise<Record<string, any>> {
  return githubExample(file);
}

async function github(event: string, payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  const response = await fetch(new URL("/api/webhooks/github", baseUrl), {
    method: "POST",
    headers: { "content-type": "application/json", "x-github-event": event, "x-github-delivery": randomUUID(), "x-hub-signature-256": signGithubPayload(githubSecret, body) },
    body,
  });
  expect(response.status, await response.clone().text()).toBe(202);
}

async function pushCommit(): Promise<void> {
  const payload = await fixture("push/with-new-branch.payload.json");
  Object.assign(payload, { ref: "refs/heads/main", before: "0".repeat(40), after: commitSha, created: false, forced: false });
  Object.assign(payload.repository, { full_name: `${owner}/${repo}`, name: repo });
  payload.commits = [{ ...payload.commits[0], id: commitSha, tree_id: commitSha, message: "Merge the basket endpoints", distinct: true, url: `https://github.com/${owner}/${repo}/commit/${commitSha}`, added: [], removed: [], modified: ["src/basket.ts"] }];
  payload.head_commit = payload.commits[0];
  await github("push", payload);
}

async function pullRequestMerged(number: number, htmlUrl: string): Promise<void> {
  const payload = await fixture("pull_request/closed.payload.json");
  payload.number = number;
  Object.assign(payload.repository, { full_name: `${owner}/${repo}`, name: repo });
  Object.assign(payload.pull_request, {
    number,
    title: `Link check ${number}`,
    state: "closed",
    merged: true,
    merged_at: "2026-11-24T10:00:00Z",
    closed_at: "2026-11-24T10:00:00Z",
    merge_commit_sha: commitSha,
    html_url: htmlUrl,
  });
  await github("pull_request", payload);
}

async function until<T>(what: string, read: () => Promise<T | null | undefined>): Promise<T> {
  for (let tries = 0; tries < 150; tries += 1) {
    const value = await read();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what}: not there after 15 s`);
}

async function page(pathname: string): Promise<string> {
  const response = await fetch(new URL(pathname, baseUrl), { headers: { cookie }, redirect: "manual" });
  expect(response.status, pathname).toBe(200);
  return response.text();
}

/** Every href in the HTML, entities decoded enough to see a scheme. */
const hrefs = (html: string) => [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1]!.replaceAll("&amp;", "&").replaceAll("&#x3A;", ":").toLowerCase());

describe("links from payloads", () => {
  it("a pull request's javascript: or data: html_url is stored as no URL and rendered as no link; an https one still links", async () => {
    await pushCommit();
    await pullRequestMerged(101, UNSAFE.javascript);
    await pullRequestMerged(102, UNSAFE.data);
    await pullRequestMerged(103, `https://github.com/${owner}/${repo}/pull/103`);
    const stored = await until("the three pull requests", async () => {
      const rows = await db.pullRequest.findMany({ where: { repository: `${owner}/${repo}` }, orderBy: { number: "asc" } });
      return rows.length === 3 ? rows : null;
    });
    expect(stored.map((row) => [row.number, row.url])).toEqual([
      [101, null],
      [102, null],
      [103, `https://github.com/${owner}/${repo}/pull/103`],
    ]);
    type Lookup = { matches: { commit: { pullRequests: { number: number; url: string | null }[] } }[] };
    const lookup = await until("the commit with its three pull requests", async () => {
      const api = await fetch(new URL(`/api/v1/commits/${commitSha}`, baseUrl), { headers: { cookie } });
      const body = api.status === 200 ? ((await api.json()) as Lookup) : null;
      return body?.matches[0]?.commit.pullRequests.length === 3 ? body : null;
    });
    const urls = Object.fromEntries(lookup.matches[0]!.commit.pullRequests.map((pr) => [pr.number, pr.url]));
    expect(urls).toEqual({ 101: null, 102: null, 103: `https://github.com/${owner}/${repo}/pull/103` });

    const html = await page(`/commits/${commitSha}`);
    for (const number of [101, 102, 103]) expect(html).toContain(`Link check ${number}`);
    const links = hrefs(html);
    expect(links.filter((href) => /^\s*(javascript|data|vbscript):/.test(href))).toEqual([]);
    expect(links).toContain(`https://github.com/${owner}/${repo}/pull/103`);

  }, 60_000);

  it("an Argo CD instance URL that is not http(s) renders as text, not a link", async () => {
    const service = await db.service.findFirstOrThrow({ orderBy: { name: "asc" } });
    const release = await db.release.findFirstOrThrow({ where: { serviceId: service.id }, orderBy: { id: "desc" } });
    for (const url of Object.values(UNSAFE)) {
      await db.argoInstance.updateMany({ data: { url } });
      for (const pathname of [`/services/${encodeURIComponent(service.name)}`, `/releases/${release.id}`]) {
        const html = await page(pathname);
        expect(hrefs(html).filter((href) => /^\s*(javascript|data):/.test(href)), pathname).toEqual([]);
      }
    }
    // An https one still links.
    await db.argoInstance.updateMany({ data: { url: "https://argocd.example.com" } });
    expect(hrefs(await page(`/services/${encodeURIComponent(service.name)}`)).some((href) => href.startsWith("https://argocd.example.com/applications/"))).toBe(true);
  }, 60_000);
});
