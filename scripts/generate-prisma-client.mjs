// Runs `prisma generate` after `npm install`.
// Prisma's CLI insists on locating its native schema engine even though generating the
// client does not use it, and that binary is downloaded from a host these machines cannot
// reach. Pointing PRISMA_SCHEMA_ENGINE_BINARY at any executable satisfies the check; the
// generated client needs no binary at run time (it talks to Postgres via @prisma/adapter-pg).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cli = require.resolve("prisma/build/index.js");
const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";

const result = spawnSync(process.execPath, [cli, "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
