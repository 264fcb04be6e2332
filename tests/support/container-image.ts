// The container image under test (tests/image/container-image.test.ts), built and run with
// buildah as root: no container registry is reachable here, so the Dockerfile's NODE_IMAGE is a
// base made from Debian packages (debootstrap) and this machine's Node and npm, and containers
// run with chroot isolation (podman's runtime sets rlimits the sandbox refuses).
//
// The base is built once per machine and kept in buildah's image store
// (/var/lib/containers/storage) as localhost/shiplog-test-base:<suite>-node<version>-<ca hash>;
// the .deb files debootstrap downloads stay in $SHIPLOG_IMAGE_TEST_CACHE/debs
// (default /var/cache/shiplog-image-test), so rebuilding the base downloads nothing.
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, readlink, realpath, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Debian release of the official node:20-slim image. */
const debianSuite = "bookworm";
const debianMirror = process.env.SHIPLOG_IMAGE_TEST_MIRROR ?? "http://deb.debian.org/debian";
export const imageTestCache = process.env.SHIPLOG_IMAGE_TEST_CACHE ?? "/var/cache/shiplog-image-test";

/** Where a program is on PATH (or in the sbin folders root's PATH may lack), else null. */
export function findProgram(name: string): string | null {
  const dirs = [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/sbin", "/usr/local/sbin"];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

/** Why the image test cannot run here, or null when it can. */
export function imageTestUnavailable(): string | null {
  const missing = ["buildah", "debootstrap"].filter((name) => findProgram(name) === null);
  if (missing.length > 0) return `${missing.join(" and ")} not installed (apt-get install -y buildah debootstrap; .ci/run does)`;
  return null;
}

async function buildah(args: string[], options: { timeoutMs?: number } = {}): Promise<string> {
  try {
    const { stdout } = await run("buildah", args, { maxBuffer: 64 * 1024 * 1024, timeout: options.timeoutMs ?? 120_000 });
    return stdout.trim();
  } catch (error) {
    const failure = error as { stderr?: string; message: string };
    throw new Error(`buildah ${args.join(" ")} failed: ${failure.stderr?.trim() || failure.message}`);
  }
}

async function imageExists(name: string): Promise<boolean> {
  return buildah(["inspect", "--type", "image", name]).then(
    () => true,
    () => false,
  );
}

/** The CA bundle Node is told to trust here (a TLS-inspecting proxy's root, for the npm registry). */
function extraCaFile(): string | null {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  return file && existsSync(file) ? file : null;
}

/** The base image's name: a new Node, Debian suite or CA bundle makes a new base. */
export function baseImageName(): string {
  const ca = extraCaFile();
  const caHash = ca ? createHash("sha256").update(readFileSync(ca)).digest("hex").slice(0, 8) : "noca";
  return `localhost/shiplog-test-base:${debianSuite}-node${process.versions.node}-${caHash}`;
}

/**
 * A stand-in for node:20-slim: Debian's minimal system plus this machine's node and npm, laid out
 * as the official image has them (/usr/local/bin). Reused when already in buildah's store.
 */
export async function ensureBaseImage(log: (line: string) => void): Promise<{ name: string; built: boolean; seconds: number }> {
  const name = baseImageName();
  const started = performance.now();
  if (await imageExists(name)) return { name, built: false, seconds: 0 };

  const debs = path.join(imageTestCache, "debs");
  await mkdir(debs, { recursive: true });
  // On tmpfs when there is one: dpkg's many small writes are what takes the time.
  const scratch = existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir();
  const rootfs = await mkdtemp(path.join(scratch, "shiplog-base-"));
  try {
    log(`debootstrap ${debianSuite} (minbase) into ${rootfs}…`);
    // Two stages, so that the second runs dpkg with force-unsafe-io (no fsync for a throwaway tree).
    await runLogged("debootstrap", ["--foreign", "--variant=minbase", `--cache-dir=${debs}`, debianSuite, rootfs, debianMirror]);
    await mkdir(path.join(rootfs, "etc/dpkg/dpkg.cfg.d"), { recursive: true });
    await writeFile(path.join(rootfs, "etc/dpkg/dpkg.cfg.d/unsafe-io"), "force-unsafe-io\n");
    await runLogged("chroot", [rootfs, "/debootstrap/debootstrap", "--second-stage"]);
    await rm(path.join(rootfs, "etc/dpkg/dpkg.cfg.d/unsafe-io"));
    // What the slim images leave out too.
    for (const dir of ["var/cache/apt/archives", "var/lib/apt/lists", "usr/share/doc", "usr/share/man", "usr/share/info"]) {
      await rm(path.join(rootfs, dir), { recursive: true, force: true });
      await mkdir(path.join(rootfs, dir), { recursive: true });
    }

    await copyNodeInto(rootfs);
    const env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", `NODE_VERSION=${process.versions.node}`];
    const ca = extraCaFile();
    if (ca) {
      // Node trusts what this machine's Node trusts (npm ci in the build stage reaches the registry).
      await mkdir(path.join(rootfs, "usr/local/share/shiplog-test"), { recursive: true });
      await cp(ca, path.join(rootfs, "usr/local/share/shiplog-test/extra-ca.crt"));
      env.push("NODE_EXTRA_CA_CERTS=/usr/local/share/shiplog-test/extra-ca.crt");
    }

    const container = await buildah(["from", "scratch"]);
    try {
      const mount = await buildah(["mount", container]);
      await run("cp", ["-a", `${rootfs}/.`, `${mount}/`], { maxBuffer: 16 * 1024 * 1024 });
      await buildah(["umount", container]);
      await buildah(["config", ...env.flatMap((entry) => ["--env", entry]), "--cmd", "node", container]);
      await buildah(["commit", "--rm", container, name], { timeoutMs: 600_000 });
    } catch (error) {
      await buildah(["rm", container]).catch(() => undefined);
      throw error;
    }
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
  return { name, built: true, seconds: (performance.now() - started) / 1000 };
}

/** node at /usr/local/bin/node, npm and npx beside it, as in the official Node images. */
async function copyNodeInto(rootfs: string): Promise<void> {
  const node = await realpath(process.execPath);
  const npmDir = await findNpmDir(node);
  await mkdir(path.join(rootfs, "usr/local/bin"), { recursive: true });
  await mkdir(path.join(rootfs, "usr/local/lib/node_modules"), { recursive: true });
  await cp(node, path.join(rootfs, "usr/local/bin/node"));
  await cp(npmDir, path.join(rootfs, "usr/local/lib/node_modules/npm"), { recursive: true, verbatimSymlinks: true });
  await symlink("../lib/node_modules/npm/bin/npm-cli.js", path.join(rootfs, "usr/local/bin/npm"));
  await symlink("../lib/node_modules/npm/bin/npx-cli.js", path.join(rootfs, "usr/local/bin/npx"));
}

async function findNpmDir(node: string): Promise<string> {
  const candidates = [path.resolve(path.dirname(node), "../lib/node_modules/npm")];
  const npm = findProgram("npm");
  if (npm) {
    const target = await realpath(npm).catch(() => readlink(npm));
    candidates.push(path.resolve(path.dirname(target), ".."));
  }
  for (const candidate of candidates) if (existsSync(path.join(candidate, "bin/npm-cli.js"))) return candidate;
  throw new Error(`npm not found beside ${node}: the image's build stage runs npm ci`);
}

async function runLogged(command: string, args: string[]): Promise<void> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  child.stderr.on("data", (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output}`);
}

/** `buildah bud` of the repository's Dockerfile on the given base; the build's output goes to `logFile`. */
export async function buildImage(options: { context: string; baseImage: string; tag: string; logFile: string }): Promise<{ seconds: number }> {
  const started = performance.now();
  await mkdir(path.dirname(options.logFile), { recursive: true });
  const args = ["bud", "--isolation", "chroot", "--pull-never", "--build-arg", `NODE_IMAGE=${options.baseImage}`, "--tag", options.tag, options.context];
  const child = spawn("buildah", args, { stdio: ["ignore", "pipe", "pipe"] });
  const chunks: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  const output = Buffer.concat(chunks).toString();
  await writeFile(options.logFile, output);
  if (code !== 0) throw new Error(`buildah ${args.join(" ")} exited with ${code} (whole log: ${options.logFile}):\n${output.slice(-6_000)}`);
  return { seconds: (performance.now() - started) / 1000 };
}

/** The image's size as buildah reports it (uncompressed layers, decimal units), in bytes. */
export async function imageSize(name: string): Promise<number> {
  const images = JSON.parse(await buildah(["images", "--json", name])) as Array<{ size?: string }>;
  const match = /^([\d.]+)\s*(B|kB|MB|GB)$/.exec(images[0]?.size ?? "");
  if (!match) throw new Error(`buildah images --json ${name} gave no size (got ${JSON.stringify(images[0]?.size)})`);
  const units = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 } as const;
  return Number(match[1]) * units[match[2] as keyof typeof units];
}

export type ImageConfig = { user: string; entrypoint: string[]; cmd: string[]; workingDir: string; env: string[]; exposedPorts: string[] };

export async function inspectImage(name: string): Promise<ImageConfig> {
  const inspected = JSON.parse(await buildah(["inspect", "--type", "image", name])) as {
    OCIv1: { config: { User?: string; Entrypoint?: string[]; Cmd?: string[]; WorkingDir?: string; Env?: string[]; ExposedPorts?: Record<string, unknown> } };
  };
  const config = inspected.OCIv1.config;
  return {
    user: config.User ?? "",
    entrypoint: config.Entrypoint ?? [],
    cmd: config.Cmd ?? [],
    workingDir: config.WorkingDir ?? "",
    env: config.Env ?? [],
    exposedPorts: Object.keys(config.ExposedPorts ?? {}),
  };
}

export async function removeImage(name: string): Promise<void> {
  await buildah(["rmi", "--force", name]).catch(() => undefined);
}

/** A working container of the image, with its root filesystem mounted for reading. */
export async function openContainer(image: string): Promise<{ name: string; rootfs: string; remove: () => Promise<void> }> {
  const name = await buildah(["from", "--pull-never", image]);
  const rootfs = await buildah(["mount", name]);
  return { name, rootfs, remove: async () => void (await buildah(["rm", name]).catch(() => undefined)) };
}

export type RunningCommand = {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  stop: () => Promise<void>;
};

/**
 * Runs a command in a container as the image configures it (user, working directory, env),
 * with the host's network: `buildah run --isolation chroot <container> -- <command…>`.
 */
export function runInContainer(container: string, command: string[], env: Record<string, string>): RunningCommand {
  const args = ["run", "--isolation", "chroot", ...Object.entries(env).flatMap(([key, value]) => ["--env", `${key}=${value}`]), container, "--", ...command];
  const child = spawn("buildah", args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-200_000));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.once("error", () => resolve(-1));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, output: () => output, exited, stop };
}
