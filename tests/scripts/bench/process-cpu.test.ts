// The web server's CPU per request in the bench reads /proc for `next start` and the child it
// serves from; a process's own CPU time must include its descendants' while they still run.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { expect, test } from "vitest";
import { processTreeCpuMs } from "../../../scripts/bench/process-cpu";

test("counts the CPU time of a running child, not only the parent's", async () => {
  // The shell only waits (the `; true` keeps it from exec-ing node); its child spins for up to
  // 10 s. Both form their own process group, killed whole below.
  const spin = "const end = Date.now() + 10000; while (Date.now() < end) {}";
  const shell = spawn("sh", ["-c", `${process.execPath} -e "${spin}"; true`], { stdio: "ignore", detached: true });
  try {
    const before = await processTreeCpuMs(shell.pid!);
    let after = before;
    // Busy children accrue CPU in 10 ms ticks; wait until some has been counted.
    for (let attempt = 0; attempt < 100 && after === before; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await processTreeCpuMs(shell.pid!);
    }
    expect(after).toBeGreaterThan(before);
  } finally {
    const exited = once(shell, "exit");
    process.kill(-shell.pid!, "SIGKILL");
    await exited;
  }
});

test("a process that is gone has used nothing any more", async () => {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await once(child, "exit");
  expect(await processTreeCpuMs(child.pid!)).toBe(0);
});
