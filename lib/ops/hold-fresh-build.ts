// A build of the current sources in .next/ and a shared lock on it, for whoever serves that build
// while others may rebuild: the e2e test setup and `npm run bench`. Several engineers (and their
// runs) share one working tree; `next build` takes the lock exclusively, so it never rewrites
// .next/ under another run's server, and two runs never build at once; whoever comes second finds
// the build fresh and serves it.
import path from "node:path";
import { performance } from "node:perf_hooks";
import { buildIfStale, checkBuildStale } from "./build-if-stale";
import { type FileLock, holdFileLock } from "./hold-file-lock";

export const buildLockFile = ".shiplog/next-build.lock";

/** Resolves once .next/ matches the sources, holding a shared lock on it until released. */
export async function holdFreshBuild(options: {
  root: string;
  log: (line: string) => void;
  /** Who waits, in the waiting message ("test run", "bench"). */
  waiter?: string;
  timeoutMs?: number;
}): Promise<FileLock> {
  const { root, log } = options;
  const lockFile = path.join(root, buildLockFile);
  const waiter = options.waiter ?? "run";
  const waitLog = (what: string) => () => log(`waiting for another ${waiter} (${what})…`);
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;

  const shared = await holdFileLock(lockFile, "shared", { timeoutMs, onWait: waitLog("building Next") });
  const check = await checkBuildStale(root);
  if (!check.stale) {
    log(`using the existing Next build (${check.reason})`);
    return shared;
  }
  await shared.release();

  const exclusive = await holdFileLock(lockFile, "exclusive", { timeoutMs, onWait: waitLog("serving the current build") });
  try {
    const started = performance.now();
    // Checks again: another run may have built while this one waited.
    const build = await buildIfStale({ root, env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" }, log });
    log(build.built ? `next build took ${((performance.now() - started) / 1000).toFixed(1)} s` : "using the Next build another run just made");
  } finally {
    await exclusive.release();
  }
  return holdFileLock(lockFile, "shared", { timeoutMs, onWait: waitLog("building Next") });
}
