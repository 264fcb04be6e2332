// `node --import tsx scripts/build-image-commands.ts [outDir]`: the container image's `shiplog
// worker` and `shiplog migrate` (Dockerfile). Next's standalone output (.next/standalone) holds
// the web server and only the node_modules files it loads; the worker and the migrator are
// TypeScript scripts that `npm run` starts through tsx, which the image does not carry. So each
// is bundled into one ES module (scripts/bundle-commands.ts, the bundles `npm run worker` runs too)
// and traced with @vercel/nft, and the package files it loads are copied beside the web server's.
// Default outDir: .next/standalone, after `SHIPLOG_NEXT_OUTPUT=standalone npm run build`.
import { copyFile, mkdir, readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { nodeFileTrace } from "@vercel/nft";
import { bundleCommands, type CommandName, commandConditions, commandEntries } from "./bundle-commands";

const root = path.resolve(import.meta.dirname, "..");
const outDir = path.resolve(root, process.argv[2] ?? ".next/standalone");

async function main(): Promise<void> {
  try {
    await stat(path.join(outDir, "server.js"));
  } catch {
    throw new Error(`${outDir}/server.js is missing: build first with SHIPLOG_NEXT_OUTPUT=standalone npm run build`);
  }

  // The image's commands (deploy/image/shiplog): all of them.
  const bundles = [...(await bundleCommands(Object.keys(commandEntries) as CommandName[])).values()];

  // Trace from the project root, so the files land at the same relative paths as Next's trace.
  const traced = await nodeFileTrace(
    bundles,
    { base: root, processCwd: root, conditions: commandConditions },
  );
  // pg's optional native driver and its Cloudflare Workers socket are never loaded on Node.
  const warnings = [...traced.warnings].filter((warning) => !/Failed to resolve dependency "(node:|pg-native"|cloudflare:sockets")/.test(warning.message));
  for (const warning of warnings) console.warn(`nft: ${warning.message}`);

  let copied = 0;
  for (const file of traced.fileList) {
    if (file.startsWith(".next/commands/")) continue;
    // The migrator reads prisma/migrations from the working directory, like the readiness check.
    if (!file.startsWith("node_modules/") && !file.startsWith("prisma/migrations/")) throw new Error(`the ${path.basename(file)} trace reached ${file}, outside node_modules: bundle it instead`);
    const target = path.join(outDir, file);
    const source = path.join(root, file);
    // Directories (and symlinks to them) come along with their files.
    if (!(await stat(source)).isFile()) continue;
    if (await exists(target)) continue;
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(source, target);
    copied += 1;
  }
  copied += await copyModuleSyncTargets();
  await mkdir(path.join(outDir, "commands"), { recursive: true });
  for (const bundle of bundles) await copyFile(bundle, path.join(outDir, "commands", path.basename(bundle)));
  console.log(`image commands: ${bundles.map((bundle) => `commands/${path.basename(bundle)}`).join(", ")} in ${path.relative(root, outDir)}; ${copied} package files added to its node_modules`);
}

/**
 * Node 20.19+ resolves `require()` of a package whose exports name a "module-sync" file to that
 * file (async-function's require.mjs, loaded by get-intrinsic under @gitbeaker/rest), which nft
 * leaves out when the condition sits in an exports array. Every package in the image, the web
 * server's as the commands', gets the module-sync files its package.json names.
 */
async function copyModuleSyncTargets(): Promise<number> {
  let copied = 0;
  const files = await readdir(path.join(outDir, "node_modules"), { recursive: true });
  for (const manifest of files.filter((file) => path.basename(file) === "package.json").map((file) => path.join("node_modules", file))) {
    const exports = (JSON.parse(await readFile(path.join(outDir, manifest), "utf8").catch(() => "{}")) as { exports?: unknown }).exports;
    for (const target of moduleSyncTargets(exports)) {
      const file = path.join(path.dirname(manifest), target);
      const destination = path.join(outDir, file);
      if (await exists(destination)) continue;
      // A package.json that is no package's (a fixture inside one) may name files nobody ships.
      if (!(await exists(path.join(root, file)))) continue;
      await mkdir(path.dirname(destination), { recursive: true });
      await copyFile(path.join(root, file), destination);
      copied += 1;
    }
  }
  return copied;
}

/** The files an exports field names under "module-sync", at any depth ("./require.mjs"). */
function moduleSyncTargets(exports: unknown, underModuleSync = false): string[] {
  if (typeof exports === "string") return underModuleSync && exports.startsWith("./") ? [exports] : [];
  if (Array.isArray(exports)) return exports.flatMap((entry) => moduleSyncTargets(entry, underModuleSync));
  if (exports && typeof exports === "object") {
    return Object.entries(exports).flatMap(([key, value]) => moduleSyncTargets(value, underModuleSync || key === "module-sync"));
  }
  return [];
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}

await main();
