// The live-update path inside one process, on a real PostgreSQL: NOTIFY from a delivery's
// transaction reaches stream subscribers only when it commits, coalesced, as server-sent events.
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "../../../lib/db/client";
import { closeDeploymentChangeFeed, subscribeToDeploymentChanges } from "../../../lib/deployments/deployment-change-feed";
import { notifyDeploymentsChanged, parseDeploymentIds } from "../../../lib/deployments/notify-deployments-changed";
import { streamDeploymentChanges } from "../../../lib/deployments/stream-deployment-changes";

/** Waits until `predicate` holds, polling every 20 ms. */
async function until(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

afterAll(closeDeploymentChangeFeed);

describe("deployment change feed", () => {
  it("hears committed notifications once per burst, and nothing from a rolled-back transaction", async () => {
    const received: number[][] = [];
    const unsubscribe = subscribeToDeploymentChanges((ids) => received.push(ids));
    try {
      // The LISTEN connection opens asynchronously: notify until it hears something.
      const warmUp = setInterval(() => void notifyDeploymentsChanged(getDb(), [1]), 100);
      await until(() => received.length > 0, 10_000).finally(() => clearInterval(warmUp));
      await new Promise((resolve) => setTimeout(resolve, 400));
      received.length = 0;

      await getDb()
        .$transaction(async (tx) => {
          await notifyDeploymentsChanged(tx, [41]);
          throw new Error("roll back");
        })
        .catch(() => undefined);
      await getDb().$transaction(async (tx) => {
        await notifyDeploymentsChanged(tx, [42, 43]);
        await notifyDeploymentsChanged(tx, [43, 44]);
      });
      await notifyDeploymentsChanged(getDb(), [45]);
      await until(() => received.flat().includes(45));
      expect(received.flat().sort()).toEqual([42, 43, 44, 45]);
      // Close together: coalesced into one message.
      expect(received).toHaveLength(1);
    } finally {
      unsubscribe();
    }
  });

  it("reads only well-formed ids from a payload", () => {
    expect(parseDeploymentIds("3,4,x,-1,5")).toEqual([3, 4, 5]);
    expect(parseDeploymentIds(undefined)).toEqual([]);
  });
});

describe("streamDeploymentChanges", () => {
  it("sends ready, then deployments events and heartbeats, and stops when the client goes", async () => {
    const abort = new AbortController();
    const reader = streamDeploymentChanges(abort.signal, { heartbeatMs: 100 }).getReader();
    const decoder = new TextDecoder();
    let text = "";
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += decoder.decode(value);
      }
    })();

    await until(() => text.includes("event: ready"));
    expect(text.startsWith("retry: 3000\n")).toBe(true);
    const warmUp = setInterval(() => void notifyDeploymentsChanged(getDb(), [77]), 100);
    await until(() => text.includes('event: deployments\ndata: {"ids":[77]}\n\n'), 10_000).finally(() => clearInterval(warmUp));
    await until(() => text.includes(": heartbeat\n\n"));

    abort.abort();
    await reading;
    const closedAt = text.length;
    await notifyDeploymentsChanged(getDb(), [78]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(text.length).toBe(closedAt);
  });
});
