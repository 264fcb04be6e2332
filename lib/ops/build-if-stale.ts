// Runs `next build` only when the last production build is missing or was made from other
// sources: a hash of everything the build reads is kept next to it in .next/, so the second
// `npm start` serves at once and an edited page or upgraded dependency rebuilds.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import type { Dirent } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { StartupError } from "../startup-error";
import { nextBin } from "./next-bin";

/** Folders whose files feed the Next build (lib/generated is derived from prisma/schema.prisma). */
const inputDirs = ["app", "components", "lib", "public", "styles", "hooks"];
const skippedDirs = new Set(["node_modules", "lib/generated"]);
/** Root files that feed it: config, dependencies, and the .env files whose NEXT_PUBLIC_* are inlined. */
const inputFile =
  /^(next\.config\.[cm]?[jt]s|postcss\.config\.[cm]?[jt]s|tailwind\.config\.[cm]?[jt]s|tsconfig\.json|package\.json|package-lock\.json|middleware\.ts|proxy\.ts|instrumentation(-client)?\.ts|\.env(\..+)?)$/;
const extraFiles = ["prisma/schema.prisma"];
/** Inputs that `next build` rewrites on its own first run. */
const filesNextBuildRewrites = ["tsconfig.json"];

export const buildStampFile = ".next/shiplog-build-inputs.sha256";

/** A hash of every file the production build depends on, relative to `root`. */
export async function hashBuildInputs(root: string): Promise<string> {
  return hashInputs(await readBuildInputs(root));
}

/** The content of every file the production build depends on, by path relative to `root`. */
async function readBuildInputs(root: string): Promise<Map<string, Buffer>> {
  const files: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isFile() && inputFile.test(entry.name) && entry.name !== ".env.example") files.push(entry.name);
  }
  for (const dir of inputDirs) files.push(...(await listFiles(root, dir)));
  for (const file of extraFiles) files.push(file);

  const inputs = new Map<string, Buffer>();
  for (const file of files.sort()) {
    const content = await readIfExists(path.join(root, file));
    if (content !== undefined) inputs.set(file, content);
  }
  return inputs;
}

function hashInputs(inputs: Map<string, Buffer>): string {
  const hash = createHash("sha256");
  for (const [file, content] of inputs) hash.update(file).update("\0").update(content).update("\0");
  return hash.digest("hex");
}

export type StaleCheck = { stale: boolean; reason: string; inputsHash: string };

export async function checkBuildStale(root: string): Promise<StaleCheck> {
  const inputsHash = await hashBuildInputs(root);
  const buildId = await readIfExists(path.join(root, ".next/BUILD_ID"));
  if (buildId === undefined) return { stale: true, reason: "no production build yet", inputsHash };
  const stamp = (await readIfExists(path.join(root, buildStampFile)))?.toString("utf8");
  if (stamp === undefined) return { stale: true, reason: "the existing build was not made by `npm start`", inputsHash };
  if (stamp.trim() !== inputsHash) return { stale: true, reason: "sources changed since the last build", inputsHash };
  return { stale: false, reason: "sources unchanged since the last build", inputsHash };
}

/** Builds with `next build` when the build is stale; resolves once .next/ matches the sources. */
export async function buildIfStale(options: {
  root: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  signal?: AbortSignal;
  /** The build itself; `next build` unless a test stands in for it. */
  build?: (root: string, env: NodeJS.ProcessEnv, signal?: AbortSignal) => Promise<void>;
}): Promise<{ built: boolean; reason: string }> {
  const { root, log } = options;
  const check = await checkBuildStale(root);
  if (!check.stale) return { built: false, reason: check.reason };

  log(`building the web app (${check.reason}); this takes a minute or more…`);
  await buildAndStamp(options);
  return { built: true, reason: check.reason };
}

/**
 * Runs `next build` and records what it was built from, so that a later `npm start` serves this
 * build without rebuilding (`npm run build`; a production install builds, then prunes the
 * devDependencies `next build` needs).
 */
export async function buildAndStamp(options: {
  root: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  build?: (root: string, env: NodeJS.ProcessEnv, signal?: AbortSignal) => Promise<void>;
}): Promise<void> {
  const { root, env, signal, build = runNextBuild } = options;
  // The stamp describes the sources as they were when the build began, so a file edited while
  // `next build` runs leaves the build stale. The one exception is what `next build` itself
  // rewrites (tsconfig.json), taken as it is afterwards, or every start would rebuild.
  const inputs = await readBuildInputs(root);
  await build(root, env, signal);
  for (const file of filesNextBuildRewrites) {
    const content = await readIfExists(path.join(root, file));
    if (content === undefined) inputs.delete(file);
    else inputs.set(file, content);
  }
  await writeFile(path.join(root, buildStampFile), `${hashInputs(inputs)}\n`);
}

/** What `next build` needs beyond `dependencies`: TypeScript and the CSS toolchain. */
const buildOnlyPackages = ["typescript", "@tailwindcss/postcss"];

/** The build-only packages that are not installed under `root` (after `npm ci --omit=dev`). */
export function missingBuildTools(root: string): string[] {
  const require = createRequire(path.join(root, "package.json"));
  return buildOnlyPackages.filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch (error) {
      // Installed but not require-able (exports for import only) still counts as installed.
      return (error as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND";
    }
  });
}

async function runNextBuild(root: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<void> {
  const missing = missingBuildTools(root);
  if (missing.length > 0) {
    throw new StartupError(
      `the web app needs a build, but \`next build\` needs devDependencies this install left out (${missing.join(", ")}). ` +
        "Build before leaving them out: `npm ci && npm run build && npm prune --omit=dev`, then `npm start`.",
    );
  }
  const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    const child = spawn(process.execPath, [nextBin(root), "build"], { cwd: root, env, stdio: "inherit", signal });
    child.once("error", reject);
    child.once("exit", (code, exitSignal) => resolve({ code, signal: exitSignal }));
  });
  if (exit.code !== 0) {
    throw new StartupError(
      `\`next build\` failed (${exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}`}); its output is above. ` +
        "Fix the reported error, or run `npm run build` to reproduce it.",
    );
  }
}

async function listFiles(root: string, dir: string): Promise<string[]> {
  if (skippedDirs.has(dir)) return [];
  let entries: Dirent[];
  try {
    entries = await readdir(path.join(root, dir), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(root, relative)));
    else if (entry.isFile()) files.push(relative);
  }
  return files;
}

async function readIfExists(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
