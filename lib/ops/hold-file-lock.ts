// An advisory file lock held by a `flock(1)` child process, since Node has no flock of its own.
// The kernel drops the lock when that child exits, and the child exits when its stdin closes,
// so a test run that crashes or is killed never leaves the lock behind.
import { spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import path from "node:path";

export type FileLock = { release: () => Promise<void> };

export async function holdFileLock(
  file: string,
  mode: "shared" | "exclusive",
  options: { timeoutMs: number; onWait?: () => void },
): Promise<FileLock> {
  await mkdir(path.dirname(file), { recursive: true });
  const child = spawn(
    "flock",
    [`--${mode}`, "--timeout", String(Math.ceil(options.timeoutMs / 1000)), file, "sh", "-c", "echo locked; exec cat >/dev/null"],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  const waiting = setTimeout(() => options.onWait?.(), 1_000);
  try {
    await new Promise<void>((resolve, reject) => {
      child.once("error", (error: NodeJS.ErrnoException) =>
        reject(error.code === "ENOENT" ? new Error("flock(1) not found: install util-linux (apt-get install -y util-linux)") : error),
      );
      child.stdout.once("data", () => resolve());
      void exited.then((code) => reject(new Error(`could not take the ${mode} lock on ${file} within ${options.timeoutMs / 1000} s (flock exit code ${code})`)));
    });
  } finally {
    clearTimeout(waiting);
  }
  return {
    release: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
