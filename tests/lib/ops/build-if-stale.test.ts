import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildAndStamp, buildIfStale, buildStampFile, checkBuildStale, hashBuildInputs, missingBuildTools } from "../../../lib/ops/build-if-stale";
import { StartupError } from "../../../lib/startup-error";

let root: string;

async function put(file: string, content: string) {
  await mkdir(path.dirname(path.join(root, file)), { recursive: true });
  await writeFile(path.join(root, file), content);
}

/** Pretends `next build` ran on the current sources, as buildIfStale records it. */
async function markBuilt() {
  await put(".next/BUILD_ID", "test-build");
  await put(buildStampFile, `${await hashBuildInputs(root)}\n`);
}

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "shiplog-build-"));
  await put("package.json", "{}");
  await put("package-lock.json", "{}");
  await put("next.config.js", "export default {};");
  await put("app/page.tsx", "export default function Page() { return null; }");
  await put("lib/fleet/get-fleet-overview.ts", "export {};");
  await put("prisma/schema.prisma", "// schema");
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("checkBuildStale", () => {
  it("is stale when there is no build", async () => {
    expect(await checkBuildStale(root)).toMatchObject({ stale: true, reason: "no production build yet" });
  });

  it("is stale when the build was made by hand (no stamp)", async () => {
    await put(".next/BUILD_ID", "by-hand");
    expect(await checkBuildStale(root)).toMatchObject({ stale: true });
  });

  it("is fresh when nothing the build reads has changed", async () => {
    await markBuilt();
    await put("README.md", "docs change");
    await put("tests/lib/some.test.ts", "test change");
    await put("lib/generated/prisma/client.ts", "regenerated");
    await put(".shiplog/postgres.log", "runtime state");
    expect(await checkBuildStale(root)).toMatchObject({ stale: false });
  });

  it.each([
    ["a page", "app/page.tsx"],
    ["a new component", "components/ui/badge.tsx"],
    ["lib code", "lib/fleet/get-fleet-overview.ts"],
    ["the lockfile", "package-lock.json"],
    ["next.config.js", "next.config.js"],
    ["the Prisma schema", "prisma/schema.prisma"],
    ["a .env file", ".env.production"],
  ])("is stale after a change to %s", async (_what, file) => {
    await markBuilt();
    await put(file, "changed");
    expect(await checkBuildStale(root)).toMatchObject({ stale: true, reason: "sources changed since the last build" });
  });
});

describe("buildIfStale", () => {
  it("does not run next build when the build is fresh", async () => {
    await markBuilt();
    const lines: string[] = [];
    const result = await buildIfStale({ root, env: process.env, log: (line) => lines.push(line) });
    expect(result).toEqual({ built: false, reason: "sources unchanged since the last build" });
    expect(lines).toEqual([]);
  });

  it("builds a stale tree once, and the next start finds it fresh", async () => {
    let builds = 0;
    // Like `next build`: writes .next/ and rewrites tsconfig.json on its first run.
    const build = async () => {
      builds += 1;
      await put(".next/BUILD_ID", `build-${builds}`);
      await put("tsconfig.json", `{ "include": [".next/types/**/*.ts"] }`);
    };
    const log = () => undefined;
    expect(await buildIfStale({ root, env: process.env, log, build })).toMatchObject({ built: true });
    expect(await buildIfStale({ root, env: process.env, log, build })).toMatchObject({ built: false });
    expect(builds).toBe(1);
  });

  it("leaves the build stale when a source changes while next build runs", async () => {
    let builds = 0;
    const build = async () => {
      builds += 1;
      await put(".next/BUILD_ID", `build-${builds}`);
      if (builds === 1) await put("app/page.tsx", "edited during the build");
    };
    const log = () => undefined;
    expect(await buildIfStale({ root, env: process.env, log, build })).toMatchObject({ built: true });
    expect(await checkBuildStale(root)).toMatchObject({ stale: true, reason: "sources changed since the last build" });
    expect(await buildIfStale({ root, env: process.env, log, build })).toMatchObject({ built: true });
    expect(await buildIfStale({ root, env: process.env, log, build })).toMatchObject({ built: false });
    expect(builds).toBe(2);
  });

  it("says to build before pruning when next build's devDependencies are not installed", async () => {
    // The temporary root has no node_modules, as after `npm ci --omit=dev`: no TypeScript, no Tailwind.
    const started = buildIfStale({ root, env: process.env, log: () => undefined });
    await expect(started).rejects.toBeInstanceOf(StartupError);
    await expect(started).rejects.toThrow(/typescript, @tailwindcss\/postcss.*npm ci && npm run build && npm prune --omit=dev/);
  });
});

describe("missingBuildTools", () => {
  it("finds TypeScript and Tailwind's PostCSS plugin installed, even one whose exports hide package.json", async () => {
    expect(missingBuildTools(root)).toEqual(["typescript", "@tailwindcss/postcss"]);
    await put("node_modules/typescript/package.json", JSON.stringify({ name: "typescript", main: "lib/typescript.js" }));
    await put("node_modules/typescript/lib/typescript.js", "");
    // Like the real @tailwindcss/postcss: only "." is exported.
    await put("node_modules/@tailwindcss/postcss/package.json", JSON.stringify({ name: "@tailwindcss/postcss", exports: { ".": { import: "./index.mjs" } } }));
    await put("node_modules/@tailwindcss/postcss/index.mjs", "");
    expect(missingBuildTools(root)).toEqual([]);
  });
});

describe("buildAndStamp (npm run build)", () => {
  it("builds even when the build is fresh, and npm start then serves it without building", async () => {
    await markBuilt();
    let builds = 0;
    const build = async () => {
      builds += 1;
      await put(".next/BUILD_ID", `build-${builds}`);
    };
    await buildAndStamp({ root, env: process.env, build });
    expect(builds).toBe(1);
    expect(await buildIfStale({ root, env: process.env, log: () => undefined, build })).toMatchObject({ built: false });
    expect(builds).toBe(1);
  });
});
