// `npm run bench -- --size tiny` as the lead runs it, end to end against the test PostgreSQL:
// fleet template, `next start`, the worker, the baseline server and every scenario on disk.
// The benchmark is not a test: nothing here asserts a threshold, only that the run completes
// and reports every scenario with well-formed figures and verdicts.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, inject, it } from "vitest";
import type { BenchReport } from "../../scripts/bench/report";

const root = path.resolve(import.meta.dirname, "../..");
const scenariosDir = path.join(root, "scripts/bench/scenarios");
const VERDICTS = ["pass", "falls short", "no target", "no figure"];

/** The ids the scenario files on disk declare (H2/H3's arrive over time; each present one must report). */
async function scenarioIdsOnDisk(): Promise<string[]> {
  const ids: string[] = [];
  for (const file of (await readdir(scenariosDir)).filter((name) => name.endsWith(".ts"))) {
    const source = await readFile(path.join(scenariosDir, file), "utf8");
    const match = /\bid:\s*"([^"]+)"/.exec(source);
    if (match) ids.push(match[1]!);
  }
  return ids;
}

async function runBench(args: string[]): Promise<{ code: number | null; output: string }> {
  const pkg = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as { scripts: { bench: string } };
  const [command, ...scriptArgs] = pkg.scripts.bench.split(" ");
  expect(command).toBe("node");
  const child = spawn(process.execPath, [...scriptArgs, ...args], {
    cwd: root,
    // The test server, not the bench's own embedded PostgreSQL.
    env: { ...process.env, DATABASE_URL: inject("serverUrl") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", (exitCode) => resolve(exitCode)));
  return { code, output };
}

describe("npm run bench -- --size tiny", () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // Generous: a stale Next build (2–4 minutes on two cores) is made first, and another run may hold the build lock.
  it("runs every scenario on disk and writes a report whose figures are numbers and whose rows carry verdicts", { timeout: 20 * 60_000 }, async () => {
    dir = await mkdtemp(path.join(tmpdir(), "shiplog-bench-"));
    const out = path.join(dir, "bench.json");
    const run = await runBench(["--size", "tiny", "--out", out]);
    expect(run.code, run.output.slice(-4000)).toBe(0);
    expect(run.output).toContain("verdict");

    const report = JSON.parse(await readFile(out, "utf8")) as BenchReport;
    // Where the time went, for whoever keeps this test short.
    console.log(report.scenarios.map((scenario) => `${scenario.id} ${scenario.seconds.toFixed(1)} s`).join(", "));
    expect(report.size.name).toBe("tiny");
    expect(report.fleet.services).toBe(12);
    expect(report.fleet.deployments).toBeGreaterThan(0);
    expect(report.machine.cpus).toBeGreaterThan(0);
    expect(report.machine.postgres).toMatch(/^\d+/);
    expect(report.gitCommit).not.toBe("");

    const ids = await scenarioIdsOnDisk();
    expect(ids).toContain("memory");
    expect(report.scenarios.map((scenario) => scenario.id).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      const rows = report.measurements.filter((measurement) => measurement.scenarioId === id);
      expect(rows.length, `rows of ${id}`).toBeGreaterThan(0);
      const failure = report.scenarios.find((scenario) => scenario.id === id)?.error;
      expect(failure, `${id} threw`).toBeNull();
    }
    for (const row of report.measurements) {
      const label = `${row.scenarioId}: ${row.metric}`;
      expect(VERDICTS, label).toContain(row.verdict);
      for (const figure of [row.shiplog, row.baseline, row.ratio]) {
        if (figure !== null) expect(Number.isFinite(figure), `${label} = ${figure}`).toBe(true);
      }
      if (row.shiplog === null) expect(row.note, `${label} has no figure and no reason`).toBeTruthy();
    }
  });
});
