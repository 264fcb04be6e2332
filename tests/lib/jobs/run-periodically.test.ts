// The runners' shared loop: passes at the interval until the signal aborts, a line logged only
// for a pass that did something, a failed pass logged and followed by the next, and an abort
// that ends the pause at once instead of after the interval.
import { describe, expect, it } from "vitest";
import { runPeriodically } from "../../../lib/jobs/run-periodically";

function recordingLog() {
  const lines: { level: "info" | "error"; line: string }[] = [];
  return { lines, log: { info: (line: string) => lines.push({ level: "info", line }), error: (line: string) => lines.push({ level: "error", line }) } as never };
}

describe("runPeriodically", () => {
  it("runs passes until the signal aborts, logging only the passes that did something", async () => {
    const controller = new AbortController();
    const { lines, log } = recordingLog();
    const results = ["executed 1", null, "executed 2"];
    let passes = 0;
    await runPeriodically({
      name: "test",
      signal: controller.signal,
      intervalMs: 5,
      log,
      pass: async () => {
        const result = results[passes]!;
        passes += 1;
        if (passes === results.length) controller.abort();
        return result;
      },
    });
    expect(passes).toBe(3);
    expect(lines).toEqual([
      { level: "info", line: "executed 1" },
      { level: "info", line: "executed 2" },
    ]);
  });

  it("logs a failed pass by its message and tries again at the next one", async () => {
    const controller = new AbortController();
    const { lines, log } = recordingLog();
    let passes = 0;
    await runPeriodically({
      name: "test",
      signal: controller.signal,
      intervalMs: 5,
      log,
      pass: async () => {
        passes += 1;
        if (passes === 1) throw new Error("Argo CD answered 503: try again later");
        if (passes === 2) throw "not an Error";
        controller.abort();
        return "recovered";
      },
    });
    expect(lines).toEqual([
      { level: "error", line: "pass failed: Argo CD answered 503: try again later" },
      { level: "error", line: "pass failed: not an Error" },
      { level: "info", line: "recovered" },
    ]);
  });

  it("ends the pause as soon as the signal aborts, not after the interval", async () => {
    const controller = new AbortController();
    let passes = 0;
    const started = performance.now();
    const running = runPeriodically({ name: "test", signal: controller.signal, intervalMs: 60_000, log: recordingLog().log, pass: async () => ((passes += 1), null) });
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    await running;
    expect(passes).toBe(1);
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it("makes no pass when the signal has already aborted", async () => {
    let passes = 0;
    await runPeriodically({ name: "test", signal: AbortSignal.abort(), intervalMs: 5, log: recordingLog().log, pass: async () => ((passes += 1), null) });
    expect(passes).toBe(0);
  });
});
