// POST /api/webhooks/github through the exported route handler with real Request objects and
// a real database: every published GitHub payload example is accepted once, and nothing that
// is not signed by a configured secret is stored. One test goes over a real socket.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { signGithubPayload } from "../../../../../lib/ingest/accept/verify-github-signature";
import { countDeliveries, distinctCopy, githubFixtures, githubRequest, storedDeliveries, warmDatabase, type GithubFixture } from "../../../../support/webhooks";

vi.stubEnv("GITHUB_WEBHOOK_SECRET", "github-secret-old, github-secret-new");
vi.stubEnv("ARGOCD_WEBHOOK_TOKENS", "");
vi.stubEnv("BUILD_WEBHOOK_TOKENS", "");
afterAll(() => void vi.unstubAllEnvs());

const { POST } = await import("../../../../../app/api/webhooks/github/route");
const call = (request: Request) => POST(request, undefined);

let fixtures: GithubFixture[];
beforeAll(async () => {
  fixtures = await githubFixtures();
  await warmDatabase();
});

const fixture = (file: string) => {
  const found = fixtures.find((candidate) => candidate.file === file);
  if (!found) throw new Error(`no fixture ${file}`);
  return found;
};
/** A fixture's body not yet stored in this file's database (the first test stores each one). */
const unstored = (file: string) => distinctCopy(fixture(file).text);

describe("signed deliveries", () => {
  it("accepts every payload example once, with its event, ordering key and headers", async () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(80);
    for (const { event, file, text } of fixtures) {
      const delivery = randomUUID();
      const response = await call(githubRequest(text, { event, delivery }));
      expect(response.status, file).toBe(202);
      expect(await response.json()).toEqual({ status: "accepted", deliveryId: delivery });
      expect(response.headers.get("x-request-id")).toBeTruthy();

      const rows = await storedDeliveries("GITHUB", delivery);
      expect(rows, file).toHaveLength(1);
      const [row] = rows;
      expect(row?.event).toBe(event);
      expect(row?.status).toBe("PENDING");
      expect(row?.body).toBe(text);
      const payload = JSON.parse(text) as { repository?: { full_name?: string } };
      expect(row?.orderingKey, file).toBe(payload.repository?.full_name ?? null);
      expect(row?.headers).toMatchObject({
        "x-github-event": event,
        "x-github-delivery": delivery,
        "x-github-hook-id": "123456",
        "user-agent": "GitHub-Hookshot/abc123",
        "x-shiplog-authenticated-by": "GITHUB_WEBHOOK_SECRET[1]",
      });
    }
    expect(await countDeliveries()).toBe(fixtures.length);
  });

  it("treats a redelivery (same X-GitHub-Delivery) as a duplicate that changes nothing", async () => {
    const text = unstored("push/payload.json");
    const delivery = randomUUID();
    expect((await call(githubRequest(text, { delivery }))).status).toBe(202);
    const [before] = await storedDeliveries("GITHUB", delivery);
    const again = await call(githubRequest(text, { delivery }));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: "duplicate", deliveryId: delivery });
    expect(await storedDeliveries("GITHUB", delivery)).toEqual([before]);
  });

  it("stores and acknowledges ping", async () => {
    const delivery = randomUUID();
    const response = await call(githubRequest(unstored("ping/payload.json"), { event: "ping", delivery }));
    expect(response.status).toBe(202);
    expect((await storedDeliveries("GITHUB", delivery))[0]?.event).toBe("ping");
  });

  it("accepts either secret while they overlap during rotation", async () => {
    for (const [index, secret] of ["github-secret-old", "github-secret-new"].entries()) {
      const delivery = randomUUID();
      expect((await call(githubRequest(unstored("push/payload.json"), { secret, delivery }))).status).toBe(202);
      expect((await storedDeliveries("GITHUB", delivery))[0]?.headers).toMatchObject({
        "x-shiplog-authenticated-by": `GITHUB_WEBHOOK_SECRET[${index}]`,
      });
    }
  });

  it("answers 50 concurrent copies of one delivery with 2xx and stores one row", async () => {
    const text = unstored("pull_request/opened.payload.json");
    const delivery = randomUUID();
    const responses = await Promise.all(Array.from({ length: 50 }, () => call(githubRequest(text, { event: "pull_request", delivery }))));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 202)).toHaveLength(1);
    expect(statuses.filter((status) => status === 200)).toHaveLength(49);
    expect(await storedDeliveries("GITHUB", delivery)).toHaveLength(1);
  });
});

describe("unauthenticated deliveries are refused and not stored", () => {
  const expectRefused = async (request: Request, delivery: string) => {
    const before = await countDeliveries();
    const response = await call(request);
    expect(response.status).toBe(401);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("unauthorized");
    expect(await storedDeliveries("GITHUB", delivery)).toEqual([]);
    expect(await countDeliveries()).toBe(before);
    return body.error.message;
  };

  it("without a signature", async () => {
    const delivery = randomUUID();
    expect(await expectRefused(githubRequest(fixture("push/payload.json").text, { secret: null, delivery }), delivery)).toMatch(/X-Hub-Signature-256 is missing/);
  });

  it("without a signature or with a malformed one, before a byte of the body is read", async () => {
    for (const signature of [undefined, "sha256=xyz"]) {
      let pulls = 0;
      // An endless 1 MiB-a-pull body: reading it at all would show in `pulls`.
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulls += 1;
          controller.enqueue(new Uint8Array(1024 * 1024));
        },
      });
      const headers: Record<string, string> = { "content-type": "application/json", "x-github-event": "push", "x-github-delivery": randomUUID() };
      if (signature) headers["x-hub-signature-256"] = signature;
      const response = await call(new Request("http://shiplog.test/api/webhooks/github", { method: "POST", headers, body, duplex: "half" } as RequestInit));
      expect(response.status, String(signature)).toBe(401);
      // A stream pulls once to fill its queue when it is made; nothing read it further.
      expect(pulls, String(signature)).toBeLessThanOrEqual(1);
    }
  });

  it("signed with another secret", async () => {
    const delivery = randomUUID();
    await expectRefused(githubRequest(fixture("push/payload.json").text, { secret: "not-the-secret", delivery }), delivery);
  });

  it("with a malformed signature header", async () => {
    const { text } = fixture("push/payload.json");
    for (const signature of ["sha256=", "sha256=xyz", "sha1=" + "0".repeat(40), signGithubPayload("github-secret-new", text).slice(7)]) {
      const delivery = randomUUID();
      await expectRefused(githubRequest(text, { signature, delivery }), delivery);
    }
  });

  it("with a tampered body", async () => {
    const { text } = fixture("push/payload.json");
    const delivery = randomUUID();
    const signature = signGithubPayload("github-secret-new", text);
    const tampered = text.replace('"ref": "refs/tags/simple-tag"', '"ref": "refs/heads/main"');
    expect(tampered).not.toBe(text);
    await expectRefused(githubRequest(tampered, { signature, delivery }), delivery);
  });

  it("whatever byte of the body or signature is changed (property)", async () => {
    const bodies = ["push/payload.json", "ping/payload.json", "release/published.payload.json"].map((file) => Buffer.from(fixture(file).text));
    const change = fc.oneof(
      fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bits: fc.integer({ min: 1, max: 255 }) }),
      fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
      fc.record({ kind: fc.constant("signature" as const), at: fc.nat(), hex: fc.constantFrom(..."0123456789abcdef") }),
    );
    const before = await countDeliveries();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bodies), change, async (original, edit) => {
        let body = original;
        let signature = signGithubPayload("github-secret-new", original);
        const at = edit.at % original.length;
        if (edit.kind === "flip") {
          body = Buffer.from(original);
          body[at] = (body[at] ?? 0) ^ edit.bits;
        } else if (edit.kind === "insert") {
          body = Buffer.concat([original.subarray(0, at), Buffer.of(edit.byte), original.subarray(at)]);
        } else if (edit.kind === "delete") {
          body = Buffer.concat([original.subarray(0, at), original.subarray(at + 1)]);
        } else if (edit.kind === "truncate") {
          body = original.subarray(0, at);
        } else {
          const position = 7 + (edit.at % 64);
          const replaced = signature[position] === edit.hex ? (edit.hex === "0" ? "1" : "0") : edit.hex;
          signature = signature.slice(0, position) + replaced + signature.slice(position + 1);
        }
        const response = await call(githubRequest(body, { signature }));
        expect(response.status).toBe(401);
      }),
      { numRuns: 300 },
    );
    expect(await countDeliveries()).toBe(before);
  });
});

describe("requests it cannot use", () => {
  it("answers 400 naming a missing X-GitHub-Event or X-GitHub-Delivery", async () => {
    const { text } = fixture("push/payload.json");
    for (const header of ["X-GitHub-Event", "X-GitHub-Delivery"]) {
      const request = githubRequest(text);
      request.headers.delete(header);
      const response = await call(request);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain(`${header} header is missing`);
    }
  });

  it("answers 400 for a signed body that is not a JSON object", async () => {
    for (const [body, reason] of [
      ["{not json", /not JSON/],
      ["[1,2]", /JSON object/],
      ["payload=%7B%7D", /not JSON/],
      [Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), /UTF-8/],
    ] as const) {
      const delivery = randomUUID();
      const response = await call(githubRequest(body, { delivery }));
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(reason);
      expect(await storedDeliveries("GITHUB", delivery)).toEqual([]);
    }
  });

  it("tells a form-encoded webhook to switch to application/json", async () => {
    const response = await call(githubRequest("payload=%7B%7D", { headers: { "content-type": "application/x-www-form-urlencoded" } }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/set it to application\/json/);
  });

  it("answers 413 above 25 MiB, declared or streamed, and stores nothing", async () => {
    const before = await countDeliveries();
    const big = Buffer.alloc(25 * 1024 * 1024 + 1, 0x20);
    const streamed = await call(githubRequest(big));
    expect(streamed.status).toBe(413);
    const declared = await call(githubRequest("{}", { headers: { "content-length": String(26 * 1024 * 1024) } }));
    expect(declared.status).toBe(413);
    expect(await countDeliveries()).toBe(before);
  });

  it("accepts a body of exactly 25 MiB", async () => {
    const { text } = fixture("push/payload.json");
    const padded = Buffer.alloc(25 * 1024 * 1024, 0x20);
    Buffer.from(text).copy(padded);
    const delivery = randomUUID();
    expect((await call(githubRequest(padded, { delivery }))).status).toBe(202);
    expect((await storedDeliveries("GITHUB", delivery))[0]?.body.length).toBe(padded.length);
  });
});

describe("over a real socket", () => {
  // A minimal Node adapter (what Next's server does): IncomingMessage → Request → handler.
  const server = createServer((req, res) => {
    const request = new Request(`http://127.0.0.1${req.url ?? "/"}`, {
      method: req.method,
      headers: toHeaders(req.headers),
      body: Readable.toWeb(req) as ReadableStream,
      duplex: "half",
    } as RequestInit);
    void call(request).then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  let url: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/api/webhooks/github`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("accepts a signed fixture and refuses a chunked upload over the cap with 413", async () => {
    const text = unstored("push/payload.json");
    const delivery = randomUUID();
    const request = githubRequest(text, { delivery });
    const accepted = await fetch(url, { method: "POST", headers: request.headers, body: text });
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ status: "accepted", deliveryId: delivery });

    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        sent += chunk.length;
        // Far beyond the cap: the server must answer before the upload ends.
        if (sent > 64 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const refused = await fetch(url, { method: "POST", headers: githubRequest("{}").headers, body: endless, duplex: "half" } as RequestInit);
    expect(refused.status).toBe(413);
  });
});

function toHeaders(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}
