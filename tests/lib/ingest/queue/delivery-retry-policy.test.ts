import { describe, expect, it } from "vitest";
import { afterFailure, defaultRetryPolicy } from "@/lib/ingest/queue/delivery-retry-policy";

const noJitter = { ...defaultRetryPolicy, jitter: 0 };

describe("afterFailure", () => {
  it("doubles the delay from 2 s, capped at 5 minutes", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attempts) => afterFailure(attempts, { ...noJitter, maxAttempts: 20 }, { permanent: false }));
    expect(delays).toEqual([2, 4, 8, 16, 32, 64, 128].map((seconds) => ({ status: "FAILED", retryInMs: seconds * 1000 })));
    expect(afterFailure(12, { ...noJitter, maxAttempts: 20 }, { permanent: false })).toEqual({ status: "FAILED", retryInMs: 300_000 });
  });

  it("quarantines after maxAttempts (8 by default: about four minutes of retries)", () => {
    expect(afterFailure(7, noJitter, { permanent: false }).status).toBe("FAILED");
    expect(afterFailure(8, noJitter, { permanent: false })).toEqual({ status: "QUARANTINED" });
  });

  it("quarantines a permanent failure (an invalid payload) at the first attempt", () => {
    expect(afterFailure(1, noJitter, { permanent: true })).toEqual({ status: "QUARANTINED" });
  });

  it("adds up to `jitter` of the delay at random", () => {
    expect(afterFailure(1, defaultRetryPolicy, { permanent: false }, () => 0)).toEqual({ status: "FAILED", retryInMs: 2000 });
    expect(afterFailure(1, defaultRetryPolicy, { permanent: false }, () => 0.999)).toEqual({ status: "FAILED", retryInMs: 2400 });
  });
});
