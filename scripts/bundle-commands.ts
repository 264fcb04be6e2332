// `node --import tsx scripts/bundle-commands.ts <command>…`: bundles Shiplog's own long-running
// commands (worker, accept, migrate) each into one ES module in .next/commands/: our TypeScript
// compiled, every package left as an import that Node resolves from node_modules as usual.
//
// `npm run worker` and `npm run accept` bundle their command and then run the bundle with plain
// node, instead of running the TypeScript through tsx: tsx's loader is a second V8 isolate on
// its own thread that stays for the life of the process (about 35 MiB of a worker's 240 MiB
// when idle). The container image carries the same bundles (scripts/build-image-commands.ts).
//
// Each bundle is written to a temporary file and renamed into place, so a process starting from
// it never reads one half-written by another `npm run` at the same moment.
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

/** Each command and the script it runs. */
export const commandEntries = { worker: "scripts/worker.ts", accept: "scripts/accept.ts", migrate: "scripts/migrate.ts" } as const;
export type CommandName = keyof typeof commandEntries;

/** What `npm run` passes to node besides: `server-only` resolves to its empty module, as in Next's server bundles. */
export const commandConditions = ["react-server", "node", "import"];

const root = path.resolve(import.meta.dirname, "..");
export const commandsDir = path.join(root, ".next/commands");

/** Bundles `names` into commandsDir; returns each bundle's path. */
export async function bundleCommands(names: readonly CommandName[]): Promise<Map<CommandName, string>> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(names.map((name) => [name, commandEntries[name]])),
    outdir: commandsDir,
    outExtension: { ".js": ".mjs" },
    write: false,
    bundle: true,
    // Packages keep their own files and resolution (Prisma's query compiler, pg, pino).
    packages: "external",
    platform: "node",
    format: "esm",
    target: "node20",
    conditions: commandConditions,
    // A package written as CommonJS that our code imports still finds `require`.
    banner: { js: 'import { createRequire as __shiplogCreateRequire } from "node:module"; const require = __shiplogCreateRequire(import.meta.url);' },
    legalComments: "none",
    logLevel: "warning",
  });
  await mkdir(commandsDir, { recursive: true });
  const written = new Map<CommandName, string>();
  for (const output of result.outputFiles) {
    const name = path.basename(output.path, ".mjs") as CommandName;
    const temporary = `${output.path}.${process.pid}.tmp`;
    await writeFile(temporary, output.contents);
    await rename(temporary, output.path);
    written.set(name, output.path);
  }
  return written;
}

/** Bundles `name` and returns the arguments that run it with node, as `npm run <name>` does (package.json). */
export async function commandNodeArgs(name: CommandName): Promise<string[]> {
  const file = (await bundleCommands([name])).get(name)!;
  return ["--conditions=react-server", file];
}

function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commandEntries, name);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !isCommandName(name));
  if (names.length === 0 || unknown.length > 0) {
    console.error(`usage: bundle-commands.ts <${Object.keys(commandEntries).join("|")}>…${unknown.length > 0 ? ` (unknown: ${unknown.join(", ")})` : ""}`);
    process.exit(64);
  }
  await bundleCommands(names.filter(isCommandName));
}
