// Reading webhook bodies: a cap per body (413) and one across the process (503 with Retry-After),
// so bodies arriving together cannot exhaust the web process's memory.
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/http/app-error";
import { BODIES_IN_FLIGHT_LIMIT, readBodyWithLimit, webhookBytesInFlight } from "@/lib/ingest/accept/read-body-with-limit";

const MiB = 1024 * 1024;

/** A request whose body sends `mib` MiB, then waits for `release` before ending. */
function slowRequest(mib: number, release: Promise<void>): Request {
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (sent < mib) {
        sent += 1;
        controller.enqueue(new Uint8Array(MiB));
        return;
      }
      await release;
      controller.close();
    },
  });
  return new Request("http://shiplog.test/api/webhooks/github", { method: "POST", body, duplex: "half" } as RequestInit);
}

describe("readBodyWithLimit", () => {
  it("refuses a body over its cap with 413", async () => {
    const error = await readBodyWithLimit(slowRequest(3, Promise.resolve()), 2 * MiB).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(413);
    expect(webhookBytesInFlight()).toBe(0);
  });

  it("answers 503 with Retry-After once the bodies being read together pass the process's limit, and frees their bytes", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const first = readBodyWithLimit(slowRequest(BODIES_IN_FLIGHT_LIMIT / MiB - 8, released), 25 * MiB * 4);
    // Wait until the first body's bytes are all counted.
    while (webhookBytesInFlight() < BODIES_IN_FLIGHT_LIMIT - 8 * MiB) await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await readBodyWithLimit(slowRequest(16, Promise.resolve()), 25 * MiB).catch((caught: unknown) => caught);
    expect(second).toBeInstanceOf(AppError);
    expect((second as AppError).status).toBe(503);
    expect((second as AppError).headers["Retry-After"]).toBe("5");
    release();
    expect((await first).bytes.length).toBe(BODIES_IN_FLIGHT_LIMIT - 8 * MiB);
    expect(webhookBytesInFlight()).toBe(0);
    // With the first one read, a body of the same size is read whole.
    expect((await readBodyWithLimit(slowRequest(16, Promise.resolve()), 25 * MiB)).bytes.length).toBe(16 * MiB);
  });
});
