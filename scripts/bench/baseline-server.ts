// `node --import tsx --conditions=react-server scripts/bench/baseline-server.ts [--port 0]`
// The bench's baseline: a plain `node:http` + `pg` process with none of Shiplog's layers (no
// Next.js, no Prisma, no auth), so a scenario can compare Shiplog with the same work done bare.
// Routes come from scripts/bench/baselines/*.ts (each `export const routes: BaselineRoute[]`),
// matched on method and exact path. Prints `baseline listening on <url>` once it accepts requests.
import { readdir } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";

export type BaselineRoute = {
  method: string;
  /** Matched exactly against the request path (query string excluded). */
  path: string;
  handle: (req: IncomingMessage, res: ServerResponse, body: Buffer, pool: pg.Pool) => Promise<void>;
};

export const BASELINE_READY_PREFIX = "baseline listening on ";

const baselinesDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "baselines");

/** Every route of every module in scripts/bench/baselines (none is fine: an empty server). */
export async function loadBaselineRoutes(dir = baselinesDir): Promise<BaselineRoute[]> {
  let files: string[];
  try {
    files = (await readdir(dir)).filter((file) => file.endsWith(".ts")).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const routes: BaselineRoute[] = [];
  for (const file of files) {
    const imported = (await import(pathToFileURL(path.join(dir, file)).href)) as { routes?: BaselineRoute[] };
    if (!Array.isArray(imported.routes)) throw new Error(`${file} does not export routes: BaselineRoute[]`);
    routes.push(...imported.routes);
  }
  return routes;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: "string" } } });
  const port = Number(values.port ?? process.env.BASELINE_PORT ?? 0);
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) {
    console.error("baseline-server: DATABASE_URL is not set");
    process.exit(1);
  }
  // As many connections as the web server's Prisma pool would use under the same load, so the
  // comparison is about the layers above the database, not pool size.
  const pool = new pg.Pool({ connectionString, max: Number(process.env.BASELINE_POOL_SIZE ?? 20) });
  pool.on("error", (error) => console.error(`baseline-server: idle client error: ${error.message}`));

  const routes = new Map<string, BaselineRoute>();
  for (const route of await loadBaselineRoutes()) routes.set(`${route.method.toUpperCase()} ${route.path}`, route);

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const pathname = (req.url ?? "/").split("?")[0]!;
      const route = routes.get(`${req.method ?? "GET"} ${pathname}`);
      if (!route) {
        res.writeHead(404, { "content-type": "text/plain" }).end(`no baseline route ${req.method} ${pathname}\n`);
        return;
      }
      route.handle(req, res, Buffer.concat(chunks), pool).catch((error: unknown) => {
        console.error(`baseline-server: ${req.method} ${pathname} failed:`, error);
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
        res.end("baseline route failed\n");
      });
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, "127.0.0.1", () => {
    const { port: bound } = server.address() as AddressInfo;
    console.log(`${BASELINE_READY_PREFIX}http://127.0.0.1:${bound} (${routes.size} routes)`);
  });

  const stop = () => {
    server.close();
    server.closeAllConnections();
    void pool.end().finally(() => process.exit(0));
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await main();
}
