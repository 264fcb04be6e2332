// POST /api/webhooks/build through the exported route handler with real Request objects and a
// real database.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { bearerRequest, countDeliveries, storedDeliveries, warmDatabase } from "../../../../support/webhooks";

vi.stubEnv("BUILD_WEBHOOK_TOKENS", "build-token");
vi.stubEnv("ARGOCD_WEBHOOK_TOKENS", "");
vi.stubEnv("GITHUB_WEBHOOK_SECRET", "");
afterAll(() => void vi.unstubAllEnvs());
beforeAll(warmDatabase);

const { POST } = await import("../../../../../app/api/webhooks/build/route");
const send = (body: unknown, headers: Record<string, string> = {}, token: string | null = "build-token") =>
  POST(bearerRequest("build", typeof body === "string" ? body : JSON.stringify(body), token, headers), undefined);
const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;

// Values from the GitHub fixtures (registry_package/published.docker, push/payload).
const report = (tag: string) => ({
  service: "hello-world",
  repository: "Codertocat/Hello-World",
  commitSha: "6113728f27ae82c7b1a177c8d03f9e96e0adf246",
  image: "ghcr.io/codertocat/hello-world",
  tag,
  digest: "sha256:5de8f6b3f0a3f3a0b3c9f7f0b8c3d87e0d8f0e6b7d8d6c2f0f5c3b1a0e9d8c7b",
  builtAt: "2024-03-05T07:30:00Z",
});

describe("build reports", () => {
  it("are accepted and stored with the repository as ordering key", async () => {
    const body = JSON.stringify(report("1.0.0"));
    const response = await send(body);
    expect(response.status).toBe(202);
    const { deliveryId } = (await response.json()) as { deliveryId: string };
    const [row] = await storedDeliveries("BUILD", deliveryId);
    expect(row).toMatchObject({ event: "build", orderingKey: "Codertocat/Hello-World", body });
    expect(row?.headers).toMatchObject({ "x-shiplog-authenticated-by": "BUILD_WEBHOOK_TOKENS[0]" });
  });

  it("are duplicates when retried, and new when the tag moved to another digest", async () => {
    const first = (await (await send(report("1.0.1"))).json()) as { deliveryId: string };
    const retried = await send(report("1.0.1"));
    expect(retried.status).toBe(200);
    expect(await retried.json()).toEqual({ status: "duplicate", deliveryId: first.deliveryId });
    const rebuilt = await send({ ...report("1.0.1"), digest: `sha256:${"a".repeat(64)}` });
    expect(rebuilt.status).toBe(202);
  });

  it("use the Idempotency-Key header when given, and refuse it reused for another body (409)", async () => {
    const key = `ci-run-${randomUUID()}`;
    const accepted = await send(report("2.0.0"), { "idempotency-key": key });
    expect(accepted.status).toBe(202);
    expect(await accepted.json()).toEqual({ status: "accepted", deliveryId: key });
    expect((await send(report("2.0.0"), { "idempotency-key": key })).status).toBe(200);
    const reused = await send(report("2.0.1"), { "idempotency-key": key });
    expect(reused.status).toBe(409);
    expect((await errorOf(reused)).message).toContain(key);
    expect(await storedDeliveries("BUILD", key)).toHaveLength(1);
  });

  it("answer 400 with the reason when invalid, and store nothing", async () => {
    const before = await countDeliveries();
    const { commitSha: _omitted, ...withoutCommit } = report("3.0.0");
    const cases: Array<[unknown, RegExp]> = [
      [withoutCommit, /commitSha/],
      [{ ...report("3.0.0"), commitSha: "6113728" }, /commitSha: must be a full 40-character commit SHA/],
      [{ ...report("3.0.0"), builtAt: "yesterday" }, /builtAt/],
      [{ ...report("3.0.0"), repository: "hello-world" }, /repository: must be "owner\/name"/],
      [{ ...report("3.0.0"), tag: "-bad" }, /tag/],
      [[report("3.0.0")], /expected object/],
      ["{", /not JSON/],
    ];
    for (const [body, reason] of cases) {
      const response = await send(body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await errorOf(response)).message).toMatch(reason);
    }
    const badKey = await send(report("3.0.0"), { "idempotency-key": "has spaces in it" });
    expect(badKey.status).toBe(400);
    expect(await countDeliveries()).toBe(before);
  });

  it("are refused without the token (401) or above 2 MiB (413)", async () => {
    const before = await countDeliveries();
    expect((await send(report("4.0.0"), {}, null)).status).toBe(401);
    expect((await send(report("4.0.0"), {}, "wrong")).status).toBe(401);
    expect((await send({ ...report("4.0.0"), padding: "x".repeat(2 * 1024 * 1024) })).status).toBe(413);
    expect(await countDeliveries()).toBe(before);
  });
});
